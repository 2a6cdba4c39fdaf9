package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
)

const influxoutPkg = "github.com/tickc/tickc/runtime/influxout"

// influxDBOut generates an influxDBOut node: the runtime node, set up in
// newTask (connecting to the [[influxdb]] of .cluster() and, with
// .create(), creating the database), converts and buffers each point or
// batch and writes them in batches on its own goroutine; the task's Close
// flushes it. Its buffer's length is the node's points_pending gauge.
func (ng *nodeGen) influxDBOut() []jen.Code {
	n := ng.n
	opts := jen.Dict{}
	for prop, field := range map[string]string{
		"cluster": "Cluster", "database": "Database", "retentionPolicy": "RetentionPolicy",
		"measurement": "Measurement", "writeConsistency": "WriteConsistency", "precision": "Precision",
	} {
		if p := n.Lookup(prop); p != nil {
			opts[jen.Id(field)] = jen.Lit(p.Args[0].Str)
		}
	}
	if p := n.Lookup("precision"); p != nil {
		switch p.Args[0].Str {
		case "", "n", "ns", "u", "ms", "s", "m", "h":
		default:
			panic(fmt.Sprintf("%s (%s): unknown precision %q: want n, u, ms, s, m or h", n.Name, ng.g.where(n), p.Args[0].Str))
		}
	}
	if p := n.Lookup("buffer"); p != nil {
		b := p.Args[0].Int
		if p.Args[0].Float != 0 {
			b = int64(p.Args[0].Float)
		}
		opts[jen.Id("Buffer")] = jen.Lit(int(b))
	}
	if p := n.Lookup("flushInterval"); p != nil {
		opts[jen.Id("FlushInterval")] = durationLit(p.Args[0].Dur)
	}
	if n.Lookup("create") != nil {
		opts[jen.Id("Create")] = jen.True()
	}
	tags := jen.Dict{}
	for _, p := range n.All("tag") {
		tags[jen.Lit(p.Args[0].Str)] = jen.Lit(p.Args[1].Str)
	}
	if len(tags) > 0 {
		opts[jen.Id("Tags")] = jen.Map(jen.String()).String().Values(tags)
	}
	pos := ng.g.pos[n.ID]
	counter := func(name string) jen.Code {
		return jen.Id("t").Dot("stats").Index(jen.Lit(pos)).Dot("Counter").Call(jen.Lit(name))
	}
	opts[jen.Id("Written")] = counter("points_written")
	opts[jen.Id("Dropped")] = counter("points_dropped")
	opts[jen.Id("Errors")] = counter("write_errors")
	node := n.Name + "Node"
	ng.g.addField(node, jen.Op("*").Qual(influxoutPkg, "Node"))
	ng.g.setup(true,
		jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(influxoutPkg, "New").Call(
			jen.Id("env").Dot("Config"), jen.Qual(influxoutPkg, "Options").Values(opts)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(n.Name+": %w"), jen.Err()))),
		jen.Id("t").Dot(node).Dot("OnError").Op("=").Func().Params(jen.Err().Error()).Block(jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), jen.Err())),
		jen.Id("t").Dot("stats").Index(jen.Lit(pos)).Dot("Gauge").Call(jen.Lit("points_pending"), jen.Id("t").Dot(node).Dot("Pending")),
	)
	if ng.in == catalog.BatchEdge {
		return []jen.Code{jen.Id("t").Dot(node).Dot("WriteBatch").Call(jen.Id("b"))}
	}
	return []jen.Code{jen.Id("t").Dot(node).Dot("WritePoint").Call(jen.Id("p"))}
}
