package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// alertLevels maps the level properties to the runtime's levels, highest
// first, as Kapacitor tests them.
var alertLevels = []struct{ prop, reset, level string }{
	{"crit", "critReset", "Critical"},
	{"warn", "warnReset", "Warning"},
	{"info", "infoReset", "Info"},
}

// alert generates an alert node (stream or batch edge): the level lambdas behind a
// Tester, the per-group alert state, the handlers set up in newTask, and the
// forwarding of triggered points with the .levelTag()/... additions.
func (ng *nodeGen) alert() []jen.Code {
	n := ng.n
	pos := ng.g.pos[n.ID]
	ng.state.addField("state", jen.Qual(alertPkg, "State"))
	tester := n.Name + "Tester"

	// Level and reset lambdas, and the Tester that calls them.
	var tests, resets, testCases, resetCases []jen.Code
	for _, l := range alertLevels {
		level := jen.Qual(alertPkg, l.level)
		if p := n.Lookup(l.prop); p != nil {
			name := ng.lambda(capitalize(l.prop), p.Args[0].Lambda, types.Bool, nil)
			tests = append(tests, level)
			testCases = append(testCases, jen.Case(level).Block(jen.Return(jen.Id("x").Dot("result").Call(jen.Id("x").Dot("t").Dot(name).Call(jen.Id("x").Dot("p"), jen.Id("x").Dot("g"))))))
		}
		if p := n.Lookup(l.reset); p != nil {
			name := ng.lambda(capitalize(l.reset), p.Args[0].Lambda, types.Bool, nil)
			resets = append(resets, level)
			resetCases = append(resetCases, jen.Case(level).Block(jen.Return(jen.Id("x").Dot("result").Call(jen.Id("x").Dot("t").Dot(name).Call(jen.Id("x").Dot("p"), jen.Id("x").Dot("g"))))))
		}
	}
	recv := jen.Id("x").Op("*").Id(tester)
	ng.lambdas = append(ng.lambdas,
		jen.Commentf("%s evaluates %s's level lambdas for the point being alerted on;", tester, n.Name).Line().
			Comment("a lambda that fails counts as false, as in Kapacitor.").Line().
			Type().Id(tester).Struct(
			jen.Id("t").Op("*").Id("task"),
			jen.Id("p").Op("*").Qual(pipelinePkg, "Point"),
			jen.Id("g").Op("*").Id(ng.state.typeName),
		),
		jen.Func().Params(recv).Id("result").Params(jen.Id("ok").Bool(), jen.Err().Error()).Params(jen.Bool(), jen.Error()).Block(
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Id("x").Dot("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), jen.Err()),
				jen.Return(jen.False(), jen.Nil()),
			),
			jen.Return(jen.Id("ok"), jen.Nil()),
		),
		jen.Func().Params(recv).Id("Test").Params(jen.Id("l").Qual(alertPkg, "Level")).Params(jen.Bool(), jen.Error()).Block(levelSwitch(testCases)...),
		jen.Func().Params(recv).Id("Reset").Params(jen.Id("l").Qual(alertPkg, "Level")).Params(jen.Bool(), jen.Error()).Block(levelSwitch(resetCases)...),
	)
	ng.g.fields = append(ng.g.fields,
		jen.Comment(fmt.Sprintf("%s: |alert() (%s)", n.Name, ng.g.where(n))),
		jen.Id(n.Name+"Node").Op("*").Qual(alertPkg, "Node"),
		jen.Id(tester).Id(tester),
	)
	ng.g.setup(true, ng.alertInit(tests, resets)...)

	if ng.in == catalog.BatchEdge {
		return ng.alertBatch(tester, pos)
	}
	return ng.alertStream(tester, pos)
}

// utc converts a Unix nanosecond expression to a UTC time.Time.
func utc(ns jen.Code) jen.Code {
	return jen.Qual("time", "Unix").Call(jen.Lit(0), ns).Dot("UTC").Call()
}

// alertStart fetches the group's alert state, initialising a new group from
// the node's topic as Kapacitor does.
func (ng *nodeGen) alertStart(pos int, name, group, tags, t jen.Code) []jen.Code {
	n := ng.n
	out := ng.groupOf(group)
	out[1] = jen.If(jen.Id("isNew")).Block(
		jen.Id("t").Dot("stats").Index(jen.Lit(pos)).Dot("SetCardinality").Call(jen.Id("t").Dot(n.Name+"Groups").Dot("Cardinality").Call()),
		jen.If(jen.Err().Op(":=").Id("t").Dot(n.Name+"Node").Dot("InitGroup").Call(jen.Op("&").Id("g").Dot("state"), name, jen.Add(group).Dot("ID"), tags, t), jen.Err().Op("!=").Nil()).Block(
			jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), jen.Err()),
		),
	)
	return out
}

