package parser

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tickc/tickc/compiler/ast"
)

// tokenKind is the kind of a lexical token.
type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokError
	tokIdent
	tokVar
	tokLambda
	tokTrue
	tokFalse
	tokReference
	tokString
	tokNumber
	tokDuration
	tokRegex
	tokStar
	tokAssign
	tokDot
	tokPipe
	tokAt
	tokLParen
	tokRParen
	tokLBrack
	tokRBrack
	tokComma
	tokOperator // Op says which
	tokComment
)

var tokenNames = [...]string{
	tokEOF: "end of file", tokError: "error", tokIdent: "identifier", tokVar: "'var'",
	tokLambda: "'lambda:'", tokTrue: "TRUE", tokFalse: "FALSE",
	tokReference: "reference", tokString: "string", tokNumber: "number", tokDuration: "duration",
	tokRegex: "regex", tokStar: "'*'", tokAssign: "'='", tokDot: "'.'", tokPipe: "'|'", tokAt: "'@'",
	tokLParen: "'('", tokRParen: "')'", tokLBrack: "'['", tokRBrack: "']'", tokComma: "','",
	tokOperator: "operator", tokComment: "comment",
}

func (k tokenKind) String() string { return tokenNames[k] }

// token is one lexical token. Text is the raw source text of the token,
// except for tokError, where it is the error message and Note a hint.
type token struct {
	Kind tokenKind
	Op   ast.Operator
	Text string
	Note string
	Pos  ast.Pos
	End  ast.Pos
}

func (t token) span() ast.Span { return ast.Span{Start: t.Pos, End: t.End} }

// describe names a token for an error message: `identifier "foo"`, `'|'`.
func (t token) describe() string {
	switch t.Kind {
	case tokIdent, tokNumber, tokDuration, tokString, tokReference, tokRegex:
		return t.Kind.String() + " " + t.Text
	case tokOperator:
		return "operator '" + t.Op.String() + "'"
	}
	return t.Kind.String()
}

// lexer splits a TICKscript into tokens with Kapacitor's rules: binary
// operators are only recognised right after an operand, a '/' starts a regex
// where an operand is expected, and a duration is an integer with one unit.
type lexer struct {
	src          string
	pos          ast.Pos // position of the next byte
	afterOperand bool    // the previous token can be followed by a binary operator
	regexNext    bool    // the previous token was =~, !~ or =: a '/' starts a regex
	// commentCut is set when a comment followed an operand: Kapacitor's
	// lexer no longer expects a binary operator there, so the expression
	// cannot continue with one.
	commentCut bool
}

func newLexer(src string) *lexer {
	return &lexer{src: src, pos: ast.Pos{Line: 1, Col: 1}}
}

func (l *lexer) peekByte(off int) byte {
	if i := l.pos.Offset + off; i < len(l.src) {
		return l.src[i]
	}
	return 0
}

func (l *lexer) peekRune() (rune, int) {
	if l.pos.Offset >= len(l.src) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(l.src[l.pos.Offset:])
}

// advance moves past n bytes, keeping line and column up to date.
func (l *lexer) advance(n int) {
	for i := 0; i < n; i++ {
		if l.src[l.pos.Offset] == '\n' {
			l.pos.Line++
			l.pos.Col = 1
		} else {
			l.pos.Col++
		}
		l.pos.Offset++
	}
}

func (l *lexer) make(kind tokenKind, start ast.Pos) token {
	return token{Kind: kind, Text: l.src[start.Offset:l.pos.Offset], Pos: start, End: l.pos}
}

func (l *lexer) errorf(start ast.Pos, msg string) token {
	return token{Kind: tokError, Text: msg, Pos: start, End: l.pos}
}

func (l *lexer) errorNote(start ast.Pos, msg, note string) token {
	t := l.errorf(start, msg)
	t.Note = note
	return t
}

// next returns the next token, comments included.
func (l *lexer) next() token {
	t := l.scan()
	l.commentCut = t.Kind == tokComment && (l.afterOperand || l.commentCut)
	switch t.Kind {
	case tokIdent, tokTrue, tokFalse, tokReference, tokString, tokNumber, tokDuration, tokRParen,
		tokVar, tokLambda:
		l.afterOperand = true
	default:
		// After a comment too: Kapacitor's lexer goes back to its
		// operand state there, so `"a" // c` NL `> 1` is an error.
		l.afterOperand = false
	}
	l.regexNext = t.Kind == tokAssign || (t.Kind == tokOperator && (t.Op == ast.OpRegexMatch || t.Op == ast.OpRegexNotMatch))
	return t
}

func (l *lexer) skipSpace() {
	for {
		r, w := l.peekRune()
		if w == 0 || !unicode.IsSpace(r) {
			return
		}
		l.advance(w)
	}
}

