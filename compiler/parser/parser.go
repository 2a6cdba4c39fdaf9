// Package parser turns TICKscript source into a syntax tree.
//
// It follows Kapacitor's grammar (tick/ast) token for token, so every script
// Kapacitor parses parses here, but it reports errors with positions and
// hints instead of stopping at the first, and keeps every comment.
package parser

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/types"
)

// ParseFile parses one TICKscript file. It always returns a program and the
// diagnostics it found. Complete reports whether every statement was parsed:
// errors it recovered from in place (a missing "()") leave it true, so the
// program can still be checked; a skipped statement makes it false.
func ParseFile(filename string, src []byte) (prog *ast.Program, errs diag.List) {
	prog, errs, _ = Parse(filename, src)
	return prog, errs
}

// Parse is ParseFile that also says whether the program is complete.
func Parse(filename string, src []byte) (prog *ast.Program, errs diag.List, complete bool) {
	p := newParser(filename, string(src))
	prog = &ast.Program{File: filename, Source: src}
	for p.tok.Kind != tokEOF {
		if s := p.statement(); s != nil {
			prog.Stmts = append(prog.Stmts, s)
		}
	}
	prog.Comments = p.comments
	return prog, p.errs, !p.abandoned && !p.lexFailed
}

// ParseLambda parses the text of a lambda expression without the `lambda:`
// keyword, as template vars and topic handler match expressions give it.
func ParseLambda(filename, src string) (ast.Expr, diag.List) {
	p := newParser(filename, src)
	var x ast.Expr
	func() {
		defer p.recoverStatement()
		x = p.primaryExpr()
		if p.tok.Kind != tokEOF {
			p.failf(p.tok.span(), nil, "unexpected %s after the expression", p.tok.describe())
		}
	}()
	return x, p.errs
}

type parser struct {
	file     string
	src      string
	toks     []token
	i        int
	tok      token // toks[i]
	comments []*ast.Comment
	errs     diag.List
	// abandoned is set when a statement had to be skipped after an error.
	abandoned bool
	lexFailed bool
}

// bailout unwinds a statement after its first syntax error; the statement
// loop then resynchronises at the next statement.
type bailout struct{}

func newParser(filename, src string) *parser {
	// About one token per five bytes in real scripts.
	p := &parser{file: filename, src: src, toks: make([]token, 0, len(src)/5+1)}
	lx := newLexer(src)
	for {
		t := lx.next()
		switch t.Kind {
		case tokComment:
			p.comments = append(p.comments, &ast.Comment{Pos: t.Pos, Text: strings.TrimPrefix(t.Text, "//")})
			continue
		case tokError:
			var notes []string
			if t.Note != "" {
				notes = []string{t.Note}
			}
			p.errs.Add(filename, t.span(), notes, "%s", t.Text)
			p.lexFailed = true
		}
		p.toks = append(p.toks, t)
		if t.Kind == tokEOF {
			break
		}
	}
	p.tok = p.toks[0]
	return p
}

func (p *parser) next() token {
	t := p.tok
	if p.i < len(p.toks)-1 {
		p.i++
	}
	p.tok = p.toks[p.i]
	return t
}

