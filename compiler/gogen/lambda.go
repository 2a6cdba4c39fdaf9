package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

const (
	pipelinePkg = "github.com/tickc/tickc/runtime/pipeline"
	stdlibPkg   = "github.com/tickc/tickc/stdlib"
)

// goType is the Go type that holds a value of static type t. A value whose
// type depends on the data is a pipeline.Value.
func goType(t types.Type) jen.Code {
	switch t {
	case types.Bool:
		return jen.Bool()
	case types.Int:
		return jen.Int64()
	case types.Float:
		return jen.Float64()
	case types.String:
		return jen.String()
	case types.Duration:
		return jen.Qual("time", "Duration")
	case types.Time:
		return jen.Qual("time", "Time")
	case types.Regex:
		return jen.Op("*").Qual("regexp", "Regexp")
	}
	return jen.Qual(pipelinePkg, "Value")
}

func zeroValue(t types.Type) jen.Code {
	switch t {
	case types.Bool:
		return jen.False()
	case types.Int, types.Float, types.Duration:
		return jen.Lit(0)
	case types.String:
		return jen.Lit("")
	case types.Time:
		return jen.Qual("time", "Time").Values()
	case types.Regex:
		return jen.Nil()
	}
	return jen.Qual(pipelinePkg, "Value").Values()
}

// param is a value a lambda can refer to by name besides the point: an
// earlier result of the same eval node.
type param struct {
	id  string
	typ types.Type
}

// lambdaGen compiles one lambda into the body of a Go function
// `func(...) (T, error)`. Subexpressions that can fail become statements
// that return the error; the rest are plain Go expressions.
type lambdaGen struct {
	g      *gen
	state  *groupState // where stateful functions keep their per-group state
	block  *[]jen.Code
	ret    types.Type // the function's result type
	params map[string]param
	n      *int
}

func (l *lambdaGen) emit(c jen.Code) { *l.block = append(*l.block, c) }

func (l *lambdaGen) tmp() string {
	*l.n++
	return fmt.Sprintf("v%d", *l.n)
}

// fail returns from the lambda with err.
func (l *lambdaGen) fail() jen.Code {
	return jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(zeroValue(l.ret), jen.Err()))
}

// nested returns a generator writing into a new block.
func (l *lambdaGen) nested(block *[]jen.Code) *lambdaGen {
	c := *l
	c.block = block
	return &c
}

// compileLambda returns the statements of a function computing e as type
// ret (ret may be Unknown: the function returns a pipeline.Value).
func (g *gen) compileLambda(e *ir.Expr, ret types.Type, state *groupState, params map[string]param) []jen.Code {
	var block []jen.Code
	n := 0
	l := &lambdaGen{g: g, state: state, block: &block, ret: ret, params: params, n: &n}
	code, t := l.expr(e)
	code = l.convert(code, t, ret, "lambda result")
	l.emit(jen.Return(code, jen.Nil()))
	return block
}

// convert turns a value of type from into type to, checking the kind of a
// data-typed value.
func (l *lambdaGen) convert(code jen.Code, from, to types.Type, what string) jen.Code {
	switch {
	case from == to:
		return code
	case to == types.Unknown:
		return toValue(code, from)
	case from == types.Unknown:
		as := map[types.Type]string{types.Bool: "AsBool", types.Int: "AsInt", types.Float: "AsFloat", types.String: "AsString"}[to]
		if as == "" {
			panic(fmt.Sprintf("gogen: cannot convert a data value to %s", to))
		}
		v := l.tmp()
		l.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Qual(pipelinePkg, as).Call(code, jen.Lit(what)))
		l.emit(l.fail())
		return jen.Id(v)
	}
	panic(fmt.Sprintf("gogen: checker let %s through where %s is needed", from, to))
}

// toValue wraps a typed value into a pipeline.Value.
func toValue(code jen.Code, t types.Type) jen.Code {
	switch t {
	case types.Bool:
		return jen.Qual(pipelinePkg, "BoolValue").Call(code)
	case types.Int:
		return jen.Qual(pipelinePkg, "IntValue").Call(code)
	case types.Float:
		return jen.Qual(pipelinePkg, "FloatValue").Call(code)
	case types.String:
		return jen.Qual(pipelinePkg, "StringValue").Call(code)
	case types.Unknown:
		return code
	}
	panic(fmt.Sprintf("gogen: a %s value cannot be a field value", t))
}

// expr compiles e and returns a Go expression and its static type.
func (l *lambdaGen) expr(e *ir.Expr) (jen.Code, types.Type) {
	switch e.Kind {
	case ir.Lit:
		return l.lit(e.Lit), e.Lit.Type
	case ir.Ref:
		return l.ref(e)
	case ir.Unary:
		return l.unary(e)
	case ir.Binary:
		return l.binary(e)
	case ir.Call:
		return l.call(e)
	}
	panic("gogen: unknown expression kind " + string(e.Kind))
}

