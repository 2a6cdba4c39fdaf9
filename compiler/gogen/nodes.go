package gogen

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/dot"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// nodeGen generates one node: its method, its lambdas, its per-group state.
type nodeGen struct {
	g       *gen
	n       *ir.Node
	state   *groupState
	lambdas []jen.Code
	// in is the edge the node receives: stream points or batches.
	in catalog.Edge
}

func (g *gen) node(n *ir.Node) {
	ng := &nodeGen{g: g, n: n, state: &groupState{typeName: n.Name + "Group"}, in: catalog.StreamEdge}
	if len(n.Parents) > 0 {
		ng.in = g.task.Nodes[n.Parents[0]].Provides
	}
	emit, ok := emitters[n.Kind]
	if udfName(n) != "" {
		emit, ok = (*nodeGen).udf, true
	}
	if !ok {
		panic(fmt.Sprintf("%s (%s:%d): the %s node is not supported by this version of tickc", n.Name, g.file, n.Line, n.Kind))
	}
	body := emit(ng)
	if !ng.state.used() && !ungrouped[n.Kind] {
		// Kapacitor reports how many groups each grouped node has seen.
		group := jen.Id("p").Dot("Group")
		if ng.in == catalog.BatchEdge {
			group = jen.Id("b").Dot("Group")
		}
		body = append([]jen.Code{jen.Id("t").Dot("stats").Index(jen.Lit(g.pos[n.ID])).Dot("Saw").Call(group)}, body...)
	}
	if ng.state.used() {
		g.fields = append(g.fields, jen.Id(n.Name+"Groups").Qual(pipelinePkg, "PerGroup").Types(jen.Id(ng.state.typeName)))
		g.funcs = append(g.funcs, jen.Commentf("%s holds %s's state for one group.", ng.state.typeName, n.Name).Line().
			Type().Id(ng.state.typeName).Struct(ng.state.fields...))
	}
	g.funcs = append(g.funcs, jen.Commentf("%s is %s (%s).", n.Name, g.describe(n), g.where(n)).Line().
		Func().Params(jen.Id("t").Op("*").Id("task")).Id(n.Name).Params(ng.param()).Block(body...))
	g.funcs = append(g.funcs, ng.lambdas...)
	if n.Kind == "barrier" || g.reachedByBarriers(n) {
		g.barrierGens[n.ID] = ng
	}
}

// describe is the node as written, e.g. |alert() or |window().
func (g *gen) describe(n *ir.Node) string {
	if n.ID == 0 {
		return string(g.task.Type)
	}
	if udfName(n) != "" {
		return n.Kind + "()"
	}
	return "|" + n.Kind + "()"
}

func (ng *nodeGen) param() jen.Code {
	in := jen.Id("p").Op("*").Qual(pipelinePkg, "Point")
	if ng.in == catalog.BatchEdge {
		in = jen.Id("b").Op("*").Qual(pipelinePkg, "Batch")
	}
	if takesSource(ng.n) {
		return jen.List(in, jen.Id("src").Int())
	}
	return in
}

// send passes value (a *Point or *Batch expression) to every child,
// counting it on each edge. A child that changes what it gets receives a
// copy when it has siblings.
func (ng *nodeGen) send(value jen.Code) []jen.Code {
	var out []jen.Code
	var children []*ir.Node
	for _, c := range ng.n.Children {
		if child := ng.g.task.Nodes[c]; !dot.IsSource(child) {
			children = append(children, child)
		}
	}
	out = append(out, ng.countEmitted(value, len(children))...) // for stats(), wallclock.go
	for i, child := range children {
		out = append(out, jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[ng.n.ID])).Dot("Out").Index(jen.Lit(i)).Dot("Add").Call(jen.Lit(1)))
		arg := value
		if i < len(children)-1 {
			c := fmt.Sprintf("c%d", i)
			if ng.n.Provides == catalog.StreamEdge {
				// A copy per edge, kept in the task, so fan-out does not allocate.
				f := fmt.Sprintf("%sCopy%d", ng.n.Name, i)
				ng.g.addField(f, jen.Qual(pipelinePkg, "Point"))
				out = append(out, jen.Add(value).Dot("CopyTo").Call(jen.Op("&").Id("t").Dot(f)))
				arg = jen.Op("&").Id("t").Dot(f)
			} else {
				out = append(out, jen.Id(c).Op(":=").Add(value).Dot("Clone").Call())
				arg = jen.Op("&").Id(c)
			}
		}
		args := []jen.Code{arg}
		if takesSource(child) { // it needs to know which parent a point came from
			args = append(args, jen.Lit(parentIndex(child, ng.n.ID)))
		}
		out = append(out, jen.Id("t").Dot(child.Name).Call(args...))
	}
	return out
}