func (l *lexer) scan() token {
	l.skipSpace()
	start := l.pos
	r, w := l.peekRune()
	if w == 0 {
		return l.make(tokEOF, start)
	}
	if r == '/' && l.peekByte(1) == '/' {
		return l.comment(start)
	}
	if l.regexNext && r == '/' {
		return l.regex(start)
	}
	if l.afterOperand {
		if t, ok := l.binaryOperator(start); ok {
			return t
		}
	}
	switch {
	case r == '-':
		l.advance(1)
		t := l.make(tokOperator, start)
		t.Op = ast.OpSub
		return t
	case r == '!':
		l.advance(1)
		t := l.make(tokOperator, start)
		t.Op = ast.OpNot
		return t
	case r == '.' && !isDigit(l.peekByte(1)):
		l.advance(1)
		return l.make(tokDot, start)
	case r < utf8.RuneSelf && isDigit(byte(r)) || r == '.':
		return l.numberOrDuration(start)
	case unicode.IsLetter(r):
		return l.identOrKeyword(start)
	case r == '"':
		return l.reference(start)
	case r == '\'':
		return l.str(start)
	case r == '/':
		return l.regex(start)
	}
	if k, ok := punctuation[r]; ok {
		l.advance(1)
		return l.make(k, start)
	}
	l.advance(w)
	switch {
	case r == '_':
		return l.errorf(start, "identifiers must start with a letter, not '_'")
	case l.commentCut && strings.ContainsRune("+%<>=", r):
		if c := l.peekByte(0); c == '=' || c == '~' {
			l.advance(1)
		}
		return l.errorNote(start, "unexpected '"+l.src[start.Offset:l.pos.Offset]+"' after a comment",
			"an expression cannot continue on the line after a comment: move the comment after the expression")
	case r == '=':
		return l.errorf(start, "unexpected '='")
	case r == '#':
		return l.errorNote(start, "unexpected character '#'", "comments start with //")
	case r == '{':
		if n := placeholderLen(l.src[l.pos.Offset:]); n > 0 {
			l.advance(n)
			return l.errorNote(start, "unexpected "+l.src[start.Offset:l.pos.Offset],
				"TICKscript has no braces: this looks like a placeholder of a text template, to replace with a value before use")
		}
	case r == '`':
		rest := l.src[l.pos.Offset:]
		if n := strings.IndexAny(rest, "`\n"); n >= 0 && rest[n] == '`' {
			l.advance(n + 1)
			return l.errorNote(start, "unexpected "+l.src[start.Offset:l.pos.Offset],
				"strings are written in single quotes: '"+rest[:n]+"'")
		}
	case r == ';':
		return l.errorNote(start, "unexpected character ';'", "TICKscript statements are not terminated by ';'")
	case r == ':':
		return l.errorNote(start, "unexpected character ':'", "':' only follows lambda, as in lambda: \"value\" > 10")
	case r == '&':
		if l.peekByte(0) == '&' {
			l.advance(1)
		}
		return l.errorNote(start, "unexpected "+quoteRune(r), "logical and is written AND")
	}
	return l.errorf(start, "unexpected character "+quoteRune(r))
}

// placeholderLen is the length of `name}` at the start of src, the rest of
// a `{name}` placeholder, or 0.
func placeholderLen(src string) int {
	n := 0
	for n < len(src) && (isDigit(src[n]) || src[n] == '_' || unicode.IsLetter(rune(src[n]))) {
		n++
	}
	if n == 0 || n == len(src) || src[n] != '}' {
		return 0
	}
	return n + 1
}

func quoteRune(r rune) string { return "'" + string(r) + "'" }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

var (
	punctuation = map[rune]tokenKind{'(': tokLParen, ')': tokRParen, '[': tokLBrack, ']': tokRBrack,
		'|': tokPipe, '@': tokAt, ',': tokComma, '*': tokStar}
	operators2 = map[string]ast.Operator{"==": ast.OpEq, "!=": ast.OpNe, "=~": ast.OpRegexMatch,
		"!~": ast.OpRegexNotMatch, "<=": ast.OpLe, ">=": ast.OpGe}
	operators1 = map[byte]ast.Operator{'+': ast.OpAdd, '-': ast.OpSub, '*': ast.OpMul, '/': ast.OpDiv,
		'%': ast.OpMod, '<': ast.OpLt, '>': ast.OpGt, '!': ast.OpNot}
)

