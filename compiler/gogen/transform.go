package gogen

import (
	"fmt"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// The nodes that carry something from one point of a group to the next:
// shift, sample, stateCount, stateDuration, changeDetect, derivative, the
// InfluxQL stream transformations (difference, movingAverage,
// cumulativeSum, elapsed) and holtWinters. Their per-group state comes from
// runtime/transform and stdlib/influxql; on a batch edge it is reset at the
// start of every batch, as Kapacitor's BeginBatch does.

const transformPkg = "github.com/tickc/tickc/runtime/transform"

// tfPos is the node's index in the program, for its statistics.
func (ng *nodeGen) tfPos() int { return ng.g.pos[ng.n.ID] }

// tfReport counts an error against the node (and logs it) without
// returning: err is an expression.
func (ng *nodeGen) tfReport(err jen.Code) jen.Code {
	return jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(ng.tfPos()), err)
}

// tfArg returns the value of a property that replaces a constructor
// argument (Kapacitor's property methods that set the same field, such as
// derivative().field()), or the argument itself.
func (ng *nodeGen) tfArg(i int, prop string) ir.Value {
	if p := ng.n.Lookup(prop); p != nil && len(p.Args) > 0 {
		return p.Args[0]
	}
	return ng.n.Args[i]
}

// tfString returns the string of the last call of a property, or def.
func (ng *nodeGen) tfString(prop, def string) string {
	if p := ng.n.Lookup(prop); p != nil && len(p.Args) > 0 {
		return p.Args[0].Str
	}
	return def
}

// tfDuration returns the duration of the last call of a property, or def.
func (ng *nodeGen) tfDuration(prop string, def time.Duration) time.Duration {
	if p := ng.n.Lookup(prop); p != nil && len(p.Args) > 0 {
		return p.Args[0].Dur
	}
	return def
}

// tfSrc is an argument as written in the script, or def when its text is
// not known (a value from a var is written as the var's name).
func (ng *nodeGen) tfSrc(v ir.Value, def string) string {
	src := ng.g.src
	s, e := v.Pos.Start.Offset, v.Pos.End.Offset
	if s < 0 || e > len(src) || s >= e {
		return def
	}
	return string(src[s:e])
}

// tfFail stops code generation with an error Kapacitor reports when the
// task starts (or a crash it would have at run time).
func (ng *nodeGen) tfFail(format string, args ...any) {
	panic(fmt.Sprintf("%s (%s): %s", ng.n.Name, ng.g.where(ng.n), fmt.Sprintf(format, args...)))
}

// tfFilterBatch returns the statements that run each over every point p of
// b (p := &b.Points[i]) and keep the points it does not drop with continue.
func tfFilterBatch(each ...jen.Code) []jen.Code {
	body := append([]jen.Code{jen.Id("p").Op(":=").Op("&").Id("b").Dot("Points").Index(jen.Id("i"))}, each...)
	body = append(body, jen.Id("kept").Op("=").Append(jen.Id("kept"), jen.Op("*").Id("p")))
	return []jen.Code{
		jen.Id("kept").Op(":=").Id("b").Dot("Points").Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(body...),
		jen.Id("b").Dot("Points").Op("=").Id("kept"),
	}
}

// tfDrop skips the point in a tfFilterBatch loop.
func tfDrop() jen.Code { return jen.Continue() }

// shift moves point times (and a batch's time) by the shift duration
// (Kapacitor shift.go). It keeps no state.
func (ng *nodeGen) shift() []jen.Code {
	arg := ng.tfArg(0, "shift")
	d, text := arg.Dur, ng.tfSrc(arg, arg.Dur.String())
	if d == 0 {
		ng.tfFail("invalid shift value: must be non zero duration")
	}
	by := jen.Int64().Call(durationLit(d))
	if ng.in == catalog.BatchEdge {
		out := []jen.Code{
			jen.Commentf("shift(%s): the batch and each of its points move by %s.", text, d),
			jen.Id("b").Dot("TMax").Op("+=").Add(by),
			jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
				jen.Id("b").Dot("Points").Index(jen.Id("i")).Dot("Time").Op("+=").Add(by)),
		}
		return append(out, ng.send(jen.Id("b"))...)
	}
	out := []jen.Code{
		jen.Commentf("shift(%s): the point moves by %s.", text, d),
		jen.Id("p").Dot("Time").Op("+=").Add(by),
	}
	return append(out, ng.send(jen.Id("p"))...)
}

