package check

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// pendingLambda is a lambda argument whose typing waits until the whole
// pipeline is known: the fields a lambda sees depend on properties (such as
// from().measurement) that may be set after it.
type pendingLambda struct {
	dst    *ir.Expr
	src    *ast.Lambda
	node   int
	evalAs int // for eval's lambdas: their index, else -1
}

// addNode creates a node under parents (nil for the source node). caller
// is the node the chain method was called on, whose edge type the new node
// takes where it wants or provides "the same".
//
// The name follows Kapacitor's numbering, which differs from the index in
// Nodes: Kapacitor assigns a fresh number each time it links the node to a
// parent, so a join or union of n parents uses n numbers and keeps the last.
func (c *checker) addNode(spec *catalog.Node, caller *ir.Node, parents []int, args []ir.Value, span ast.Span) *ir.Node {
	id := len(c.task.Nodes)
	c.kapacitorID += max(1, len(parents))
	n := &ir.Node{
		ID: id, Kind: spec.Name, Name: fmt.Sprintf("%s%d", spec.Desc, c.kapacitorID-1),
		Parents: parents, Wants: spec.Wants, Provides: spec.Provides, Args: args,
		Pos: span, Line: span.Start.Line,
	}
	if caller != nil {
		if n.Wants == catalog.AnyEdge {
			n.Wants = caller.Provides
		}
		if n.Provides == catalog.SameEdge {
			n.Provides = caller.Provides
		}
	}
	for _, p := range parents {
		c.task.Nodes[p].Children = append(c.task.Nodes[p].Children, id)
	}
	c.task.Nodes = append(c.task.Nodes, n)
	c.specs = append(c.specs, spec)
	return n
}

// addStats creates the stats node watching w. Kapacitor makes it a new
// source, and gives w a no-op child (which takes the next number) when w has
// none yet, so that w emits something to count.
func (c *checker) addStats(w *ir.Node, args []ir.Value, span ast.Span) *ir.Node {
	childless := len(w.Children) == 0
	n := c.addNode(catalog.Nodes["stats"], w, []int{w.ID}, args, span)
	if childless {
		c.kapacitorID++
	}
	return n
}

func (c *checker) evalChain(x *ast.Chain) *value {
	lhs := c.eval(x.X)
	if lhs == nil {
		return nil
	}
	if lhs.typ != types.Node {
		c.errorf(ast.Span{Start: x.OpPos, End: x.Call.Name.Span().End}, nil,
			"cannot use %s%s on %s value: only pipeline nodes have methods", x.Op, x.Call.Name.Name, aType(lhs.typ))
		return nil
	}
	switch x.Op {
	case ast.Pipe:
		return c.chainNode(lhs.node, x)
	case ast.Dot:
		return c.property(lhs.node, x)
	}
	return c.udfNode(lhs.node, x) // ast.At: udf.go
}

// chainNode handles `parent|name(args)`, which creates a child node.
func (c *checker) chainNode(nv *nodeVal, x *ast.Chain) *value {
	name := x.Call.Name.Name
	parent, spec := c.task.Nodes[nv.id], c.specs[nv.id]
	span := ast.Span{Start: x.OpPos, End: x.Call.Span().End}
	if nv.handler > 0 {
		h := catalog.Handlers[parent.Handlers[nv.handler-1].Kind]
		if h.Prop(name) != nil {
			c.errorf(span, []string{fmt.Sprintf("Kapacitor's .%s() handler has a %s property that hides the |%s() node; start the new chain from the alert node itself (store it in a var)", h.Name, name, name)},
				"cannot use |%s() right after .%s()", name, h.Name)
			return nil
		}
	}
	if name == "deadman" {
		return c.deadman(nv, x)
	}
	if !spec.HasChain(name) {
		if c.noChain(parent, spec, x) {
			return c.property(nv, x) // reported; go on as if '.' was written
		}
		return nil
	}
	child := catalog.Nodes[name]
	if child == nil { // stats, reached only through HasChain
		child = catalog.Nodes["stats"]
	}
	if child.ParentMust != catalog.NoEdge && parent.Provides != child.ParentMust {
		c.errorf(span, edgeHint(child, parent), "%s() needs a %s edge, but %s provides %s", name, child.ParentMust, parent.Name, edgeWord(parent.Provides))
		return nil
	}
	args, extraParents, ok := c.callArgs(fmt.Sprintf("|%s()", name), child.Sig, x.Call, child.NodeArgs)
	if !ok {
		return nil
	}
	parents := append([]int{nv.id}, extraParents...)
	if child.Name == "union" {
		// Kapacitor links union's arguments before the node it is called on.
		parents = append(extraParents, nv.id)
	}
	var n *ir.Node
	if child.Name == "stats" {
		n = c.addStats(parent, args, span)
	} else {
		n = c.addNode(child, parent, parents, args, span)
	}
	c.queueLambdas(n.ID, args, name == "eval")
	for _, p := range parents {
		c.checkEdge(c.task.Nodes[p], n, span)
	}
	return &value{typ: types.Node, node: &nodeVal{id: n.ID}, span: span}
}