// alertFire fires the event ev with input, copies the node's counters to
// its stats, and reports a failure.
func (ng *nodeGen) alertFire(pos int, input jen.Code, data string) []jen.Code {
	n := ng.n
	return []jen.Code{
		jen.List(jen.Id(data), jen.Err()).Op(":=").Id("t").Dot(n.Name+"Node").Dot("Fire").Call(jen.Id("ev"), input),
		jen.Id("t").Dot(n.Name + "Node").Dot("Stats").Dot("Each").Call(jen.Id("t").Dot("stats").Index(jen.Lit(pos)).Dot("SetCounter")),
		ng.report(),
	}
}

// alertStream decides the level of each point and forwards triggered points.
func (ng *nodeGen) alertStream(tester string, pos int) []jen.Code {
	n := ng.n
	augment := ng.augment(jen.Id("p"))
	data := "d" // the event, when the point is augmented with it
	if len(augment) == 0 {
		data = "_"
	}
	cfg := jen.Op("&").Id("t").Dot(n.Name + "Node").Dot("Config")
	out := ng.alertStart(pos, jen.Id("p").Dot("Name"), jen.Id("p").Dot("Group"), jen.Id("p").Dot("TagMap").Call(), utc(jen.Id("p").Dot("Time")))
	out = append(out,
		jen.Id("t").Dot(tester).Dot("p").Op(",").Id("t").Dot(tester).Dot("g").Op("=").Id("p").Op(",").Id("g"),
		jen.Id("level").Op(":=").Qual(alertPkg, "DetermineLevel").Call(cfg, jen.Id("g").Dot("state").Dot("Level").Call(), jen.Op("&").Id("t").Dot(tester)),
		jen.List(jen.Id("fire"), jen.Id("ev")).Op(":=").Id("g").Dot("state").Dot("Update").Call(jen.Id("level"), utc(jen.Id("p").Dot("Time")), cfg),
		jen.If(jen.Op("!").Id("fire")).Block(jen.Return()),
	)
	out = append(out, ng.alertFire(pos, jen.Qual(alertPkg, "PointInput").Call(jen.Id("p")), data)...)
	out = append(out, augment...)
	return append(out, ng.send(jen.Id("p"))...)
}

// alertBatch decides one level per batch (the highest of its points, or
// the lowest with .all()) and forwards triggered batches.
func (ng *nodeGen) alertBatch(tester string, pos int) []jen.Code {
	n := ng.n
	var augment []jen.Code
	if each := ng.augment(jen.Id("bp")); len(each) > 0 {
		augment = []jen.Code{jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
			append([]jen.Code{jen.Id("bp").Op(":=").Op("&").Id("b").Dot("Points").Index(jen.Id("i"))}, each...)...)}
	}
	data := "d"
	if len(augment) == 0 {
		data = "_"
	}
	cfg := jen.Op("&").Id("t").Dot(n.Name + "Node").Dot("Config")
	out := ng.alertStart(pos, jen.Id("b").Dot("Name"), jen.Id("b").Dot("Group"), jen.Qual(pipelinePkg, "TagsMap").Call(jen.Id("b").Dot("Tags")), utc(jen.Id("b").Dot("TMax")))
	out = append(out,
		jen.Var().Id("levels").Qual(alertPkg, "BatchLevels"),
		jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
			jen.Id("t").Dot(tester).Dot("p").Op(",").Id("t").Dot(tester).Dot("g").Op("=").Op("&").Id("b").Dot("Points").Index(jen.Id("i")).Op(",").Id("g"),
			jen.Id("levels").Dot("Add").Call(jen.Qual(alertPkg, "DetermineLevel").Call(cfg, jen.Id("g").Dot("state").Dot("Level").Call(), jen.Op("&").Id("t").Dot(tester))),
		),
		jen.List(jen.Id("level"), jen.Id("highest"), jen.Id("ok")).Op(":=").Id("levels").Dot("Result").Call(cfg),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
		jen.Id("at").Op(":=").Qual(alertPkg, "BatchEventTime").Call(cfg, jen.Id("level"), utc(jen.Id("b").Dot("Points").Index(jen.Id("highest")).Dot("Time")), utc(jen.Id("b").Dot("TMax"))),
		jen.List(jen.Id("fire"), jen.Id("ev")).Op(":=").Id("g").Dot("state").Dot("UpdateBatch").Call(jen.Id("level"), jen.Id("at"), cfg),
		jen.If(jen.Op("!").Id("fire")).Block(jen.Return()),
	)
	out = append(out, ng.alertFire(pos, jen.Qual(alertPkg, "BatchInput").Call(jen.Id("b"), jen.Id("highest")), data)...)
	out = append(out, augment...)
	return append(out, ng.send(jen.Id("b"))...)
}

