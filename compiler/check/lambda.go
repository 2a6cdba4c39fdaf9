package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// fieldTypes are the types a field or tag of unknown type may hold at run time.
var fieldTypes = []types.Type{types.Bool, types.Int, types.Float, types.String}

// binaryResult is Kapacitor's binary operator matrix (inventory §2.2).
func binaryResult(op ast.Operator, l, r types.Type) (types.Type, bool) {
	num := func(t types.Type) bool { return t == types.Int || t == types.Float }
	switch {
	case op.IsLogical():
		return types.Bool, l == types.Bool && r == types.Bool
	case op == ast.OpRegexMatch || op == ast.OpRegexNotMatch:
		return types.Bool, l == types.String && r == types.Regex
	case op == ast.OpEq || op == ast.OpNe:
		ok := (l == r && (l == types.Bool || l == types.String || l == types.Duration || num(l))) || (num(l) && num(r))
		return types.Bool, ok
	case op.IsComparison():
		ok := (l == r && (l == types.String || l == types.Duration || num(l))) || (num(l) && num(r))
		return types.Bool, ok
	}
	switch op {
	case ast.OpAdd:
		if l == r && (l == types.Float || l == types.Int || l == types.Duration || l == types.String) {
			return l, true
		}
	case ast.OpSub:
		if l == r && (l == types.Float || l == types.Int || l == types.Duration) {
			return l, true
		}
	case ast.OpMul:
		switch {
		case l == r && (l == types.Float || l == types.Int):
			return l, true
		case l == types.Duration && num(r), num(l) && r == types.Duration:
			return types.Duration, true
		}
	case ast.OpDiv:
		switch {
		case l == r && (l == types.Float || l == types.Int):
			return l, true
		case l == types.Duration && num(r):
			return types.Duration, true
		case l == types.Duration && r == types.Duration:
			return types.Int, true
		}
	case ast.OpMod:
		if l == types.Int && r == types.Int {
			return types.Int, true
		}
	}
	return types.Invalid, false
}

// binaryHint suggests the fix for a mismatched operation.
func binaryHint(op ast.Operator, l, r types.Type) []string {
	switch {
	case op.IsArithmetic() && ((l == types.Int && r == types.Float) || (l == types.Float && r == types.Int)):
		return []string{"TICKscript does not mix int and float in arithmetic: write the int as a float (100.0) or convert with float()"}
	case op == ast.OpMod && l == types.Float:
		return []string{"% works on ints only"}
	case (op == ast.OpRegexMatch || op == ast.OpRegexNotMatch) && r != types.Regex:
		return []string{"the right side of =~ must be a regex literal such as /^server/"}
	case op.IsLogical():
		return []string{"AND and OR combine bool expressions"}
	case l == types.Time || r == types.Time:
		return []string{"times cannot be compared or combined; use unixNano(\"time\") or hour(\"time\")"}
	}
	return nil
}

// quotedFieldHint explains a single-quoted name compared with a number:
// 'count' is a string literal, while "count" reads the field.
func quotedFieldHint(side ast.Expr, other types.Type) []string {
	lit, ok := side.(*ast.StringLit)
	if !ok || !(other == types.Int || other == types.Float) {
		return nil
	}
	return []string{fmt.Sprintf("'%s' is a string; to read the field or tag write %q (double quotes)", lit.Value, lit.Value)}
}

// lambdaEnv is what a lambda sees: the data arriving at its node, and for
// eval, the results of earlier expressions.
type lambdaEnv struct {
	shape   *shape
	results map[string]types.Type
}

// typeLambda types a lambda's body for the node it is passed to.
func (c *checker) typeLambda(l *ast.Lambda, env lambdaEnv) *ir.Expr {
	x := c.typeExpr(l.Body, env)
	if x == nil {
		return nil
	}
	if x.Type == types.Time || x.Type == types.Regex {
		c.errorf(l.Body.Span(), nil, "a lambda cannot return a %s value", x.Type)
		return nil
	}
	return x
}

