package gogen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
)

// union generates a union node: its parents call it with their index, and
// the runtime merges their points, or their batches, in time order as
// Kapacitor does; what it emits goes to <name>Out, renamed by .rename()
// when set.
func (ng *nodeGen) union() []jen.Code {
	n := ng.n
	union, value, typ, what := "Union", "p", "Point", "a point"
	if ng.in == catalog.BatchEdge {
		union, value, typ, what = "BatchUnion", "b", "Batch", "a batch"
	}
	node, emit := n.Name+"Node", n.Name+"Emit"
	ng.g.addField(node, jen.Op("*").Qual(pipelinePkg, union))
	ng.g.addField(emit, jen.Func().Params(jen.Op("*").Qual(pipelinePkg, typ)))
	ng.g.setup(false,
		jen.Id("t").Dot(node).Op("=").Qual(pipelinePkg, "New"+union).Call(jen.Lit(len(n.Parents))),
		jen.Id("t").Dot(emit).Op("=").Id("t").Dot(n.Name+"Out"),
	)
	var out []jen.Code
	if p := n.Lookup("rename"); p != nil {
		out = append(out, jen.Id(value).Dot("Name").Op("=").Lit(p.Args[0].Str))
	}
	out = append(out, ng.send(jen.Id(value))...)
	ng.lambdas = append(ng.lambdas,
		jen.Commentf("%sOut sends %s of %s, in time order, to its children.", n.Name, what, n.Name).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(n.Name+"Out").Params(jen.Id(value).Op("*").Qual(pipelinePkg, typ)).Block(out...))
	return []jen.Code{jen.Id("t").Dot(node).Dot("Push").Call(jen.Id("src"), jen.Id(value), jen.Id("t").Dot(emit))}
}
