// Package gogen generates the Go program of a checked task from its IR.
//
// The program is one file: the task's pipeline as a struct with one method
// per node, each node calling its children directly; lambdas as typed Go
// functions; per-group state in typed structs. What every task shares comes
// from the runtime and stdlib packages. The output is gofmt'ed and
// deterministic, and each node and lambda carries a comment pointing back
// to its line in the TICKscript.
package gogen

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/imports"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/dot"
	"github.com/tickc/tickc/compiler/ir"
)

const (
	taskcliPkg = "github.com/tickc/tickc/runtime/taskcli"
	alertPkg   = "github.com/tickc/tickc/runtime/alert"
)

// Generate returns the source files of the task's main package, by name.
// filename and src are the script, quoted in the program and its comments.
func Generate(task *ir.Task, filename string, src []byte) (files map[string][]byte, err error) {
	return GenerateWith(task, filename, src, Options{})
}

// Options change what Generate writes.
type Options struct {
	// Package, when set, generates a library package of that name instead
	// of a main package: the program is the exported var Program and there
	// is no main function, so that one binary can hold many tasks (see
	// compiler/build's multi-task builds).
	Package string
	// TemplateID and Vars describe a task defined from a template: the
	// template's ID and the values its definition gives the template's
	// vars (template.go).
	TemplateID string
	Vars       map[string]ir.Value
}

// GenerateWith is Generate with options.
func GenerateWith(task *ir.Task, filename string, src []byte, opts Options) (files map[string][]byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot generate code for %s: %v", filename, r)
		}
	}()
	g := &gen{task: task, file: filepath.Base(filename), src: src, regexps: map[string]string{}, pkg: opts.Package, opts: opts,
		barrierGens: map[int]*nodeGen{}}
	g.order()
	for _, n := range task.Nodes {
		g.node(n)
	}
	g.barrierMethods()
	out, err := g.render()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{task.ID + ".go": out}, nil
}

type gen struct {
	task    *ir.Task
	file    string
	src     []byte
	regexps map[string]string // pattern → package var name
	// pos maps a node ID to its index in the program's node list, which is
	// in the order Kapacitor prints the graph.
	pos        []int
	nodes      []*ir.Node // in that order
	fields     []jen.Code // task struct fields
	fieldNames []string   // names of the fields added with addField
	inits      []jen.Code // statements of newTask
	// initErr is set when a statement of newTask assigns err.
	initErr bool
	funcs   []jen.Code // methods and types, in node order
	outs    []string   // httpOut endpoint names
	// barrierReach marks the nodes that barriers reach, barrierGens holds
	// their generators and the barrier nodes' (barriers.go).
	barrierReach map[int]bool
	barrierGens  map[int]*nodeGen
	pkg          string // Options.Package
	opts         Options
}

func (g *gen) order() {
	g.nodes = dot.Order(g.task)
	g.pos = make([]int, len(g.task.Nodes))
	for i, n := range g.nodes {
		g.pos[n.ID] = i
	}
}

// services returns the configuration sections of the alert services the
// task's handlers use, sorted.
func (g *gen) services() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range g.task.Nodes {
		if usesTopics(n) && !seen["load"] { // the topic handler files
			seen["load"] = true
			out = append(out, "load")
		}
		for _, h := range n.Handlers {
			spec := catalog.Handlers[h.Kind]
			if spec == nil || spec.Section == "" || spec.Section == "httppost" || seen[spec.Section] {
				continue
			}
			seen[spec.Section] = true
			out = append(out, spec.Section)
		}
		if a, ok := autoscaleSections[n.Kind]; ok && !seen[a.section] { // autoscale.go
			seen[a.section] = true
			out = append(out, a.section)
		}
	}
	sort.Strings(out)
	return out
}

// setup adds statements to newTask; usesErr says they assign err.
func (g *gen) setup(usesErr bool, stmts ...jen.Code) {
	g.initErr = g.initErr || usesErr
	g.inits = append(g.inits, stmts...)
}

