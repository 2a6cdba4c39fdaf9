package gogen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/dot"
	"github.com/tickc/tickc/compiler/ir"
)

// A barrier node's barriers, and the group deletions of .delete(TRUE),
// travel down the graph as Kapacitor's barrier and delete-group messages
// do: every node they reach gets a method <name>Barrier(g, at, deleted)
// that does what the node does with them and passes them to its children.
// A window emits the group's windows that the barrier closes, a join moves
// the parent's time in the group; on a deletion, a node forgets the
// group's state (a window its buffer, a join its sets, an httpOut the
// group's result, any other node its per-group state: an alert's comes back
// from its topic on the group's next point, as in Kapacitor).
//
// Barriers stop at the nodes that make other groups or times of their
// input (groupBy, combine, flatten, union) and at UDFs, whose agents see
// only points and batches.
var barrierStops = map[string]bool{"groupBy": true, "combine": true, "flatten": true, "union": true}

// barrierChildren returns the children of n that barriers reach, if
// barriers reach n or n is a barrier node: none when n stops them.
func (g *gen) barrierChildren(n *ir.Node) []*ir.Node {
	if barrierStops[n.Kind] || udfName(n) != "" {
		return nil
	}
	var out []*ir.Node
	for _, c := range n.Children {
		if child := g.task.Nodes[c]; !dot.IsSource(child) {
			out = append(out, child)
		}
	}
	return out
}

// barrierMethods generates <name>Barrier for each barrier node and each
// node barriers reach that does something with them or passes them to a
// node that does (so that the barriers' paths end where nothing heeds
// them), in the script's order, once every node is generated: only then is it
// known which nodes keep per-group state.
func (g *gen) barrierMethods() {
	heeds := map[int]bool{}
	var heeded func(n *ir.Node) bool
	heeded = func(n *ir.Node) bool {
		if h, ok := heeds[n.ID]; ok {
			return h
		}
		h := len(g.barrierGens[n.ID].ownBarrier()) > 0
		for _, c := range g.barrierChildren(n) {
			h = heeded(c) || h
		}
		heeds[n.ID] = h
		return h
	}
	for _, n := range g.task.Nodes {
		if ng := g.barrierGens[n.ID]; ng != nil && (n.Kind == "barrier" || heeded(n)) {
			var to []*ir.Node
			for _, c := range g.barrierChildren(n) {
				if heeded(c) {
					to = append(to, c)
				}
			}
			g.funcs = append(g.funcs, ng.barrierMethod(to))
		}
	}
}

// reachedByBarriers reports whether barriers reach n: whether it descends
// from a barrier node through nodes that pass them on.
func (g *gen) reachedByBarriers(n *ir.Node) bool {
	if g.barrierReach == nil {
		g.barrierReach = map[int]bool{}
		var visit func(*ir.Node)
		visit = func(n *ir.Node) {
			for _, c := range g.barrierChildren(n) {
				if !g.barrierReach[c.ID] {
					g.barrierReach[c.ID] = true
					visit(c)
				}
			}
		}
		for _, n := range g.task.Nodes {
			if n.Kind == "barrier" {
				visit(n)
			}
		}
	}
	return g.barrierReach[n.ID]
}

// ownBarrier is what the node itself does with a barrier (g, at) and with
// its group's deletion (deleted): nothing for most nodes.
func (ng *nodeGen) ownBarrier() []jen.Code {
	n := ng.n
	t := jen.Id("t")
	deleted := func(c ...jen.Code) jen.Code { return jen.If(jen.Id("deleted")).Block(c...) }
	var body []jen.Code
	switch n.Kind {
	case "window":
		body = append(body,
			t.Clone().Dot(n.Name+"Node").Dot("Barrier").Call(jen.Id("g"), jen.Id("at"), t.Clone().Dot(n.Name+"Emit")),
			deleted(t.Clone().Dot(n.Name+"Node").Dot("DeleteGroup").Call(jen.Id("g"))))
	case "join":
		body = append(body,
			t.Clone().Dot(n.Name+"Node").Dot("Barrier").Call(jen.Id("src"), jen.Id("g"), jen.Id("at")),
			deleted(t.Clone().Dot(n.Name+"Node").Dot("Delete").Call(jen.Id("src"), jen.Id("g"))))
	case "httpOut":
		body = append(body, deleted(t.Clone().Dot(n.Name+"Cache").Dot("DeleteGroup").Call(jen.Id("g"))))
	}
	if ng.state.used() {
		body = append(body, deleted(t.Clone().Dot(n.Name+"Groups").Dot("Delete").Call(jen.Id("g"))))
	}
	return body
}

// barrierMethod generates <name>Barrier for a barrier node (the callback
// its runtime calls) or a node barriers reach, which passes them on to the
// children to. A join's also takes the index of the parent the barrier
// comes from.
func (ng *nodeGen) barrierMethod(to []*ir.Node) jen.Code {
	n := ng.n
	params := []jen.Code{jen.Id("g").Op("*").Qual(pipelinePkg, "Group"), jen.Id("at").Int64(), jen.Id("deleted").Bool()}
	if n.Kind == "join" {
		params = append(params, jen.Id("src").Int())
	}
	body := ng.ownBarrier()
	for _, c := range to {
		args := []jen.Code{jen.Id("g"), jen.Id("at"), jen.Id("deleted")}
		if c.Kind == "join" {
			args = append(args, jen.Lit(parentIndex(c, n.ID)))
		}
		body = append(body, jen.Id("t").Dot(c.Name+"Barrier").Call(args...))
	}
	return jen.Commentf("%sBarrier passes a barrier for group g at time at (and the group's deletion) through %s (%s).", n.Name, n.Name, ng.g.where(n)).Line().
		Func().Params(jen.Id("t").Op("*").Id("task")).Id(n.Name + "Barrier").Params(params...).Block(body...)
}