// resolveLambdaIdents checks, where a lambda is written, that every
// identifier in it names a literal var, as Kapacitor requires.
func (c *checker) resolveLambdaIdents(x ast.Expr) {
	switch x := x.(type) {
	case *ast.Ident:
		v, ok := c.scope[x.Name]
		if !ok {
			c.undefined(x)
			return
		}
		if v.typ == types.Node {
			c.errorf(x.Span(), []string{"a lambda can use vars that hold literal values only"}, "cannot use node %s inside a lambda", x.Name)
		}
	case *ast.BinaryExpr:
		c.resolveLambdaIdents(x.X)
		c.resolveLambdaIdents(x.Y)
	case *ast.UnaryExpr:
		c.resolveLambdaIdents(x.X)
	case *ast.ParenExpr:
		c.resolveLambdaIdents(x.X)
	case *ast.Call:
		for _, a := range x.Args {
			c.resolveLambdaIdents(a)
		}
	}
}

func lit(v ir.Value, span ast.Span) *ir.Expr {
	v.Pos = span
	return &ir.Expr{Kind: ir.Lit, Type: v.Type, Lit: &v, Pos: span}
}

// typeExpr types one lambda expression node. It returns nil after an error.
func (c *checker) typeExpr(x ast.Expr, env lambdaEnv) *ir.Expr {
	switch x := x.(type) {
	case *ast.NumberLit, *ast.StringLit, *ast.DurationLit, *ast.BoolLit, *ast.RegexLit:
		v := c.eval(x)
		if v == nil {
			return nil
		}
		return lit(v.irValue(), x.Span())
	case *ast.Reference:
		return c.typeRef(x, env)
	case *ast.Ident:
		return c.typeIdent(x, env)
	case *ast.ParenExpr:
		return c.typeExpr(x.X, env)
	case *ast.UnaryExpr:
		return c.typeUnary(x, env)
	case *ast.BinaryExpr:
		return c.typeBinary(x, env)
	case *ast.Call:
		return c.typeCall(x, env)
	case *ast.Star: // the parser admits no other expression in a lambda
		c.errorf(x.Span(), nil, "* cannot be used inside a lambda")
	}
	return nil
}

// typeIdent substitutes a var's value into the lambda.
func (c *checker) typeIdent(x *ast.Ident, env lambdaEnv) *ir.Expr {
	v, ok := c.scope[x.Name]
	if !ok || v.typ == types.Invalid {
		return nil // reported where the lambda or the var was written
	}
	switch {
	case v.varBody != nil:
		before := len(c.errs)
		e := c.typeExpr(v.varBody, env)
		c.rehome(before, x.Name, x.Span())
		placeAt(e, x.Span())
		return e
	case v.typ == types.Lambda && v.lambda != nil:
		return c.typeExpr(v.lambda.Body, env)
	case v.template:
		return &ir.Expr{Kind: ir.Lit, Type: v.typ, Lit: &ir.Value{Type: v.typ, Var: x.Name}, Pos: x.Span()}
	case v.ref != nil:
		return c.typeRef(v.ref, env)
	case isLiteral(v.typ) || v.typ == types.Regex:
		return lit(v.irValue(), x.Span())
	}
	if v.typ != types.Node { // nodes were reported where the lambda was written
		c.errorf(x.Span(), nil, "cannot use a %s var inside a lambda", v.typ)
	}
	return nil
}

// placeAt moves a lambda typed from a vars file's text to span, where the
// script uses it: positions in that text mean nothing in the script.
func placeAt(e *ir.Expr, span ast.Span) {
	if e == nil {
		return
	}
	e.Pos = span
	if e.Lit != nil {
		e.Lit.Pos = span
	}
	for _, a := range e.Args {
		placeAt(a, span)
	}
}

func (c *checker) typeRef(x *ast.Reference, env lambdaEnv) *ir.Expr {
	e := &ir.Expr{Kind: ir.Ref, Name: x.Name, Pos: x.Span()}
	if t, ok := env.results[x.Name]; ok {
		e.Type = t
		return e
	}
	if x.Name == "time" {
		e.Type = types.Time
		return e
	}
	t, known := env.shape.lookup(x.Name)
	if !known {
		c.unknownRef(x, env)
		return nil
	}
	e.Type = t
	return e
}