func (p *parser) peek() token {
	if p.i+1 < len(p.toks) {
		return p.toks[p.i+1]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) failf(span ast.Span, notes []string, format string, args ...any) {
	p.errs.Add(p.file, span, notes, format, args...)
	panic(bailout{})
}

// unexpected reports the current token where something else was expected.
// A lexer error token was already reported, so it only bails out.
func (p *parser) unexpected(want string, notes ...string) {
	if p.tok.Kind == tokError {
		panic(bailout{})
	}
	p.failAdjacent()
	notes = append(notes, p.hint()...)
	if p.i > 0 {
		// Something is missing at the end of a line: point there rather
		// than at the next statement.
		if prev := p.toks[p.i-1]; p.tok.Pos.Line > prev.End.Line {
			found := "end of line"
			if p.tok.Kind == tokEOF {
				found = "end of file"
			}
			p.failf(ast.Span{Start: prev.End, End: prev.End}, notes, "expected %s, found %s", want, found)
		}
	}
	p.failf(p.tok.span(), notes, "expected %s, found %s", want, p.tok.describe())
}

// hint explains the usual reasons for the current token to be unexpected:
// operators spelt as in other languages.
func (p *parser) hint() []string {
	t := p.tok
	switch {
	case t.Kind == tokIdent && (t.Text == "and" || t.Text == "or"):
		return []string{fmt.Sprintf("logical operators are upper case: write %s", strings.ToUpper(t.Text))}
	case t.Kind == tokIdent && t.Text == "not", p.i > 0 && p.toks[p.i-1].Kind == tokIdent && p.toks[p.i-1].Text == "not":
		return []string{"negation is written !"}
	case t.Kind == tokPipe && p.peek().Kind == tokPipe:
		return []string{"logical or is written OR"}
	case t.Kind == tokAssign:
		return []string{"compare with =="}
	}
	return nil
}

// failAdjacent reports a number or duration run together with the token
// after it, as in 1.5h, 10ns or 1h30m: Kapacitor reads two tokens there, and
// the second is never what was meant.
func (p *parser) failAdjacent() {
	if p.i == 0 {
		return
	}
	prev, t := p.toks[p.i-1], p.tok
	adjacent := t.Pos.Offset == prev.End.Offset
	if !adjacent || (prev.Kind != tokNumber && prev.Kind != tokDuration) ||
		(t.Kind != tokIdent && t.Kind != tokNumber && t.Kind != tokDuration) {
		return
	}
	text := prev.Text + t.Text
	if prev.Kind == tokDuration && t.Kind != tokIdent {
		p.failf(ast.Span{Start: prev.Pos, End: t.End}, []string{"a duration takes one unit: write the total in one unit, e.g. 90m for 1h30m"},
			"%s is not a duration", text)
	}
	p.failf(ast.Span{Start: prev.Pos, End: t.End}, []string{"a duration is an integer followed by one unit (u, µ, ms, s, m, h, d, w): write 90m instead of 1.5h, 1000u instead of 1000000ns"},
		"%s is not a duration", text)
}

func (p *parser) expect(kind tokenKind, want string) token {
	if p.tok.Kind != kind {
		p.unexpected(want)
	}
	return p.next()
}

func (p *parser) recoverStatement() {
	if r := recover(); r != nil {
		if _, ok := r.(bailout); !ok {
			panic(r)
		}
	}
}

// statement parses one statement; after an error it skips to the next line
// that starts like a statement and returns nil.
func (p *parser) statement() (s ast.Stmt) {
	start := p.i
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			s = nil
			p.abandoned = true
			p.sync(start)
		}
	}()
	switch {
	case p.tok.Kind == tokVar:
		return p.declaration()
	case p.tok.Kind == tokIdent && p.tok.Text == "dbrp" && p.peek().Kind != tokLParen:
		return p.dbrp()
	}
	glued := p.i > 0 && p.toks[p.i-1].Kind == tokDuration && p.toks[p.i-1].End.Offset == p.tok.Pos.Offset &&
		(p.tok.Kind == tokDuration || p.tok.Kind == tokNumber)
	x := p.expression()
	p.checkAdjacent()
	return &ast.ExprStmt{X: x, Glued: glued}
}

// sync skips tokens up to the first one that begins a new line and can begin
// a statement (var, or an identifier), and always moves past the statement's
// first token so that parsing makes progress.
func (p *parser) sync(start int) {
	if p.i == start {
		p.next()
	}
	for p.tok.Kind != tokEOF {
		prev := p.toks[p.i-1]
		if p.tok.Pos.Line > prev.End.Line && (p.tok.Kind == tokVar || (p.tok.Kind == tokIdent && p.tok.Pos.Col == 1)) {
			return
		}
		p.next()
	}
}

