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
// except for tokError, where it is the error message.
type token struct {
	Kind tokenKind
	Op   ast.Operator
	Text string
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

// next returns the next token, comments included.
func (l *lexer) next() token {
	t := l.scan()
	switch t.Kind {
	case tokIdent, tokTrue, tokFalse, tokReference, tokString, tokNumber, tokDuration, tokRParen,
		tokVar, tokLambda:
		l.afterOperand = true
	case tokComment:
		// Comments are transparent to operator recognition.
	default:
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
	case isDigit(byte(r)) || r == '.':
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
	kinds := map[rune]tokenKind{'(': tokLParen, ')': tokRParen, '[': tokLBrack, ']': tokRBrack,
		'|': tokPipe, '@': tokAt, ',': tokComma, '*': tokStar}
	if k, ok := kinds[r]; ok {
		l.advance(1)
		return l.make(k, start)
	}
	l.advance(w)
	if r == '_' {
		return l.errorf(start, "identifiers must start with a letter, not '_'")
	}
	if r == '=' {
		return l.errorf(start, "unexpected '='")
	}
	return l.errorf(start, "unexpected character "+quoteRune(r))
}

func quoteRune(r rune) string { return "'" + string(r) + "'" }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// binaryOperator lexes an operator that may only follow an operand.
func (l *lexer) binaryOperator(start ast.Pos) (token, bool) {
	two := ""
	if l.pos.Offset+2 <= len(l.src) {
		two = l.src[l.pos.Offset : l.pos.Offset+2]
	}
	ops2 := map[string]ast.Operator{"==": ast.OpEq, "!=": ast.OpNe, "=~": ast.OpRegexMatch,
		"!~": ast.OpRegexNotMatch, "<=": ast.OpLe, ">=": ast.OpGe}
	if op, ok := ops2[two]; ok {
		l.advance(2)
		t := l.make(tokOperator, start)
		t.Op = op
		return t, true
	}
	ops1 := map[byte]ast.Operator{'+': ast.OpAdd, '-': ast.OpSub, '*': ast.OpMul, '/': ast.OpDiv,
		'%': ast.OpMod, '<': ast.OpLt, '>': ast.OpGt, '!': ast.OpNot}
	c := l.src[l.pos.Offset]
	if op, ok := ops1[c]; ok {
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
		t.Op = map[string]ast.Operator{"AND": ast.OpAnd, "OR": ast.OpOr}[t.Text]
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