func (l *lambdaGen) lit(v *ir.Value) jen.Code {
	if v.Var != "" {
		panic("gogen: template var " + v.Var + " has no value")
	}
	switch v.Type {
	case types.Bool:
		return jen.Lit(v.Bool)
	case types.Int:
		return jen.Lit(int(v.Int))
	case types.Float:
		return jen.Lit(v.Float)
	case types.String:
		return jen.Lit(v.Str)
	case types.Duration:
		return durationLit(v.Dur)
	case types.Regex:
		return jen.Id(l.g.regex(v.Str))
	}
	panic("gogen: unexpected literal of type " + v.Type.String())
}

func (l *lambdaGen) ref(e *ir.Expr) (jen.Code, types.Type) {
	if p, ok := l.params[e.Name]; ok {
		return jen.Id(p.id), p.typ
	}
	if e.Name == "time" {
		// Kapacitor gives lambdas the point time in the local time zone.
		return jen.Qual("time", "Unix").Call(jen.Lit(0), jen.Id("p").Dot("Time")).Dot("Local").Call(), types.Time
	}
	v := l.tmp()
	l.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Qual(pipelinePkg, "Ref").Call(jen.Id("p"), jen.Lit(e.Name)))
	l.emit(l.fail())
	if e.Type == types.Unknown {
		return jen.Id(v), types.Unknown
	}
	return l.convert(jen.Id(v), types.Unknown, e.Type, e.Name), e.Type
}

func (l *lambdaGen) unary(e *ir.Expr) (jen.Code, types.Type) {
	x, t := l.expr(e.Args[0])
	if e.Op == ast.OpNot {
		return jen.Op("!").Parens(l.convert(x, t, types.Bool, "operand of !")), types.Bool
	}
	if t != types.Unknown {
		return jen.Op("-").Parens(x), t
	}
	v := l.tmp()
	l.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Qual(pipelinePkg, "Neg").Call(x))
	l.emit(l.fail())
	return jen.Id(v), types.Unknown
}

var runtimeOps = map[ast.Operator]string{
	ast.OpEq: "Eq", ast.OpNe: "Ne", ast.OpLt: "Lt", ast.OpLe: "Le", ast.OpGt: "Gt", ast.OpGe: "Ge",
	ast.OpAdd: "Add", ast.OpSub: "Sub", ast.OpMul: "Mul", ast.OpDiv: "Div", ast.OpMod: "Mod",
}

func (l *lambdaGen) binary(e *ir.Expr) (jen.Code, types.Type) {
	switch {
	case e.Op.IsLogical():
		return l.logical(e)
	case e.Op == ast.OpRegexMatch || e.Op == ast.OpRegexNotMatch:
		x, xt := l.expr(e.Args[0])
		re, _ := l.expr(e.Args[1])
		s := l.convert(x, xt, types.String, "left operand of "+e.Op.String())
		match := jen.Add(re).Dot("MatchString").Call(s)
		if e.Op == ast.OpRegexNotMatch {
			return jen.Op("!").Add(match), types.Bool
		}
		return match, types.Bool
	}
	x, xt := l.expr(e.Args[0])
	y, yt := l.expr(e.Args[1])
	if e.Op.IsArithmetic() && e.Type != types.Unknown && (xt == types.Unknown || yt == types.Unknown) {
		// Arithmetic does not mix types, so when the checker knows the
		// result (100.0 - "usage_idle" is a float) a data-typed operand
		// must have that type too: check it once and use Go's operator.
		if xt == types.Unknown {
			x, xt = l.convert(x, xt, e.Type, "left operand of "+e.Op.String()), e.Type
		}
		if yt == types.Unknown {
			y, yt = l.convert(y, yt, e.Type, "right operand of "+e.Op.String()), e.Type
		}
	}
	if xt == types.Unknown || yt == types.Unknown {
		return l.dynamicBinary(e, x, xt, y, yt)
	}
	if e.Op.IsComparison() {
		if xt != yt { // int against float: compare as floats
			x, y = asFloat(x, xt), asFloat(y, yt)
		}
		return jen.Parens(jen.Add(x).Op(e.Op.String()).Add(y)), types.Bool
	}
	return l.staticArith(e, x, xt, y, yt)
}

func asFloat(code jen.Code, t types.Type) jen.Code {
	if t == types.Int {
		return jen.Float64().Call(code)
	}
	return code
}

