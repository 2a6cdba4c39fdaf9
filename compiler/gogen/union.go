package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
)

// union generates a union node: its parents call it with their index, and
// the runtime merges their points in time order as Kapacitor does; what it
// emits goes to <name>Out, renamed by .rename() when set.
func (ng *nodeGen) union() []jen.Code {
	n := ng.n
	if ng.in == catalog.BatchEdge {
		panic(fmt.Sprintf("%s (%s): union of batches is not supported by this version of tickc", n.Name, ng.g.where(n)))
	}
	node, emit := n.Name+"Node", n.Name+"Emit"
	ng.g.addField(node, jen.Op("*").Qual(pipelinePkg, "Union"))
	ng.g.addField(emit, jen.Func().Params(jen.Op("*").Qual(pipelinePkg, "Point")))
	ng.g.setup(false,
		jen.Id("t").Dot(node).Op("=").Qual(pipelinePkg, "NewUnion").Call(jen.Lit(len(n.Parents))),
		jen.Id("t").Dot(emit).Op("=").Id("t").Dot(n.Name+"Out"),
	)
	var out []jen.Code
	if p := n.Lookup("rename"); p != nil {
		out = append(out, jen.Id("p").Dot("Name").Op("=").Lit(p.Args[0].Str))
	}
	out = append(out, ng.send(jen.Id("p"))...)
	ng.lambdas = append(ng.lambdas,
		jen.Commentf("%sOut sends a point of %s, in time order, to its children.", n.Name, n.Name).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(n.Name+"Out").Params(jen.Id("p").Op("*").Qual(pipelinePkg, "Point")).Block(out...))
	return []jen.Code{jen.Id("t").Dot(node).Dot("Push").Call(jen.Id("src"), jen.Id("p"), jen.Id("t").Dot(emit))}
}