func (c *checker) unknownRef(x *ast.Reference, env lambdaEnv) {
	names := env.shape.names()
	for n := range env.results {
		names = append(names, n)
	}
	quote := fmt.Sprintf("if you meant the string value '%s', use single quotes: single quotes make a string; double quotes reference a field or tag", x.Name)
	// A near miss (one edit) is a typo; anything else is more likely a
	// value written in the wrong quotes, the guide's "server1" gotcha.
	var notes []string
	for _, n := range names {
		if distance(x.Name, n) == 1 {
			notes = []string{fmt.Sprintf("did you mean %q?", n)}
		}
	}
	if notes == nil {
		notes = []string{quote}
	}
	c.errorf(x.Span(), notes, "unknown field or tag %q in %s", x.Name, env.shape.describe())
}

func (c *checker) typeUnary(x *ast.UnaryExpr, env lambdaEnv) *ir.Expr {
	operand := c.typeExpr(x.X, env)
	if operand == nil {
		return nil
	}
	e := &ir.Expr{Kind: ir.Unary, Op: x.Op, OpText: x.Op.String(), Args: []*ir.Expr{operand}, Pos: x.Span()}
	valid := func(t types.Type) bool {
		if x.Op == ast.OpNot {
			return t == types.Bool
		}
		return t == types.Int || t == types.Float || t == types.Duration
	}
	results := candidates(operand.Type, func(t types.Type) (types.Type, bool) { return t, valid(t) })
	if len(results) == 0 {
		c.errorf(x.Span(), nil, "invalid operation: %s on %s value", x.Op, aType(operand.Type))
		return nil
	}
	e.Type = single(results)
	return e
}

func (c *checker) typeBinary(x *ast.BinaryExpr, env lambdaEnv) *ir.Expr {
	l, r := c.typeExpr(x.X, env), c.typeExpr(x.Y, env)
	if l == nil || r == nil {
		return nil
	}
	e := &ir.Expr{Kind: ir.Binary, Op: x.Op, OpText: x.Op.String(), Args: []*ir.Expr{l, r}, Pos: x.Span()}
	seen := map[types.Type]bool{}
	for _, lt := range expand(l.Type) {
		for _, rt := range expand(r.Type) {
			if t, ok := binaryResult(x.Op, lt, rt); ok {
				seen[t] = true
			}
		}
	}
	if len(seen) == 0 {
		notes := append(binaryHint(x.Op, l.Type, r.Type), quotedFieldHint(x.X, r.Type)...)
		notes = append(notes, quotedFieldHint(x.Y, l.Type)...)
		c.errorf(x.Span(), notes, "mismatched types in %s: %s %s %s", exprText(x), describeType(l), x.Op, describeType(r))
		return nil
	}
	if (x.Op == ast.OpDiv || x.Op == ast.OpMod) && r.Kind == ir.Lit && r.Type == types.Int && r.Lit.Var == "" && r.Lit.Int == 0 {
		c.errorf(x.Span(), nil, "integer division by zero")
		return nil
	}
	e.Type = single(seen)
	return e
}

func describeType(e *ir.Expr) string {
	if e.Kind == ir.Ref && e.Type == types.Unknown {
		return fmt.Sprintf("%q (a field or tag)", e.Name)
	}
	return e.Type.String()
}

// exprText is the source-like text of a small expression for messages.
func exprText(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.BinaryExpr:
		return exprText(x.X) + " " + x.Op.String() + " " + exprText(x.Y)
	case *ast.Reference:
		return `"` + x.Name + `"`
	case *ast.NumberLit:
		return x.Raw
	case *ast.StringLit:
		return "'" + x.Value + "'"
	case *ast.DurationLit:
		return x.Raw
	case *ast.BoolLit:
		if x.Value {
			return "TRUE"
		}
		return "FALSE"
	case *ast.Ident:
		return x.Name
	case *ast.Call:
		return x.Name.Name + "(...)"
	case *ast.ParenExpr:
		return "(" + exprText(x.X) + ")"
	case *ast.UnaryExpr:
		return x.Op.String() + exprText(x.X)
	}
	return "..."
}

// expand lists the concrete types an expression of type t may have.
func expand(t types.Type) []types.Type {
	if t == types.Unknown {
		return fieldTypes
	}
	return []types.Type{t}
}

