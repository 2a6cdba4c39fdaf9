package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
)

const influxqlPkg = "github.com/tickc/tickc/stdlib/influxql"

// reducer says how one InfluxQL function is computed for each field kind:
// code returns the result Value, or, for a selector, the index of the
// selected value (and ok when it may select nothing).
type reducer struct {
	kinds    []string // Float, Int, String, Bool
	selector bool
	// emptyOK functions emit a result for a batch without the field.
	empty jen.Code
	code  func(ng *nodeGen, kind string) jen.Code
}

func vals(kind string) jen.Code {
	return jen.Id("c").Dot(map[string]string{"Float": "Floats", "Int": "Ints", "String": "Strings", "Bool": "Bools"}[kind])
}

func valueOf(kind string, x jen.Code) jen.Code {
	return jen.Qual(pipelinePkg, kind+"Value").Call(x)
}

// scratch returns the node's scratch buffer for sorting values of kind.
func (ng *nodeGen) scratch(kind string) jen.Code {
	name := ng.n.Name + "Scratch" + kind
	typ := map[string]jen.Code{"Float": jen.Float64(), "Int": jen.Int64()}[kind]
	ng.g.addField(name, jen.Qual(influxqlPkg, "Scratch").Types(typ))
	return jen.Id("t").Dot(name)
}

var reducers = map[string]reducer{
	"count": {kinds: []string{"Float", "Int", "String", "Bool"}, empty: valueOf("Int", jen.Lit(0)),
		code: func(_ *nodeGen, _ string) jen.Code {
			return valueOf("Int", jen.Int64().Call(jen.Id("c").Dot("Len").Call()))
		}},
	"sum": {kinds: []string{"Float", "Int"}, empty: valueOf("Float", jen.Lit(0)),
		code: func(_ *nodeGen, k string) jen.Code { return valueOf(k, jen.Qual(influxqlPkg, "Sum").Call(vals(k))) }},
	"mean": {kinds: []string{"Float", "Int"},
		code: func(_ *nodeGen, k string) jen.Code {
			return valueOf("Float", jen.Qual(influxqlPkg, "Mean").Call(vals(k)))
		}},
	"median": {kinds: []string{"Float", "Int"},
		code: func(ng *nodeGen, k string) jen.Code {
			return valueOf("Float", jen.Add(ng.scratch(k)).Dot("Median").Call(vals(k)))
		}},
	"mode": {kinds: []string{"Float", "Int"},
		code: func(ng *nodeGen, k string) jen.Code {
			return valueOf(k, jen.Add(ng.scratch(k)).Dot("Mode").Call(vals(k), jen.Id("c").Dot("Times")))
		}},
	"spread": {kinds: []string{"Float", "Int"},
		code: func(_ *nodeGen, k string) jen.Code {
			return valueOf(k, jen.Qual(influxqlPkg, "Spread"+k).Call(vals(k)))
		}},
	"stddev": {kinds: []string{"Float", "Int"},
		code: func(_ *nodeGen, k string) jen.Code {
			return valueOf("Float", jen.Qual(influxqlPkg, "Stddev"+k).Call(vals(k)))
		}},
	"first": {kinds: []string{"Float", "Int", "String", "Bool"}, selector: true,
		code: func(_ *nodeGen, k string) jen.Code { return selectFn("First", k) }},
	"last": {kinds: []string{"Float", "Int", "String", "Bool"}, selector: true,
		code: func(_ *nodeGen, k string) jen.Code { return selectFn("Last", k) }},
	"min": {kinds: []string{"Float", "Int"}, selector: true,
		code: func(_ *nodeGen, k string) jen.Code {
			return jen.Qual(influxqlPkg, "Min").Call(vals(k), jen.Id("c").Dot("Times"))
		}},
	"max": {kinds: []string{"Float", "Int"}, selector: true,
		code: func(_ *nodeGen, k string) jen.Code {
			return jen.Qual(influxqlPkg, "Max").Call(vals(k), jen.Id("c").Dot("Times"))
		}},
	"percentile": {kinds: []string{"Float", "Int"}, selector: true,
		code: func(ng *nodeGen, k string) jen.Code {
			return jen.Add(ng.scratch(k)).Dot("Percentile").Call(vals(k), jen.Lit(ng.n.Args[1].Float))
		}},
}