func (p *parser) declaration() ast.Stmt {
	v := p.next()
	name := p.ident("a variable name after 'var'")
	if p.tok.Kind == tokAssign {
		p.next()
		x := p.expression()
		p.checkAdjacent()
		return &ast.VarDecl{Var: v.Pos, Name: name, Value: x}
	}
	if p.tok.Kind == tokIdent {
		if _, isType := types.ByName(p.tok.Text); !isType && p.tok.Pos.Line > name.NamePos.Line {
			// `var x` alone on its line: the next statement is not its type.
			p.failf(name.Span(), []string{fmt.Sprintf("write var %s = value, or declare a template var with var %s <type>", name.Name, name.Name)},
				"missing '= value' after var %s", name.Name)
		}
		typ := p.ident("a type")
		return &ast.TypeDecl{Var: v.Pos, Name: name, Type: typ}
	}
	p.unexpected("'=' or a type name after 'var " + name.Name + "'")
	return nil
}

func (p *parser) dbrp() ast.Stmt {
	kw := p.next()
	ref := func() *ast.Reference {
		if p.tok.Kind == tokString {
			p.failf(p.tok.span(), []string{`the database and retention policy are names: write them in double quotes, dbrp "db"."rp"`},
				"dbrp takes double-quoted names, found string %s", p.tok.Text)
		}
		if p.tok.Kind != tokReference {
			p.unexpected(`a double-quoted name, as in dbrp "telegraf"."autogen"`)
		}
		return p.reference()
	}
	db := ref()
	if p.tok.Kind != tokDot {
		p.unexpected(`'.' between the database and the retention policy, as in dbrp "telegraf"."autogen"`)
	}
	p.next()
	rp := ref()
	return &ast.DBRP{Dbrp: kw.Pos, DB: db, RP: rp}
}

// checkAdjacent reports what Kapacitor silently splits into two statements:
// `1h30m` is `1h` and then `30m`, which is evaluated and thrown away.
func (p *parser) checkAdjacent() {
	prev := p.toks[p.i-1]
	if prev.Kind != tokDuration || p.tok.Pos.Offset != prev.End.Offset || (p.tok.Kind != tokDuration && p.tok.Kind != tokNumber) {
		p.failAdjacent()
		return
	}
	// Kapacitor parses what follows as statements of their own, evaluates
	// and discards them; so does tickc (they are marked Glued, so the
	// checker does not report them again). Name the adjacent literals here.
	rest, end := "", prev.End
	for i := p.i; i < len(p.toks) && (p.toks[i].Kind == tokDuration || p.toks[i].Kind == tokNumber) && p.toks[i].Pos.Offset == end.Offset; i++ {
		rest += p.toks[i].Text
		end = p.toks[i].End
	}
	p.errs.Warn(p.file, ast.Span{Start: prev.Pos, End: end},
		[]string{"a duration takes one unit: write the total in one unit, e.g. 90m for 1h30m"},
		"%s%s is read as %s; Kapacitor ignores the trailing %s", prev.Text, rest, prev.Text, rest)
}

func (p *parser) ident(want string) *ast.Ident {
	t := p.expect(tokIdent, want)
	return &ast.Ident{NamePos: t.Pos, Name: t.Text}
}

// expression parses a statement-level expression: a chain, a lambda, a
// list, or a constant expression.
func (p *parser) expression() ast.Expr {
	switch p.tok.Kind {
	case tokIdent:
		switch p.peek().Kind {
		case tokLParen:
			call := p.call()
			if k := p.tok.Kind; k == tokDot || k == tokPipe || k == tokAt {
				return p.chain(call)
			}
			return p.precedence(call, 0)
		case tokDot, tokPipe, tokAt:
			return p.chain(p.ident("an identifier"))
		}
		return p.primaryExpr()
	case tokLambda:
		t := p.next()
		return &ast.Lambda{Lambda: t.Pos, Body: p.primaryExpr()}
	case tokLBrack:
		return p.list()
	}
	return p.primaryExpr()
}