// levelSwitch dispatches a level to its lambda; levels without one are false.
func levelSwitch(cases []jen.Code) []jen.Code {
	if len(cases) == 0 {
		return []jen.Code{jen.Return(jen.False(), jen.Nil())}
	}
	return []jen.Code{jen.Switch(jen.Id("l")).Block(cases...), jen.Return(jen.False(), jen.Nil())}
}

func capitalize(s string) string { return string(s[0]-'a'+'A') + s[1:] }

// alertInit sets the node up in newTask: templates, handlers, config.
func (ng *nodeGen) alertInit(tests, resets []jen.Code) []jen.Code {
	n := struct {
		*ir.Node
		taskID string
	}{ng.n, ng.g.task.ID}
	str := func(prop, def string) jen.Code {
		if p := n.Lookup(prop); p != nil {
			return jen.Lit(p.Args[0].Str)
		}
		return jen.Qual(alertPkg, def)
	}
	tmpl, node := n.Name+"Templates", n.Name
	out := []jen.Code{
		jen.List(jen.Id(tmpl), jen.Err()).Op(":=").Qual(alertPkg, "NewTemplates").Call(
			jen.Lit(n.taskID), jen.Qual(alertPkg, "ServerInfo").Values(jen.Dict{jen.Id("Hostname"): jen.Id("env").Dot("Hostname")}),
			str("id", "DefaultID"), str("message", "DefaultMessage"), str("details", "DefaultDetails")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(node+": %w"), jen.Err()))),
	}
	var handlers []jen.Code
	for i, h := range n.Handlers {
		id := fmt.Sprintf("%sHandler%d", node, i)
		call, ok := handlerSetup(h, n.taskID, "kapacitor:"+n.taskID+":"+node)
		if !ok {
			panic(fmt.Sprintf("%s: the .%s() handler is not supported by this version of tickc", node, h.Kind))
		}
		out = append(out,
			jen.List(jen.Id(id), jen.Err()).Op(":=").Add(call),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(node+": %w"), jen.Err()))),
		)
		handlers = append(handlers, jen.Id(id))
	}
	history := jen.Code(jen.Qual(alertPkg, "DefaultHistory"))
	if p := n.Lookup("history"); p != nil {
		history = jen.Lit(int(p.Args[0].Int))
	}
	// jen.Dict keys are compared as values: set each field once.
	cfg := jen.Dict{jen.Id("History"): history}
	if len(tests) > 0 {
		cfg[jen.Id("Tests")] = jen.Qual(alertPkg, "Levels").Call(tests...)
	}
	if len(resets) > 0 {
		cfg[jen.Id("Resets")] = jen.Qual(alertPkg, "Levels").Call(resets...)
	}
	if p := n.Lookup("flapping"); p != nil {
		cfg[jen.Id("Flapping")] = jen.True()
		cfg[jen.Id("FlapLow")] = jen.Lit(p.Args[0].Float)
		cfg[jen.Id("FlapHigh")] = jen.Lit(p.Args[1].Float)
	}
	if p := n.Lookup("stateChangesOnly"); p != nil {
		cfg[jen.Id("StateChangesOnly")] = jen.True()
		if len(p.Args) > 0 {
			cfg[jen.Id("StateChangesOnlyDuration")] = durationLit(p.Args[0].Dur)
		}
	}
	if n.Lookup("noRecoveries") != nil {
		cfg[jen.Id("NoRecoveries")] = jen.True()
	}
	if n.Lookup("all") != nil {
		cfg[jen.Id("All")] = jen.True()
	}
	// The services of the configuration with global = true handle every
	// alert too (Kapacitor adds them when it creates the node), and their
	// state-changes-only = true makes the node .stateChangesOnly().
	topic := "kapacitor:" + n.taskID + ":" + node
	var sections []jen.Code
	for _, h := range n.Handlers {
		if spec := catalog.Handlers[h.Kind]; spec != nil && spec.Section != "" {
			sections = append(sections, jen.Lit(spec.Section))
		}
	}
	info := jen.Dict{jen.Id("TaskName"): jen.Lit(n.taskID), jen.Id("Topic"): jen.Lit(topic)}
	if len(sections) > 0 {
		info[jen.Id("Sections")] = jen.Index().String().Values(sections...)
	}
	globals := node + "Globals"
	// after appends the global handlers' field of globals to the node's own.
	after := func(own []jen.Code, typ jen.Code, field string) *jen.Statement {
		if len(own) == 0 {
			return jen.Id(globals).Dot(field)
		}
		return jen.Append(jen.Index().Add(typ).Values(own...), jen.Id(globals).Dot(field).Op("..."))
	}
	args := []jen.Code{jen.Qual(alertPkg, "Config").Values(cfg), jen.Id(tmpl), jen.Lit(topic), after(handlers, jen.Qual(alertPkg, "Handler"), "Handlers").Op("...")}
	out = append(out,
		jen.List(jen.Id(globals), jen.Err()).Op(":=").Qual(handlersPkg, "Globals").Call(jen.Id("env"), jen.Qual(handlersPkg, "Alert").Values(info)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(node+": %w"), jen.Err()))),
		jen.List(jen.Id("t").Dot(node+"Node"), jen.Err()).Op("=").Qual(alertPkg, "NewNode").Call(args...),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(node+": %w"), jen.Err()))),
		jen.If(jen.Id(globals).Dot("StateChangesOnly")).Block(jen.Id("t").Dot(node+"Node").Dot("Config").Dot("StateChangesOnly").Op("=").True()),
	)
	out = append(out, ng.alertRouting()...)
	out = append(out,
		// Load the topics' persisted event states before any point.
		jen.If(jen.Err().Op(":=").Id("t").Dot(node+"Node").Dot("Persist").Call(jen.Id("env").Dot("State")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(node+": %w"), jen.Err()))),
		jen.Id("t").Dot(node+"Tester").Dot("t").Op("=").Id("t"),
	)
	// Each handler, the script's and the configuration's, gets the events
	// on a goroutine of its own, counts them in the node's stats and
	// shows its queue's length there.
	var names []jen.Code
	for _, name := range handlerNames(ng.n) {
		names = append(names, jen.Lit(name))
	}
	stats := jen.Id("t").Dot("stats").Index(jen.Lit(ng.g.pos[ng.n.ID]))
	out = append(out, jen.Id("t").Dot(node+"Node").Dot("Start").Call(jen.Qual(alertPkg, "Delivery").Values(jen.Dict{
		jen.Id("Node"):    jen.Lit(node),
		jen.Id("Names"):   after(names, jen.String(), "Names"),
		jen.Id("Counter"): jen.Add(stats).Dot("AddCounter"),
		jen.Id("Gauge"):   jen.Add(stats).Dot("Gauge"),
		jen.Id("Log"):     jen.Id("env").Dot("Log"),
	})))
	return out
}