func selectFn(fn, kind string) jen.Code {
	if kind == "Bool" {
		return jen.Qual(influxqlPkg, fn+"Bool").Call(vals(kind), jen.Id("c").Dot("Times"))
	}
	return jen.Qual(influxqlPkg, fn).Call(vals(kind), jen.Id("c").Dot("Times"))
}

// addField adds a field to the task struct.
func (g *gen) addField(name string, typ jen.Code) {
	for _, f := range g.fieldNames {
		if f == name {
			return
		}
	}
	g.fieldNames = append(g.fieldNames, name)
	g.fields = append(g.fields, jen.Id(name).Add(typ))
}

// influxql generates an InfluxQL function over batches: it loads the field
// into a typed column and reduces it with the stdlib function for its kind.
// Aggregates emit a point with the result and the group's tags at the batch
// time; selectors emit the selected point with the result in place of the
// field, at the batch time unless .usePointTimes().
func (ng *nodeGen) influxql() []jen.Code {
	n := ng.n
	r := reducers[n.Kind]
	pos := ng.g.pos[n.ID]
	field := n.Args[0].Str
	as := n.Kind
	if p := n.Lookup("as"); p != nil {
		as = p.Args[0].Str
	}
	col, out := n.Name+"Col", n.Name+"Out"
	ng.g.addField(col, jen.Qual(pipelinePkg, "Column"))
	ng.g.addField(out, jen.Qual(pipelinePkg, "Point"))
	fail := func(err jen.Code) []jen.Code {
		return []jen.Code{jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), err), jen.Return()}
	}
	body := []jen.Code{
		jen.Id("c").Op(":=").Op("&").Id("t").Dot(col),
		jen.If(jen.Err().Op(":=").Id("c").Dot("Load").Call(jen.Id("b"), jen.Lit(field)), jen.Err().Op("!=").Nil()).Block(fail(jen.Err())...),
		jen.Id("p").Op(":=").Op("&").Id("t").Dot(out),
	}
	var cases []jen.Code
	if r.selector {
		body = append(body, jen.Var().Id("i").Int())
		for _, k := range r.kinds {
			sel := r.code(ng, k)
			if n.Kind == "percentile" {
				cases = append(cases, jen.Case(jen.Qual(pipelinePkg, k)).Block(
					jen.Var().Id("ok").Bool(),
					jen.List(jen.Id("i"), jen.Id("ok")).Op("=").Add(sel),
					jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
				))
				continue
			}
			cases = append(cases, jen.Case(jen.Qual(pipelinePkg, k)).Block(jen.Id("i").Op("=").Add(sel)))
		}
	} else {
		body = append(body, jen.Var().Id("v").Qual(pipelinePkg, "Value"))
		for _, k := range r.kinds {
			cases = append(cases, jen.Case(jen.Qual(pipelinePkg, k)).Block(jen.Id("v").Op("=").Add(r.code(ng, k))))
		}
	}
	missing := jen.Return()
	if r.empty != nil {
		missing = jen.Id("v").Op("=").Add(r.empty)
	}
	cases = append(cases,
		jen.Case(jen.Qual(pipelinePkg, "Missing")).Block(missing),
		jen.Default().Block(fail(jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("cannot compute %s of %s field %q", n.Kind, "%s", field)), jen.Id("c").Dot("Kind")))...),
	)
	body = append(body, jen.Switch(jen.Id("c").Dot("Kind")).Block(cases...))
	if r.selector {
		t := jen.Id("b").Dot("TMax")
		if n.Lookup("usePointTimes") != nil {
			t = jen.Id("sel").Dot("Time")
		}
		body = append(body,
			jen.Id("sel").Op(":=").Op("&").Id("b").Dot("Points").Index(jen.Id("c").Dot("Index").Index(jen.Id("i"))),
			jen.List(jen.Id("p").Dot("Name"), jen.Id("p").Dot("Time"), jen.Id("p").Dot("Group")).Op("=").List(jen.Id("b").Dot("Name"), t, jen.Id("b").Dot("Group")),
			jen.Id("p").Dot("Tags").Op("=").Append(jen.Id("p").Dot("Tags").Index(jen.Empty(), jen.Lit(0)), jen.Id("sel").Dot("Tags").Op("...")),
			jen.Id("p").Dot("Fields").Op("=").Append(jen.Id("p").Dot("Fields").Index(jen.Empty(), jen.Lit(0)), jen.Id("sel").Dot("Fields").Op("...")),
			jen.List(jen.Id("v"), jen.Id("_")).Op(":=").Id("p").Dot("Field").Call(jen.Lit(field)),
			jen.Id("p").Dot("DeleteField").Call(jen.Lit(field)),
			jen.Id("p").Dot("SetField").Call(jen.Lit(as), jen.Id("v")),
		)
	} else {
		body = append(body,
			jen.List(jen.Id("p").Dot("Name"), jen.Id("p").Dot("Time"), jen.Id("p").Dot("Group")).Op("=").List(jen.Id("b").Dot("Name"), jen.Id("b").Dot("TMax"), jen.Id("b").Dot("Group")),
			jen.Id("p").Dot("Tags").Op("=").Append(jen.Id("p").Dot("Tags").Index(jen.Empty(), jen.Lit(0)), jen.Id("b").Dot("Tags").Op("...")),
			jen.Id("p").Dot("Fields").Op("=").Append(jen.Id("p").Dot("Fields").Index(jen.Empty(), jen.Lit(0)), jen.Qual(pipelinePkg, "Field").Values(jen.Dict{jen.Id("Key"): jen.Lit(as), jen.Id("Value"): jen.Id("v")})),
		)
	}
	return ng.overStream(append(body, ng.send(jen.Id("p"))...))
}

