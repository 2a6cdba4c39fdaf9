// Package ast declares the syntax tree of a TICKscript program.
//
// The tree keeps every position and every comment so that the checker can
// point at the exact span of an error and the formatter can reprint the
// script without losing anything.
package ast

import (
	"fmt"
	"time"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// bytes, as go/token does. Offset is the 0-based byte offset.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// IsValid reports whether p was set.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Span is a half-open byte range [Start, End) in one file.
type Span struct {
	Start, End Pos
}

// Node is any node of the tree.
type Node interface {
	Span() Span
}

// Program is one parsed TICKscript file.
type Program struct {
	File     string
	Source   []byte
	Stmts    []Stmt
	Comments []*Comment // every comment, in source order
}

// Comment is one `// ...` line comment. Text excludes the leading "//".
type Comment struct {
	Pos  Pos
	Text string
}

func (c *Comment) Span() Span {
	return Span{c.Pos, Pos{c.Pos.Offset + 2 + len(c.Text), c.Pos.Line, c.Pos.Col + 2 + len(c.Text)}}
}

// Stmt is a top-level statement.
type Stmt interface {
	Node
	stmt()
}

// VarDecl is `var Name = Value`.
type VarDecl struct {
	Var   Pos
	Name  *Ident
	Value Expr
}

// TypeDecl is a template declaration `var Name Type`.
type TypeDecl struct {
	Var  Pos
	Name *Ident
	Type *Ident
}

// DBRP is `dbrp "db"."rp"`.
type DBRP struct {
	Dbrp Pos
	DB   *Reference
	RP   *Reference
}

// ExprStmt is an expression used as a statement, usually a pipeline chain.
type ExprStmt struct {
	X Expr
	// Glued is set when the statement starts right where the previous one
	// ends, as the 30m of `1h30m`: Kapacitor reads it as a separate
	// statement and discards it.
	Glued bool
}

func (s *VarDecl) Span() Span  { return Span{s.Var, s.Value.Span().End} }
func (s *TypeDecl) Span() Span { return Span{s.Var, s.Type.Span().End} }
func (s *DBRP) Span() Span     { return Span{s.Dbrp, s.RP.Span().End} }
func (s *ExprStmt) Span() Span { return s.X.Span() }

func (*VarDecl) stmt()  {}
func (*TypeDecl) stmt() {}
func (*DBRP) stmt()     {}
func (*ExprStmt) stmt() {}

// Expr is any expression: pipeline chains, literals and lambda expressions.
type Expr interface {
	Node
	expr()
}

// Ident is a bare identifier: a var name, `stream`, `batch`, a function name.
type Ident struct {
	NamePos Pos
	Name    string
}

// Reference is a double-quoted field or tag reference, `"usage_idle"`.
type Reference struct {
	Range Span
	Name  string // unescaped
}

// StringLit is a single- or triple-quoted string.
type StringLit struct {
	Range  Span
	Value  string // unescaped
	Triple bool
}

// NumberLit is an integer or float literal. A leading 0 makes an integer octal.
type NumberLit struct {
	Range Span
	Raw   string
	IsInt bool
	Int   int64
	Float float64
}

// DurationLit is an integer followed by one unit: `10s`, `1h`, `5m`.
type DurationLit struct {
	Range Span
	Raw   string
	Value time.Duration
}

// RegexLit is `/pattern/`. Pattern has `\/` unescaped.
type RegexLit struct {
	Range   Span
	Pattern string
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Range Span
	Value bool
}

// Star is `*`.
type Star struct {
	Range Span
}

// List is `[item, ...]`; items are strings, identifiers or `*`.
type List struct {
	Lbrack, Rbrack Pos
	Items          []Expr
}

// Lambda is `lambda: expr`.
type Lambda struct {
	Lambda Pos
	Body   Expr
}

// BinaryExpr is `X Op Y` inside a lambda (or a constant expression in a var).
type BinaryExpr struct {
	X     Expr
	Op    Operator
	OpPos Pos
	Y     Expr
}

// UnaryExpr is `-X` or `!X`.
type UnaryExpr struct {
	Op    Operator
	OpPos Pos
	X     Expr
}

// ParenExpr is `(X)`.
type ParenExpr struct {
	Lparen, Rparen Pos
	X              Expr
}

// Call is `name(args...)`: a chain method, a property, a lambda function or time().
type Call struct {
	Name   *Ident
	Lparen Pos
	Args   []Expr
	Rparen Pos
}

// ChainOp says how a call is attached to the expression on its left.
type ChainOp uint8

const (
	Pipe ChainOp = iota + 1 // |name(): creates a child node
	Dot                     // .name(): sets a property
	At                      // @name(): a UDF node
)

func (op ChainOp) String() string {
	switch op {
	case Pipe:
		return "|"
	case Dot:
		return "."
	case At:
		return "@"
	}
	return "?"
}

// Chain is `X |call`, `X .call` or `X @call`. Call.Lparen is invalid for
// `.name` written without parentheses.
type Chain struct {
	X     Expr
	Op    ChainOp
	OpPos Pos
	Call  *Call
}

// NoParens reports whether a property was written without parentheses.
func (c *Chain) NoParens() bool { return !c.Call.Lparen.IsValid() }

// BadExpr stands in for an expression that failed to parse.
type BadExpr struct {
	Range Span
}

func (x *Ident) Span() Span {
	return Span{x.NamePos, Pos{x.NamePos.Offset + len(x.Name), x.NamePos.Line, x.NamePos.Col + len(x.Name)}}
}
func (x *Reference) Span() Span   { return x.Range }
func (x *StringLit) Span() Span   { return x.Range }
func (x *NumberLit) Span() Span   { return x.Range }
func (x *DurationLit) Span() Span { return x.Range }
func (x *RegexLit) Span() Span    { return x.Range }
func (x *BoolLit) Span() Span     { return x.Range }
func (x *Star) Span() Span        { return x.Range }
func (x *BadExpr) Span() Span     { return x.Range }
func (x *List) Span() Span        { return Span{x.Lbrack, after(x.Rbrack)} }
func (x *Lambda) Span() Span      { return Span{x.Lambda, x.Body.Span().End} }
func (x *BinaryExpr) Span() Span  { return Span{x.X.Span().Start, x.Y.Span().End} }
func (x *UnaryExpr) Span() Span   { return Span{x.OpPos, x.X.Span().End} }
func (x *ParenExpr) Span() Span   { return Span{x.Lparen, after(x.Rparen)} }
func (x *Call) Span() Span {
	if !x.Rparen.IsValid() {
		return x.Name.Span()
	}
	return Span{x.Name.NamePos, after(x.Rparen)}
}
func (x *Chain) Span() Span { return Span{x.X.Span().Start, x.Call.Span().End} }

// after is the position just past a one-byte token at p.
func after(p Pos) Pos { return Pos{p.Offset + 1, p.Line, p.Col + 1} }

func (*Ident) expr()       {}
func (*Reference) expr()   {}
func (*StringLit) expr()   {}
func (*NumberLit) expr()   {}
func (*DurationLit) expr() {}
func (*RegexLit) expr()    {}
func (*BoolLit) expr()     {}
func (*Star) expr()        {}
func (*List) expr()        {}
func (*Lambda) expr()      {}
func (*BinaryExpr) expr()  {}
func (*UnaryExpr) expr()   {}
func (*ParenExpr) expr()   {}
func (*Call) expr()        {}
func (*Chain) expr()       {}
func (*BadExpr) expr()     {}

// Operator is a lambda operator.
type Operator uint8

const (
	OpInvalid Operator = iota
	OpOr
	OpAnd
	OpEq
	OpNe
	OpRegexMatch
	OpRegexNotMatch
	OpLt
	OpLe
	OpGt
	OpGe
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMod
	OpNot
)

var opText = [...]string{
	OpInvalid: "?", OpOr: "OR", OpAnd: "AND", OpEq: "==", OpNe: "!=",
	OpRegexMatch: "=~", OpRegexNotMatch: "!~", OpLt: "<", OpLe: "<=", OpGt: ">",
	OpGe: ">=", OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%", OpNot: "!",
}

func (op Operator) String() string { return opText[op] }

// Precedence is Kapacitor's binary operator precedence, low to high (§2.1).
func (op Operator) Precedence() int {
	switch op {
	case OpOr:
		return 0
	case OpAnd:
		return 1
	case OpEq, OpNe, OpRegexMatch, OpRegexNotMatch:
		return 2
	case OpLt, OpLe, OpGt, OpGe:
		return 3
	case OpAdd, OpSub:
		return 4
	case OpMul, OpDiv, OpMod:
		return 5
	}
	return -1
}

// IsComparison reports whether op yields a bool from two comparable operands.
func (op Operator) IsComparison() bool {
	return op >= OpEq && op <= OpGe
}

// IsLogical reports whether op is AND or OR.
func (op Operator) IsLogical() bool { return op == OpOr || op == OpAnd }

// IsArithmetic reports whether op is + - * / %.
func (op Operator) IsArithmetic() bool { return op >= OpAdd && op <= OpMod }