// takesSource reports whether a node is called with the index of the
// parent a point comes from: the nodes with several parents (union, join).
func takesSource(n *ir.Node) bool {
	return len(n.Parents) > 1 || n.Kind == "union" || n.Kind == "join"
}

func parentIndex(child *ir.Node, parent int) int {
	for i, p := range child.Parents {
		if p == parent {
			return i
		}
	}
	panic(fmt.Sprintf("%s is not a parent of %s", fmt.Sprint(parent), child.Name))
}

// report counts a lambda error against the node and drops the message.
func (ng *nodeGen) report() jen.Code { return ng.reportAnd(jen.Return()) }

// reportAnd counts a lambda error against the node and runs drop.
func (ng *nodeGen) reportAnd(drop jen.Code) jen.Code {
	return jen.If(jen.Err().Op("!=").Nil()).Block(ng.reportErr(jen.Err()), drop)
}

// reportErr counts the error err against the node and logs it. As in
// Kapacitor, a .quiet() node only counts it, and eval's own .quiet() drops
// it silently.
func (ng *nodeGen) reportErr(err jen.Code) jen.Code {
	pos := ng.g.pos[ng.n.ID]
	switch {
	case ng.n.Lookup("quiet") != nil && ng.n.Kind == "eval":
		return jen.Null()
	case ng.n.Lookup("quiet") != nil:
		return jen.Id("t").Dot("stats").Index(jen.Lit(pos)).Dot("Errors").Dot("Add").Call(jen.Lit(1))
	}
	return jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), err)
}

// groupOf returns the statements that fetch the node's group state into g.
// It is called after the lambdas are compiled, once the state is known.
func (ng *nodeGen) groupOf(group jen.Code) []jen.Code {
	if !ng.state.used() {
		return nil
	}
	return []jen.Code{
		jen.List(jen.Id("g"), jen.Id("isNew")).Op(":=").Id("t").Dot(ng.n.Name + "Groups").Dot("Get").Call(group),
		jen.If(jen.Id("isNew")).Block(
			jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[ng.n.ID])).Dot("SetCardinality").Call(
				jen.Id("t").Dot(ng.n.Name + "Groups").Dot("Cardinality").Call()),
		),
	}
}

// lambda compiles a lambda into a method and returns its name. Its
// parameters are the point, the group state when the node has one, and
// params (earlier eval results).
func (ng *nodeGen) lambda(role string, e *ir.Expr, ret types.Type, params []param) string {
	name := ng.n.Name + role
	extra := params
	pm := map[string]param{}
	for _, p := range params {
		pm[strings.TrimPrefix(p.id, "r_")] = p
	}
	body := ng.g.compileLambda(e, ret, ng.state, pm)
	decl := []jen.Code{jen.Id("p").Op("*").Qual(pipelinePkg, "Point")}
	// The group parameter is decided once every lambda is compiled; the
	// method is rendered lazily so it sees the final state.
	ng.lambdas = append(ng.lambdas, jen.Do(func(s *jen.Statement) {
		params := decl
		if ng.state.used() {
			params = append(params, jen.Id("g").Op("*").Id(ng.state.typeName))
		}
		for _, p := range extra {
			params = append(params, jen.Id(p.id).Add(goType(p.typ)))
		}
		s.Commentf("%s is lambda: %s (%s).", name, ng.g.source(ng.n, e), ng.g.where(ng.n)).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(name).Params(params...).Params(goType(ret), jen.Error()).Block(body...)
	}))
	return name
}

// callLambda calls a lambda method with the point, the group state if the
// node has one, and args.
func (ng *nodeGen) callLambda(name string, args ...jen.Code) jen.Code {
	return jen.Do(func(s *jen.Statement) {
		all := []jen.Code{jen.Id("p")}
		if ng.state.used() {
			all = append(all, jen.Id("g"))
		}
		s.Id("t").Dot(name).Call(append(all, args...)...)
	})
}

// deferGroup returns a placeholder for the group fetch, filled in when the
// whole node is known.
func (ng *nodeGen) deferGroup(group jen.Code) jen.Code {
	return jen.Do(func(s *jen.Statement) {
		for _, c := range ng.groupOf(group) {
			s.Add(c).Line()
		}
	})
}

