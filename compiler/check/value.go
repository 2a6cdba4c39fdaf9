package check

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// value is the result of evaluating a statement-level expression.
type value struct {
	typ types.Type
	lit ir.Value // literal payload for bool, int, float, string, duration, regex, list, star, time dim
	// lambda is a lambda expression; it is typed where it is used, against
	// the data of the node it is passed to.
	lambda *ast.Lambda
	node   *nodeVal
	// ref is set when the value is a bare "double-quoted" reference, which
	// only means something inside a lambda.
	ref      *ast.Reference
	template bool // a template var: typed, its value comes at build time
	// varBody is a lambda var's expression parsed from the vars file; it
	// is typed where it is used, like lambda.
	varBody    ast.Expr
	predefined bool // stream or batch
	span       ast.Span
}

// nodeVal is a pipeline node, and for an alert the handler that the last
// `.handler()` call opened, whose properties come first.
type nodeVal struct {
	id      int
	handler int // index+1 into the node's Handlers; 0 when none is open
}

// eval evaluates a statement-level expression. It returns nil after
// reporting an error.
func (c *checker) eval(x ast.Expr) *value {
	switch x := x.(type) {
	case *ast.Ident:
		v, ok := c.scope[x.Name]
		if !ok {
			c.undefined(x)
			return nil
		}
		if v.typ == types.Invalid {
			return nil // its declaration was reported
		}
		out := *v
		out.span = x.Span()
		if v.varBody != nil {
			// A lambda from the vars file is used as `lambda: x`, so that
			// typeIdent reports its problems here.
			out.lambda = &ast.Lambda{Lambda: x.NamePos, Body: x}
		}
		return &out
	case *ast.NumberLit:
		if x.IsInt {
			return &value{typ: types.Int, lit: ir.Value{Type: types.Int, Int: x.Int}, span: x.Span()}
		}
		return &value{typ: types.Float, lit: ir.Value{Type: types.Float, Float: x.Float}, span: x.Span()}
	case *ast.StringLit:
		return &value{typ: types.String, lit: ir.Value{Type: types.String, Str: x.Value}, span: x.Span()}
	case *ast.DurationLit:
		return &value{typ: types.Duration, lit: ir.Value{Type: types.Duration, Dur: x.Value}, span: x.Span()}
	case *ast.BoolLit:
		return &value{typ: types.Bool, lit: ir.Value{Type: types.Bool, Bool: x.Value}, span: x.Span()}
	case *ast.RegexLit:
		if !c.checkRegex(x) {
			return nil
		}
		return &value{typ: types.Regex, lit: ir.Value{Type: types.Regex, Str: x.Pattern}, span: x.Span()}
	case *ast.Star:
		return &value{typ: types.Star, lit: ir.Value{Type: types.Star}, span: x.Span()}
	case *ast.Reference:
		return &value{typ: types.String, ref: x, lit: ir.Value{Type: types.String, Str: x.Name}, span: x.Span()}
	case *ast.List:
		return c.evalList(x)
	case *ast.Lambda:
		c.resolveLambdaIdents(x.Body)
		return &value{typ: types.Lambda, lambda: x, span: x.Span()}
	case *ast.ParenExpr:
		v := c.eval(x.X)
		if v != nil {
			v.span = x.Span()
		}
		return v
	case *ast.UnaryExpr:
		return c.evalUnary(x)
	case *ast.BinaryExpr:
		return c.evalBinary(x)
	case *ast.Call:
		return c.evalGlobalCall(x)
	case *ast.Chain:
		return c.evalChain(x)
	case *ast.BadExpr:
		return nil
	}
	c.errorf(x.Span(), nil, "unexpected expression")
	return nil
}

func (c *checker) undefined(x *ast.Ident) {
	var names []string
	for n := range c.scope {
		names = append(names, n)
	}
	notes := suggest(x.Name, names, "")
	switch {
	case (x.Name == "stream" || x.Name == "batch") && c.mixed:
		return // reported as mixing stream and batch
	case x.Name == "stream" || x.Name == "batch":
		notes = append(notes, fmt.Sprintf("this is a %s task: it cannot also use %s", c.task.Type, x.Name))
	case x.Name == "true" || x.Name == "false":
		notes = []string{fmt.Sprintf("booleans are upper case: write %s", strings.ToUpper(x.Name))}
	case x.Name == "and" || x.Name == "or":
		notes = []string{fmt.Sprintf("logical operators are upper case: write %s", strings.ToUpper(x.Name))}
	default:
		if _, isType := types.ByName(x.Name); isType {
			notes = []string{fmt.Sprintf("%s is a type: a template var is declared without '=', as in var name %s", x.Name, x.Name)}
		}
	}
	c.errorf(x.Span(), notes, "undefined: %s", x.Name)
}