func edgeWord(e catalog.Edge) string {
	if e == catalog.NoEdge {
		return "no output"
	}
	return "a " + e.String() + " edge"
}

func edgeHint(child *catalog.Node, parent *ir.Node) []string {
	switch {
	case child.Name == "window" && parent.Provides == catalog.BatchEdge:
		return []string{"the data is already in batches here: drop the window(), or |trickle() it back into a stream first"}
	case child.Name == "trickle":
		return []string{"trickle() turns batches into a stream; the data here is already a stream"}
	}
	return nil
}

// checkEdge enforces that a child wants what its parent provides, which
// Kapacitor only finds when the task starts. A node wanting "the same" wants
// what the node it was called on provides, so this catches a join or union
// of a stream with a batch.
func (c *checker) checkEdge(parent, child *ir.Node, span ast.Span) {
	want := child.Wants
	if want == parent.Provides {
		return
	}
	var notes []string
	switch {
	case want == catalog.StreamEdge && parent.Provides == catalog.BatchEdge:
		notes = []string{"add |trickle() after " + parent.Name + " to turn its batches into a stream"}
	case want == catalog.BatchEdge && parent.Provides == catalog.StreamEdge:
		notes = []string{"add |window() after " + parent.Name + " to collect its points into batches"}
	}
	c.errorf(span, notes, "%s() wants a %s edge, but %s provides %s", child.Kind, want, parent.Name, edgeWord(parent.Provides))
}

// noChain explains why `|name()` is not allowed after this node. It
// returns true when name is a property, so checking can go on with it.
func (c *checker) noChain(parent *ir.Node, spec *catalog.Node, x *ast.Chain) bool {
	name := x.Call.Name.Name
	span := ast.Span{Start: x.OpPos, End: x.Call.Name.Span().End}
	switch {
	case slices.Contains(spec.Hidden, name):
		c.errorf(span, []string{fmt.Sprintf("Kapacitor's %s node has a %s property that hides the chain method; put a node in between, e.g. |where(lambda: TRUE)|%s(...)", spec.Name, name, name)},
			"|%s() cannot follow %s()", name, spec.Name)
		return false
	case spec.Prop(name) != nil || (spec.Handlers && catalog.Handlers[name] != nil):
		c.errorf(span, []string{fmt.Sprintf("use '.' instead of '|': .%s() sets a property of %s", name, spec.Name)},
			"%s() has no chain method %s, but it has a property %s", spec.Name, name, name)
		return true
	case catalog.Nodes[name] == nil:
		notes := suggest(name, spec.ChainNames(), "|")
		if p := suggestProp(name, spec); p != "" {
			notes = append(notes, fmt.Sprintf("did you mean the property .%s()?", p))
		}
		c.errorf(span, notes, "%s() has no chain method %s", spec.Name, name)
	case parent.Provides == catalog.NoEdge:
		c.errorf(span, nil, "%s() ends the pipeline: no node can follow it", spec.Name)
	case !spec.Chainable:
		c.errorf(span, []string{fmt.Sprintf("%s is followed by |%s()", spec.Name, strings.Join(spec.Extra, "() or |"))}, "%s() cannot follow %s", name, spec.Name)
	default:
		c.errorf(span, nil, "%s() cannot follow %s()", name, spec.Name)
	}
	return false
}