// sample keeps the first point of each group and every nth after it, or
// the points whose time is a multiple of the duration (Kapacitor
// sample.go). On a batch edge it samples the points of each batch, the
// count starting again with every batch.
func (ng *nodeGen) sample() []jen.Code {
	n := ng.n
	var count int64
	var every time.Duration
	if a := n.Args[0]; a.Type == types.Duration {
		every = a.Dur
	} else {
		count = a.Int
	}
	if p := n.Lookup("n"); p != nil {
		count = p.Args[0].Int
	}
	every = ng.tfDuration("duration", every)
	if every == 0 && count == 0 {
		ng.tfFail("invalid sample rate: must be positive integer or duration")
	}
	ng.state.addField("sample", jen.Qual(transformPkg, "Sample"))
	keep := func(t jen.Code) jen.Code {
		if every != 0 { // a duration takes precedence over a count, as in Kapacitor
			return jen.Id("g").Dot("sample").Dot("KeepTime").Call(t, durationLit(every))
		}
		return jen.Id("g").Dot("sample").Dot("KeepCount").Call(jen.Lit(int(count)))
	}
	what := fmt.Sprintf("One point in %d per group is kept, starting with the first", count)
	if every != 0 {
		what = fmt.Sprintf("The points whose time is a multiple of %s are kept", every)
	}
	if ng.in == catalog.BatchEdge {
		out := ng.groupOf(jen.Id("b").Dot("Group"))
		out = append(out,
			jen.Comment(what+", counted within each batch."),
			jen.Id("g").Dot("sample").Dot("Reset").Call(),
		)
		out = append(out, tfFilterBatch(jen.If(jen.Op("!").Add(keep(jen.Id("p").Dot("Time")))).Block(tfDrop()))...)
		return append(out, ng.send(jen.Id("b"))...)
	}
	out := ng.groupOf(jen.Id("p").Dot("Group"))
	out = append(out,
		jen.Comment(what+"."),
		jen.If(jen.Op("!").Add(keep(jen.Id("p").Dot("Time")))).Block(jen.Return()),
	)
	return append(out, ng.send(jen.Id("p"))...)
}

// stateTracking generates stateCount and stateDuration (Kapacitor
// state_tracking.go): the lambda, with its own per-group state, decides
// whether the point is in the state; the node adds the count of
// consecutive points in it (int), or the time since the first of them
// (float, in units of .unit(), 1s by default), and -1 while it is not.
// A lambda error drops the point. On a batch edge the run starts again with
// every batch (but the lambda's state does not).
func (ng *nodeGen) stateTracking() []jen.Code {
	n := ng.n
	lam := ng.tfArg(0, "lambda")
	count := n.Kind == "stateCount"
	as := ng.tfString("as", map[bool]string{true: "state_count", false: "state_duration"}[count])
	unit := ng.tfDuration("unit", time.Second)
	typ, value := "StateDuration", func(in jen.Code) jen.Code {
		return jen.Qual(pipelinePkg, "FloatValue").Call(jen.Id("g").Dot("tracker").Dot("Track").Call(jen.Id("p").Dot("Time"), in, durationLit(unit)))
	}
	what := fmt.Sprintf("The time in the state, in units of %s, or -1, as the field %q.", unit, as)
	if count {
		typ, value = "StateCount", func(in jen.Code) jen.Code {
			return jen.Qual(pipelinePkg, "IntValue").Call(jen.Id("g").Dot("tracker").Dot("Track").Call(in))
		}
		what = fmt.Sprintf("The count of consecutive points in the state, or -1, as the field %q.", as)
	}
	// The state is known before the lambda is compiled, so that its method
	// takes the group.
	ng.state.addField("tracker", jen.Qual(transformPkg, typ))
	expr := ng.lambda("Expr", lam.Lambda, types.Bool, nil)
	if ng.in == catalog.BatchEdge {
		out := ng.groupOf(jen.Id("b").Dot("Group"))
		out = append(out,
			jen.Id("g").Dot("tracker").Dot("Reset").Call(),
			jen.Comment(what),
		)
		out = append(out, tfFilterBatch(
			jen.List(jen.Id("in"), jen.Err()).Op(":=").Add(ng.callLambda(expr)),
			jen.If(jen.Err().Op("!=").Nil()).Block(ng.tfReport(jen.Err()), tfDrop()),
			jen.Id("p").Dot("SetField").Call(jen.Lit(as), value(jen.Id("in"))),
		)...)
		return append(out, ng.send(jen.Id("b"))...)
	}
	out := ng.groupOf(jen.Id("p").Dot("Group"))
	out = append(out,
		jen.List(jen.Id("in"), jen.Err()).Op(":=").Add(ng.callLambda(expr)),
		ng.report(),
		jen.Comment(what),
		jen.Id("p").Dot("SetField").Call(jen.Lit(as), value(jen.Id("in"))),
	)
	return append(out, ng.send(jen.Id("p"))...)
}

