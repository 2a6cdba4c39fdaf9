package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

const udfPkg = "github.com/tickc/tickc/runtime/udf"

// udfName returns the UDF an @name() node runs (its kind is "@name"), or "".
func udfName(n *ir.Node) string {
	if len(n.Kind) > 1 && n.Kind[0] == '@' {
		return n.Kind[1:]
	}
	return ""
}

// udf generates an @name() node: newTask starts its agent and initialises
// it with the node's options (a failure stops the start, as in Kapacitor);
// the node passes each point or batch to the agent, and the agent's output
// reaches the children through the node's Out method (see runtime/udf for
// when; udfSyncs for the HTTPOut endpoints).
func (ng *nodeGen) udf() []jen.Code {
	n := ng.n
	if gn := ng.g.goNode(n); gn != nil {
		return ng.goNode(gn)
	}
	var opts []jen.Code
	for _, p := range n.Props {
		var vals []jen.Code
		for _, a := range p.Args {
			vals = append(vals, optionValue(a))
		}
		opts = append(opts, jen.Values(jen.Dict{
			jen.Id("Name"):   jen.Lit(p.Name),
			jen.Id("Values"): jen.Index().Qual(udfPkg, "OptionValue").Values(vals...),
		}))
	}
	node, out := n.Name+"Node", n.Name+"Out"
	pos := ng.g.pos[n.ID]
	ng.g.addField(node, jen.Op("*").Qual(udfPkg, "Node"))
	onOut, param, value := "OnPoint", jen.Id("p").Op("*").Qual(pipelinePkg, "Point"), jen.Id("p")
	if n.Provides == catalog.BatchEdge {
		onOut, param, value = "OnBatch", jen.Id("b").Op("*").Qual(pipelinePkg, "Batch"), jen.Id("b")
	}
	ng.g.setup(true,
		jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(udfPkg, "New").Call(
			jen.Lit(udfName(n)), jen.Lit(ng.g.task.ID), jen.Lit(n.Name), jen.Index().Qual(udfPkg, "Option").Values(opts...),
			jen.Id("env"), jen.Id("t").Dot("groups")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(n.Name+": %w"), jen.Err()))),
		jen.Id("t").Dot(node).Dot(onOut).Op("=").Id("t").Dot(out),
		jen.Id("t").Dot(node).Dot("OnError").Op("=").Func().Params(jen.Err().Error()).Block(jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), jen.Err())),
	)
	ng.g.funcs = append(ng.g.funcs, jen.Commentf("%s passes what %s's agent emits to its children.", out, n.Name).Line().
		Func().Params(jen.Id("t").Op("*").Id("task")).Id(out).Params(param).Block(ng.send(value)...))
	if ng.in == catalog.BatchEdge {
		return []jen.Code{jen.Id("t").Dot(node).Dot("Batch").Call(jen.Id("b"))}
	}
	return []jen.Code{jen.Id("t").Dot(node).Dot("Point").Call(jen.Id("p"))}
}

// udfSyncs wait for the agents of the task's @name() nodes to answer what
// they were sent and forward it, so that HTTPOut, and the httpOut files of
// a replay, show their output: the nodes do not wait per point.
func (g *gen) udfSyncs() []jen.Code {
	var syncs []jen.Code
	for _, n := range g.nodes {
		if udfName(n) != "" && g.goNode(n) == nil {
			syncs = append(syncs, jen.Id("t").Dot(n.Name+"Node").Dot("Sync").Call())
		}
	}
	return syncs
}