// property handles `node.name(args)`: a property of the open handler, of
// the node, or, on an alert, a new handler.
func (c *checker) property(nv *nodeVal, x *ast.Chain) *value {
	name := x.Call.Name.Name
	n, spec := c.task.Nodes[nv.id], c.specs[nv.id]
	span := ast.Span{Start: x.OpPos, End: x.Call.Span().End}
	if x.NoParens() {
		c.errorf(span, []string{fmt.Sprintf("write .%s(...)", name)}, "missing parentheses after .%s", name)
		return nil
	}
	if nv.handler > 0 {
		h := &n.Handlers[nv.handler-1]
		if p := catalog.Handlers[h.Kind].Prop(name); p != nil {
			args, ok := c.propArgs(fmt.Sprintf(".%s()", name), p.Sig, x.Call)
			if !ok {
				return c.keepGoing(nv, span)
			}
			h.Props = append(h.Props, ir.Prop{Name: name, Args: args, Pos: span})
			c.queueLambdas(n.ID, args, false)
			return &value{typ: types.Node, node: nv, span: span}
		}
	}
	if p := spec.Prop(name); p != nil {
		args, ok := c.propArgs(fmt.Sprintf(".%s()", name), p.Sig, x.Call)
		if !ok {
			return c.keepGoing(nv, span)
		}
		n.Props = append(n.Props, ir.Prop{Name: name, Args: args, Pos: span})
		c.queueLambdas(n.ID, args, false)
		return &value{typ: types.Node, node: &nodeVal{id: nv.id}, span: span}
	}
	if spec.Handlers {
		if h := catalog.Handlers[name]; h != nil {
			args, ok := c.propArgs(fmt.Sprintf(".%s()", name), h.Sig, x.Call)
			if !ok {
				return c.keepGoing(nv, span)
			}
			n.Handlers = append(n.Handlers, ir.Handler{Kind: name, Args: args, Pos: span})
			return &value{typ: types.Node, node: &nodeVal{id: nv.id, handler: len(n.Handlers)}, span: span}
		}
	}
	if spec.HasChain(name) {
		c.errorf(span, []string{fmt.Sprintf("use '|' instead of '.': |%s() creates a new node", name)},
			"%s() has no property %s, but it has a chain method %s", spec.Name, name, name)
		return c.chainNode(nv, x) // reported; go on as if '|' was written
	}
	c.noProperty(n, spec, nv, x, span)
	return c.keepGoing(nv, span)
}

// keepGoing continues a chain past a property that was reported as wrong,
// so later errors in the chain are found too. The node's own rules are not
// checked, since they would only repeat the error.
func (c *checker) keepGoing(nv *nodeVal, span ast.Span) *value {
	c.broken[nv.id] = true
	return &value{typ: types.Node, node: nv, span: span}
}

func (c *checker) noProperty(n *ir.Node, spec *catalog.Node, nv *nodeVal, x *ast.Chain, span ast.Span) {
	name := x.Call.Name.Name
	names := spec.PropNames()
	where := spec.Name + "()"
	if spec.Handlers {
		names = append(names, catalog.HandlerNames()...)
	}
	if nv.handler > 0 {
		h := catalog.Handlers[n.Handlers[nv.handler-1].Kind]
		for _, p := range h.Props {
			names = append(names, p.Name)
		}
		where = fmt.Sprintf("%s() or its .%s() handler", spec.Name, h.Name)
	}
	notes := suggest(name, names, ".")
	if name == "mapReduce" {
		notes = append(notes, "Kapacitor 1.x has no .mapReduce(): apply the aggregate as a node, e.g. |mean('value')")
	}
	if !spec.Handlers && catalog.Handlers[name] != nil {
		notes = append(notes, fmt.Sprintf(".%s() is an alert handler: it belongs on |alert()", name))
	}
	c.errorf(span, notes, "%s has no property %s", where, name)
}

// callArgs evaluates a chain method's arguments. With nodeArgs the
// arguments are nodes that become extra parents (join, union).
func (c *checker) callArgs(what string, sig catalog.Signature, call *ast.Call, nodeArgs bool) ([]ir.Value, []int, bool) {
	if !nodeArgs {
		args, ok := c.propArgs(what, sig, call)
		return args, nil, ok
	}
	var parents []int
	for _, a := range call.Args {
		v := c.eval(a)
		if v == nil {
			return nil, nil, false
		}
		if v.typ != types.Node {
			c.errorf(a.Span(), nil, "the arguments of %s must be nodes, found %s", what, v.typ)
			return nil, nil, false
		}
		parents = append(parents, v.node.id)
	}
	if len(parents) == 0 && strings.HasPrefix(what, "|join") {
		c.errorf(call.Span(), []string{"join another node: a|join(b).as('a', 'b')"}, "%s needs at least one node to join", what)
		return nil, nil, false
	}
	return nil, parents, true
}

