// Package format prints a TICKscript syntax tree in canonical form: the
// layout of Kapacitor's own formatter (`kapacitor show`, tickfmt), except
// that every comment is kept where it was written.
//
// Layout rules:
//
//   - Indentation is four spaces. Top-level statements are separated by one
//     blank line.
//   - In a pipeline, each |node and @udf is on its own line one level deeper
//     than the chain's root, and each .property one level deeper than the
//     node it sets.
//   - A call whose arguments were written across lines (or that holds a
//     comment) puts each argument on its own line, one level deeper than the
//     line the call starts on, and the closing parenthesis on a line of its
//     own; otherwise it stays on one line.
//   - Binary operators have one space on either side. An expression that was
//     broken around an operator is broken after the operator, and the rest
//     goes on the next line one level deeper than the line the expression
//     starts on (parentheses add a level). Parentheses are kept as written.
//   - Strings use single quotes, or triple quotes when they were written with
//     them or contain a quote or a newline. Numbers are printed in their
//     shortest form (1.50 is 1.5, .5 is 0.5, octal keeps its leading 0);
//     durations, regexes and references as written.
//   - A comment stays before the token it preceded, at the indentation of the
//     line it precedes, or at the end of the line it trailed. A blank line
//     before or after a comment is kept (at most one), so a header comment
//     can stay apart from the first statement. Comments inside a node's head
//     (between `|` and the name, `var` and the value, `lambda:` and its
//     first operand) move up to the line before that node; a comment that
//     trailed the left operand of a broken expression trails the operator
//     that now ends the line. `//x` is printed `// x`.
//
// Where Kapacitor differs: it moves comments onto the next node, drops
// blank lines between a comment and its statement, and drops parentheses
// around a single operand; this package does none of these.
package format

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/parser"
)

const indentStep = "    "

// File parses src and formats it. On a syntax error it returns the
// diagnostics and nil; otherwise the formatted text and any warnings.
func File(filename string, src []byte) ([]byte, diag.List) {
	prog, diags := parser.ParseFile(filename, src)
	if diags.HasErrors() {
		return nil, diags
	}
	return Source(prog), diags
}

// Source formats a parsed program. Blank lines next to comments are taken
// from prog.Source when it is set.
func Source(prog *ast.Program) []byte {
	comments := append([]*ast.Comment(nil), prog.Comments...)
	sort.SliceStable(comments, func(i, j int) bool { return comments[i].Pos.Offset < comments[j].Pos.Offset })
	p := &printer{src: prog.Source, comments: comments,
		nl: map[ast.Expr]bool{}, spans: map[ast.Expr]ast.Span{}, brks: map[ast.Expr]int{}}
	for i, s := range prog.Stmts {
		p.stmt(s, i == 0)
	}
	p.breakLine(0, true)
	p.cont = 0
	p.flush(int(^uint(0) >> 1))
	if len(p.out) > 0 {
		p.out = append(p.out, '\n')
	}
	return p.out
}

// printer writes tokens with lazy line breaks so that comments can be
// slotted in before the break, at the end of the current line.
type printer struct {
	src      []byte
	comments []*ast.Comment
	next     int // index of the next comment to print

	out        []byte
	lineIndent int // indentation level of the current output line

	brk       bool // a line break is due before the next output
	blank     bool // ... and it is a blank line
	brkIndent int  // ... and the next line has this indentation
	space     bool // a space is due before the next token

	lastLine int // source line on which the last printed token ended, 0 after a comment
	lastEnd  int // source offset just past the last printed token
	// prevLine and prevEnd locate the token before a binary operator, which
	// the operator may have jumped over: a comment that trailed it still
	// trails the line. prevLine is 0 when there is none.
	prevLine, prevEnd int
	cont              int // indentation of a line break forced by a trailing comment

	nl    map[ast.Expr]bool     // memo for printsNewline
	spans map[ast.Expr]ast.Span // memo for span
	brks  map[ast.Expr]int      // memo for firstBreak
}

