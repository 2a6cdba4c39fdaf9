package gogen

import (
	"fmt"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/dot"
	"github.com/tickc/tickc/compiler/ir"
)

// The nodes driven by the task's clock (stats, barrier) and
// kapacitorLoopback. Their callbacks are registered with env.Timers in
// newTask (see pipeline.Timers): the host fires them under the task's lock,
// on the wall clock when served and on the replay clock in a replay.

const barrierPkg = "github.com/tickc/tickc/runtime/barrier"

// watchedBy reports whether a stats node watches n.
func (g *gen) watchedBy(n *ir.Node) bool {
	for _, c := range n.Children {
		if g.task.Nodes[c].Kind == "stats" {
			return true
		}
	}
	return false
}

// countEmitted counts, per group, what a node watched by stats() sends to
// its first child: Kapacitor's stats report the collected count of the
// watched node's first out edge.
func (ng *nodeGen) countEmitted(value jen.Code, children int) []jen.Code {
	if children == 0 || !ng.g.watchedBy(ng.n) {
		return nil
	}
	field := ng.n.Name + "Emitted"
	ng.g.addField(field, jen.Qual(pipelinePkg, "GroupCounts"))
	group := jen.Parens(value).Dot("Group")
	if dot.IsSource(ng.n) { // points are grouped by from(): the source sees one group
		group = jen.Id("t").Dot("groups").Dot("Root").Call()
	}
	return []jen.Code{jen.Id("t").Dot(field).Dot("Add").Call(group)}
}

// stats generates a stats node: a source whose tick callback emits, for
// each group of the watched node, a point "stats" with the int field
// "emitted", its group's tags, and the tick's time (rounded to the
// interval with .align()), as Kapacitor's stats.go does.
func (ng *nodeGen) stats() []jen.Code {
	n := ng.n
	ng.in = catalog.StreamEdge
	watched := ng.g.task.Nodes[n.Parents[0]]
	interval := n.Args[0].Dur
	if p := n.Lookup("interval"); p != nil {
		interval = p.Args[0].Dur
	}
	if interval <= 0 {
		panic(fmt.Sprintf("%s (%s): stats() needs a positive interval", n.Name, ng.g.where(n)))
	}
	align := n.Lookup("align") != nil
	counts := watched.Name + "Emitted"
	ng.g.addField(counts, jen.Qual(pipelinePkg, "GroupCounts"))
	tick := n.Name + "Tick"
	ng.g.setup(false, jen.If(jen.Id("env").Dot("Timers").Op("!=").Nil()).Block(
		jen.Id("env").Dot("Timers").Dot("Every").Call(durationLit(interval), jen.Lit(align), jen.Id("t").Dot(tick))))
	at := []jen.Code{jen.Id("at").Op(":=").Id("now").Dot("UTC").Call()}
	if align {
		at = append(at, jen.Id("at").Op("=").Id("at").Dot("Round").Call(durationLit(interval)))
	}
	body := append(at,
		jen.Id("t").Dot(counts).Dot("Each").Call(jen.Func().Params(jen.Id("g").Op("*").Qual(pipelinePkg, "Group"), jen.Id("emitted").Int64()).Block(
			jen.If(jen.Id("g").Op("==").Nil()).Block(jen.Id("g").Op("=").Id("t").Dot("groups").Dot("Root").Call()),
			jen.Id("t").Dot(n.Name).Call(jen.Op("&").Qual(pipelinePkg, "Point").Values(jen.Dict{
				jen.Id("Name"):   jen.Lit("stats"),
				jen.Id("Time"):   jen.Id("at").Dot("UnixNano").Call(),
				jen.Id("Tags"):   jen.Append(jen.Index().Qual(pipelinePkg, "Tag").Parens(jen.Nil()), jen.Id("g").Dot("Tags").Op("...")),
				jen.Id("Fields"): jen.Index().Qual(pipelinePkg, "Field").Values(jen.Values(jen.Dict{jen.Id("Key"): jen.Lit("emitted"), jen.Id("Value"): jen.Qual(pipelinePkg, "IntValue").Call(jen.Id("emitted"))})),
				jen.Id("Group"):  jen.Id("g"),
			})),
		)),
	)
	ng.lambdas = append(ng.lambdas,
		jen.Commentf("%s emits the statistics of %s every %v (%s).", tick, watched.Name, interval, ng.g.where(n)).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(tick).Params(jen.Id("now").Qual("time", "Time")).Block(body...))
	return ng.send(jen.Id("p"))
}