func candidates(t types.Type, f func(types.Type) (types.Type, bool)) map[types.Type]bool {
	out := map[types.Type]bool{}
	for _, ct := range expand(t) {
		if r, ok := f(ct); ok {
			out[r] = true
		}
	}
	return out
}

// single returns the only type in set, or Unknown when the result depends
// on the data.
func single(set map[types.Type]bool) types.Type {
	if len(set) == 1 {
		for t := range set {
			return t
		}
	}
	return types.Unknown
}

func lambdaFunc(name string) (*catalog.Function, bool) {
	f, ok := catalog.Functions[name]
	return f, ok
}

func (c *checker) typeCall(x *ast.Call, env lambdaEnv) *ir.Expr {
	if gf, ok := c.cfg.GoFuncs[x.Name.Name]; ok {
		return c.typeGoCall(x, env, gf) // udf.go
	}
	f, ok := lambdaFunc(x.Name.Name)
	if !ok && x.Name.Name == "time" {
		c.errorf(x.Name.Span(), []string{"time(d) is a group-by dimension for batch|query(...).groupBy(); in a lambda the point's time is \"time\""}, "time() cannot be used in a lambda")
		return nil
	}
	if !ok {
		names := make([]string, 0, len(catalog.Functions))
		for n := range catalog.Functions {
			names = append(names, n)
		}
		for n := range c.cfg.GoFuncs {
			names = append(names, n)
		}
		c.errorf(x.Name.Span(), suggest(x.Name.Name, names, ""), "undefined function %s() in lambda", x.Name.Name)
		return nil
	}
	e := &ir.Expr{Kind: ir.Call, Name: f.Name, Pos: x.Span()}
	for _, a := range x.Args {
		arg := c.typeExpr(a, env)
		if arg == nil {
			return nil
		}
		e.Args = append(e.Args, arg)
	}
	results := map[types.Type]bool{}
	for _, s := range f.Sigs {
		if sigMatches(s, e.Args) {
			results[s.Result] = true
		}
	}
	if len(results) == 0 {
		c.errorf(x.Span(), callHint(f, e.Args), "cannot call %s(%s); %s", f.Name, argTypes(e.Args), signatures(f))
		return nil
	}
	e.Type = single(results)
	return e
}

func sigMatches(s catalog.FuncSig, args []*ir.Expr) bool {
	if len(s.Params) != len(args) {
		return false
	}
	for i, a := range args {
		p := s.Params[i]
		switch {
		case a.Type == p:
		case a.Type == types.Unknown && (p.IsFieldType() || p == types.Missing):
		default:
			return false
		}
	}
	return true
}

func argTypes(args []*ir.Expr) string {
	var s []string
	for _, a := range args {
		s = append(s, describeType(a))
	}
	return strings.Join(s, ", ")
}

func signatures(f *catalog.Function) string {
	var s []string
	for _, sig := range f.Sigs {
		var ps []string
		for _, p := range sig.Params {
			ps = append(ps, p.String())
		}
		s = append(s, fmt.Sprintf("%s(%s) %s", f.Name, strings.Join(ps, ", "), sig.Result))
	}
	sort.Strings(s)
	if len(s) == 1 {
		return "want " + s[0]
	}
	return "want one of " + strings.Join(s, ", ")
}

// callHint suggests a conversion when an int or a float is passed where
// the other is wanted.
func callHint(f *catalog.Function, args []*ir.Expr) []string {
	for _, s := range f.Sigs {
		if len(s.Params) != len(args) {
			continue
		}
		for i, a := range args {
			switch {
			case a.Type == types.Int && s.Params[i] == types.Float:
				return []string{fmt.Sprintf("argument %d is an int and %s wants a float: write it as a float (100.0) or convert with float()", i+1, f.Name)}
			case a.Type == types.Float && s.Params[i] == types.Int:
				return []string{fmt.Sprintf("argument %d is a float and %s wants an int: convert with int()", i+1, f.Name)}
			}
		}
	}
	if f.Name == "duration" && len(args) == 1 && args[0].Type == types.String {
		return []string{"duration() of a string needs a unit argument as well, as in Kapacitor: duration('5m', 1s)"}
	}
	return nil
}
