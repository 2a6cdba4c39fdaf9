package check

import (
	"sort"
	"strings"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// shape is what the checker knows about the points leaving a node: the
// fields with their types and the tags. A closed shape is complete (it comes
// from a schema), so a reference outside it is an error; an open shape only
// knows some fields, and anything else has an unknown type.
type shape struct {
	closed bool
	fields map[string]types.Type
	tags   map[string]bool
	what   string // "measurement cpu", for messages
}

func openShape() *shape {
	return &shape{fields: map[string]types.Type{}, tags: map[string]bool{}}
}

func (s *shape) clone() *shape {
	out := &shape{closed: s.closed, what: s.what, fields: map[string]types.Type{}, tags: map[string]bool{}}
	for k, v := range s.fields {
		out.fields[k] = v
	}
	for k := range s.tags {
		out.tags[k] = true
	}
	return out
}

// lookup returns the type of a reference; ok is false only when the shape
// is closed and holds no such field or tag.
func (s *shape) lookup(name string) (types.Type, bool) {
	if t, ok := s.fields[name]; ok {
		return t, true
	}
	if s.tags[name] {
		return types.String, true
	}
	return types.Unknown, !s.closed
}

func (s *shape) fieldNames() []string { return keysOf(s.fields) }

func keysOf(m map[string]types.Type) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *shape) names() []string {
	var out []string
	for k := range s.fields {
		out = append(out, k)
	}
	for k := range s.tags {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *shape) describe() string {
	if s.what == "" {
		return "the data at this node"
	}
	return s.what
}

// typeLambdas walks the nodes in creation order (parents come first),
// works out the shape each node receives and produces, and types the
// node's lambdas against it.
func (c *checker) typeLambdas() {
	byNode := map[int][]pendingLambda{}
	for _, p := range c.pending {
		byNode[p.node] = append(byNode[p.node], p)
	}
	c.shapes = make([]*shape, len(c.task.Nodes))
	for _, n := range c.task.Nodes {
		in := c.inputShape(n)
		own := in
		if n.Kind == "from" {
			own = c.fromShape(n, in)
		}
		results := map[string]types.Type{}
		for _, p := range byNode[n.ID] {
			env := lambdaEnv{shape: own}
			if p.evalAs >= 0 {
				env.results = results
			}
			x := c.typeLambda(p.src, env)
			if x == nil {
				continue
			}
			*p.dst = *x
			if p.evalAs >= 0 {
				if name := evalName(n, p.evalAs); name != "" {
					results[name] = x.Type
				}
			}
		}
		c.shapes[n.ID] = c.outputShape(n, own, results)
	}
	for _, d := range c.deadmen {
		c.andDeadman(d)
	}
}

func (c *checker) inputShape(n *ir.Node) *shape {
	if len(n.Parents) == 1 {
		return c.shapes[n.Parents[0]]
	}
	return openShape() // sources, and nodes merging several parents
}

// fromShape narrows a from() to its measurement when a schema is known.
func (c *checker) fromShape(n *ir.Node, in *shape) *shape {
	sch := c.cfg.Schema
	if sch == nil {
		return in
	}
	out := openShape()
	out.closed = true
	if p := n.Lookup("measurement"); p != nil && len(p.Args) == 1 {
		name := p.Args[0].Str
		m, ok := sch.Measurements[name]
		if !ok {
			c.errorf(p.Args[0].Pos, suggest(name, sch.Names(), ""), "measurement %q is not in the schema", name)
			return openShape()
		}
		out.what = "measurement " + name
		for f, t := range m.Fields {
			out.fields[f] = t
		}
		for _, t := range m.Tags {
			out.tags[t] = true
		}
		return out
	}
	out.what = "any measurement"
	for _, m := range sch.Measurements {
		for f, t := range m.Fields {
			if old, dup := out.fields[f]; dup && old != t {
				t = types.Unknown
			}
			out.fields[f] = t
		}
		for _, t := range m.Tags {
			out.tags[t] = true
		}
	}
	return out
}

// aggregateTypes gives the result type of each InfluxQL function for an
// input field of type in; functions not listed keep the input's type.
func aggregateType(fn string, in types.Type) types.Type {
	switch fn {
	case "count", "elapsed":
		return types.Int
	case "mean", "median", "stddev", "movingAverage", "holtWinters", "holtWintersWithFit":
		return types.Float
	}
	return in
}

// selectors keep the selected point's other fields.
var selectors = map[string]bool{"first": true, "last": true, "min": true, "max": true, "percentile": true, "top": true, "bottom": true}

var aggregates = map[string]bool{
	"count": true, "distinct": true, "mean": true, "median": true, "mode": true, "spread": true,
	"sum": true, "first": true, "last": true, "min": true, "max": true, "percentile": true,
	"top": true, "bottom": true, "stddev": true, "elapsed": true, "difference": true,
	"movingAverage": true, "cumulativeSum": true, "holtWinters": true, "holtWintersWithFit": true,
}

// outputShape applies what node n does to the fields and tags it passes on.
func (c *checker) outputShape(n *ir.Node, in *shape, results map[string]types.Type) *shape {
	str := func(p *ir.Prop, i int) string {
		if p == nil || i >= len(p.Args) {
			return ""
		}
		return p.Args[i].Str
	}
	switch {
	case n.Kind == "eval":
		return c.evalShape(n, in, results)
	case aggregates[n.Kind]:
		field := ""
		if len(n.Args) > 0 {
			field = n.Args[0].Str
			if n.Kind == "top" || n.Kind == "bottom" {
				field = str(&ir.Prop{Args: n.Args}, 1)
			}
		}
		inType, _ := in.lookup(field)
		out := in.clone()
		if !selectors[n.Kind] {
			out.fields = map[string]types.Type{}
		}
		name := n.Kind
		if as := n.Lookup("as"); as != nil {
			name = str(as, 0)
		}
		out.fields[name] = aggregateType(n.Kind, inType)
		return out
	case n.Kind == "default":
		out := in.clone()
		for _, p := range n.All("field") {
			if len(p.Args) == 2 {
				out.fields[p.Args[0].Str] = p.Args[1].Type
			}
		}
		for _, p := range n.All("tag") {
			out.tags[str(&p, 0)] = true
		}
		return out
	case n.Kind == "delete":
		out := in.clone()
		for _, p := range n.All("field") {
			delete(out.fields, str(&p, 0))
		}
		for _, p := range n.All("tag") {
			delete(out.tags, str(&p, 0))
		}
		return out
	case n.Kind == "derivative" || n.Kind == "stateCount" || n.Kind == "stateDuration":
		out := in.clone()
		name, t := map[string]string{"stateCount": "state_count", "stateDuration": "state_duration"}[n.Kind], types.Int
		switch n.Kind {
		case "derivative":
			name, t = str(&ir.Prop{Args: n.Args}, 0), types.Float
		case "stateDuration": // in units of .unit(), as a float
			t = types.Float
		}
		if as := n.Lookup("as"); as != nil {
			name = str(as, 0)
		}
		out.fields[name] = t
		return out
	case n.Kind == "alert":
		out := in.clone()
		for prop, t := range map[string]types.Type{"levelField": types.String, "idField": types.String, "messageField": types.String, "durationField": types.Int} {
			if p := n.Lookup(prop); p != nil {
				out.fields[str(p, 0)] = t
			}
		}
		for _, prop := range []string{"levelTag", "idTag"} {
			if p := n.Lookup(prop); p != nil {
				out.tags[str(p, 0)] = true
			}
		}
		return out
	case n.Kind == "join" || n.Kind == "combine" || n.Kind == "flatten" || n.Kind == "union" ||
		n.Kind == "sideload" || n.Kind == "query" || n.Kind == "queryFlux" || n.Kind == "stats" || strings.HasPrefix(n.Kind, "@"):
		return openShape()
	}
	return in
}

// evalShape applies eval's rules (Kapacitor's eval.go): without .keep()
// only the results survive, less those made tags; .keep() adds them to the
// existing fields; .keep(names...) keeps just those names, results first.
func (c *checker) evalShape(n *ir.Node, in *shape, results map[string]types.Type) *shape {
	out := in.clone()
	out.fields = map[string]types.Type{}
	tags := map[string]bool{}
	if p := n.Lookup("tags"); p != nil {
		for _, a := range p.Args {
			tags[a.Str] = true
			out.tags[a.Str] = true
		}
	}
	keep := n.Lookup("keep")
	switch {
	case keep == nil:
		for name, t := range results {
			if !tags[name] {
				out.fields[name] = t
			}
		}
	case len(keep.Args) == 0:
		out.fields = in.clone().fields
		for name, t := range results {
			out.fields[name] = t
		}
	default:
		for _, a := range keep.Args {
			if t, ok := results[a.Str]; ok {
				out.fields[a.Str] = t
			} else if t, ok := in.fields[a.Str]; ok {
				out.fields[a.Str] = t
			} else if in.closed {
				c.errorf(a.Pos, suggest(a.Str, append(in.fieldNames(), keysOf(results)...), "'"),
					"eval().keep(%q) names neither a field of %s nor a result", a.Str, in.describe())
			} else {
				out.fields[a.Str] = types.Unknown
			}
		}
	}
	return out
}

func evalName(n *ir.Node, i int) string {
	as := n.Lookup("as")
	if as == nil || i >= len(as.Args) {
		return ""
	}
	return as.Args[i].Str
}

// andDeadman AND-s the extra lambdas of a deadman onto its crit lambda.
func (c *checker) andDeadman(d deadmanCrit) {
	for _, e := range d.extra {
		src := c.lambdaSrc[e.Lambda]
		if src == nil {
			continue
		}
		x := c.typeLambda(src, lambdaEnv{shape: openShape()})
		if x == nil {
			continue
		}
		if x.Type != types.Bool && x.Type != types.Unknown {
			c.errorf(src.Span(), []string{"the expressions are AND-ed with the throughput test: compare the value, e.g. lambda: hour(\"time\") >= 8"},
				"deadman() expressions must return a bool, but this lambda returns %s", x.Type)
			continue
		}
		left := *d.crit
		*d.crit = ir.Expr{Kind: ir.Binary, Type: types.Bool, Op: ast.OpAnd, OpText: "AND", Pos: left.Pos, Args: []*ir.Expr{&left, x}}
	}
}