func (p *printer) emit(s string) {
	if p.brk {
		if len(p.out) > 0 {
			p.out = append(p.out, '\n')
			if p.blank {
				p.out = append(p.out, '\n')
			}
		}
		for i := 0; i < p.brkIndent; i++ {
			p.out = append(p.out, indentStep...)
		}
		p.lineIndent = p.brkIndent
		p.brk, p.blank, p.space = false, false, false
	} else if p.space {
		p.out = append(p.out, ' ')
		p.space = false
	}
	p.out = append(p.out, s...)
}

// token prints a token that spans [start, end) in the source, after the
// comments that precede it.
func (p *printer) token(start ast.Pos, end ast.Pos, s string) {
	p.flush(start.Offset)
	p.emit(s)
	p.lastLine, p.lastEnd = end.Line, end.Offset
	p.prevLine = 0
}

// tokenHere prints a token without printing the comments before it first:
// they follow it instead, at the next line break. A token whose position
// the tree does not record (a comma) passes an invalid end and leaves the
// last position alone.
func (p *printer) tokenHere(end ast.Pos, s string) {
	p.emit(s)
	if end.IsValid() {
		p.lastLine, p.lastEnd = end.Line, end.Offset
		p.prevLine = 0
	}
}

func (p *printer) breakLine(indent int, blank bool) {
	p.brk = true
	p.brkIndent = indent
	p.blank = p.blank || blank
}

// closeLine sets up the break before a closing bracket: never blank.
func (p *printer) closeLine(indent int) {
	p.brk = true
	p.brkIndent = indent
	p.blank = false
}

// flush prints every comment that starts before offset off.
func (p *printer) flush(off int) {
	for p.next < len(p.comments) && p.comments[p.next].Pos.Offset < off {
		c := p.comments[p.next]
		p.next++
		text := commentText(c.Text)
		if p.trails(c) {
			// It trailed the last token: keep it at the end of that line.
			p.out = append(p.out, ' ')
			p.out = append(p.out, text...)
			p.space = false
			if !p.brk {
				p.breakLine(p.cont, false)
			}
			p.lastLine, p.prevLine = 0, 0
			continue
		}
		if !p.brk {
			p.breakLine(p.cont, false)
		}
		if p.blankBefore(c) {
			p.blank = true
		}
		indent := p.brkIndent
		p.emit(text)
		p.breakLine(indent, p.blankAfter(c))
		p.lastLine, p.prevLine = 0, 0
	}
}

// trails reports whether comment c followed the last printed token on its
// line, with nothing but commas between them.
func (p *printer) trails(c *ast.Comment) bool {
	if len(p.out) == 0 {
		return false
	}
	return p.follows(c, p.lastLine, p.lastEnd) || p.follows(c, p.prevLine, p.prevEnd)
}

// follows reports whether comment c is on source line line after offset
// end, with nothing but commas between.
func (p *printer) follows(c *ast.Comment, line, end int) bool {
	if line <= 0 || c.Pos.Line != line {
		return false
	}
	if p.src == nil {
		return true
	}
	if end > c.Pos.Offset || c.Pos.Offset > len(p.src) {
		return false
	}
	for _, b := range p.src[end:c.Pos.Offset] {
		if b != ' ' && b != '\t' && b != '\r' && b != ',' {
			return false
		}
	}
	return true
}

// nextIndent prints the comments before off and returns the indentation of
// the line the token at off will be printed on.
func (p *printer) nextIndent(off int) int {
	p.flush(off)
	if p.brk {
		return p.brkIndent
	}
	return p.lineIndent
}

// commentText normalises a comment as Kapacitor does: no trailing space,
// and one space after the slashes unless the text starts with a space or a
// slash.
func commentText(t string) string {
	t = strings.TrimRightFunc(t, unicode.IsSpace)
	if t == "" {
		return "//"
	}
	r, _ := utf8.DecodeRuneInString(t)
	if unicode.IsSpace(r) || r == '/' {
		return "//" + t
	}
	return "// " + t
}

