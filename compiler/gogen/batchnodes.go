package gogen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/dot"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// This file holds the batch-edge versions of where, eval, groupBy, default
// and delete, and trickle, which turns batches into points. They follow
// Kapacitor's edge receivers: a batch is forwarded even when no point of
// it is left (where, eval), a point whose lambda fails is dropped from its
// batch and counted as an error, and default() and delete() apply to the
// batch's tags too, which are its group's dimensions.

// forEachPoint runs body with p set to each point of b, in order.
func forEachPoint(body []jen.Code) jen.Code {
	return jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
		append([]jen.Code{jen.Id("p").Op(":=").Op("&").Id("b").Dot("Points").Index(jen.Id("i"))}, body...)...)
}

// keepPoints runs body on each point p of b and keeps, in order and in
// place, the points for which body does not continue.
func keepPoints(body []jen.Code) []jen.Code {
	return []jen.Code{
		jen.Id("kept").Op(":=").Id("b").Dot("Points").Index(jen.Empty(), jen.Lit(0)),
		forEachPoint(append(body, jen.Id("kept").Op("=").Append(jen.Id("kept"), jen.Op("*").Id("p")))),
		jen.Id("b").Dot("Points").Op("=").Id("kept"),
	}
}

// whereBatch keeps the points of each batch for which the lambdas are true.
func (ng *nodeGen) whereBatch() []jen.Code {
	filters := ng.filters(ng.n.Args, jen.Continue()) // first: it decides the group state
	out := []jen.Code{ng.deferGroup(jen.Id("b").Dot("Group"))}
	out = append(out, keepPoints(filters)...)
	return append(out, ng.send(jen.Id("b"))...)
}

// evalBatch evaluates the lambdas on each point of each batch; a point on
// which one fails is dropped. The lambdas keep their state per group.
func (ng *nodeGen) evalBatch() []jen.Code {
	body := ng.evalPoint(jen.Continue()) // first: it decides the group state
	out := []jen.Code{ng.deferGroup(jen.Id("b").Dot("Group"))}
	out = append(out, keepPoints(body)...)
	return append(out, ng.send(jen.Id("b"))...)
}

// defaultsBatch applies the defaults to each batch and its points. As in
// Kapacitor, the batch counts as one more point without fields (each field
// default is counted once per batch) whose tags are the batch's: a
// defaulted tag becomes one of the batch's dimensions.
func (ng *nodeGen) defaultsBatch() []jen.Code {
	var out []jen.Code
	if n := len(ng.n.All("field")); n > 0 {
		out = append(out, ng.counter("fields_defaulted").Dot("Add").Call(jen.Lit(n)))
	}
	for _, p := range ng.n.All("tag") {
		key := p.Args[0].Str
		out = append(out, jen.If(jen.List(jen.Id("v"), jen.Id("_")).Op(":=").Qual(pipelinePkg, "TagValue").Call(jen.Id("b").Dot("Tags"), jen.Lit(key)), jen.Id("v").Op("==").Lit("")).Block(
			jen.Id("b").Dot("Tags").Op("=").Qual(pipelinePkg, "WithTag").Call(jen.Id("b").Dot("Tags"), jen.Lit(key), jen.Lit(p.Args[1].Str)),
			ng.count("tags_defaulted"),
			ng.regroupBatch(),
		))
	}
	if body := ng.defaultsPoint(); len(body) > 0 {
		out = append(out, forEachPoint(body))
	}
	return append(out, ng.send(jen.Id("b"))...)
}

// deleteBatch deletes the fields and tags from each batch's points, and
// the tags from the batch itself, which leaves the group's dimensions.
func (ng *nodeGen) deleteBatch() []jen.Code {
	var out []jen.Code
	for _, p := range ng.n.All("tag") {
		out = append(out, jen.If(jen.List(jen.Id("tags"), jen.Id("ok")).Op(":=").Qual(pipelinePkg, "WithoutTag").Call(jen.Id("b").Dot("Tags"), jen.Lit(p.Args[0].Str)), jen.Id("ok")).Block(
			jen.Id("b").Dot("Tags").Op("=").Id("tags"),
			ng.count("tags_deleted"),
			ng.regroupBatch(),
		))
	}
	if body := ng.deletePoint(); len(body) > 0 {
		out = append(out, forEachPoint(body))
	}
	return append(out, ng.send(jen.Id("b"))...)
}

// regroupBatch sets the group of b from its tags, after they changed.
func (ng *nodeGen) regroupBatch() jen.Code {
	return jen.Id("b").Dot("SetGroup").Call(jen.Id("t").Dot("groups").Dot("ByTags").Call(
		jen.Id("b").Dot("Name"), jen.Id("b").Dot("Tags"), jen.Id("b").Dot("Group").Dot("ByName")))
}

// counter is the node's counter called name.
func (ng *nodeGen) counter(name string) *jen.Statement {
	return jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[ng.n.ID])).Dot("Counter").Call(jen.Lit(name))
}

// setTag sets a tag of p. The points of a batch share its tags, so on a
// batch edge the point gets a new tags slice.
func (ng *nodeGen) setTag(key string, value jen.Code) jen.Code {
	if ng.in == catalog.BatchEdge {
		return jen.Id("p").Dot("Tags").Op("=").Qual(pipelinePkg, "WithTag").Call(jen.Id("p").Dot("Tags"), jen.Lit(key), value)
	}
	return jen.Id("p").Dot("SetTag").Call(jen.Lit(key), value)
}