var emitters map[string]func(*nodeGen) []jen.Code

// ungrouped nodes report no working cardinality of their own: the sources,
// from() and groupBy(), which assign groups, and nodes whose runtime counts
// its groups itself (window, union, join, flatten).
var ungrouped = map[string]bool{"stream": true, "batch": true, "from": true, "groupBy": true, "window": true, "union": true,
	"join": true, "flatten": true, "trickle": true, // trickle: like Kapacitor's, it counts no groups
	"query": true} // a query node sets its batches' group, then counts it

func init() {
	emitters = map[string]func(*nodeGen) []jen.Code{
		"stream":   (*nodeGen).stream,
		"from":     (*nodeGen).from,
		"where":    (*nodeGen).where,
		"eval":     (*nodeGen).eval,
		"groupBy":  (*nodeGen).groupBy,
		"default":  (*nodeGen).defaults,
		"delete":   (*nodeGen).delete,
		"alert":    (*nodeGen).alert,
		"window":   (*nodeGen).window,
		"httpOut":  (*nodeGen).httpOut,
		"httpPost": (*nodeGen).httpPost,
		"log":      (*nodeGen).logNode,
		"union":    (*nodeGen).union,
		"join":     (*nodeGen).join,
		"combine":  (*nodeGen).combine,
		"flatten":  (*nodeGen).flatten,
		"sideload": (*nodeGen).sideload,
		"trickle":  (*nodeGen).trickle, // batchnodes.go
		// autoscale.go
		"k8sAutoscale": (*nodeGen).autoscale, "swarmAutoscale": (*nodeGen).autoscale, "ec2Autoscale": (*nodeGen).autoscale,
		// influxout.go
		"influxDBOut": (*nodeGen).influxDBOut,
		// wallclock.go
		"stats": (*nodeGen).stats, "barrier": (*nodeGen).barrier, "kapacitorLoopback": (*nodeGen).kapacitorLoopback,
		// batch.go
		"batch": (*nodeGen).batchSource,
		"query": (*nodeGen).query,
	}
	for name := range reducers {
		emitters[name] = (*nodeGen).influxql
	}
	for name := range batchSelectors {
		emitters[name] = (*nodeGen).influxqlBatch
	}
	// transform.go
	for name, emit := range map[string]func(*nodeGen) []jen.Code{
		"shift": (*nodeGen).shift, "sample": (*nodeGen).sample,
		"stateCount": (*nodeGen).stateTracking, "stateDuration": (*nodeGen).stateTracking,
		"changeDetect": (*nodeGen).changeDetect, "derivative": (*nodeGen).derivative,
		"holtWinters": (*nodeGen).holtWinters, "holtWintersWithFit": (*nodeGen).holtWinters,
	} {
		emitters[name] = emit
	}
	for name := range transformations {
		emitters[name] = (*nodeGen).transform
	}
}

func (ng *nodeGen) stream() []jen.Code { return ng.send(jen.Id("p")) }

func strArgs(vs []ir.Value) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.Str)
	}
	return out
}

func strSlice(ss []string) jen.Code {
	var items []jen.Code
	for _, s := range ss {
		items = append(items, jen.Lit(s))
	}
	return jen.Index().String().Values(items...)
}

// filters compiles where() lambdas into statements that drop the point
// (with the statement drop) when one is false or fails.
func (ng *nodeGen) filters(lambdas []ir.Value, drop jen.Code) []jen.Code {
	var out []jen.Code
	for i, v := range lambdas {
		role := "Where"
		if len(lambdas) > 1 {
			role = fmt.Sprintf("Where%d", i)
		}
		name := ng.lambda(role, v.Lambda, types.Bool, nil)
		out = append(out, jen.If(jen.List(jen.Id("ok"), jen.Err()).Op(":=").Add(ng.callLambda(name)), jen.Err().Op("!=").Nil()).Block(
			ng.reportErr(jen.Err()),
			drop,
		).Else().If(jen.Op("!").Id("ok")).Block(drop))
	}
	return out
}