// regex returns the package var holding a compiled regex literal.
func (g *gen) regex(pattern string) string {
	if name, ok := g.regexps[pattern]; ok {
		return name
	}
	name := fmt.Sprintf("regex%d", len(g.regexps))
	g.regexps[pattern] = name
	return name
}

// source returns the script text of a span, on one line.
func (g *gen) source(n *ir.Node, e *ir.Expr) string {
	s, end := e.Pos.Start.Offset, e.Pos.End.Offset
	if s < 0 || end > len(g.src) || s >= end {
		return ""
	}
	return strings.Join(strings.Fields(string(g.src[s:end])), " ")
}

func (g *gen) where(n *ir.Node) string { return fmt.Sprintf("%s:%d", g.file, n.Line) }

func durationLit(d time.Duration) jen.Code {
	units := []struct {
		d    time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}, {time.Microsecond, "Microsecond"}}
	for _, u := range units {
		if d != 0 && d%u.d == 0 {
			if d == u.d {
				return jen.Qual("time", u.name)
			}
			return jen.Lit(int(d/u.d)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int(d)))
}

func (g *gen) render() ([]byte, error) {
	pkg, program := "main", "program"
	if g.pkg != "" {
		pkg, program = g.pkg, "Program"
	}
	f := jen.NewFile(pkg)
	f.ImportNames(map[string]string{
		pipelinePkg: "pipeline", stdlibPkg: "stdlib", alertPkg: "alert", taskcliPkg: "taskcli",
	})
	f.HeaderComment(fmt.Sprintf("Code generated by tickc from %s. DO NOT EDIT.", g.file))
	f.Comment(fmt.Sprintf("Program %s is the %s task compiled from %s.", g.task.ID, g.task.Type, g.file))
	f.Var().Id(program).Op("=").Qual(pipelinePkg, "Program").Values(g.programFields()...)
	f.Line()
	f.Comment("script is the TICKscript this program was compiled from.")
	f.Const().Id("script").Op("=").Lit(string(g.src))
	f.Line()
	if g.pkg == "" {
		f.Func().Id("main").Params().Block(jen.Qual(taskcliPkg, "Main").Call(jen.Op("&").Id("program")))
	}
	if len(g.regexps) > 0 {
		var patterns []string
		for p := range g.regexps {
			patterns = append(patterns, p)
		}
		sort.Slice(patterns, func(i, j int) bool { return g.regexps[patterns[i]] < g.regexps[patterns[j]] })
		var defs []jen.Code
		for _, p := range patterns {
			defs = append(defs, jen.Id(g.regexps[p]).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(p)))
		}
		f.Comment("The script's regular expressions, compiled once.")
		f.Var().Defs(defs...)
	}
	f.Comment("task is one running instance of the pipeline. Its methods run on one")
	f.Comment("goroutine at a time; only the stats are read concurrently.")
	f.Type().Id("task").Struct(append([]jen.Code{
		jen.Id("env").Op("*").Qual(pipelinePkg, "Env"),
		jen.Id("groups").Op("*").Qual(pipelinePkg, "Groups"),
		jen.Id("stats").Index().Op("*").Qual(pipelinePkg, "NodeStats"),
		jen.Id("errs").Op("*").Qual(pipelinePkg, "ErrorLog"),
	}, g.fields...)...)
	g.renderNew(f)
	g.renderInstance(f)
	for _, c := range g.funcs {
		f.Add(c)
		f.Line()
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, err
	}
	// Group the imports as gofmt users expect: standard library first.
	return imports.Process(g.task.ID+".go", buf.Bytes(), &imports.Options{Comments: true, TabIndent: true, TabWidth: 8, FormatOnly: true})
}