// changeDetect passes a point on only when one of the fields differs from
// the last point passed on in its group (Kapacitor change_detect.go). A
// point without one of the fields counts an error for it.
func (ng *nodeGen) changeDetect() []jen.Code {
	fields := strArgs(ng.n.Args)
	ng.state.addField("detect", jen.Qual(transformPkg, "ChangeDetect"))
	changed := func(v string) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id(v), jen.Id("missing")).Op(":=").Id("g").Dot("detect").Dot("Changed").Call(jen.Id("p"), strSlice(fields)),
			jen.For(jen.List(jen.Id("_"), jen.Id("f")).Op(":=").Range().Id("missing")).Block(
				ng.tfReport(jen.Qual("fmt", "Errorf").Call(jen.Lit("invalid field in change detect: expected field %s not found"), jen.Id("f")))),
		}
	}
	if ng.in == catalog.BatchEdge {
		out := ng.groupOf(jen.Id("b").Dot("Group"))
		out = append(out, jen.Id("g").Dot("detect").Dot("Reset").Call())
		out = append(out, tfFilterBatch(append(changed("changed"), jen.If(jen.Op("!").Id("changed")).Block(tfDrop()))...)...)
		return append(out, ng.send(jen.Id("b"))...)
	}
	out := ng.groupOf(jen.Id("p").Dot("Group"))
	out = append(out, changed("changed")...)
	out = append(out, jen.If(jen.Op("!").Id("changed")).Block(jen.Return()))
	return append(out, ng.send(jen.Id("p"))...)
}

// derivative adds the rate of change of a float or int field since the
// previous point of the group, per .unit() (1s by default), as a float
// field named by .as() (by default the input field, which it replaces)
// (Kapacitor derivative.go). The group's first point, a point at the time
// of the previous one and, with .nonNegative(), a negative change emit
// nothing.
func (ng *nodeGen) derivative() []jen.Code {
	field := ng.tfArg(0, "field").Str
	// .as() defaults to the constructor's field, even after .field().
	as := ng.tfString("as", ng.n.Args[0].Str)
	unit := ng.tfDuration("unit", time.Second)
	nonNeg := ng.n.Lookup("nonNegative") != nil
	ng.state.addField("deriv", jen.Qual(transformPkg, "Derivative"))
	next := func(v string) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("x"), jen.Id("_")).Op(":=").Id("p").Dot("Field").Call(jen.Lit(field)),
			jen.List(jen.Id("r"), jen.Id(v), jen.Err()).Op(":=").Id("g").Dot("deriv").Dot("Next").Call(
				jen.Id("p").Dot("Time"), jen.Id("x"), durationLit(unit), jen.Lit(nonNeg)),
		}
	}
	set := jen.Id("p").Dot("SetField").Call(jen.Lit(as), jen.Qual(pipelinePkg, "FloatValue").Call(jen.Id("r")))
	what := fmt.Sprintf("d(%s)/dt per %s as the field %q", field, unit, as)
	if nonNeg {
		what += ", negative values dropped"
	}
	if ng.in == catalog.BatchEdge {
		out := ng.groupOf(jen.Id("b").Dot("Group"))
		body := append(next("ok"),
			jen.If(jen.Err().Op("!=").Nil()).Block(ng.tfReport(jen.Err())),
			jen.If(jen.Op("!").Id("ok")).Block(tfDrop()),
			set,
		)
		out = append(out,
			jen.Comment(what+", from the second point of each batch."),
			jen.Id("g").Dot("deriv").Dot("Reset").Call(),
		)
		out = append(out, tfFilterBatch(body...)...)
		return append(out, ng.send(jen.Id("b"))...)
	}
	out := ng.groupOf(jen.Id("p").Dot("Group"))
	out = append(out, jen.Comment(what+"."))
	out = append(out, next("ok")...)
	out = append(out,
		ng.report(),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
		set,
	)
	return append(out, ng.send(jen.Id("p"))...)
}

