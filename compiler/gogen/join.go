package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

const joinPkg = "github.com/tickc/tickc/runtime/join"

// mergeDelimiter is the node's .delimiter(), "." by default.
func mergeDelimiter(n *ir.Node) string {
	if p := n.Lookup("delimiter"); p != nil {
		return p.Args[0].Str
	}
	return "."
}

// mergeTolerance adds the node's .tolerance() to a runtime config.
func mergeTolerance(n *ir.Node, cfg jen.Dict) {
	if p := n.Lookup("tolerance"); p != nil && p.Args[0].Dur != 0 {
		cfg[jen.Id("Tolerance")] = durationLit(p.Args[0].Dur)
	}
}

// mergeOut adds the method <name>Out, which sends a point (or, with
// batches, a batch) the node's runtime emits to the node's children, and
// returns it as a method value.
func (ng *nodeGen) mergeOut(what string, batches bool) jen.Code {
	n := ng.n
	param, typ := "p", "Point"
	if batches {
		param, typ = "b", "Batch"
	}
	ng.lambdas = append(ng.lambdas,
		jen.Commentf("%sOut sends %s of %s to its children.", n.Name, what, n.Name).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(n.Name+"Out").Params(jen.Id(param).Op("*").Qual(pipelinePkg, typ)).Block(ng.send(jen.Id(param))...))
	return jen.Id("t").Dot(n.Name + "Out")
}

// mergeReport is a func(error) counting and logging an error of the node.
func (ng *nodeGen) mergeReport() jen.Code {
	return jen.Func().Params(jen.Err().Error()).Block(jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(ng.g.pos[ng.n.ID]), jen.Err()))
}

// mergeInitErr returns from newTask when the node's runtime failed to start.
func (ng *nodeGen) mergeInitErr() jen.Code {
	return jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(ng.n.Name+": %w"), jen.Err())))
}

// mergeCardinality records the runtime's number of groups in the node's stats.
func (ng *nodeGen) mergeCardinality(node string) jen.Code {
	return jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[ng.n.ID])).Dot("SetCardinality").Call(jen.Id("t").Dot(node).Dot("Cardinality").Call())
}

// join generates a join node: its parents call it with their index, and
// the runtime joins their points per group on time (.tolerance()), with
// the fields of each parent prefixed by its .as() name, filling a missing
// parent as .fill() says; the joined points go to <name>Out. On a batch
// edge it joins batches, on their times, into batches.
func (ng *nodeGen) join() []jen.Code {
	n := ng.n
	node := n.Name + "Node"
	cfg := jen.Dict{
		jen.Id("Names"):     strSlice(strArgs(n.Lookup("as").Args)),
		jen.Id("Delimiter"): jen.Lit(mergeDelimiter(n)),
	}
	if p := n.Lookup("on"); p != nil && len(p.Args) > 0 {
		cfg[jen.Id("On")] = strSlice(strArgs(p.Args))
	}
	mergeTolerance(n, cfg)
	if p := n.Lookup("fill"); p != nil {
		v := p.Args[0]
		switch {
		case v.Type == types.String && v.Str == "null":
			cfg[jen.Id("Fill")] = jen.Qual(joinPkg, "FillNull")
		case v.Type == types.String && v.Str == "none":
		case v.Type == types.String:
			panic(fmt.Sprintf("%s (%s): unexpected fill option %s: use 'none', 'null' or a number", n.Name, ng.g.where(n), v.Str))
		case v.Type == types.Int || v.Type == types.Float:
			cfg[jen.Id("Fill")] = jen.Qual(joinPkg, "FillValue")
			cfg[jen.Id("FillValue")] = toValue(ng.g.literal(v), v.Type)
		}
		// Kapacitor takes any other value as 'none'.
	}
	if p := n.Lookup("streamName"); p != nil && p.Args[0].Str != "" {
		cfg[jen.Id("StreamName")] = jen.Lit(p.Args[0].Str)
	}
	if p := n.Lookup("deleteAll"); p != nil && (len(p.Args) == 0 || p.Args[0].Bool) {
		cfg[jen.Id("DeleteAll")] = jen.True()
	}
	ng.g.addField(node, jen.Op("*").Qual(joinPkg, "Join"))
	newJoin, push, what, in := "NewJoin", "Push", "a joined point", jen.Id("p")
	if ng.in == catalog.BatchEdge {
		newJoin, push, what, in = "NewBatchJoin", "PushBatch", "a joined batch", jen.Id("b")
	}
	ng.g.setup(true,
		jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(joinPkg, newJoin).Call(jen.Qual(joinPkg, "JoinConfig").Values(cfg), jen.Id("t").Dot("groups"),
			ng.mergeOut(what, ng.in == catalog.BatchEdge)),
		ng.mergeInitErr())
	return []jen.Code{
		jen.Id("t").Dot(node).Dot(push).Call(jen.Id("src"), in),
		ng.mergeCardinality(node),
	}
}

