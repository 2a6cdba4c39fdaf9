package gogen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
)

const (
	windowPkg  = "github.com/tickc/tickc/runtime/window"
	httpoutPkg = "github.com/tickc/tickc/runtime/httpout"
)

// window generates a window node: the runtime window per group, whose
// batches go to the node's children through <name>Out.
func (ng *nodeGen) window() []jen.Code {
	n := ng.n
	node, emit := n.Name+"Node", n.Name+"Emit"
	cfg := jen.Dict{}
	if p := n.Lookup("period"); p != nil {
		cfg[jen.Id("Period")] = durationLit(p.Args[0].Dur)
	}
	if p := n.Lookup("every"); p != nil {
		cfg[jen.Id("Every")] = durationLit(p.Args[0].Dur)
	}
	if n.Lookup("align") != nil {
		cfg[jen.Id("Align")] = jen.True()
	}
	if n.Lookup("fillPeriod") != nil {
		cfg[jen.Id("FillPeriod")] = jen.True()
	}
	if p := n.Lookup("periodCount"); p != nil {
		cfg[jen.Id("PeriodCount")] = jen.Lit(int(p.Args[0].Int))
	}
	if p := n.Lookup("everyCount"); p != nil {
		cfg[jen.Id("EveryCount")] = jen.Lit(int(p.Args[0].Int))
	}
	ng.g.addField(node, jen.Op("*").Qual(windowPkg, "Node"))
	ng.g.addField(emit, jen.Func().Params(jen.Op("*").Qual(pipelinePkg, "Batch")))
	ng.g.setup(true,
		jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(windowPkg, "NewNode").Call(jen.Qual(windowPkg, "Config").Values(cfg)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(n.Name+": %w"), jen.Err()))),
		// The emit callback is bound once, so pushing a point allocates nothing.
		jen.Id("t").Dot(emit).Op("=").Id("t").Dot(n.Name+"Out"),
	)
	out := ng.send(jen.Id("b"))
	ng.lambdas = append(ng.lambdas,
		jen.Commentf("%sOut sends a batch of %s to its children.", n.Name, n.Name).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(n.Name+"Out").Params(jen.Id("b").Op("*").Qual(pipelinePkg, "Batch")).Block(out...))
	return []jen.Code{
		jen.Id("t").Dot(node).Dot("Push").Call(jen.Id("p"), jen.Id("t").Dot(emit)),
		jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[n.ID])).Dot("SetCardinality").Call(jen.Id("t").Dot(node).Dot("Cardinality").Call()),
	}
}

// httpOut generates an httpOut node: it caches the latest point or batch
// of each group for GET requests and passes everything on.
func (ng *nodeGen) httpOut() []jen.Code {
	n := ng.n
	cache := n.Name + "Cache"
	ng.g.addField(cache, jen.Qual(httpoutPkg, "Cache"))
	ng.g.outs = append(ng.g.outs, n.Args[0].Str)
	set, v := "SetPoint", jen.Id("p")
	if ng.in == catalog.BatchEdge {
		set, v = "SetBatch", jen.Id("b")
	}
	return append([]jen.Code{jen.Id("t").Dot(cache).Dot(set).Call(v)}, ng.send(v)...)
}

const httppostPkg = "github.com/tickc/tickc/runtime/httppost"

// httpPost generates an httpPost node: each point or batch is posted
// before it is passed on, with .codeField() adding the status code.
func (ng *nodeGen) httpPost() []jen.Code {
	n := ng.n
	node := n.Name + "Node"
	headers := jen.Dict{}
	for _, p := range n.All("header") {
		headers[jen.Lit(p.Args[0].Str)] = jen.Lit(p.Args[1].Str)
	}
	hdr := jen.Code(jen.Nil())
	if len(headers) > 0 {
		hdr = jen.Map(jen.String()).String().Values(headers)
	}
	timeout := jen.Code(jen.Lit(0))
	if p := n.Lookup("timeout"); p != nil {
		timeout = durationLit(p.Args[0].Dur)
	}
	ng.g.addField(node, jen.Op("*").Qual(httppostPkg, "Node"))
	// With .endpoint(name), the URL, headers, basic-auth and row-template
	// come from the [[httppost]] section of the task's --config.
	var newNode jen.Code
	if p := n.Lookup("endpoint"); p != nil && len(n.Args) == 0 {
		newNode = jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(httppostPkg, "NewEndpoint").Call(jen.Id("env").Dot("Config"), jen.Lit(p.Args[0].Str), hdr, timeout)
	} else if len(n.Args) > 0 {
		newNode = jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(httppostPkg, "New").Call(jen.Lit(n.Args[0].Str), hdr, timeout)
	} else {
		panic(fmt.Sprintf("%s (%s): httpPost() needs a URL or an .endpoint()", n.Name, ng.g.where(n)))
	}
	pos := ng.g.pos[n.ID]
	ng.g.setup(true,
		newNode,
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(n.Name+": %w"), jen.Err()))),
		jen.Id("t").Dot(node).Dot("OnError").Op("=").Func().Params(jen.Err().Error()).Block(jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), jen.Err())),
	)
	post, v := "PostPoint", jen.Id("p")
	if ng.in == catalog.BatchEdge {
		post, v = "PostBatch", jen.Id("b")
	}
	call := jen.Id("t").Dot(node).Dot(post).Call(v)
	var out []jen.Code
	if p := n.Lookup("codeField"); p != nil {
		field := jen.Lit(p.Args[0].Str)
		code := jen.Qual(pipelinePkg, "IntValue").Call(jen.Int64().Call(jen.Id("code")))
		if ng.in == catalog.BatchEdge {
			out = append(out, jen.Id("code").Op(":=").Add(call), jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
				jen.Id("b").Dot("Points").Index(jen.Id("i")).Dot("SetField").Call(field, code)))
		} else {
			out = append(out, jen.Id("code").Op(":=").Add(call), jen.Id("p").Dot("SetField").Call(field, code))
		}
	} else {
		out = append(out, call)
	}
	return append(out, ng.send(v)...)
}

// logNode generates a log node: every point or batch is logged at the
// node's level (.level(), INFO by default) with its .prefix(), as
// Kapacitor logs them (pipeline.LogPoint, pipeline.LogBatch), and passed on.
func (ng *nodeGen) logNode() []jen.Code {
	n := ng.n
	level := "LevelInfo"
	if p := n.Lookup("level"); p != nil {
		level = map[string]string{"DEBUG": "LevelDebug", "INFO": "LevelInfo", "WARN": "LevelWarn", "ERROR": "LevelError"}[strings.ToUpper(p.Args[0].Str)]
		if level == "" {
			panic(fmt.Sprintf("%s (%s): unknown log level %q: want DEBUG, INFO, WARN or ERROR", n.Name, ng.g.where(n), p.Args[0].Str))
		}
	}
	prefix := ""
	if p := n.Lookup("prefix"); p != nil {
		prefix = p.Args[0].Str
	}
	fn, v := "LogPoint", jen.Id("p")
	if ng.in == catalog.BatchEdge {
		fn, v = "LogBatch", jen.Id("b")
	}
	return append([]jen.Code{jen.Qual(pipelinePkg, fn).Call(jen.Id("t").Dot("env").Dot("Log"), jen.Qual("log/slog", level),
		jen.Lit(n.Name), jen.Lit(prefix), v)}, ng.send(v)...)
}