// transformation describes an InfluxQL stream transformation for one field
// kind: the state of a group, its setup, and one step.
type transformation struct {
	kinds []string // Float, Int, String, Bool
	// reemit: the reducer emits its last result again for a point it
	// cannot aggregate (movingAverage, cumulativeSum, elapsed).
	reemit bool
	// state is the per-group field for kind (nil: shared by all kinds,
	// named "s").
	state func(ng *nodeGen, kind string) jen.Code
	// setup starts the state of kind.
	setup func(ng *nodeGen, kind string) jen.Code
	// step feeds v (and p.Time) to the state and sets r (a pipeline.Value)
	// and ok.
	step func(ng *nodeGen, kind string) []jen.Code
}

func tfGoNumber(kind string) jen.Code {
	return map[string]jen.Code{"Float": jen.Float64(), "Int": jen.Int64()}[kind]
}

func tfMember(kind string) string {
	return map[string]string{"Float": "F", "Int": "I", "String": "S", "Bool": "B"}[kind]
}

func tfStateName(kind string) string { return "s" + kind }

var transformations = map[string]transformation{
	"difference": {kinds: []string{"Float", "Int"},
		state: func(_ *nodeGen, k string) jen.Code { return jen.Qual(influxqlPkg, "Difference").Types(tfGoNumber(k)) },
		setup: func(_ *nodeGen, k string) jen.Code { return jen.Id("g").Dot(tfStateName(k)).Dot("Reset").Call() },
		step: func(_ *nodeGen, k string) []jen.Code {
			return []jen.Code{
				jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("g").Dot(tfStateName(k)).Dot("Next").Call(jen.Id("p").Dot("Time"), jen.Id("v").Dot(tfMember(k))),
				jen.Return(valueOf(k, jen.Id("x")), jen.Id("p").Dot("Time"), jen.Id("ok")),
			}
		}},
	"cumulativeSum": {kinds: []string{"Float", "Int"}, reemit: true,
		state: func(_ *nodeGen, k string) jen.Code {
			return jen.Qual(influxqlPkg, "CumulativeSum").Types(tfGoNumber(k))
		},
		setup: func(_ *nodeGen, k string) jen.Code { return jen.Id("g").Dot(tfStateName(k)).Dot("Reset").Call() },
		step: func(_ *nodeGen, k string) []jen.Code {
			return []jen.Code{
				jen.Id("r").Op(":=").Add(valueOf(k, jen.Id("g").Dot(tfStateName(k)).Dot("Next").Call(jen.Id("v").Dot(tfMember(k))))),
				jen.Id("g").Dot("last").Dot("Set").Call(jen.Id("r"), jen.Id("p").Dot("Time")),
				jen.Return(jen.Id("r"), jen.Id("p").Dot("Time"), jen.True()),
			}
		}},
	"movingAverage": {kinds: []string{"Float", "Int"}, reemit: true,
		state: func(_ *nodeGen, k string) jen.Code {
			return jen.Op("*").Qual(influxqlPkg, "MovingAverage").Types(tfGoNumber(k))
		},
		setup: func(ng *nodeGen, k string) jen.Code {
			s := jen.Id("g").Dot(tfStateName(k))
			return jen.If(jen.Add(s).Op("==").Nil()).Block(
				jen.Add(s).Op("=").Qual(influxqlPkg, "NewMovingAverage").Types(tfGoNumber(k)).Call(jen.Lit(int(ng.n.Args[1].Int))),
			).Else().Block(jen.Add(s).Dot("Reset").Call())
		},
		step: func(_ *nodeGen, k string) []jen.Code {
			return []jen.Code{
				jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("g").Dot(tfStateName(k)).Dot("Next").Call(jen.Id("v").Dot(tfMember(k))),
				jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Qual(pipelinePkg, "Value").Values(), jen.Lit(0), jen.False())),
				jen.Id("g").Dot("last").Dot("Set").Call(valueOf("Float", jen.Id("x")), jen.Id("p").Dot("Time")),
				jen.Return(valueOf("Float", jen.Id("x")), jen.Id("p").Dot("Time"), jen.True()),
			}
		}},
	"elapsed": {kinds: []string{"Float", "Int", "String", "Bool"}, reemit: true,
		setup: func(ng *nodeGen, _ string) jen.Code {
			return jen.Id("g").Dot("s").Op("=").Qual(influxqlPkg, "Elapsed").Values(jen.Dict{
				jen.Id("Unit"): jen.Int64().Call(durationLit(ng.n.Args[1].Dur)),
			})
		},
		step: func(_ *nodeGen, _ string) []jen.Code {
			return []jen.Code{
				jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("g").Dot("s").Dot("Next").Call(jen.Id("p").Dot("Time")),
				jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Qual(pipelinePkg, "Value").Values(), jen.Lit(0), jen.False())),
				jen.Id("g").Dot("last").Dot("Set").Call(valueOf("Int", jen.Id("x")), jen.Id("p").Dot("Time")),
				jen.Return(valueOf("Int", jen.Id("x")), jen.Id("p").Dot("Time"), jen.True()),
			}
		}},
}

