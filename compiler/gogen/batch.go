package gogen

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// batchSource is the batch source: it takes no points; the binary runs its
// queries and delivers their batches to the query nodes (see renderBatch).
func (ng *nodeGen) batchSource() []jen.Code { return nil }

// query is a query node: it receives the batches of its query, as the
// binary runs it, sets their group from their tags (and name, with
// .groupByMeasurement()) and passes them on.
func (ng *nodeGen) query() []jen.Code {
	byName := ng.n.Lookup("groupByMeasurement") != nil
	return append([]jen.Code{
		jen.Id("b").Dot("SetGroup").Call(jen.Id("t").Dot("groups").Dot("ByAll").Call(
			jen.Op("&").Qual(pipelinePkg, "Point").Values(jen.Dict{jen.Id("Name"): jen.Id("b").Dot("Name"), jen.Id("Tags"): jen.Id("b").Dot("Tags")}),
			jen.Nil(), jen.Lit(byName))),
		jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[ng.n.ID])).Dot("Saw").Call(jen.Id("b").Dot("Group")),
	}, ng.send(jen.Id("b"))...)
}

// queryNodes are the task's query nodes, in creation order: the order of
// Program.Queries and of the query argument of Batch.
func (g *gen) queryNodes() []*ir.Node {
	var out []*ir.Node
	for _, n := range g.task.Nodes {
		if n.Kind == "query" {
			out = append(out, n)
		}
	}
	return out
}

// queries is the Program.Queries value, or nil for a task without queries.
func (g *gen) queries() jen.Code {
	nodes := g.queryNodes()
	if len(nodes) == 0 {
		return nil
	}
	var items []jen.Code
	for _, n := range nodes {
		d := jen.Dict{jen.Id("Node"): jen.Lit(n.Name)}
		text := n.Args[0].Str
		if p := n.Lookup("queryStr"); p != nil {
			text = p.Args[0].Str
		}
		d[jen.Id("Text")] = jen.Lit(text)
		for _, c := range []struct{ prop, field string }{{"period", "Period"}, {"every", "Every"}, {"offset", "Offset"}} {
			if p := n.Lookup(c.prop); p != nil {
				d[jen.Id(c.field)] = durationLit(p.Args[0].Dur)
			}
		}
		for _, c := range []struct{ prop, field string }{{"align", "Align"}, {"alignGroup", "AlignGroup"}, {"groupByMeasurement", "GroupByMeasurement"}} {
			if n.Lookup(c.prop) != nil {
				d[jen.Id(c.field)] = jen.True()
			}
		}
		for _, c := range []struct{ prop, field string }{{"cron", "Cron"}, {"cluster", "Cluster"}} {
			if p := n.Lookup(c.prop); p != nil {
				d[jen.Id(c.field)] = jen.Lit(p.Args[0].Str)
			}
		}
		if p := n.Lookup("fill"); p != nil {
			d[jen.Id("Fill")] = jen.Lit(fillText(p.Args[0]))
		}
		if p := n.Lookup("groupBy"); p != nil {
			var dims []string
			for _, a := range p.Args {
				switch {
				case a.TimeDim != nil:
					dims = append(dims, "")
					td := jen.Dict{jen.Id("Length"): durationLit(a.TimeDim.Length)}
					if a.TimeDim.Offset != 0 {
						td[jen.Id("Offset")] = durationLit(a.TimeDim.Offset)
					}
					d[jen.Id("GroupByTime")] = jen.Op("&").Qual(pipelinePkg, "TimeDim").Values(td)
				case a.Type == types.Star:
					dims = append(dims, "*")
				default:
					dims = append(dims, a.Str)
				}
			}
			d[jen.Id("GroupBy")] = strSlice(dims)
		}
		items = append(items, jen.Line().Values(d))
	}
	return jen.Index().Qual(pipelinePkg, "Query").Values(append(items, jen.Line())...)
}

// fillText is a .fill() value as pipeline.Query.Fill holds it.
func fillText(v ir.Value) string {
	switch v.Type {
	case types.Int:
		return strconv.FormatInt(v.Int, 10)
	case types.Float:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case types.String:
		return v.Str
	}
	panic(fmt.Sprintf("unexpected fill value of type %s", v.Type))
}

// renderBatch renders the Batch method of a batch task, which delivers the
// batches of the query-th query to its node.
func (g *gen) renderBatch(f *jen.File) {
	nodes := g.queryNodes()
	if len(nodes) == 0 {
		return
	}
	var cases []jen.Code
	for i, n := range nodes {
		cases = append(cases, jen.Case(jen.Lit(i)).Block(jen.Id("t").Dot(n.Name).Call(jen.Id("b"))))
	}
	f.Comment("Batch delivers a batch of the query-th query node's query to that node.")
	f.Func().Params(jen.Id("t").Op("*").Id("task")).Id("Batch").Params(jen.Id("query").Int(), jen.Id("b").Op("*").Qual(pipelinePkg, "Batch")).Block(
		jen.Switch(jen.Id("query")).Block(cases...))
}