func isSpaceByte(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

// blankBefore reports whether a blank line precedes comment c in the source.
func (p *printer) blankBefore(c *ast.Comment) bool {
	if p.src == nil || c.Pos.Offset > len(p.src) {
		return false
	}
	n := 0
	i := c.Pos.Offset - 1
	for ; i >= 0 && isSpaceByte(p.src[i]); i-- {
		if p.src[i] == '\n' {
			n++
		}
	}
	return i >= 0 && n >= 2
}

// blankAfter reports whether a blank line follows comment c in the source.
func (p *printer) blankAfter(c *ast.Comment) bool {
	if p.src == nil {
		return false
	}
	i := c.Pos.Offset
	for i < len(p.src) && p.src[i] != '\n' {
		i++
	}
	n := 0
	for ; i < len(p.src) && isSpaceByte(p.src[i]); i++ {
		if p.src[i] == '\n' {
			n++
		}
	}
	return i < len(p.src) && n >= 2
}

// hasComment reports whether a comment starts in [lo, hi).
func (p *printer) hasComment(lo, hi int) bool {
	i := sort.Search(len(p.comments), func(i int) bool { return p.comments[i].Pos.Offset >= lo })
	return i < len(p.comments) && p.comments[i].Pos.Offset < hi
}

// firstBreak is the offset of the first place inside x where a line may be
// broken. Comments before it are printed before x.
func (p *printer) firstBreak(x ast.Expr) int {
	if v, ok := p.brks[x]; ok {
		return v
	}
	var v int
	switch x := x.(type) {
	case *ast.Call:
		if x.Lparen.IsValid() {
			v = x.Lparen.Offset + 1
		} else {
			v = p.span(x).End.Offset
		}
	case *ast.List:
		v = x.Lbrack.Offset + 1
	case *ast.Chain:
		v = p.firstBreak(chainRoot(x))
	case *ast.BinaryExpr:
		v = p.firstBreak(x.X)
	case *ast.UnaryExpr:
		v = p.firstBreak(x.X)
	case *ast.ParenExpr:
		v = p.firstBreak(x.X)
	case *ast.Lambda:
		v = p.firstBreak(x.Body)
	default:
		v = p.span(x).End.Offset
	}
	p.brks[x] = v
	return v
}

// span is x.Span() without walking the same operands again and again: the
// tree computes a binary expression's span from its operands' spans, which
// is quadratic for a long chain of ANDs.
func (p *printer) span(x ast.Expr) ast.Span {
	if v, ok := p.spans[x]; ok {
		return v
	}
	var v ast.Span
	switch x := x.(type) {
	case *ast.BinaryExpr:
		v = ast.Span{Start: p.span(x.X).Start, End: p.span(x.Y).End}
	case *ast.UnaryExpr:
		v = ast.Span{Start: x.OpPos, End: p.span(x.X).End}
	case *ast.Lambda:
		v = ast.Span{Start: x.Lambda, End: p.span(x.Body).End}
	case *ast.Chain:
		v = ast.Span{Start: p.span(x.X).Start, End: p.span(x.Call).End}
	default:
		v = x.Span()
	}
	p.spans[x] = v
	return v
}

func chainRoot(x ast.Expr) ast.Expr {
	for {
		c, ok := x.(*ast.Chain)
		if !ok {
			return x
		}
		x = c.X
	}
}

// multiCall reports whether a call's arguments go one per line: they were
// written across lines, an argument before the last spans lines, or the
// parentheses hold a comment.
func (p *printer) multiCall(c *ast.Call) bool {
	if !c.Lparen.IsValid() {
		return false
	}
	if p.hasComment(c.Lparen.Offset+1, c.Rparen.Offset) {
		return true
	}
	if len(c.Args) == 0 {
		return false
	}
	if p.span(c.Args[len(c.Args)-1]).Start.Line > c.Lparen.Line {
		return true
	}
	for _, a := range c.Args[:len(c.Args)-1] {
		if p.printsNewline(a) {
			return true
		}
	}
	return false
}

// multiList reports whether list items go one per line: only when the list
// holds a comment, as Kapacitor keeps lists on one line.
func (p *printer) multiList(l *ast.List) bool {
	return p.hasComment(l.Lbrack.Offset+1, l.Rbrack.Offset)
}

// multiBinary reports whether a binary expression breaks after its
// operator: it was written across lines around the operator, or a comment
// sits there.
func (p *printer) multiBinary(b *ast.BinaryExpr) bool {
	xEnd := p.span(b.X).End
	return p.span(b.Y).Start.Line > xEnd.Line || p.hasComment(xEnd.Offset, p.firstBreak(b.Y))
}

// printsNewline reports whether printing x writes a line break.
func (p *printer) printsNewline(x ast.Expr) bool {
	if v, ok := p.nl[x]; ok {
		return v
	}
	sp := p.span(x)
	v := p.hasComment(sp.Start.Offset, sp.End.Offset)
	if !v {
		switch x := x.(type) {
		case *ast.Chain:
			v = true
		case *ast.Call:
			v = p.multiCall(x)
			for _, a := range x.Args {
				v = v || p.printsNewline(a)
			}
		case *ast.List:
			v = p.multiList(x)
			for _, a := range x.Items {
				v = v || p.printsNewline(a)
			}
		case *ast.BinaryExpr:
			v = p.multiBinary(x) || p.printsNewline(x.X) || p.printsNewline(x.Y)
		case *ast.UnaryExpr:
			v = p.printsNewline(x.X)
		case *ast.ParenExpr:
			v = p.printsNewline(x.X)
		case *ast.Lambda:
			v = p.printsNewline(x.Body)
		case *ast.StringLit:
			v = strings.Contains(stringText(x), "\n")
		case *ast.Reference:
			v = strings.Contains(x.Name, "\n")
		case *ast.RegexLit:
			v = strings.Contains(x.Pattern, "\n")
		case *ast.BadExpr:
			v = strings.Contains(p.badText(x), "\n")
		}
	}
	p.nl[x] = v
	return v
}

func (p *printer) stmtFirstBreak(s ast.Stmt) int {
	switch s := s.(type) {
	case *ast.VarDecl:
		return p.firstBreak(s.Value)
	case *ast.ExprStmt:
		return p.firstBreak(s.X)
	}
	return s.Span().End.Offset
}

func (p *printer) stmt(s ast.Stmt, first bool) {
	if es, ok := s.(*ast.ExprStmt); ok && es.Glued && !first {
		// `1h30m`: Kapacitor reads 30m as a statement of its own. Keep it
		// where it was written, so the text and its warning stay together.
		p.space = false
		p.expr(es.X, 0)
		return
	}
	p.breakLine(0, !first)
	p.cont = 0
	p.flush(p.stmtFirstBreak(s))
	p.cont = 1
	switch s := s.(type) {
	case *ast.VarDecl:
		p.token(s.Var, after(s.Var, 3), "var")
		p.space = true
		p.ident(s.Name)
		p.space = true
		p.tokenHere(ast.Pos{}, "=")
		p.space = true
		p.expr(s.Value, 0)
	case *ast.TypeDecl:
		p.token(s.Var, after(s.Var, 3), "var")
		p.space = true
		p.ident(s.Name)
		p.space = true
		p.ident(s.Type)
	case *ast.DBRP:
		p.token(s.Dbrp, after(s.Dbrp, 4), "dbrp")
		p.space = true
		p.token(s.DB.Range.Start, s.DB.Range.End, referenceText(s.DB.Name))
		p.tokenHere(ast.Pos{}, ".")
		p.token(s.RP.Range.Start, s.RP.Range.End, referenceText(s.RP.Name))
	case *ast.ExprStmt:
		p.expr(s.X, 0)
	}
}

func (p *printer) ident(id *ast.Ident) {
	p.token(id.NamePos, id.Span().End, id.Name)
}

// expr prints x. ind is its indentation level: the level of the line it
// belongs to, or of the arguments it is one of.
func (p *printer) expr(x ast.Expr, ind int) {
	saved := p.cont
	p.cont = ind + 1
	defer func() { p.cont = saved }()
	switch x := x.(type) {
	case *ast.Ident:
		p.ident(x)
	case *ast.Reference:
		p.token(x.Range.Start, x.Range.End, referenceText(x.Name))
	case *ast.StringLit:
		p.token(x.Range.Start, x.Range.End, stringText(x))
	case *ast.NumberLit:
		p.token(x.Range.Start, x.Range.End, numberText(x))
	case *ast.DurationLit:
		p.token(x.Range.Start, x.Range.End, durationText(x))
	case *ast.RegexLit:
		p.token(x.Range.Start, x.Range.End, "/"+strings.ReplaceAll(x.Pattern, "/", `\/`)+"/")
	case *ast.BoolLit:
		s := "FALSE"
		if x.Value {
			s = "TRUE"
		}
		p.token(x.Range.Start, x.Range.End, s)
	case *ast.Star:
		p.token(x.Range.Start, x.Range.End, "*")
	case *ast.List:
		p.list(x)
	case *ast.Lambda:
		p.token(x.Lambda, after(x.Lambda, 7), "lambda:")
		p.space = true
		p.expr(x.Body, ind)
	case *ast.UnaryExpr:
		p.token(x.OpPos, after(x.OpPos, len(x.Op.String())), x.Op.String())
		p.expr(x.X, ind)
	case *ast.ParenExpr:
		p.token(x.Lparen, after(x.Lparen, 1), "(")
		p.expr(x.X, ind+1)
		p.token(x.Rparen, after(x.Rparen, 1), ")")
	case *ast.BinaryExpr:
		p.binary(x, ind)
	case *ast.Call:
		p.call(x)
	case *ast.Chain:
		p.chain(x, ind)
	case *ast.BadExpr:
		p.token(x.Range.Start, x.Range.End, p.badText(x))
	}
}

func (p *printer) binary(b *ast.BinaryExpr, ind int) {
	cont := max(ind, p.nextIndent(p.span(b).Start.Offset)+1)
	p.expr(b.X, ind)
	p.cont = cont
	p.space = true
	xLine, xEnd := p.lastLine, p.lastEnd
	p.tokenHere(after(b.OpPos, len(b.Op.String())), b.Op.String())
	p.prevLine, p.prevEnd = xLine, xEnd
	if p.multiBinary(b) {
		p.breakLine(cont, false)
		p.flush(p.firstBreak(b.Y))
	} else {
		p.space = true
	}
	p.expr(b.Y, ind)
}

func (p *printer) call(c *ast.Call) {
	p.ident(c.Name)
	if !c.Lparen.IsValid() {
		return
	}
	ind := p.lineIndent
	p.token(c.Lparen, after(c.Lparen, 1), "(")
	if !p.multiCall(c) {
		for i, a := range c.Args {
			if i > 0 {
				p.tokenHere(ast.Pos{}, ",")
				p.space = true
			}
			p.expr(a, ind+1)
		}
		p.token(c.Rparen, after(c.Rparen, 1), ")")
		return
	}
	for i, a := range c.Args {
		p.breakLine(ind+1, false)
		p.flush(p.firstBreak(a))
		p.expr(a, ind+1)
		if i < len(c.Args)-1 {
			p.tokenHere(ast.Pos{}, ",")
		}
	}
	p.breakLine(ind+1, false)
	p.cont = ind + 1
	p.flush(c.Rparen.Offset)
	p.closeLine(ind)
	p.token(c.Rparen, after(c.Rparen, 1), ")")
}

func (p *printer) list(l *ast.List) {
	p.token(l.Lbrack, after(l.Lbrack, 1), "[")
	ind := p.lineIndent
	if !p.multiList(l) {
		for i, a := range l.Items {
			if i > 0 {
				p.tokenHere(ast.Pos{}, ",")
				p.space = true
			}
			p.expr(a, ind+1)
		}
		p.token(l.Rbrack, after(l.Rbrack, 1), "]")
		return
	}
	for i, a := range l.Items {
		p.breakLine(ind+1, false)
		p.flush(p.firstBreak(a))
		p.expr(a, ind+1)
		if i < len(l.Items)-1 {
			p.tokenHere(ast.Pos{}, ",")
		}
	}
	p.breakLine(ind+1, false)
	p.cont = ind + 1
	p.flush(l.Rbrack.Offset)
	p.closeLine(ind)
	p.token(l.Rbrack, after(l.Rbrack, 1), "]")
}

// chain prints a pipeline: the root, then each |node and @udf one level
// deeper than ind, and each .property one level deeper than the node it
// sets (the last |node or @udf, or the root).
func (p *printer) chain(x *ast.Chain, ind int) {
	var elems []*ast.Chain
	var root ast.Expr = x
	for {
		c, ok := root.(*ast.Chain)
		if !ok {
			break
		}
		elems = append(elems, c)
		root = c.X
	}
	p.expr(root, ind)
	node := ind // level of the node that properties set
	for i := len(elems) - 1; i >= 0; i-- {
		e := elems[i]
		level := node + 1
		if e.Op != ast.Dot {
			level = ind + 1
			node = level
		}
		p.breakLine(level, false)
		p.cont = level
		p.flush(p.firstBreak(e.Call))
		p.cont = level + 1
		p.token(e.OpPos, after(e.OpPos, 1), e.Op.String())
		p.call(e.Call)
	}
}

// after is the position n bytes past p on the same line.
func after(p ast.Pos, n int) ast.Pos {
	if !p.IsValid() {
		return p
	}
	return ast.Pos{Offset: p.Offset + n, Line: p.Line, Col: p.Col + n}
}

func (p *printer) badText(x *ast.BadExpr) string {
	if s, e := x.Range.Start.Offset, x.Range.End.Offset; p.src != nil && 0 <= s && s <= e && e <= len(p.src) {
		return string(p.src[s:e])
	}
	return "BAD"
}

// referenceText double-quotes a field or tag name.
func referenceText(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `\"`) + `"`
}