// transform generates difference, movingAverage, cumulativeSum and elapsed
// (Kapacitor influxql.go, influxqlStreamingTransformGroup). A group's state
// takes the kind of the field in its first point that has the field; a
// point without the field, or with another kind, counts an error, and then
// movingAverage, cumulativeSum and elapsed emit their last result again.
// Each result is a point of the group's measurement (as first seen) with
// the group's tags, the result as its only field, at the input point's
// time. On a batch edge every batch starts a new state and the results of
// its points form a batch with the input batch's time.
func (ng *nodeGen) transform() []jen.Code {
	n := ng.n
	tr := transformations[n.Kind]
	field := ng.tfArg(0, "field").Str
	as := ng.tfString("as", n.Kind)
	switch n.Kind {
	case "movingAverage":
		if n.Args[1].Int < 1 {
			ng.tfFail("movingAverage() needs a window of at least 1 point, not %d", n.Args[1].Int)
		}
	case "elapsed":
		if n.Args[1].Dur == 0 {
			ng.tfFail("elapsed() needs a non-zero unit")
		}
	}
	st := ng.state
	st.addField("name", jen.String())
	st.addField("kind", jen.Qual(pipelinePkg, "Kind"))
	if tr.reemit {
		st.addField("last", jen.Qual(transformPkg, "Last"))
	}
	if tr.state == nil {
		st.addField("s", jen.Qual(influxqlPkg, "Elapsed"))
	} else {
		for _, k := range tr.kinds {
			st.addField(tfStateName(k), tr.state(ng, k))
		}
	}

	// <name>Next: one point through the group's state.
	next := n.Name + "Next"
	var setups, steps []jen.Code
	if tr.state == nil { // one state for every kind
		var kinds []jen.Code
		for _, k := range tr.kinds {
			kinds = append(kinds, jen.Qual(pipelinePkg, k))
		}
		setups = append(setups, jen.Case(kinds...).Block(tr.setup(ng, "")))
		steps = append(steps, jen.Case(kinds...).Block(tr.step(ng, "")...))
	} else {
		for _, k := range tr.kinds {
			setups = append(setups, jen.Case(jen.Qual(pipelinePkg, k)).Block(tr.setup(ng, k)))
			steps = append(steps, jen.Case(jen.Qual(pipelinePkg, k)).Block(tr.step(ng, k)...))
		}
	}
	none := jen.Return(jen.Qual(pipelinePkg, "Value").Values(), jen.Lit(0), jen.False())
	setups = append(setups,
		jen.Case(jen.Qual(pipelinePkg, "Missing")).Block(
			ng.tfReport(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("failed to realize reduce context from fields: field %q missing from point", field)))),
			none),
		jen.Default().Block(
			ng.tfReport(jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("invalid influxql func %s with field %s: cannot apply %s to %%s field", n.Kind, field, n.Kind)), jen.Id("v").Dot("Kind"))),
			none),
	)
	var again jen.Code = none
	if tr.reemit {
		again = jen.Return(jen.Id("g").Dot("last").Dot("Value"), jen.Id("g").Dot("last").Dot("Time"), jen.Id("g").Dot("last").Dot("OK"))
	}
	steps = append(steps, jen.Default().Block(none))
	body := []jen.Code{
		jen.List(jen.Id("v"), jen.Id("_")).Op(":=").Id("p").Dot("Field").Call(jen.Lit(field)),
		jen.If(jen.Id("g").Dot("kind").Op("==").Qual(pipelinePkg, "Missing")).Block(
			jen.Switch(jen.Id("v").Dot("Kind")).Block(setups...),
			jen.Id("g").Dot("kind").Op("=").Id("v").Dot("Kind"),
		),
		jen.If(jen.Id("v").Dot("Kind").Op("!=").Id("g").Dot("kind")).Block(
			ng.tfReport(jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("failed to aggregate point: field %s is %%s, not %%s", field)), jen.Id("v").Dot("Kind"), jen.Id("g").Dot("kind"))),
			again,
		),
		jen.Switch(jen.Id("g").Dot("kind")).Block(steps...),
	}
	ng.lambdas = append(ng.lambdas, jen.Do(func(s *jen.Statement) {
		s.Commentf("%s feeds a point to a group's %s(%q) and returns the result to emit, if any, and its time.", next, n.Kind, field).Line().
			Func().Params(jen.Id("t").Op("*").Id("task")).Id(next).
			Params(jen.Id("g").Op("*").Id(ng.state.typeName), jen.Id("p").Op("*").Qual(pipelinePkg, "Point")).
			Params(jen.Qual(pipelinePkg, "Value"), jen.Int64(), jen.Bool()).Block(body...)
	}))

	fieldOf := jen.Dict{jen.Id("Key"): jen.Lit(as), jen.Id("Value"): jen.Id("r")}
	result := jen.Qual(pipelinePkg, "Field").Values(fieldOf)
	if ng.in == catalog.BatchEdge {
		out := n.Name + "Out"
		ng.g.addField(out, jen.Qual(pipelinePkg, "Batch"))
		code := ng.groupOf(jen.Id("b").Dot("Group"))
		code = append(code,
			jen.Id("g").Dot("kind").Op("=").Qual(pipelinePkg, "Missing"),
		)
		if tr.reemit {
			code = append(code, jen.Id("g").Dot("last").Op("=").Qual(transformPkg, "Last").Values())
		}
		code = append(code,
			jen.Id("o").Op(":=").Op("&").Id("t").Dot(out),
			jen.List(jen.Id("o").Dot("Name"), jen.Id("o").Dot("TMax"), jen.Id("o").Dot("Group"), jen.Id("o").Dot("Tags")).Op("=").
				List(jen.Id("b").Dot("Name"), jen.Id("b").Dot("TMax"), jen.Id("b").Dot("Group"), jen.Id("b").Dot("Tags")),
			jen.Id("o").Dot("Points").Op("=").Id("o").Dot("Points").Index(jen.Empty(), jen.Lit(0)),
			jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
				jen.List(jen.Id("r"), jen.Id("at"), jen.Id("ok")).Op(":=").Id("t").Dot(next).Call(jen.Id("g"), jen.Op("&").Id("b").Dot("Points").Index(jen.Id("i"))),
				jen.If(jen.Id("ok")).Block(
					jen.Id("o").Dot("Points").Op("=").Append(jen.Id("o").Dot("Points"), jen.Qual(pipelinePkg, "Point").Values(jen.Dict{
						jen.Id("Name"):   jen.Id("b").Dot("Name"),
						jen.Id("Time"):   jen.Id("at"),
						jen.Id("Group"):  jen.Id("b").Dot("Group"),
						jen.Id("Tags"):   jen.Id("b").Dot("Tags"),
						jen.Id("Fields"): jen.Index().Qual(pipelinePkg, "Field").Values(jen.Values(fieldOf)),
					})),
				),
			),
		)
		return append(code, ng.send(jen.Id("o"))...)
	}
	// The group's state, remembering the measurement of its first point.
	code := []jen.Code{
		jen.List(jen.Id("g"), jen.Id("isNew")).Op(":=").Id("t").Dot(n.Name + "Groups").Dot("Get").Call(jen.Id("p").Dot("Group")),
		jen.If(jen.Id("isNew")).Block(
			jen.Id("g").Dot("name").Op("=").Id("p").Dot("Name"),
			jen.Id("t").Dot("stats").Index(jen.Lit(ng.tfPos())).Dot("SetCardinality").Call(jen.Id("t").Dot(n.Name+"Groups").Dot("Cardinality").Call()),
		),
	}
	code = append(code,
		jen.List(jen.Id("r"), jen.Id("at"), jen.Id("ok")).Op(":=").Id("t").Dot(next).Call(jen.Id("g"), jen.Id("p")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
		jen.Commentf("The result replaces the point: the group's tags and %q only.", as),
		jen.List(jen.Id("p").Dot("Name"), jen.Id("p").Dot("DB"), jen.Id("p").Dot("RP"), jen.Id("p").Dot("Time")).Op("=").
			List(jen.Id("g").Dot("name"), jen.Lit(""), jen.Lit(""), jen.Id("at")),
		jen.Id("p").Dot("Tags").Op("=").Append(jen.Id("p").Dot("Tags").Index(jen.Empty(), jen.Lit(0)), jen.Id("p").Dot("Group").Dot("Tags").Op("...")),
		jen.Id("p").Dot("Fields").Op("=").Append(jen.Id("p").Dot("Fields").Index(jen.Empty(), jen.Lit(0)), result),
	)
	return append(code, ng.send(jen.Id("p"))...)
}