func (g *gen) programFields() []jen.Code {
	var dbrps []jen.Code
	for _, d := range g.task.DBRPs {
		dbrps = append(dbrps, jen.Values(jen.Dict{jen.Id("DB"): jen.Lit(d.DB), jen.Id("RP"): jen.Lit(d.RP)}))
	}
	var nodes []jen.Code
	for _, n := range g.nodes {
		var children []jen.Code
		for _, c := range n.Children {
			if child := g.task.Nodes[c]; !dot.IsSource(child) {
				children = append(children, jen.Lit(g.pos[c]))
			}
		}
		d := jen.Dict{jen.Id("Name"): jen.Lit(n.Name)}
		if len(children) > 0 {
			d[jen.Id("Children")] = jen.Index().Int().Values(children...)
		}
		if dot.IsSource(n) {
			d[jen.Id("Source")] = jen.True()
		}
		nodes = append(nodes, jen.Values(d))
	}
	fields := []jen.Code{
		jen.Id("ID").Op(":").Lit(g.task.ID),
		jen.Id("Type").Op(":").Lit(string(g.task.Type)),
		jen.Id("DBRPs").Op(":").Index().Qual(pipelinePkg, "DBRP").Values(dbrps...),
		jen.Id("Script").Op(":").Id("script"),
		jen.Id("Nodes").Op(":").Index().Qual(pipelinePkg, "NodeInfo").Values(nodes...),
	}
	if len(g.outs) > 0 {
		var outs []jen.Code
		for _, o := range g.outs {
			outs = append(outs, jen.Lit(o))
		}
		fields = append(fields, jen.Id("HTTPOuts").Op(":").Index().String().Values(outs...))
	}
	if services := g.services(); len(services) > 0 {
		fields = append(fields, jen.Id("Services").Op(":").Add(strSlice(services)))
	}
	if qs := g.queries(); qs != nil {
		fields = append(fields, jen.Id("Queries").Op(":").Add(qs))
	}
	fields = append(fields, g.templateFields()...)
	fields = append(fields, jen.Id("New").Op(":").Id("newTask"))
	for i := range fields {
		fields[i] = jen.Line().Add(fields[i])
	}
	return append(fields, jen.Line())
}

func (g *gen) renderNew(f *jen.File) {
	var names, stats []jen.Code
	for _, n := range g.nodes {
		names = append(names, jen.Lit(n.Name))
		children := 0
		for _, c := range n.Children {
			if !dot.IsSource(g.task.Nodes[c]) {
				children++
			}
		}
		args := []jen.Code{jen.Lit(children)}
		for _, c := range nodeCounters(n) {
			args = append(args, jen.Lit(c))
		}
		stats = append(stats, jen.Qual(pipelinePkg, "NewNodeStats").Call(args...))
	}
	body := []jen.Code{
		jen.Id("t").Op(":=").Op("&").Id("task").Values(jen.Dict{
			jen.Id("env"):    jen.Id("env"),
			jen.Id("groups"): jen.Qual(pipelinePkg, "NewGroups").Call(),
			jen.Id("stats"):  jen.Index().Op("*").Qual(pipelinePkg, "NodeStats").Values(stats...),
		}),
		jen.Id("t").Dot("errs").Op("=").Qual(pipelinePkg, "NewErrorLog").Call(
			jen.Id("env").Dot("Log"), jen.Id("env").Dot("Now"), jen.Index().String().Values(names...), jen.Id("t").Dot("stats")),
	}
	if g.initErr {
		body = append(body, jen.Var().Err().Error())
	}
	body = append(body, g.inits...)
	body = append(body, jen.Return(jen.Id("t"), jen.Nil()))
	f.Comment("newTask starts the task: it sets up each node's handlers and state.")
	f.Func().Id("newTask").Params(jen.Id("env").Op("*").Qual(pipelinePkg, "Env")).Params(jen.Qual(pipelinePkg, "Instance"), jen.Error()).Block(body...)
}

// nodeCounters are the node-specific statistics Kapacitor reports.
func nodeCounters(n *ir.Node) []string {
	switch n.Kind {
	case "alert":
		// The handlers' counters are added by alert.Delivery (alertInit).
		return []string{"alerts_inhibited", "alerts_triggered", "crits_triggered", "infos_triggered", "oks_triggered", "warns_triggered"}
	case "default":
		return []string{"fields_defaulted", "tags_defaulted"}
	case "delete":
		return []string{"fields_deleted", "tags_deleted"}
	case "kapacitorLoopback":
		return []string{"points_written"}
	case "influxDBOut":
		return []string{"points_dropped", "points_written", "write_errors"}
	case "query":
		return []string{"batches_queried", "points_queried"}
	case "k8sAutoscale", "swarmAutoscale", "ec2Autoscale":
		return []string{"cooldown_drops", "decrease_events", "increase_events"} // autoscale.Counters
	}
	return nil
}