func (c *checker) checkRegex(x *ast.RegexLit) bool {
	if _, err := regexp.Compile(x.Pattern); err != nil {
		c.errorf(x.Span(), nil, "invalid regex: %v", err)
		return false
	}
	return true
}

func (c *checker) evalList(x *ast.List) *value {
	out := &value{typ: types.List, lit: ir.Value{Type: types.List}, span: x.Span()}
	for _, item := range x.Items {
		v := c.eval(item)
		if v == nil {
			return nil
		}
		if v.typ != types.String && v.typ != types.Star {
			c.errorf(item.Span(), nil, "list items must be strings or *, found %s", v.typ)
			return nil
		}
		out.lit.List = append(out.lit.List, v.irValue())
	}
	return out
}

// irValue converts a literal value to its IR form.
func (v *value) irValue() ir.Value {
	out := v.lit
	out.Type = v.typ
	out.Pos = v.span
	return out
}

func (c *checker) evalGlobalCall(x *ast.Call) *value {
	if x.Name.Name != "time" {
		if _, ok := lambdaFunc(x.Name.Name); ok {
			c.errorf(x.Span(), []string{fmt.Sprintf("wrap it in a lambda: lambda: %s(...)", x.Name.Name)}, "%s() is a lambda function and can only be used inside a lambda", x.Name.Name)
			return nil
		}
		c.errorf(x.Name.Span(), suggest(x.Name.Name, []string{"time"}, ""), "undefined function %s()", x.Name.Name)
		return nil
	}
	// time(length[, offset]) is only meaningful in query().groupBy().
	if len(x.Args) < 1 || len(x.Args) > 2 {
		c.errorf(x.Span(), []string{"write time(1m) or time(1m, 10s)"}, "time() takes a length and an optional offset")
		return nil
	}
	td := &ir.TimeDim{}
	for i, a := range x.Args {
		v := c.eval(a)
		if v == nil {
			return nil
		}
		if v.typ != types.Duration {
			c.errorf(a.Span(), nil, "time() takes durations, found %s", v.typ)
			return nil
		}
		if i == 0 {
			td.Length = v.lit.Dur
		} else {
			td.Offset = v.lit.Dur
		}
	}
	return &value{typ: types.TimeDim, lit: ir.Value{Type: types.TimeDim, TimeDim: td}, span: x.Span()}
}

// evalUnary applies - or ! outside a lambda, where Kapacitor allows them on
// numbers, durations and bools only.
func (c *checker) evalUnary(x *ast.UnaryExpr) *value {
	v := c.eval(x.X)
	if v == nil {
		return nil
	}
	out := *v
	out.span = x.Span()
	switch {
	case x.Op == ast.OpSub && v.typ == types.Int && !v.template:
		out.lit.Int = -v.lit.Int
	case x.Op == ast.OpSub && v.typ == types.Float && !v.template:
		out.lit.Float = -v.lit.Float
	case x.Op == ast.OpSub && v.typ == types.Duration && !v.template:
		out.lit.Dur = -v.lit.Dur
	case x.Op == ast.OpNot && v.typ == types.Bool && !v.template:
		out.lit.Bool = !v.lit.Bool
	default:
		c.errorf(x.Span(), nil, "invalid operation: %s on %s value", x.Op, aType(v.typ))
		return nil
	}
	return &out
}

// evalBinary computes a constant expression outside a lambda, as Kapacitor
// does when a script is defined (`var t = 2 * 10s`).
func (c *checker) evalBinary(x *ast.BinaryExpr) *value {
	l, r := c.eval(x.X), c.eval(x.Y)
	if l == nil || r == nil {
		return nil
	}
	for _, v := range []*value{l, r} {
		if v.ref != nil {
			c.errorf(v.span, []string{"write a lambda (lambda: ...) to use the data, or single quotes for a string"},
				"the reference %q means something only inside a lambda", v.ref.Name)
			return nil
		}
	}
	if l.template || r.template || !isLiteral(l.typ) || !isLiteral(r.typ) {
		c.errorf(x.Span(), nil, "invalid operation: %s %s %s outside a lambda: only constant operands can be combined here", l.typ, x.Op, r.typ)
		return nil
	}
	res, ok := binaryResult(x.Op, l.typ, r.typ)
	if !ok {
		c.errorf(x.Span(), binaryHint(x.Op, l.typ, r.typ), "mismatched types %s %s %s", l.typ, x.Op, r.typ)
		return nil
	}
	v, err := foldBinary(x.Op, l.lit, r.lit, res)
	if err == nil && (math.IsNaN(v.Float) || math.IsInf(v.Float, 0)) {
		// Kapacitor would carry on with NaN or ±Inf; no property wants one.
		err = fmt.Errorf("the result is not a finite number")
	}
	if err != nil {
		c.errorf(x.Span(), nil, "%v", err)
		return nil
	}
	v.Pos = x.Span()
	return &value{typ: res, lit: v, span: x.Span()}
}