// barrier generates a barrier node: points older than their group's last
// barrier are dropped (from their batch, on a batch edge); each barrier
// goes down the graph from the node's children (barriers.go), closing the
// group's time windows and moving its parent's time in joins (and
// .delete(true) forgets the group).
func (ng *nodeGen) barrier() []jen.Code {
	n := ng.n
	cfg := jen.Dict{}
	var idle, period time.Duration
	if p := n.Lookup("idle"); p != nil {
		idle = p.Args[0].Dur
		cfg[jen.Id("Idle")] = durationLit(idle)
	}
	if p := n.Lookup("period"); p != nil {
		period = p.Args[0].Dur
		cfg[jen.Id("Period")] = durationLit(period)
	}
	if (idle == 0) == (period == 0) {
		panic(fmt.Sprintf("%s (%s): barrier() needs exactly one of .idle() and .period(), non zero", n.Name, ng.g.where(n)))
	}
	if p := n.Lookup("delete"); p != nil && (len(p.Args) == 0 || p.Args[0].Bool) {
		cfg[jen.Id("Delete")] = jen.True()
	}
	node, fire := n.Name+"Node", n.Name+"Barrier"
	ng.g.addField(node, jen.Op("*").Qual(barrierPkg, "Node"))
	ng.g.setup(true,
		jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(barrierPkg, "New").Call(jen.Qual(barrierPkg, "Config").Values(cfg), jen.Id("env").Dot("Timers"), jen.Id("t").Dot(fire)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(n.Name+": %w"), jen.Err()))),
	)
	if ng.in == catalog.BatchEdge { // the batch passes, without its points older than the barrier
		return append([]jen.Code{jen.Id("t").Dot(node).Dot("Batch").Call(jen.Id("b"))}, ng.send(jen.Id("b"))...)
	}
	out := []jen.Code{
		jen.If(jen.Op("!").Id("t").Dot(node).Dot("Point").Call(jen.Id("p"))).Block(jen.Return()),
	}
	return append(out, ng.send(jen.Id("p"))...)
}

// kapacitorLoopback generates a kapacitorLoopback node: each point, with
// the node's database, retention policy, measurement and tags, goes to
// env.Loopback. As in Kapacitor, a task may not loop back into a db/rp it
// reads ("loop detected"): tickc refuses to build it.
func (ng *nodeGen) kapacitorLoopback() []jen.Code {
	n := ng.n
	str := func(name string) string {
		if p := n.Lookup(name); p != nil {
			return p.Args[0].Str
		}
		return ""
	}
	db, rp, meas := str("database"), str("retentionPolicy"), str("measurement")
	if db == "" || rp == "" {
		panic(fmt.Sprintf("%s (%s): kapacitorLoopback() needs .database() and .retentionPolicy()", n.Name, ng.g.where(n)))
	}
	for _, d := range ng.g.task.DBRPs {
		if d.DB == db && d.RP == rp {
			panic(fmt.Sprintf("%s (%s): loop detected on dbrp: %s.%s, which the task reads; Kapacitor refuses to start such a task", n.Name, ng.g.where(n), db, rp))
		}
	}
	var tags []jen.Code
	for _, p := range n.All("tag") {
		tags = append(tags, jen.Id("q").Dot("SetTag").Call(jen.Lit(p.Args[0].Str), jen.Lit(p.Args[1].Str)))
	}
	write := []jen.Code{
		jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[n.ID])).Dot("Counter").Call(jen.Lit("points_written")).Dot("Add").Call(jen.Lit(1)),
		jen.If(jen.Id("t").Dot("env").Dot("Loopback").Op("!=").Nil()).Block(jen.Id("t").Dot("env").Dot("Loopback").Call(jen.Op("&").Id("q"))),
	}
	if ng.in == catalog.BatchEdge {
		// Kapacitor: the batch's name (.measurement() applies to streams
		// only), the point's tags and the node's.
		loop := []jen.Code{
			jen.Id("q").Op(":=").Id("b").Dot("Points").Index(jen.Id("i")).Dot("Clone").Call(),
			jen.List(jen.Id("q").Dot("DB"), jen.Id("q").Dot("RP"), jen.Id("q").Dot("Name"), jen.Id("q").Dot("Group")).Op("=").List(jen.Lit(db), jen.Lit(rp), jen.Id("b").Dot("Name"), jen.Nil()),
		}
		loop = append(append(loop, tags...), write...)
		return []jen.Code{jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(loop...)}
	}
	out := []jen.Code{
		jen.Id("q").Op(":=").Id("p").Dot("Clone").Call(),
		jen.List(jen.Id("q").Dot("DB"), jen.Id("q").Dot("RP"), jen.Id("q").Dot("Group")).Op("=").List(jen.Lit(db), jen.Lit(rp), jen.Nil()),
	}
	if meas != "" {
		out = append(out, jen.Id("q").Dot("Name").Op("=").Lit(meas))
	}
	return append(append(out, tags...), write...)
}
