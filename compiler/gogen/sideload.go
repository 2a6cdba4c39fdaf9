package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
)

const sideloadPkg = "github.com/tickc/tickc/runtime/sideload"

// sideload generates a sideload node: the runtime node loads its .source()
// when the task starts (a failure stops the start, as in Kapacitor) and
// sets the .field()s and .tag()s of each point, or of each point of a
// batch, from the files .order() names.
func (ng *nodeGen) sideload() []jen.Code {
	n := ng.n
	src := n.Lookup("source")
	if src == nil {
		panic(fmt.Sprintf("%s (%s): sideload() needs a .source()", n.Name, ng.g.where(n)))
	}
	var order []jen.Code
	if p := n.Lookup("order"); p != nil { // each .order() replaces the list
		for _, a := range p.Args {
			order = append(order, jen.Lit(a.Str))
		}
	}
	// Later .field(name, ...) and .tag(name, ...) replace earlier ones.
	values := func(prop string) jen.Code {
		var names []string
		last := map[string]ir.Value{}
		for _, p := range n.All(prop) {
			name := p.Args[0].Str
			if _, ok := last[name]; !ok {
				names = append(names, name)
			}
			last[name] = p.Args[1]
		}
		var out []jen.Code
		for _, name := range names {
			v := last[name]
			out = append(out, jen.Values(jen.Dict{
				jen.Id("Name"):    jen.Lit(name),
				jen.Id("Default"): toValue(ng.g.literal(v), v.Type),
			}))
		}
		if len(out) == 0 {
			return jen.Nil()
		}
		return jen.Index().Qual(sideloadPkg, "Field").Values(out...)
	}
	node := n.Name + "Node"
	pos := ng.g.pos[n.ID]
	ng.g.addField(node, jen.Op("*").Qual(sideloadPkg, "Node"))
	ng.g.setup(true,
		jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(sideloadPkg, "New").Call(
			jen.Lit(src.Args[0].Str), jen.Index().String().Values(order...), values("field"), values("tag"), jen.Id("env").Dot("Config")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(n.Name+": %w"), jen.Err()))),
		jen.Id("t").Dot(node).Dot("OnError").Op("=").Func().Params(jen.Err().Error()).Block(jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), jen.Err())),
	)
	if ng.in == catalog.BatchEdge {
		return append([]jen.Code{jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
			jen.Id("t").Dot(node).Dot("Apply").Call(jen.Op("&").Id("b").Dot("Points").Index(jen.Id("i"))),
		)}, ng.send(jen.Id("b"))...)
	}
	return append([]jen.Code{jen.Id("t").Dot(node).Dot("Apply").Call(jen.Id("p"))}, ng.send(jen.Id("p"))...)
}