// batchSelectors emit a batch of the selected points (top, bottom,
// distinct), each at the batch time with the result as its only field.
var batchSelectors = map[string]bool{"top": true, "bottom": true, "distinct": true}

// influxqlBatch generates top(), bottom() and distinct(). top and bottom
// keep each selected point's tags; distinct gives its points the group's.
func (ng *nodeGen) influxqlBatch() []jen.Code {
	n := ng.n
	pos := ng.g.pos[n.ID]
	field := n.Args[0].Str
	kinds := []string{"Float", "Int", "String", "Bool"}
	if n.Kind != "distinct" {
		field = n.Args[1].Str
		kinds = []string{"Float", "Int"}
	}
	as := n.Kind
	if p := n.Lookup("as"); p != nil {
		as = p.Args[0].Str
	}
	col, out, idx := n.Name+"Col", n.Name+"Out", n.Name+"Index"
	ng.g.addField(col, jen.Qual(pipelinePkg, "Column"))
	ng.g.addField(out, jen.Qual(pipelinePkg, "Batch"))
	ng.g.addField(idx, jen.Index().Int())
	fail := func(err jen.Code) []jen.Code {
		return []jen.Code{jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), err), jen.Return()}
	}
	var cases []jen.Code
	for _, k := range kinds {
		goT := map[string]jen.Code{"Float": jen.Float64(), "Int": jen.Int64(), "String": jen.String(), "Bool": jen.Bool()}[k]
		var sel jen.Code
		switch {
		case n.Kind == "distinct" && k == "Bool":
			sel = jen.Qual(influxqlPkg, "DistinctBool").Call(vals(k), jen.Id("c").Dot("Times"), jen.Id("t").Dot(idx).Index(jen.Empty(), jen.Lit(0)))
		case n.Kind == "distinct":
			state := n.Name + "Distinct" + k
			ng.g.addField(state, jen.Qual(influxqlPkg, "Distinct").Types(goT))
			sel = jen.Id("t").Dot(state).Dot("Select").Call(vals(k), jen.Id("c").Dot("Times"), jen.Id("t").Dot(idx).Index(jen.Empty(), jen.Lit(0)))
		default:
			state := n.Name + "Select" + k
			ng.g.addField(state, jen.Qual(influxqlPkg, "TopBottom").Types(goT))
			sel = jen.Id("t").Dot(state).Dot(capitalize(n.Kind)).Call(jen.Lit(int(n.Args[0].Int)), vals(k), jen.Id("c").Dot("Times"), jen.Id("t").Dot(idx).Index(jen.Empty(), jen.Lit(0)))
		}
		cases = append(cases, jen.Case(jen.Qual(pipelinePkg, k)).Block(jen.Id("t").Dot(idx).Op("=").Add(sel)))
	}
	cases = append(cases,
		jen.Case(jen.Qual(pipelinePkg, "Missing")).Block(jen.Return()),
		jen.Default().Block(fail(jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("cannot compute %s of %s field %q", n.Kind, "%s", field)), jen.Id("c").Dot("Kind")))...),
	)
	tags := jen.Id("sel").Dot("Tags")
	if n.Kind == "distinct" {
		tags = jen.Id("b").Dot("Tags")
	}
	body := []jen.Code{
		jen.Id("c").Op(":=").Op("&").Id("t").Dot(col),
		jen.If(jen.Err().Op(":=").Id("c").Dot("Load").Call(jen.Id("b"), jen.Lit(field)), jen.Err().Op("!=").Nil()).Block(fail(jen.Err())...),
		jen.Switch(jen.Id("c").Dot("Kind")).Block(cases...),
		jen.Id("o").Op(":=").Op("&").Id("t").Dot(out),
		jen.List(jen.Id("o").Dot("Name"), jen.Id("o").Dot("TMax"), jen.Id("o").Dot("Group"), jen.Id("o").Dot("Tags")).Op("=").List(jen.Id("b").Dot("Name"), jen.Id("b").Dot("TMax"), jen.Id("b").Dot("Group"), jen.Id("b").Dot("Tags")),
		jen.Id("o").Dot("Points").Op("=").Id("o").Dot("Points").Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.List(jen.Id("_"), jen.Id("i")).Op(":=").Range().Id("t").Dot(idx)).Block(
			jen.Id("sel").Op(":=").Op("&").Id("b").Dot("Points").Index(jen.Id("c").Dot("Index").Index(jen.Id("i"))),
			jen.List(jen.Id("v"), jen.Id("_")).Op(":=").Id("sel").Dot("Field").Call(jen.Lit(field)),
			jen.Id("o").Dot("Points").Op("=").Append(jen.Id("o").Dot("Points"), jen.Qual(pipelinePkg, "Point").Values(jen.Dict{
				jen.Id("Name"):   jen.Id("b").Dot("Name"),
				jen.Id("Time"):   jen.Id("b").Dot("TMax"),
				jen.Id("Group"):  jen.Id("b").Dot("Group"),
				jen.Id("Tags"):   tags,
				jen.Id("Fields"): jen.Index().Qual(pipelinePkg, "Field").Values(jen.Values(jen.Dict{jen.Id("Key"): jen.Lit(as), jen.Id("Value"): jen.Id("v")})),
			})),
		),
	}
	return ng.overStream(append(body, ng.send(jen.Id("o"))...))
}