// binaryOperator lexes an operator that may only follow an operand.
func (l *lexer) binaryOperator(start ast.Pos) (token, bool) {
	two := ""
	if l.pos.Offset+2 <= len(l.src) {
		two = l.src[l.pos.Offset : l.pos.Offset+2]
	}
	if op, ok := operators2[two]; ok {
		l.advance(2)
		t := l.make(tokOperator, start)
		t.Op = op
		return t, true
	}
	c := l.src[l.pos.Offset]
	if op, ok := operators1[c]; ok {
		l.advance(1)
		t := l.make(tokOperator, start)
		t.Op = op
		return t, true
	}
	if c == '=' {
		l.advance(1)
		return l.make(tokAssign, start), true
	}
	return token{}, false
}

func (l *lexer) comment(start ast.Pos) token {
	for l.pos.Offset < len(l.src) && l.src[l.pos.Offset] != '\n' {
		l.advance(1)
	}
	t := l.make(tokComment, start)
	t.Text = strings.TrimRight(t.Text, "\r")
	return t
}

func (l *lexer) identOrKeyword(start ast.Pos) token {
	for {
		r, w := l.peekRune()
		if w == 0 || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			break
		}
		l.advance(w)
	}
	t := l.make(tokIdent, start)
	switch t.Text {
	case "var":
		t.Kind = tokVar
	case "TRUE":
		t.Kind = tokTrue
	case "FALSE":
		t.Kind = tokFalse
	case "AND", "OR":
		t.Kind = tokOperator
		t.Op = ast.OpAnd
		if t.Text == "OR" {
			t.Op = ast.OpOr
		}
	case "lambda":
		if l.peekByte(0) == ':' {
			l.advance(1)
			t = l.make(tokLambda, start)
		}
	}
	return t
}

// numberOrDuration lexes `12`, `1.5`, `.5`, `5.` or `10s`. A unit directly
// after an integer makes a duration; after a decimal point it does not
// (`1.5h` is the number 1.5 followed by the identifier h, as in Kapacitor).
func (l *lexer) numberOrDuration(start ast.Pos) token {
	decimal := false
	for {
		c := l.peekByte(0)
		switch {
		case c == '.':
			if decimal {
				l.advance(1)
				return l.errorf(start, "number has more than one decimal point")
			}
			decimal = true
			l.advance(1)
		case isDigit(c):
			l.advance(1)
		case !decimal && (c == 'u' || c == 's' || c == 'h' || c == 'd' || c == 'w'):
			l.advance(1)
			return l.make(tokDuration, start)
		case !decimal && c == 'm':
			l.advance(1)
			if l.peekByte(0) == 's' {
				l.advance(1)
			}
			return l.make(tokDuration, start)
		case !decimal && strings.HasPrefix(l.src[l.pos.Offset:], "µ"):
			l.advance(len("µ"))
			return l.make(tokDuration, start)
		default:
			return l.make(tokNumber, start)
		}
	}
}

func (l *lexer) reference(start ast.Pos) token {
	l.advance(1)
	for l.pos.Offset < len(l.src) {
		switch l.src[l.pos.Offset] {
		case '\\':
			l.advance(1)
			if l.peekByte(0) == '"' {
				l.advance(1)
			}
		case '"':
			l.advance(1)
			return l.make(tokReference, start)
		default:
			l.advance(1)
		}
	}
	return l.errorf(start, "unterminated reference: missing closing '\"'")
}

// str lexes 'single' (only \' is an escape) or ”'triple”' (no escapes).
func (l *lexer) str(start ast.Pos) token {
	if strings.HasPrefix(l.src[l.pos.Offset:], "'''") {
		end := strings.Index(l.src[l.pos.Offset+3:], "'''")
		if end < 0 {
			l.advance(len(l.src) - l.pos.Offset)
			return l.errorf(start, "unterminated triple-quoted string: missing closing '''")
		}
		l.advance(3 + end + 3)
		return l.make(tokString, start)
	}
	l.advance(1)
	for l.pos.Offset < len(l.src) {
		switch l.src[l.pos.Offset] {
		case '\\':
			l.advance(1)
			if l.peekByte(0) == '\'' {
				l.advance(1)
			}
		case '\'':
			l.advance(1)
			return l.make(tokString, start)
		default:
			l.advance(1)
		}
	}
	return l.errorf(start, "unterminated string: missing closing \"'\"")
}

func (l *lexer) regex(start ast.Pos) token {
	l.advance(1)
	for l.pos.Offset < len(l.src) {
		switch l.src[l.pos.Offset] {
		case '\\':
			l.advance(1)
			if l.peekByte(0) == '/' {
				l.advance(1)
			}
		case '/':
			l.advance(1)
			return l.make(tokRegex, start)
		default:
			l.advance(1)
		}
	}
	return l.errorf(start, "unterminated regex: missing closing '/'")
}