func (ng *nodeGen) from() []jen.Code {
	n := ng.n
	var out []jen.Code
	for _, c := range []struct{ prop, field string }{{"database", "DB"}, {"retentionPolicy", "RP"}, {"measurement", "Name"}} {
		if p := n.Lookup(c.prop); p != nil {
			out = append(out, jen.If(jen.Id("p").Dot(c.field).Op("!=").Lit(p.Args[0].Str)).Block(jen.Return()))
		}
	}
	if p := n.Lookup("truncate"); p != nil {
		out = append(out, jen.Id("p").Dot("Time").Op("=").Qual(pipelinePkg, "Truncate").Call(jen.Id("p").Dot("Time"), durationLit(p.Args[0].Dur)))
	}
	if p := n.Lookup("round"); p != nil {
		out = append(out, jen.Id("p").Dot("Time").Op("=").Qual(pipelinePkg, "Round").Call(jen.Id("p").Dot("Time"), durationLit(p.Args[0].Dur)))
	}
	byName := n.Lookup("groupByMeasurement") != nil
	if p := n.Lookup("groupBy"); p != nil {
		out = append(out, ng.regroup(p.Args, nil, byName))
	} else {
		out = append(out, jen.Id("p").Dot("Group").Op("=").Id("t").Dot("groups").Dot("Root").Call())
	}
	var wheres []ir.Value
	for _, p := range n.All("where") {
		wheres = append(wheres, p.Args[0])
	}
	// Filters run once the group is known, so that stateful functions in
	// where() keep their state per group, as in Kapacitor.
	filters := ng.filters(wheres, jen.Return())
	out = append(out, ng.deferGroup(jen.Id("p").Dot("Group")))
	out = append(out, filters...)
	return append(out, ng.send(jen.Id("p"))...)
}

// regroup sets the point's group from dims (names or *) and excludes.
func (ng *nodeGen) regroup(dims []ir.Value, exclude []string, byName bool) jen.Code {
	star := false
	var names []string
	for _, d := range dims {
		if d.Type == types.Star {
			star = true
		} else {
			names = append(names, d.Str)
		}
	}
	if star {
		return jen.Id("p").Dot("Group").Op("=").Id("t").Dot("groups").Dot("ByAll").Call(jen.Id("p"), strSliceOrNil(exclude), jen.Lit(byName))
	}
	sort.Strings(names)
	return jen.Id("p").Dot("Group").Op("=").Id("t").Dot("groups").Dot("By").Call(jen.Id("p"), strSlice(names), jen.Lit(byName))
}

func strSliceOrNil(ss []string) jen.Code {
	if len(ss) == 0 {
		return jen.Nil()
	}
	return strSlice(ss)
}

func (ng *nodeGen) where() []jen.Code {
	if ng.in == catalog.BatchEdge {
		return ng.whereBatch()
	}
	filters := ng.filters(ng.n.Args, jen.Return())
	out := []jen.Code{ng.deferGroup(jen.Id("p").Dot("Group"))}
	out = append(out, filters...)
	return append(out, ng.send(jen.Id("p"))...)
}

func (ng *nodeGen) groupBy() []jen.Code {
	n := ng.n
	if ng.in == catalog.BatchEdge {
		return ng.groupByBatch()
	}
	var exclude []string
	for _, p := range n.All("exclude") {
		exclude = append(exclude, strArgs(p.Args)...)
	}
	out := []jen.Code{ng.regroup(n.Args, exclude, n.Lookup("byMeasurement") != nil)}
	return append(out, ng.send(jen.Id("p"))...)
}

func (ng *nodeGen) eval() []jen.Code {
	if ng.in == catalog.BatchEdge {
		return ng.evalBatch()
	}
	body := ng.evalPoint(jen.Return()) // compiles the lambdas: the group state is known after
	out := append([]jen.Code{ng.deferGroup(jen.Id("p").Dot("Group"))}, body...)
	return append(out, ng.send(jen.Id("p"))...)
}