// deleteTag deletes a tag of p and runs then if p had it; on a batch edge
// without changing the tags p shares with its batch.
func (ng *nodeGen) deleteTag(key string, then jen.Code) jen.Code {
	if ng.in == catalog.BatchEdge {
		return jen.If(jen.List(jen.Id("tags"), jen.Id("ok")).Op(":=").Qual(pipelinePkg, "WithoutTag").Call(jen.Id("p").Dot("Tags"), jen.Lit(key)), jen.Id("ok")).Block(
			jen.Id("p").Dot("Tags").Op("=").Id("tags"), then)
	}
	return jen.If(jen.Id("p").Dot("DeleteTag").Call(jen.Lit(key))).Block(then)
}

// regroupPoint sets the group of a stream point whose tags changed: as in
// Kapacitor, a tag that is a dimension moves the point to the group of its
// new value. (A batch point has the group of its batch.)
func (ng *nodeGen) regroupPoint() jen.Code {
	if ng.in == catalog.BatchEdge {
		return jen.Null()
	}
	return jen.Id("p").Dot("Group").Op("=").Id("t").Dot("groups").Dot("Like").Call(jen.Id("p"), jen.Id("p").Dot("Group"))
}

// leaveDims removes the tags delete() deleted from the dimensions of a
// stream point's group, as Kapacitor does.
func (ng *nodeGen) leaveDims(tags []string) jen.Code {
	if ng.in == catalog.BatchEdge || len(tags) == 0 {
		return jen.Null()
	}
	return jen.Id("p").Dot("Group").Op("=").Id("t").Dot("groups").Dot("Without").Call(jen.Id("p").Dot("Group"), jen.Id("p"), strSlice(tags))
}

// groupByBatch regroups the points of batches with the runtime's
// BatchGroupBy, which emits the new batches through <name>Out.
func (ng *nodeGen) groupByBatch() []jen.Code {
	n := ng.n
	node, emit := n.Name+"Node", n.Name+"Emit"
	all := false
	var dims []string
	for _, d := range n.Args {
		if d.Type == types.Star {
			all = true
		} else {
			dims = append(dims, d.Str)
		}
	}
	var exclude []string
	for _, p := range n.All("exclude") {
		exclude = append(exclude, strArgs(p.Args)...)
	}
	ng.g.addField(node, jen.Op("*").Qual(pipelinePkg, "BatchGroupBy"))
	ng.g.addField(emit, jen.Func().Params(jen.Op("*").Qual(pipelinePkg, "Batch")))
	ng.g.setup(false,
		jen.Id("t").Dot(node).Op("=").Qual(pipelinePkg, "NewBatchGroupBy").Call(
			strSliceOrNil(dims), jen.Lit(all), strSliceOrNil(exclude), jen.Lit(n.Lookup("byMeasurement") != nil)),
		// Bound once, so that pushing a batch allocates nothing.
		jen.Id("t").Dot(emit).Op("=").Id("t").Dot(n.Name+"Out"),
	)
	ng.lambdas = append(ng.lambdas,
		jen.Commentf("%sOut sends a batch of %s to its children.", n.Name, n.Name).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(n.Name+"Out").Params(jen.Id("b").Op("*").Qual(pipelinePkg, "Batch")).Block(ng.send(jen.Id("b"))...))
	return []jen.Code{
		jen.Id("t").Dot(node).Dot("Push").Call(jen.Id("t").Dot("groups"), jen.Id("b"), jen.Id("t").Dot(emit)),
		jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[n.ID])).Dot("SetCardinality").Call(jen.Id("t").Dot(node).Dot("Pending").Call()),
	}
}

// trickle sends each point of a batch on as a stream point, as Kapacitor's
// trickle.go does: with the batch's name, no database or retention policy,
// and the batch's dimensions with the point's tag values. Like Kapacitor,
// it sends to its first child only.
func (ng *nodeGen) trickle() []jen.Code {
	n := ng.n
	tags := n.Name + "Tags"
	ng.g.addField(tags, jen.Index().Qual(pipelinePkg, "Tag"))
	first := *ng
	node := *n
	node.Children = firstChild(ng.g.task, n)
	first.n = &node
	first.in = catalog.StreamEdge
	body := []jen.Code{
		jen.List(jen.Id("p").Dot("Name"), jen.Id("p").Dot("DB"), jen.Id("p").Dot("RP")).Op("=").List(jen.Id("b").Dot("Name"), jen.Lit(""), jen.Lit("")),
		jen.Comment("The batch's points share its tags, and stream nodes change a point's"),
		jen.Comment("tags in place: each point gets a copy, in the node's buffer."),
		jen.Id("t").Dot(tags).Op("=").Append(jen.Id("t").Dot(tags).Index(jen.Empty(), jen.Lit(0)), jen.Id("p").Dot("Tags").Op("...")),
		jen.Id("p").Dot("Tags").Op("=").Id("t").Dot(tags),
		jen.Id("p").Dot("Group").Op("=").Id("t").Dot("groups").Dot("Like").Call(jen.Id("p"), jen.Id("b").Dot("Group")),
	}
	return []jen.Code{forEachPoint(append(body, first.send(jen.Id("p"))...))}
}

// firstChild returns n's children without the nodes after its first
// child (a stats() node watching n is not a child that receives data).
func firstChild(task *ir.Task, n *ir.Node) []int {
	var out []int
	found := false
	for _, c := range n.Children {
		if dot.IsSource(task.Nodes[c]) {
			out = append(out, c)
		} else if !found {
			out = append(out, c)
			found = true
		}
	}
	return out
}