// logical compiles AND and OR with Kapacitor's short circuit.
func (l *lambdaGen) logical(e *ir.Expr) (jen.Code, types.Type) {
	x, xt := l.expr(e.Args[0])
	r := l.tmp()
	l.emit(jen.Id(r).Op(":=").Add(l.convert(x, xt, types.Bool, "left operand of "+e.Op.String())))
	var block []jen.Code
	inner := l.nested(&block)
	y, yt := inner.expr(e.Args[1])
	inner.emit(jen.Id(r).Op("=").Add(inner.convert(y, yt, types.Bool, "right operand of "+e.Op.String())))
	cond := jen.Id(r)
	if e.Op == ast.OpOr {
		cond = jen.Op("!").Id(r)
	}
	l.emit(jen.If(cond).Block(block...))
	return jen.Id(r), types.Bool
}

// dynamicBinary compiles an operation with a data-typed operand. A
// comparison of a data value with a typed constant gets a fast path for
// the kind the constant has, the case seen in practice.
func (l *lambdaGen) dynamicBinary(e *ir.Expr, x jen.Code, xt types.Type, y jen.Code, yt types.Type) (jen.Code, types.Type) {
	op := jen.Qual(pipelinePkg, runtimeOps[e.Op])
	v := l.tmp()
	call := jen.Qual(pipelinePkg, "Arith")
	res := types.Unknown
	if e.Op.IsComparison() {
		call = jen.Qual(pipelinePkg, "Compare")
		res = types.Bool
	}
	general := []jen.Code{
		jen.List(jen.Id(v), jen.Err()).Op("=").Add(call).Call(op, toValue(x, xt), toValue(y, yt)),
		l.fail(),
	}
	if e.Op.IsComparison() && xt == types.Unknown && isKnownField(yt) {
		member, kind := valueMember(yt)
		l.emit(jen.Var().Id(v).Bool())
		l.emit(jen.If(jen.Add(x).Dot("Kind").Op("==").Qual(pipelinePkg, kind)).Block(
			jen.Id(v).Op("=").Add(x).Dot(member).Op(e.Op.String()).Add(y),
		).Else().Block(append([]jen.Code{jen.Var().Err().Error()}, general...)...))
		return jen.Id(v), res
	}
	l.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Add(call).Call(op, toValue(x, xt), toValue(y, yt)))
	l.emit(l.fail())
	return jen.Id(v), res
}

func isKnownField(t types.Type) bool { return t == types.Float || t == types.Int || t == types.String }

func valueMember(t types.Type) (member, kind string) {
	switch t {
	case types.Float:
		return "F", "Float"
	case types.Int:
		return "I", "Int"
	}
	return "S", "String"
}

// staticArith compiles arithmetic on typed operands; where Go's operator
// differs from Kapacitor's (integer division by zero, durations) it calls
// the stdlib helper.
func (l *lambdaGen) staticArith(e *ir.Expr, x jen.Code, xt types.Type, y jen.Code, yt types.Type) (jen.Code, types.Type) {
	var helper string
	var res types.Type
	var fails bool
	switch {
	case xt == types.Int && yt == types.Int && (e.Op == ast.OpDiv || e.Op == ast.OpMod):
		helper, res, fails = map[ast.Operator]string{ast.OpDiv: "DivInt", ast.OpMod: "ModInt"}[e.Op], types.Int, true
	case xt == types.Float && yt == types.Float && e.Op == ast.OpDiv:
		helper, res = "DivFloat", types.Float
	case xt == types.Duration && yt == types.Int && e.Op == ast.OpMul:
		helper, res = "MulDurationInt", types.Duration
	case xt == types.Int && yt == types.Duration:
		helper, res = "MulIntDuration", types.Duration
	case xt == types.Duration && yt == types.Float && e.Op == ast.OpMul:
		helper, res = "MulDurationFloat", types.Duration
	case xt == types.Float && yt == types.Duration:
		helper, res = "MulFloatDuration", types.Duration
	case xt == types.Duration && yt == types.Int && e.Op == ast.OpDiv:
		helper, res, fails = "DivDurationInt", types.Duration, true
	case xt == types.Duration && yt == types.Float && e.Op == ast.OpDiv:
		helper, res = "DivDurationFloat", types.Duration
	case xt == types.Duration && yt == types.Duration && e.Op == ast.OpDiv:
		helper, res, fails = "DivDurationDuration", types.Int, true
	default:
		return jen.Parens(jen.Add(x).Op(e.Op.String()).Add(y)), xt
	}
	call := jen.Qual(stdlibPkg, helper).Call(x, y)
	if !fails {
		return call, res
	}
	v := l.tmp()
	l.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Add(call))
	l.emit(l.fail())
	return jen.Id(v), res
}

type arg struct {
	code jen.Code
	typ  types.Type
}