func (g *gen) renderInstance(f *jen.File) {
	recv := jen.Id("t").Op("*").Id("task")
	src := g.task.Nodes[0]
	f.Comment("Point delivers a point of the task's databases to the pipeline.")
	f.Func().Params(recv).Id("Point").Params(jen.Id("p").Op("*").Qual(pipelinePkg, "Point")).Block(
		jen.Id("t").Dot(src.Name).Call(jen.Id("p")),
	)
	g.renderBatch(f)
	f.Comment("Stats returns each node's statistics, in the program's node order.")
	f.Func().Params(jen.Id("t").Op("*").Id("task")).Id("Stats").Params().Index().Op("*").Qual(pipelinePkg, "NodeStats").Block(
		jen.Return(jen.Id("t").Dot("stats")),
	)
	var cases []jen.Code
	for _, n := range g.task.Nodes {
		if n.Kind == "httpOut" {
			cases = append(cases, jen.Case(jen.Lit(n.Args[0].Str)).Block(
				jen.Return(jen.Id("t").Dot(n.Name+"Cache").Dot("WriteJSON").Call(jen.Id("w")).Op("==").Nil()),
			))
		}
	}
	httpOut := []jen.Code{jen.Return(jen.False())}
	if len(cases) > 0 {
		httpOut = []jen.Code{jen.Switch(jen.Id("name")).Block(cases...), jen.Return(jen.False())}
		httpOut = append(g.udfSyncs(), httpOut...) // the UDF agents' output first (udf.go)
	}
	f.Comment("HTTPOut writes the JSON of the httpOut endpoint called name.")
	f.Func().Params(jen.Id("t").Op("*").Id("task")).Id("HTTPOut").Params(jen.Id("name").String(), jen.Id("w").Qual("io", "Writer")).Bool().Block(httpOut...)
	// Alert nodes keep their .log() files open and buffer lines: close them
	// all and report the first error.
	var closes []jen.Code
	for _, n := range g.nodes {
		if n.Kind == "alert" || n.Kind == "sideload" || n.Kind == "influxDBOut" || (udfName(n) != "" && g.goNode(n) == nil) {
			closes = append(closes, jen.If(jen.Err().Op(":=").Id("t").Dot(n.Name+"Node").Dot("Close").Call(), jen.Err().Op("!=").Nil().Op("&&").Id("first").Op("==").Nil()).Block(
				jen.Id("first").Op("=").Err()))
		}
	}
	closeBody := []jen.Code{jen.Return(jen.Nil())}
	if len(closes) > 0 {
		closeBody = append(append([]jen.Code{jen.Var().Id("first").Error()}, closes...), jen.Return(jen.Id("first")))
	}
	f.Comment("Close releases what the task holds: it flushes and closes the alert log files.")
	f.Func().Params(jen.Id("t").Op("*").Id("task")).Id("Close").Params().Error().Block(closeBody...)
}

// groupState is the per-group state struct of one node: the state of its
// stateful lambda functions and of the node itself (alert, window).
type groupState struct {
	typeName string
	fields   []jen.Code
	n        int
}

// add adds a field of stdlib type recv (Sigma, Count, ...) and returns its name.
func (s *groupState) add(recv string) string {
	name := fmt.Sprintf("%s%d", strings.ToLower(recv[:1])+recv[1:], s.n)
	s.n++
	s.fields = append(s.fields, jen.Id(name).Qual(stdlibPkg, recv))
	return name
}

// addField adds a field of the given type.
func (s *groupState) addField(name string, typ jen.Code) {
	s.fields = append(s.fields, jen.Id(name).Add(typ))
}

func (s *groupState) used() bool { return len(s.fields) > 0 }