// overStream adapts a function written over batches (b) to its input edge.
// On a stream, Kapacitor reduces the points of a group that share a
// timestamp, and emits when a point with a new timestamp arrives: the
// batch code becomes <name>Reduce, fed from a per-group buffer.
func (ng *nodeGen) overStream(batchBody []jen.Code) []jen.Code {
	if ng.in == catalog.BatchEdge {
		return batchBody
	}
	n := ng.n
	reduce := n.Name + "Reduce"
	ng.lambdas = append(ng.lambdas, jen.Commentf("%s computes %s over points that share a timestamp.", reduce, n.Name).Line().
		Func().Params(jen.Id("t").Op("*").Id("task")).Id(reduce).Params(jen.Id("b").Op("*").Qual(pipelinePkg, "Batch")).Block(batchBody...))
	ng.state.addField("buf", jen.Qual(pipelinePkg, "Batch"))
	out := ng.groupOf(jen.Id("p").Dot("Group"))
	return append(out,
		jen.If(jen.Len(jen.Id("g").Dot("buf").Dot("Points")).Op(">").Lit(0).Op("&&").Id("g").Dot("buf").Dot("TMax").Op("!=").Id("p").Dot("Time")).Block(
			jen.Id("t").Dot(reduce).Call(jen.Op("&").Id("g").Dot("buf")),
			jen.Id("g").Dot("buf").Dot("Points").Op("=").Id("g").Dot("buf").Dot("Points").Index(jen.Empty(), jen.Lit(0)),
		),
		jen.List(jen.Id("g").Dot("buf").Dot("Name"), jen.Id("g").Dot("buf").Dot("TMax"), jen.Id("g").Dot("buf").Dot("Group"), jen.Id("g").Dot("buf").Dot("Tags")).Op("=").
			List(jen.Id("p").Dot("Name"), jen.Id("p").Dot("Time"), jen.Id("p").Dot("Group"), jen.Id("p").Dot("Group").Dot("Tags")),
		jen.Id("g").Dot("buf").Dot("Points").Op("=").Append(jen.Id("g").Dot("buf").Dot("Points"), jen.Id("p").Dot("Clone").Call()),
	)
}