// aType is "a bool", "an int": a type name with its article.
func aType(t types.Type) string {
	if strings.ContainsRune("aeiou", rune(t.String()[0])) {
		return "an " + t.String()
	}
	return "a " + t.String()
}

func isLiteral(t types.Type) bool {
	switch t {
	case types.Bool, types.Int, types.Float, types.String, types.Duration:
		return true
	}
	return false
}

// foldBinary evaluates op on two constants whose result type is res.
func foldBinary(op ast.Operator, l, r ir.Value, res types.Type) (ir.Value, error) {
	out := ir.Value{Type: res}
	num := func(v ir.Value) float64 {
		if v.Type == types.Int {
			return float64(v.Int)
		}
		return v.Float
	}
	switch {
	case op == ast.OpAnd:
		out.Bool = l.Bool && r.Bool
	case op == ast.OpOr:
		out.Bool = l.Bool || r.Bool
	case op.IsComparison():
		out.Bool = compareConst(op, l, r, num)
	case l.Type == types.Int && r.Type == types.Int:
		if (op == ast.OpDiv || op == ast.OpMod) && r.Int == 0 {
			return out, fmt.Errorf("integer division by zero")
		}
		out.Int = map[ast.Operator]func(a, b int64) int64{
			ast.OpAdd: func(a, b int64) int64 { return a + b }, ast.OpSub: func(a, b int64) int64 { return a - b },
			ast.OpMul: func(a, b int64) int64 { return a * b }, ast.OpDiv: func(a, b int64) int64 { return a / b },
			ast.OpMod: func(a, b int64) int64 { return a % b },
		}[op](l.Int, r.Int)
	case l.Type == types.Float && r.Type == types.Float:
		out.Float = map[ast.Operator]func(a, b float64) float64{
			ast.OpAdd: func(a, b float64) float64 { return a + b }, ast.OpSub: func(a, b float64) float64 { return a - b },
			ast.OpMul: func(a, b float64) float64 { return a * b }, ast.OpDiv: func(a, b float64) float64 { return a / b },
		}[op](l.Float, r.Float)
	case l.Type == types.String:
		out.Str = l.Str + r.Str
	case res == types.Int: // duration / duration
		if r.Dur == 0 {
			return out, fmt.Errorf("division by zero duration")
		}
		out.Int = int64(l.Dur / r.Dur)
	default:
		out.Dur = foldDuration(op, l, r, num)
	}
	return out, nil
}

func compareConst(op ast.Operator, l, r ir.Value, num func(ir.Value) float64) bool {
	var cmp int
	switch l.Type {
	case types.Bool:
		if l.Bool != r.Bool {
			cmp = 1
		}
	case types.String:
		cmp = strings.Compare(l.Str, r.Str)
	case types.Duration:
		cmp = int(sign(float64(l.Dur - r.Dur)))
	default:
		cmp = int(sign(num(l) - num(r)))
	}
	switch op {
	case ast.OpEq:
		return cmp == 0
	case ast.OpNe:
		return cmp != 0
	case ast.OpLt:
		return cmp < 0
	case ast.OpLe:
		return cmp <= 0
	case ast.OpGt:
		return cmp > 0
	}
	return cmp >= 0
}

func sign(f float64) float64 {
	if f == 0 || math.IsNaN(f) {
		return 0
	}
	return math.Copysign(1, f)
}

func foldDuration(op ast.Operator, l, r ir.Value, num func(ir.Value) float64) time.Duration {
	switch {
	case l.Type == types.Duration && r.Type == types.Duration:
		if op == ast.OpAdd {
			return l.Dur + r.Dur
		}
		return l.Dur - r.Dur
	case l.Type == types.Duration && op == ast.OpMul:
		return time.Duration(float64(l.Dur) * num(r))
	case l.Type == types.Duration: // division by a number
		return time.Duration(float64(l.Dur) / num(r))
	}
	return time.Duration(num(l) * float64(r.Dur)) // number * duration
}