// holtWinters generates holtWinters and holtWintersWithFit (Kapacitor
// influxql.go with InfluxDB's HoltWintersReducer, here stdlib/influxql's
// HoltWinters): each batch's float or int field values are fitted and the
// forecast (after the fitted values, with fit) is emitted as a batch of
// points at their own times, the batch's time moving to the last of them
// if later. The kind is the first point's with the field; points without
// it or of another kind count errors and are skipped; a batch without the
// field emits nothing, one with too few points an empty batch.
func (ng *nodeGen) holtWinters() []jen.Code {
	n := ng.n
	field := ng.tfArg(0, "field").Str
	as := ng.tfString("as", "holtWinters")
	h, m, interval := n.Args[1].Int, n.Args[2].Int, n.Args[3].Dur
	name := n.Name
	hw, times, vals, outT, outV, out := name+"HW", name+"Times", name+"Vals", name+"OutTimes", name+"OutVals", name+"Out"
	ng.g.addField(hw, jen.Qual(influxqlPkg, "HoltWinters"))
	ng.g.addField(times, jen.Index().Int64())
	ng.g.addField(vals, jen.Index().Float64())
	ng.g.addField(outT, jen.Index().Int64())
	ng.g.addField(outV, jen.Index().Float64())
	ng.g.addField(out, jen.Qual(pipelinePkg, "Batch"))
	cfg := jen.Dict{
		jen.Id("H"):        jen.Lit(int(h)),
		jen.Id("M"):        jen.Lit(int(m)),
		jen.Id("Interval"): durationLit(interval),
	}
	if n.Kind == "holtWintersWithFit" {
		cfg[jen.Id("WithFit")] = jen.True()
	}
	ng.g.setup(false, jen.Id("t").Dot(hw).Op("=").Qual(influxqlPkg, "HoltWinters").Values(cfg))
	body := []jen.Code{
		jen.List(jen.Id("times"), jen.Id("vals")).Op(":=").List(jen.Id("t").Dot(times).Index(jen.Empty(), jen.Lit(0)), jen.Id("t").Dot(vals).Index(jen.Empty(), jen.Lit(0))),
		jen.Id("kind").Op(":=").Qual(pipelinePkg, "Missing"),
		jen.Id("seen").Op(":=").Lit(0),
		jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(
			jen.List(jen.Id("v"), jen.Id("_")).Op(":=").Id("b").Dot("Points").Index(jen.Id("i")).Dot("Field").Call(jen.Lit(field)),
			jen.If(jen.Id("kind").Op("==").Qual(pipelinePkg, "Missing")).Block(
				jen.Switch(jen.Id("v").Dot("Kind")).Block(
					jen.Case(jen.Qual(pipelinePkg, "Float"), jen.Qual(pipelinePkg, "Int")).Block(jen.Id("kind").Op("=").Id("v").Dot("Kind")),
					jen.Case(jen.Qual(pipelinePkg, "Missing")).Block(
						ng.tfReport(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("failed to realize reduce context from fields: field %q missing from point", field)))),
						jen.Continue()),
					jen.Default().Block(
						ng.tfReport(jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("invalid influxql func holtWinters with field %s: cannot apply holtWinters to %%s field", field)), jen.Id("v").Dot("Kind"))),
						jen.Continue()),
				),
			),
			jen.Id("seen").Op("++"),
			jen.Var().Id("x").Float64(),
			jen.Switch().Block(
				jen.Case(jen.Id("v").Dot("Kind").Op("!=").Id("kind")).Block(
					ng.tfReport(jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("failed to aggregate point in batch: field %s is %%s, not %%s", field)), jen.Id("v").Dot("Kind"), jen.Id("kind"))),
					jen.Continue()),
				jen.Case(jen.Id("kind").Op("==").Qual(pipelinePkg, "Float")).Block(jen.Id("x").Op("=").Id("v").Dot("F")),
				jen.Default().Block(jen.Id("x").Op("=").Float64().Call(jen.Id("v").Dot("I"))),
			),
			jen.Id("times").Op("=").Append(jen.Id("times"), jen.Id("b").Dot("Points").Index(jen.Id("i")).Dot("Time")),
			jen.Id("vals").Op("=").Append(jen.Id("vals"), jen.Id("x")),
		),
		jen.List(jen.Id("t").Dot(times), jen.Id("t").Dot(vals)).Op("=").List(jen.Id("times"), jen.Id("vals")),
		jen.If(jen.Id("seen").Op("==").Lit(0)).Block(jen.Return()),
		jen.List(jen.Id("t").Dot(outT), jen.Id("t").Dot(outV)).Op("=").Id("t").Dot(hw).Dot("Forecast").Call(
			jen.Id("times"), jen.Id("vals"), jen.Id("t").Dot(outT).Index(jen.Empty(), jen.Lit(0)), jen.Id("t").Dot(outV).Index(jen.Empty(), jen.Lit(0))),
		jen.Id("o").Op(":=").Op("&").Id("t").Dot(out),
		jen.List(jen.Id("o").Dot("Name"), jen.Id("o").Dot("TMax"), jen.Id("o").Dot("Group"), jen.Id("o").Dot("Tags")).Op("=").
			List(jen.Id("b").Dot("Name"), jen.Id("b").Dot("TMax"), jen.Id("b").Dot("Group"), jen.Id("b").Dot("Tags")),
		jen.Id("o").Dot("Points").Op("=").Id("o").Dot("Points").Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.List(jen.Id("i"), jen.Id("at")).Op(":=").Range().Id("t").Dot(outT)).Block(
			jen.Id("o").Dot("Points").Op("=").Append(jen.Id("o").Dot("Points"), jen.Qual(pipelinePkg, "Point").Values(jen.Dict{
				jen.Id("Name"):  jen.Id("b").Dot("Name"),
				jen.Id("Time"):  jen.Id("at"),
				jen.Id("Group"): jen.Id("b").Dot("Group"),
				jen.Id("Tags"):  jen.Id("b").Dot("Tags"),
				jen.Id("Fields"): jen.Index().Qual(pipelinePkg, "Field").Values(jen.Values(jen.Dict{
					jen.Id("Key"): jen.Lit(as), jen.Id("Value"): valueOf("Float", jen.Id("t").Dot(outV).Index(jen.Id("i"))),
				})),
			})),
			jen.If(jen.Id("at").Op(">").Id("o").Dot("TMax")).Block(jen.Id("o").Dot("TMax").Op("=").Id("at")),
		),
	}
	body = append(body, ng.send(jen.Id("o"))...)
	return ng.overStream(body)
}