// chain parses the left-associative `|f()`, `.f()`, `@f()` suffixes of lhs.
func (p *parser) chain(lhs ast.Expr) ast.Expr {
	for {
		var op ast.ChainOp
		switch p.tok.Kind {
		case tokPipe:
			op = ast.Pipe
		case tokDot:
			op = ast.Dot
		case tokAt:
			op = ast.At
		default:
			return lhs
		}
		opTok := p.next()
		if p.tok.Kind != tokIdent {
			p.unexpected(fmt.Sprintf("a method name after '%s'", op))
		}
		var call *ast.Call
		if p.peek().Kind == tokLParen {
			call = p.call()
		} else {
			name := p.ident("a method name")
			call = &ast.Call{Name: name}
			if op == ast.Pipe {
				// Recover as if the parentheses were there, so the rest of
				// the chain is still checked: a valid Lparen marks a call.
				// Rparen stays unset, so the call spans just its name.
				p.errs.Add(p.file, name.Span(), []string{fmt.Sprintf("write |%s()", name.Name)}, "missing parentheses after |%s", name.Name)
				call.Lparen = name.Span().End
			}
		}
		lhs = &ast.Chain{X: lhs, Op: op, OpPos: opTok.Pos, Call: call}
	}
}

// call parses `name(args)`, each argument a full expression.
func (p *parser) call() *ast.Call {
	name := p.ident("a function name")
	lp := p.expect(tokLParen, "'('")
	var args []ast.Expr
	for p.tok.Kind != tokRParen {
		args = append(args, p.expression())
		if p.tok.Kind != tokComma {
			break
		}
		p.next()
	}
	if p.tok.Kind != tokRParen {
		p.unexpected(fmt.Sprintf("',' or ')' in the arguments of %s(", name.Name))
	}
	rp := p.next()
	return &ast.Call{Name: name, Lparen: lp.Pos, Args: args, Rparen: rp.Pos}
}

func (p *parser) list() ast.Expr {
	lb := p.next()
	l := &ast.List{Lbrack: lb.Pos}
	for p.tok.Kind != tokRBrack {
		switch p.tok.Kind {
		case tokIdent:
			l.Items = append(l.Items, p.ident("an identifier"))
		case tokString:
			l.Items = append(l.Items, p.string())
		case tokStar:
			t := p.next()
			l.Items = append(l.Items, &ast.Star{Range: t.span()})
		default:
			p.unexpected("a string, identifier or '*' in the list",
				"list items can only be 'strings', identifiers or *")
		}
		if p.tok.Kind != tokComma {
			break
		}
		p.next()
	}
	l.Rbrack = p.expect(tokRBrack, "',' or ']'").Pos
	return l
}

func (p *parser) primaryExpr() ast.Expr {
	return p.precedence(p.primary(), 0)
}

// precedence is precedence climbing over Kapacitor's binary operator table.
func (p *parser) precedence(lhs ast.Expr, min int) ast.Expr {
	for p.isBinary() && p.tok.Op.Precedence() >= min {
		opTok := p.next()
		rhs := p.primary()
		for p.isBinary() && p.tok.Op.Precedence() > opTok.Op.Precedence() {
			rhs = p.precedence(rhs, p.tok.Op.Precedence())
		}
		lhs = &ast.BinaryExpr{X: lhs, Op: opTok.Op, OpPos: opTok.Pos, Y: rhs}
	}
	return lhs
}

func (p *parser) isBinary() bool {
	return p.tok.Kind == tokOperator && p.tok.Op != ast.OpNot
}

func (p *parser) primary() ast.Expr {
	switch t := p.tok; t.Kind {
	case tokLParen:
		p.next()
		x := p.primaryExpr()
		rp := p.expect(tokRParen, "')'")
		return &ast.ParenExpr{Lparen: t.Pos, Rparen: rp.Pos, X: x}
	case tokNumber:
		return p.number()
	case tokString:
		return p.string()
	case tokTrue, tokFalse:
		p.next()
		return &ast.BoolLit{Range: t.span(), Value: t.Kind == tokTrue}
	case tokDuration:
		return p.duration()
	case tokRegex:
		return p.regex()
	case tokStar:
		p.next()
		return &ast.Star{Range: t.span()}
	case tokReference:
		return p.reference()
	case tokIdent:
		if p.peek().Kind == tokLParen {
			return p.lambdaCall()
		}
		return p.ident("an identifier")
	case tokOperator:
		if t.Op == ast.OpSub || t.Op == ast.OpNot {
			p.next()
			return &ast.UnaryExpr{Op: t.Op, OpPos: t.Pos, X: p.primary()}
		}
	case tokLambda:
		p.failf(t.span(), []string{"a lambda cannot contain another lambda: remove the inner 'lambda:'"}, "unexpected 'lambda:' inside an expression")
	}
	if p.tok.Kind == tokError {
		panic(bailout{})
	}
	p.unexpected("an expression")
	return nil
}