// propArgs evaluates arguments and matches them against sig exactly as
// Kapacitor's reflection does: no coercion, a single list is spread.
func (c *checker) propArgs(what string, sig catalog.Signature, call *ast.Call) ([]ir.Value, bool) {
	var vals []*value
	for _, a := range call.Args {
		v := c.eval(a)
		if v == nil {
			return nil, false
		}
		vals = append(vals, v)
	}
	if len(vals) == 1 && vals[0].typ == types.List && !vals[0].template && !acceptsList(sig) {
		list := vals[0]
		vals = nil
		for _, item := range list.lit.List {
			vals = append(vals, &value{typ: item.Type, lit: item, span: list.span})
		}
	}
	min, max := len(sig.Params), len(sig.Params)
	if sig.Variadic != nil {
		max = -1
	}
	if len(vals) < min || (max >= 0 && len(vals) > max) {
		c.errorf(call.Span(), []string{"usage: " + usage(what, sig)}, "%s takes %s, got %d", what, countWord(min, max), len(vals))
		return nil, false
	}
	out := make([]ir.Value, 0, len(vals))
	for i, v := range vals {
		p := sig.Variadic
		if i < len(sig.Params) {
			p = &sig.Params[i]
		}
		if !p.Accepts(v.typ) || (v.typ == types.Node && !p.Accepts(types.Node)) {
			c.errorf(v.span, argHint(v, *p), "argument %d of %s must be %s, found %s", i+1, what, typeList(p.Types), describeValue(v))
			return nil, false
		}
		if v.ref != nil && !p.Accepts(types.Lambda) {
			c.errorf(v.span, []string{"single quotes make a string; double quotes reference a field or tag: write '" + v.ref.Name + "'"},
				"argument %d of %s is a double-quoted reference; a string is wanted here", i+1, what)
			return nil, false
		}
		iv := v.irValue()
		if v.template {
			iv = ir.Value{Type: v.typ, Var: nameOf(call.Args, i), Pos: v.span}
		}
		if v.typ == types.Lambda && v.lambda != nil {
			iv.Lambda = &ir.Expr{}
			c.lambdaSrc[iv.Lambda] = v.lambda
		}
		out = append(out, iv)
	}
	return out, true
}