// stringText quotes a string: triple quotes if it was triple-quoted or
// holds a quote or a newline, and a triple-quoted string can hold it;
// otherwise single quotes with \' escapes.
func stringText(s *ast.StringLit) string {
	v := s.Value
	tripleOK := !strings.Contains(v, "'''") && !strings.HasSuffix(v, "'")
	if tripleOK && (s.Triple || strings.ContainsAny(v, "'\n")) {
		return "'''" + v + "'''"
	}
	return "'" + strings.ReplaceAll(v, "'", `\'`) + "'"
}

// numberText prints a number as Kapacitor does: integers in their base (a
// leading 0 for octal), floats in the shortest form with a decimal point.
func numberText(n *ast.NumberLit) string {
	if n.IsInt {
		if len(n.Raw) > 1 && n.Raw[0] == '0' {
			return "0" + strconv.FormatInt(n.Int, 8)
		}
		return strconv.FormatInt(n.Int, 10)
	}
	s := strconv.FormatFloat(n.Float, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func durationText(d *ast.DurationLit) string {
	if d.Raw != "" {
		return d.Raw
	}
	units := []struct {
		suffix string
		unit   time.Duration
	}{
		{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute},
		{"s", time.Second}, {"ms", time.Millisecond}, {"u", time.Microsecond},
	}
	for _, u := range units {
		if d.Value != 0 && d.Value%u.unit == 0 {
			return strconv.FormatInt(int64(d.Value/u.unit), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(d.Value/time.Microsecond), 10) + "u"
}