// handlerNames name an alert node's handlers in its stats and logs: the
// handler's method and its index among the node's handlers of that kind,
// "log0", "post0", "post1" ("pagerDuty2_0" for a kind ending in a digit).
func handlerNames(n *ir.Node) []string {
	var names []string
	seen := map[string]int{}
	for _, h := range n.Handlers {
		sep := ""
		if last := h.Kind[len(h.Kind)-1]; last >= '0' && last <= '9' {
			sep = "_"
		}
		names = append(names, fmt.Sprintf("%s%s%d", h.Kind, sep, seen[h.Kind]))
		seen[h.Kind]++
	}
	return names
}

// topichandlersPkg loads the topic handlers of the named topics.
const topichandlersPkg = "github.com/tickc/tickc/runtime/alert/topichandlers"

// usesTopics reports whether an alert node publishes to a named topic,
// has a category or inhibits others: it then needs the alert service the
// binary's tasks share.
func usesTopics(n *ir.Node) bool {
	return n.Kind == "alert" && (n.Lookup("topic") != nil || n.Lookup("category") != nil || n.Lookup("inhibit") != nil)
}

// alertRouting sets up the node's .topic(), .category() and .inhibit()
// with the shared alert service (pipeline.Env.Alerts).
func (ng *nodeGen) alertRouting() []jen.Code {
	n := ng.n
	if !usesTopics(n) {
		return nil
	}
	routing := jen.Id("t").Dot(n.Name + "Node").Dot("Routing")
	out := []jen.Code{
		jen.If(jen.List(jen.Add(routing).Dot("Topics"), jen.Err()).Op("=").Qual(topichandlersPkg, "Shared").Call(jen.Id("env")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(n.Name+": %w"), jen.Err()))),
	}
	if p := n.Lookup("topic"); p != nil {
		out = append(out, jen.Add(routing).Dot("TopicName").Op("=").Lit(p.Args[0].Str))
	}
	if p := n.Lookup("category"); p != nil {
		out = append(out, jen.Add(routing).Dot("Category").Op("=").Lit(p.Args[0].Str))
	}
	var inhibits []jen.Code
	for _, p := range n.All("inhibit") {
		d := jen.Dict{jen.Id("Category"): jen.Lit(p.Args[0].Str)}
		var tags []jen.Code
		for _, a := range p.Args[1:] {
			tags = append(tags, jen.Lit(a.Str))
		}
		if len(tags) > 0 {
			d[jen.Id("Tags")] = jen.Index().String().Values(tags...)
		}
		inhibits = append(inhibits, jen.Values(d))
	}
	if len(inhibits) > 0 {
		out = append(out, jen.Add(routing).Dot("Inhibits").Op("=").Index().Qual(alertPkg, "Inhibit").Values(inhibits...))
	}
	return out
}