// nameOf returns the identifier passed as argument i, for template vars.
func nameOf(args []ast.Expr, i int) string {
	if i < len(args) {
		if id, ok := args[i].(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

func acceptsList(sig catalog.Signature) bool {
	for _, p := range sig.Params {
		if p.Accepts(types.List) {
			return true
		}
	}
	return false
}

func countWord(min, max int) string {
	switch {
	case max < 0 && min == 0:
		return "any number of arguments"
	case max < 0:
		return fmt.Sprintf("at least %d argument%s", min, plural(min))
	case min == 0 && max == 0:
		return "no arguments"
	}
	return fmt.Sprintf("%d argument%s", min, plural(min))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func usage(what string, sig catalog.Signature) string {
	var ps []string
	for _, p := range sig.Params {
		ps = append(ps, p.Name+" "+typeList(p.Types))
	}
	if sig.Variadic != nil {
		ps = append(ps, sig.Variadic.Name+" "+typeList(sig.Variadic.Types)+"...")
	}
	return strings.TrimSuffix(what, "()") + "(" + strings.Join(ps, ", ") + ")"
}

func typeList(ts []types.Type) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.String())
	}
	return strings.Join(s, " or ")
}

func describeValue(v *value) string {
	switch {
	case v.ref != nil:
		return fmt.Sprintf("the reference %q", v.ref.Name)
	case v.typ == types.Int:
		return fmt.Sprintf("int %d", v.lit.Int)
	case v.typ == types.String && !v.template:
		return fmt.Sprintf("string '%s'", v.lit.Str)
	}
	return v.typ.String()
}

// argHint suggests the fix for an argument of the wrong type.
func argHint(v *value, p catalog.Param) []string {
	switch {
	case v.typ == types.Int && p.Accepts(types.Float):
		return []string{fmt.Sprintf("TICKscript does not convert ints to floats: write %d.0", v.lit.Int)}
	case v.typ == types.Int && p.Accepts(types.Duration):
		return []string{fmt.Sprintf("a duration needs a unit: write %ds, %dm or %dh", v.lit.Int, v.lit.Int, v.lit.Int)}
	case v.typ == types.String && v.ref == nil && p.Accepts(types.Duration):
		return []string{"write the duration without quotes, e.g. 10s"}
	case v.ref != nil && p.Accepts(types.String):
		return []string{"single quotes make a string; double quotes reference a field or tag: write '" + v.ref.Name + "'"}
	case (v.typ == types.Bool || v.typ == types.String || v.ref != nil) && p.Accepts(types.Lambda):
		return []string{"write a lambda expression, e.g. lambda: \"usage_idle\" < 70.0"}
	case v.typ == types.Float && p.Accepts(types.Int):
		return []string{"write an integer, without a decimal point"}
	case v.typ == types.String && p.Accepts(types.Bool):
		return []string{"booleans are written TRUE or FALSE"}
	case v.typ == types.TimeDim:
		return []string{"time() dimensions belong in batch|query(...).groupBy(); group a stream in time with |window()"}
	}
	return nil
}

// queueLambdas records the lambda arguments of a call for typing later.
func (c *checker) queueLambdas(node int, args []ir.Value, isEval bool) {
	for i := range args {
		if args[i].Lambda == nil {
			continue
		}
		evalAs := -1
		if isEval {
			evalAs = i
		}
		c.pending = append(c.pending, pendingLambda{dst: args[i].Lambda, src: c.lambdaSrc[args[i].Lambda], node: node, evalAs: evalAs})
	}
}

// deadman expands `|deadman(threshold, interval[, lambda...])` the way
// Kapacitor does: stats(interval).align() |derivative('emitted')
// .unit(interval).nonNegative() |alert().crit(emitted <= threshold ...).
func (c *checker) deadman(nv *nodeVal, x *ast.Chain) *value {
	sig := catalog.Signature{
		Params:   []catalog.Param{{Name: "threshold", Types: []types.Type{types.Float}}, {Name: "interval", Types: []types.Type{types.Duration}}},
		Variadic: &catalog.Param{Name: "expr", Types: []types.Type{types.Lambda}},
	}
	args, ok := c.propArgs("|deadman()", sig, x.Call)
	if !ok {
		return nil
	}
	span := ast.Span{Start: x.OpPos, End: x.Call.Span().End}
	alert := c.addDeadman(c.task.Nodes[nv.id], args[0], args[1], args[2:], span)
	return &value{typ: types.Node, node: &nodeVal{id: alert.ID}, span: span}
}

// addDeadman adds the nodes of a deadman watching the node watched and
// returns its alert node. Its id and message are the [deadman] section's
// (Config.Deadman), or Kapacitor's defaults.
func (c *checker) addDeadman(watched *ir.Node, threshold, interval ir.Value, extra []ir.Value, span ast.Span) *ir.Node {
	id, message := deadmanID, deadmanMessage
	if d := c.cfg.Deadman; d != nil {
		id, message = cmp.Or(d.ID, id), cmp.Or(d.Message, message)
	}
	stats := c.addStats(watched, []ir.Value{interval}, span)
	stats.Props = append(stats.Props, ir.Prop{Name: "align", Pos: span})
	deriv := c.addNode(catalog.Nodes["derivative"], stats, []int{stats.ID}, []ir.Value{{Type: types.String, Str: "emitted"}}, span)
	deriv.Props = append(deriv.Props, ir.Prop{Name: "unit", Args: []ir.Value{interval}, Pos: span}, ir.Prop{Name: "nonNegative", Pos: span})
	alert := c.addNode(catalog.Nodes["alert"], deriv, []int{deriv.ID}, nil, span)
	// The id and message Kapacitor's deadman service sets by default; a
	// later .id() or .message() overrides them.
	str := func(s string) []ir.Value { return []ir.Value{{Type: types.String, Str: s, Pos: span}} }
	alert.Props = append(alert.Props,
		ir.Prop{Name: "id", Args: str(strings.Replace(id, "NODE_NAME", watched.Name, 1)), Pos: span},
		ir.Prop{Name: "message", Args: str(strings.Replace(message, "INTERVAL", interval.Dur.String(), 1)), Pos: span})
	crit := &ir.Expr{Kind: ir.Binary, Type: types.Bool, Op: ast.OpLe, OpText: "<=", Pos: span, Args: []*ir.Expr{
		{Kind: ir.Ref, Type: types.Float, Name: "emitted", Pos: span},
		{Kind: ir.Lit, Type: types.Float, Lit: &threshold, Pos: span},
	}}
	alert.Props = append(alert.Props, ir.Prop{Name: "crit", Args: []ir.Value{{Type: types.Lambda, Lambda: crit, Pos: span}}, Pos: span})
	c.deadmen = append(c.deadmen, deadmanCrit{crit: crit, extra: extra, node: alert.ID})
	return alert
}

// The defaults of Kapacitor's [deadman] configuration section
// (services/deadman/config.go); NODE_NAME and INTERVAL are replaced.
const (
	deadmanID      = "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'"
	deadmanMessage = `{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: {{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.`
)

// deadmanCrit is a deadman's generated crit lambda, to which the extra
// lambdas are AND-ed once they are typed.
type deadmanCrit struct {
	crit  *ir.Expr
	extra []ir.Value
	node  int
}