// evalPoint evaluates on p each lambda in order (later ones see earlier
// results by name), then replaces the fields as .keep() says and sets the
// results as fields, or as tags for the names in .tags(). A failing lambda
// drops the point with the statement drop.
func (ng *nodeGen) evalPoint(drop jen.Code) []jen.Code {
	n := ng.n
	var names []string // no .as() when eval() has no lambdas
	if as := n.Lookup("as"); as != nil {
		names = strArgs(as.Args)
	}
	asTag := map[string]bool{}
	for _, p := range n.All("tags") {
		for _, a := range p.Args {
			asTag[a.Str] = true
		}
	}
	var out []jen.Code
	var results []param
	for i, v := range n.Args {
		ret := v.Lambda.Type
		if asTag[names[i]] {
			ret = types.String
		}
		name := ng.lambda(fmt.Sprintf("Expr%d", i), v.Lambda, ret, results)
		r := param{id: "r_" + names[i], typ: ret}
		var args []jen.Code
		for _, prev := range results {
			args = append(args, jen.Id(prev.id))
		}
		out = append(out, jen.List(jen.Id(r.id), jen.Err()).Op(":=").Add(ng.callLambda(name, args...)), ng.reportAnd(drop))
		results = append(results, r)
	}
	keep := n.Lookup("keep")
	switch {
	case keep == nil:
		out = append(out, jen.Id("p").Dot("Fields").Op("=").Id("p").Dot("Fields").Index(jen.Empty(), jen.Lit(0)))
	case len(keep.Args) > 0:
		// Kapacitor drops the point when a kept name is neither a result
		// nor a field of it.
		for _, a := range keep.Args {
			if !slices.Contains(names, a.Str) {
				out = append(out, jen.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("p").Dot("Field").Call(jen.Lit(a.Str)), jen.Op("!").Id("ok")).Block(
					ng.reportErr(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cannot keep field %q, field does not exist", a.Str)))),
					drop))
			}
		}
		out = append(out, jen.Id("p").Dot("Fields").Op("=").Qual(pipelinePkg, "KeepFields").Call(jen.Id("p").Dot("Fields"), strSlice(strArgs(keep.Args))))
	}
	kept := map[string]bool{}
	if keep != nil {
		for _, a := range keep.Args {
			kept[a.Str] = true
		}
	}
	for i, r := range results {
		name := names[i]
		if asTag[name] {
			out = append(out, ng.setTag(name, jen.Id(r.id)))
			continue
		}
		if keep != nil && len(keep.Args) > 0 && !kept[name] {
			continue
		}
		out = append(out, jen.Id("p").Dot("SetField").Call(jen.Lit(name), toValue(jen.Id(r.id), r.typ)))
	}
	if len(asTag) > 0 {
		out = append(out, ng.regroupPoint())
	}
	return out
}

func (ng *nodeGen) defaults() []jen.Code {
	if ng.in == catalog.BatchEdge {
		return ng.defaultsBatch()
	}
	return append(ng.defaultsPoint(), ng.send(jen.Id("p"))...)
}

// defaultsPoint sets p's absent fields, and absent or empty tags.
func (ng *nodeGen) defaultsPoint() []jen.Code {
	var out []jen.Code
	for _, p := range ng.n.All("field") {
		v := p.Args[1]
		lit := toValue(ng.g.literal(v), v.Type)
		out = append(out, jen.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("p").Dot("Field").Call(jen.Lit(p.Args[0].Str)), jen.Op("!").Id("ok")).Block(
			jen.Id("p").Dot("SetField").Call(jen.Lit(p.Args[0].Str), lit),
			ng.count("fields_defaulted")))
	}
	for _, p := range ng.n.All("tag") {
		out = append(out, jen.If(jen.List(jen.Id("v"), jen.Id("_")).Op(":=").Id("p").Dot("Tag").Call(jen.Lit(p.Args[0].Str)), jen.Id("v").Op("==").Lit("")).Block(
			ng.setTag(p.Args[0].Str, jen.Lit(p.Args[1].Str)),
			ng.count("tags_defaulted"),
			ng.regroupPoint()))
	}
	return out
}

// count increments the node's counter called name.
func (ng *nodeGen) count(name string) jen.Code {
	return jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[ng.n.ID])).Dot("Counter").Call(jen.Lit(name)).Dot("Add").Call(jen.Lit(1))
}

// literal is a constant IR value as a Go expression.
func (g *gen) literal(v ir.Value) jen.Code {
	l := &lambdaGen{g: g}
	return l.lit(&v)
}

func (ng *nodeGen) delete() []jen.Code {
	if ng.in == catalog.BatchEdge {
		return ng.deleteBatch()
	}
	return append(ng.deletePoint(), ng.send(jen.Id("p"))...)
}

// deletePoint removes the fields and tags from p.
func (ng *nodeGen) deletePoint() []jen.Code {
	var out []jen.Code
	for _, p := range ng.n.All("field") {
		out = append(out, jen.If(jen.Id("p").Dot("DeleteField").Call(jen.Lit(p.Args[0].Str))).Block(ng.count("fields_deleted")))
	}
	var tags []string
	for _, p := range ng.n.All("tag") {
		out = append(out, ng.deleteTag(p.Args[0].Str, ng.count("tags_deleted")))
		tags = append(tags, p.Args[0].Str)
	}
	return append(out, ng.leaveDims(tags))
}