// handlerSetup returns the call that creates a handler in newTask.
func handlerSetup(h ir.Handler, taskID, topic string) (jen.Code, bool) {
	switch h.Kind {
	case "log":
		mode := jen.Qual(alertPkg, "DefaultLogMode")
		if p := h.Lookup("mode"); p != nil {
			mode = jen.Qual("os", "FileMode").Call(jen.Lit(int(p.Args[0].Int)))
		}
		return jen.Qual(alertPkg, "NewLogHandler").Call(jen.Lit(h.Args[0].Str), mode), true
	case "post":
		url := ""
		if len(h.Args) > 0 {
			url = h.Args[0].Str // Kapacitor uses the first URL
		}
		headers := jen.Dict{}
		for _, p := range h.Props {
			if p.Name == "header" {
				headers[jen.Lit(p.Args[0].Str)] = jen.Lit(p.Args[1].Str)
			}
		}
		timeout := jen.Code(jen.Lit(0))
		if p := h.Lookup("timeout"); p != nil {
			timeout = durationLit(p.Args[0].Dur)
		}
		hdr := jen.Code(jen.Nil())
		if len(headers) > 0 {
			hdr = jen.Map(jen.String()).String().Values(headers)
		}
		if p := h.Lookup("endpoint"); p != nil && url == "" {
			// A configured [[httppost]] endpoint of the task's --config.
			return jen.Qual(httppostPkg, "NewAlertHandler").Call(jen.Id("env").Dot("Config"), jen.Lit(p.Args[0].Str), hdr, timeout), true
		}
		return jen.Qual(alertPkg, "NewPostHandler").Call(jen.Lit(url), hdr, timeout), true
	case "tcp":
		addr := h.Args[0].Str
		if p := h.Lookup("address"); p != nil {
			addr = p.Args[0].Str
		}
		return jen.Qual(alertPkg, "NewTCPHandler").Call(jen.Lit(addr)), true
	case "exec":
		var args []jen.Code
		for _, a := range h.Args {
			args = append(args, jen.Lit(a.Str))
		}
		return jen.Qual(alertPkg, "NewExecHandler").Call(args...), true
	default:
		return serviceHandlerSetup(h, taskID, topic)
	}
}

// augment adds the alert's state to the forwarded point as the
// .levelTag(), .levelField(), .idTag(), .idField(), .messageField() and
// .durationField() properties ask.
func (ng *nodeGen) augment(p jen.Code) []jen.Code {
	n := ng.n
	var out []jen.Code
	level := jen.Id("d").Dot("Level").Dot("String").Call()
	target := p
	set := func(name, method string, value jen.Code) {
		if prop := n.Lookup(name); prop != nil {
			out = append(out, jen.Add(target).Dot(method).Call(jen.Lit(prop.Args[0].Str), value))
		}
	}
	set("levelTag", "SetTag", level)
	set("levelField", "SetField", jen.Qual(pipelinePkg, "StringValue").Call(level))
	set("idTag", "SetTag", jen.Id("d").Dot("ID"))
	set("idField", "SetField", jen.Qual(pipelinePkg, "StringValue").Call(jen.Id("d").Dot("ID")))
	set("messageField", "SetField", jen.Qual(pipelinePkg, "StringValue").Call(jen.Id("d").Dot("Message")))
	set("durationField", "SetField", jen.Qual(pipelinePkg, "IntValue").Call(jen.Int64().Call(jen.Id("d").Dot("Duration"))))
	return out
}