// lambdaCall parses a function call inside a lambda, whose arguments are
// lambda expressions (no chains, lists or nested lambdas).
func (p *parser) lambdaCall() ast.Expr {
	name := p.ident("a function name")
	lp := p.next()
	var args []ast.Expr
	for p.tok.Kind != tokRParen {
		args = append(args, p.primaryExpr())
		if p.tok.Kind != tokComma {
			break
		}
		p.next()
	}
	if p.tok.Kind != tokRParen {
		p.unexpected(fmt.Sprintf("',' or ')' in the arguments of %s(", name.Name))
	}
	rp := p.next()
	return &ast.Call{Name: name, Lparen: lp.Pos, Args: args, Rparen: rp.Pos}
}

func (p *parser) number() ast.Expr {
	t := p.next()
	n := &ast.NumberLit{Range: t.span(), Raw: t.Text}
	if strings.Contains(t.Text, ".") {
		f, err := strconv.ParseFloat(t.Text, 64)
		if err != nil {
			p.failf(t.span(), nil, "invalid number %s", t.Text)
		}
		n.Float = f
		return n
	}
	n.IsInt = true
	base := 10
	if len(t.Text) > 1 && t.Text[0] == '0' {
		base = 8 // Kapacitor reads a leading zero as octal
	}
	i, err := strconv.ParseInt(t.Text, base, 64)
	if err != nil {
		var notes []string
		if base == 8 {
			notes = []string{"a leading 0 makes an octal number: remove the leading zeros"}
		}
		p.failf(t.span(), notes, "invalid integer %s", t.Text)
	}
	n.Int = i
	return n
}

func (p *parser) duration() ast.Expr {
	t := p.next()
	d, err := ParseDuration(t.Text)
	if err != nil {
		p.failf(t.span(), nil, "invalid duration %s: %v", t.Text, err)
	}
	return &ast.DurationLit{Range: t.span(), Raw: t.Text, Value: d}
}

func (p *parser) string() *ast.StringLit {
	t := p.next()
	if strings.HasPrefix(t.Text, "'''") && len(t.Text) >= 6 {
		return &ast.StringLit{Range: t.span(), Value: t.Text[3 : len(t.Text)-3], Triple: true}
	}
	v := strings.ReplaceAll(t.Text[1:len(t.Text)-1], `\'`, `'`)
	return &ast.StringLit{Range: t.span(), Value: v}
}

func (p *parser) reference() *ast.Reference {
	t := p.next()
	return &ast.Reference{Range: t.span(), Name: strings.ReplaceAll(t.Text[1:len(t.Text)-1], `\"`, `"`)}
}

func (p *parser) regex() ast.Expr {
	t := p.next()
	return &ast.RegexLit{Range: t.span(), Pattern: strings.ReplaceAll(t.Text[1:len(t.Text)-1], `\/`, `/`)}
}

var durationUnits = map[string]time.Duration{
	"u": time.Microsecond, "µ": time.Microsecond, "ms": time.Millisecond, "s": time.Second,
	"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

// ParseDuration parses a duration literal as Kapacitor does (InfluxQL's
// ParseDuration): an integer and one unit of u, µ, ms, s, m, h, d or w.
func ParseDuration(s string) (time.Duration, error) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || i == len(s) {
		return 0, fmt.Errorf("want an integer followed by a unit")
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, err
	}
	unit, ok := durationUnits[s[i:]]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q", s[i:])
	}
	if n > math.MaxInt64/int64(unit) {
		return 0, fmt.Errorf("it overflows a duration (about 292 years)")
	}
	return time.Duration(n) * unit, nil
}