// optionValue is the udf.OptionValue of an option argument.
func optionValue(v ir.Value) jen.Code {
	d := jen.Dict{}
	switch v.Type {
	case types.Bool:
		d[jen.Id("Type")], d[jen.Id("Bool")] = jen.Qual(udfPkg, "Bool"), jen.Lit(v.Bool)
	case types.Int:
		d[jen.Id("Type")], d[jen.Id("Int")] = jen.Qual(udfPkg, "Int"), jen.Lit(v.Int)
	case types.Float:
		d[jen.Id("Type")], d[jen.Id("Double")] = jen.Qual(udfPkg, "Double"), jen.Lit(v.Float)
	case types.Duration:
		d[jen.Id("Type")], d[jen.Id("Int")] = jen.Qual(udfPkg, "Duration"), jen.Int64().Call(durationLit(v.Dur))
	default:
		d[jen.Id("Type")], d[jen.Id("String")] = jen.Qual(udfPkg, "String"), jen.Lit(v.Str)
	}
	return jen.Values(d)
}

// goFunc returns the Go UDF function called name, or nil.
func (g *gen) goFunc(name string) *ir.GoFunc {
	for i := range g.task.GoFuncs {
		if g.task.GoFuncs[i].Name == name {
			return &g.task.GoFuncs[i]
		}
	}
	return nil
}

// callGo calls a Go UDF function directly: it is linked into the binary.
func (l *lambdaGen) callGo(e *ir.Expr, gf *ir.GoFunc) (jen.Code, types.Type) {
	var codes []jen.Code
	for i, a := range e.Args {
		code, typ := l.expr(a)
		codes = append(codes, l.convert(code, typ, gf.Params[i], fmt.Sprintf("argument %d of %s()", i+1, gf.Name)))
	}
	call := jen.Qual(gf.Package, gf.GoName).Call(codes...)
	if !gf.Err {
		return call, gf.Result
	}
	v := l.tmp()
	l.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Add(call))
	l.emit(l.fail())
	return jen.Id(v), gf.Result
}

// goNode returns the Go node type an @name() node uses, or nil for a UDF
// run by an agent.
func (g *gen) goNode(n *ir.Node) *ir.GoNode {
	name := udfName(n)
	for i := range g.task.GoNodes {
		if g.task.GoNodes[i].Name == name {
			return &g.task.GoNodes[i]
		}
	}
	return nil
}

// goNode generates an @name() node of a Go UDF package: a value of its
// type with the options in its fields, whose Point or Batch method the
// node calls directly.
func (ng *nodeGen) goNode(gn *ir.GoNode) []jen.Code {
	n := ng.n
	fields := jen.Dict{}
	for _, p := range n.Props { // a later call of an option wins
		fields[jen.Id(gn.Fields[p.Name])] = goOption(p.Args[0])
	}
	node, out := n.Name+"Node", n.Name+"Out"
	ng.g.addField(node, jen.Op("*").Qual(gn.Package, gn.GoName))
	ng.g.setup(false, jen.Id("t").Dot(node).Op("=").Op("&").Qual(gn.Package, gn.GoName).Values(fields))
	method, param, value := "Point", jen.Id("p").Op("*").Qual(pipelinePkg, "Point"), jen.Id("p")
	if gn.Batch {
		method, param, value = "Batch", jen.Id("b").Op("*").Qual(pipelinePkg, "Batch"), jen.Id("b")
	}
	ng.g.funcs = append(ng.g.funcs, jen.Commentf("%s passes what %s emits to its children.", out, n.Name).Line().
		Func().Params(jen.Id("t").Op("*").Id("task")).Id(out).Params(param).Block(ng.send(value)...))
	return []jen.Code{jen.If(jen.Err().Op(":=").Id("t").Dot(node).Dot(method).Call(value, jen.Id("t").Dot(out)), jen.Err().Op("!=").Nil()).Block(
		jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(ng.g.pos[n.ID]), jen.Err()),
	)}
}

// goOption is the Go value of an option argument, for a struct field.
func goOption(v ir.Value) jen.Code {
	switch v.Type {
	case types.Int:
		return jen.Lit(int(v.Int))
	case types.Duration:
		return durationLit(v.Dur)
	case types.Float:
		return jen.Lit(v.Float)
	case types.Bool:
		return jen.Lit(v.Bool)
	}
	return jen.Lit(v.Str)
}