// combine generates a combine node: the runtime buffers each group's
// points of one time and, when the time moves on, emits every combination
// of them that the lambdas match one point each, through <name>Match (the
// lambdas, with the group's state) and <name>Out. On a batch edge each
// batch's points are pushed with the batch's name and group, and its last
// time is combined at the end of the batch, as in Kapacitor.
func (ng *nodeGen) combine() []jen.Code {
	n := ng.n
	if len(n.Args) == 0 {
		panic(fmt.Sprintf("%s (%s): combine() needs at least one lambda", n.Name, ng.g.where(n)))
	}
	node := n.Name + "Node"
	ng.state.addField("combine", jen.Qual(joinPkg, "CombineGroup"))
	var cases []jen.Code
	for i, v := range n.Args {
		role := fmt.Sprintf("Expr%d", i)
		name := ng.lambda(role, v.Lambda, types.Bool, nil)
		cases = append(cases, jen.Case(jen.Lit(i)).Block(jen.Return(ng.callLambda(name))))
	}
	match := n.Name + "Match"
	ng.lambdas = append(ng.lambdas,
		jen.Commentf("%s evaluates the lambda of %s's point number slot on p.", match, n.Name).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(match).Params(
			jen.Id("p").Op("*").Qual(pipelinePkg, "Point"), jen.Id("g").Op("*").Id(ng.state.typeName), jen.Id("slot").Int(),
		).Params(jen.Bool(), jen.Error()).Block(
			jen.Switch(jen.Id("slot")).Block(cases...),
			jen.Return(jen.False(), jen.Nil()),
		))
	max := jen.Qual(joinPkg, "DefaultMaxCombinations")
	if p := n.Lookup("max"); p != nil {
		max = jen.Lit(p.Args[0].Int)
	}
	cfg := jen.Dict{
		jen.Id("Names"):     strSlice(strArgs(n.Lookup("as").Args)),
		jen.Id("Delimiter"): jen.Lit(mergeDelimiter(n)),
		jen.Id("Max"):       max,
	}
	mergeTolerance(n, cfg)
	ng.g.addField(node, jen.Op("*").Qual(joinPkg, "Combine").Types(jen.Id(ng.state.typeName)))
	ng.g.setup(true,
		jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(joinPkg, "NewCombine").Types(jen.Id(ng.state.typeName)).Call(
			jen.Qual(joinPkg, "CombineConfig").Values(cfg), jen.Id("t").Dot(match), ng.mergeOut("a combined point", false), ng.mergeReport()),
		ng.mergeInitErr())
	if ng.in == catalog.BatchEdge {
		return []jen.Code{
			ng.deferGroup(jen.Id("b").Dot("Group")),
			jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
				jen.Id("bp").Op(":=").Id("b").Dot("Points").Index(jen.Id("i")),
				jen.List(jen.Id("bp").Dot("Name"), jen.Id("bp").Dot("Group")).Op("=").List(jen.Id("b").Dot("Name"), jen.Id("b").Dot("Group")),
				jen.Id("t").Dot(node).Dot("Push").Call(jen.Op("&").Id("g").Dot("combine"), jen.Id("g"), jen.Op("&").Id("bp")),
			),
			jen.Id("t").Dot(node).Dot("FlushBatch").Call(jen.Op("&").Id("g").Dot("combine"), jen.Id("g")),
		}
	}
	return []jen.Code{
		ng.deferGroup(jen.Id("p").Dot("Group")),
		jen.Id("t").Dot(node).Dot("Push").Call(jen.Op("&").Id("g").Dot("combine"), jen.Id("g"), jen.Id("p")),
	}
}

// flatten generates a flatten node: the runtime merges each group's points
// of one time into one point named after the .on() tag values, emitted
// through <name>Out when the time moves on. On a batch edge it flattens
// each batch into a batch.
func (ng *nodeGen) flatten() []jen.Code {
	n := ng.n
	node := n.Name + "Node"
	cfg := jen.Dict{jen.Id("Delimiter"): jen.Lit(mergeDelimiter(n))}
	if p := n.Lookup("on"); p != nil && len(p.Args) > 0 {
		cfg[jen.Id("On")] = strSlice(strArgs(p.Args))
	}
	mergeTolerance(n, cfg)
	if p := n.Lookup("dropOriginalFieldName"); p != nil && (len(p.Args) == 0 || p.Args[0].Bool) {
		cfg[jen.Id("DropOriginalFieldName")] = jen.True()
	}
	ng.g.addField(node, jen.Op("*").Qual(joinPkg, "Flatten"))
	if ng.in == catalog.BatchEdge {
		ng.g.setup(false,
			jen.Id("t").Dot(node).Op("=").Qual(joinPkg, "NewFlatten").Call(jen.Qual(joinPkg, "FlattenConfig").Values(cfg), jen.Nil(), ng.mergeReport()))
		push := jen.Id("t").Dot(node).Dot("PushBatch").Call(jen.Id("b"))
		sends := ng.send(jen.Id("fb"))
		if len(sends) == 0 { // a leaf: flattening counts only its errors
			return []jen.Code{push, ng.mergeCardinality(node)}
		}
		return append([]jen.Code{jen.Id("fb").Op(":=").Add(push), ng.mergeCardinality(node)}, sends...)
	}
	ng.g.setup(false,
		jen.Id("t").Dot(node).Op("=").Qual(joinPkg, "NewFlatten").Call(jen.Qual(joinPkg, "FlattenConfig").Values(cfg), ng.mergeOut("a flattened point", false), ng.mergeReport()))
	return []jen.Code{
		jen.Id("t").Dot(node).Dot("Push").Call(jen.Id("p")),
		ng.mergeCardinality(node),
	}
}