func (l *lambdaGen) call(e *ir.Expr) (jen.Code, types.Type) {
	if e.Name == "isPresent" {
		return l.isPresent(e)
	}
	if gf := l.g.goFunc(e.Name); gf != nil {
		return l.callGo(e, gf) // udf.go
	}
	f := catalog.Functions[e.Name]
	args := make([]arg, len(e.Args))
	for i, a := range e.Args {
		args[i].code, args[i].typ = l.expr(a)
	}
	var sigs []catalog.FuncSig
	for _, s := range f.Sigs {
		if sigFits(s, args) {
			sigs = append(sigs, s)
		}
	}
	unknown := -1
	for i, a := range args {
		if a.typ == types.Unknown {
			unknown = i
			break
		}
	}
	if len(sigs) == 1 || unknown < 0 {
		return l.callSig(f, sigs[0], args)
	}
	return l.callByKind(f, sigs, args, unknown, e.Type)
}

func sigFits(s catalog.FuncSig, args []arg) bool {
	if len(s.Params) != len(args) {
		return false
	}
	for i, a := range args {
		if a.typ != s.Params[i] && !(a.typ == types.Unknown && s.Params[i].IsFieldType()) {
			return false
		}
	}
	return true
}

// callSig calls the implementation of one overload, converting data-typed
// arguments to its parameter types.
func (l *lambdaGen) callSig(f *catalog.Function, s catalog.FuncSig, args []arg) (jen.Code, types.Type) {
	impl, ok := catalog.LookupFuncImpl(f.Name, s.Params)
	if !ok {
		panic("gogen: no stdlib implementation of " + f.Name)
	}
	var codes []jen.Code
	for i, a := range args {
		codes = append(codes, l.convert(a.code, a.typ, s.Params[i], fmt.Sprintf("argument %d of %s()", i+1, f.Name)))
	}
	var call jen.Code
	if f.Stateful {
		recv, method := splitMethod(impl.Name)
		call = jen.Id("g").Dot(l.state.add(recv)).Dot(method).Call(codes...)
	} else {
		call = jen.Qual(stdlibPkg, impl.Name).Call(codes...)
	}
	if !impl.Err {
		return call, s.Result
	}
	v := l.tmp()
	l.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Add(call))
	l.emit(l.fail())
	return jen.Id(v), s.Result
}

func splitMethod(name string) (recv, method string) {
	for i := range name {
		if name[i] == '.' {
			return name[:i], name[i+1:]
		}
	}
	panic("gogen: stateful function implementation without a method: " + name)
}

// callByKind picks an overload by the kind of a data-typed argument at run
// time: a switch with one typed call per kind.
func (l *lambdaGen) callByKind(f *catalog.Function, sigs []catalog.FuncSig, args []arg, k int, res types.Type) (jen.Code, types.Type) {
	v := l.tmp()
	l.emit(jen.Var().Id(v).Add(goType(res)))
	var cases []jen.Code
	seen := map[types.Type]bool{}
	for _, s := range sigs {
		kt := s.Params[k]
		if seen[kt] {
			continue
		}
		seen[kt] = true
		var block []jen.Code
		inner := l.nested(&block)
		typed := append([]arg(nil), args...)
		_, kind := valueMember(kt)
		if kt == types.Bool {
			kind = "Bool"
		}
		typed[k] = arg{jen.Add(args[k].code).Dot(map[types.Type]string{types.Bool: "B", types.Int: "I", types.Float: "F", types.String: "S"}[kt]), kt}
		code, t := inner.callSig(f, s, typed)
		inner.emit(jen.Id(v).Op("=").Add(inner.convert(code, t, res, f.Name+"() result")))
		cases = append(cases, jen.Case(jen.Qual(pipelinePkg, kind)).Block(block...))
	}
	cases = append(cases, jen.Default().Block(jen.Return(zeroValue(l.ret), jen.Qual(pipelinePkg, "CallError").Call(jen.Lit(f.Name), args[k].code))))
	l.emit(jen.Switch(jen.Add(args[k].code).Dot("Kind")).Block(cases...))
	return jen.Id(v), res
}

// isPresent is true unless its reference names an absent field or tag.
func (l *lambdaGen) isPresent(e *ir.Expr) (jen.Code, types.Type) {
	a := e.Args[0]
	if a.Kind != ir.Ref {
		return jen.True(), types.Bool
	}
	if p, ok := l.params[a.Name]; ok {
		_ = p
		return jen.True(), types.Bool
	}
	v := l.tmp()
	l.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Qual(pipelinePkg, "Ref").Call(jen.Id("p"), jen.Lit(a.Name)))
	l.emit(l.fail())
	return jen.Parens(jen.Id(v).Dot("Kind").Op("!=").Qual(pipelinePkg, "Missing")), types.Bool
}
