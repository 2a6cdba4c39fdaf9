package topichandlers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tickc/tickc/runtime/alert"
)

// Match is a handler's match expression: a TICKscript lambda over the
// event, as Kapacitor's topic handlers have. It knows the functions
// level() (an int: compare it with OK, INFO, WARNING, CRITICAL), changed()
// (the level differs from the topic's previous level for the ID), name()
// (the measurement), taskName() and duration(), and reads tags as
// "quoted" references; a reference to a tag the event lacks is an error.
// Operators: AND, OR, !, ==, !=, <, <=, >, >=, =~, !~ and parentheses;
// literals: 'strings', numbers, durations (5m), TRUE, FALSE, /regexes/.
type Match struct {
	src  string
	root node
}

// ParseMatch parses a match expression.
func ParseMatch(src string) (*Match, error) {
	p := &parser{src: src}
	p.next()
	root, err := p.or()
	if err == nil && p.tok.kind != tEOF {
		err = fmt.Errorf("unexpected %q", p.tok.text)
	}
	if err != nil {
		return nil, fmt.Errorf("invalid match expression %q: %w", src, err)
	}
	return &Match{src: src, root: root}, nil
}

// Eval reports whether the event d matches.
func (m *Match) Eval(d *alert.Data) (bool, error) {
	v, err := m.root.eval(d)
	if err != nil {
		return false, fmt.Errorf("match %q: %w", m.src, err)
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("match %q: the expression is not boolean", m.src)
	}
	return b, nil
}

// node is an expression node; values are bool, int64, float64, string,
// time.Duration or *regexp.Regexp.
type node interface {
	eval(d *alert.Data) (any, error)
}

type literal struct{ v any }

func (l literal) eval(*alert.Data) (any, error) { return l.v, nil }

type tagRef string

func (r tagRef) eval(d *alert.Data) (any, error) {
	v, ok := d.TagMap()[string(r)]
	if !ok {
		return nil, fmt.Errorf("no tag exists for %s", string(r))
	}
	return v, nil
}

// call is one of the match functions.
type call string

func (c call) eval(d *alert.Data) (any, error) {
	switch c {
	case "level":
		return int64(d.Level), nil
	case "changed":
		return d.Level != d.PreviousLevel, nil
	case "name":
		return d.Name, nil
	case "taskName":
		return d.TaskName, nil
	case "duration":
		return d.Duration, nil
	}
	return nil, fmt.Errorf("unknown function %s()", string(c))
}

type not struct{ x node }

func (n not) eval(d *alert.Data) (any, error) {
	v, err := n.x.eval(d)
	if err != nil {
		return nil, err
	}
	b, ok := v.(bool)
	if !ok {
		return nil, fmt.Errorf("! of a non-boolean")
	}
	return !b, nil
}

type binary struct {
	op   string
	l, r node
}

func (b binary) eval(d *alert.Data) (any, error) {
	l, err := b.l.eval(d)
	if err != nil {
		return nil, err
	}
	if b.op == "AND" || b.op == "OR" {
		lb, ok := l.(bool)
		if !ok {
			return nil, fmt.Errorf("%s of a non-boolean", b.op)
		}
		if lb == (b.op == "OR") { // short-circuit
			return lb, nil
		}
		r, err := b.r.eval(d)
		if err != nil {
			return nil, err
		}
		rb, ok := r.(bool)
		if !ok {
			return nil, fmt.Errorf("%s of a non-boolean", b.op)
		}
		return rb, nil
	}
	r, err := b.r.eval(d)
	if err != nil {
		return nil, err
	}
	if b.op == "=~" || b.op == "!~" {
		s, ok1 := l.(string)
		re, ok2 := r.(*regexp.Regexp)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s needs a string and a regex", b.op)
		}
		return re.MatchString(s) == (b.op == "=~"), nil
	}
	c, err := compare(l, r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.op, err)
	}
	switch b.op {
	case "==":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	default: // ">="
		return c >= 0, nil
	}
}

// compare orders two values of the same type (ints and floats compare
// as numbers; booleans only for equality, false before true).
func compare(l, r any) (int, error) {
	if lf, ok := number(l); ok {
		if rf, ok := number(r); ok {
			return cmp3(lf, rf), nil
		}
	}
	switch lv := l.(type) {
	case string:
		if rv, ok := r.(string); ok {
			return strings.Compare(lv, rv), nil
		}
	case time.Duration:
		if rv, ok := r.(time.Duration); ok {
			return cmp3(lv, rv), nil
		}
	case bool:
		if rv, ok := r.(bool); ok {
			if lv == rv {
				return 0, nil
			}
			if rv {
				return -1, nil
			}
			return 1, nil
		}
	}
	return 0, fmt.Errorf("cannot compare %T with %T", l, r)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func cmp3[T int64 | float64 | time.Duration](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// The match identifiers: the levels, as level() returns them.
var levelIdents = map[string]int64{
	"OK": int64(alert.OK), "INFO": int64(alert.Info),
	"WARNING": int64(alert.Warning), "CRITICAL": int64(alert.Critical),
}

var functions = map[string]bool{"level": true, "changed": true, "name": true, "taskName": true, "duration": true}

// ---- the parser ----

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tRef    // "tag"
	tString // 'string'
	tNumber
	tDuration
	tRegex
	tOp
)

type token struct {
	kind tokKind
	text string
}

type parser struct {
	src string
	pos int
	tok token
	err error
}

// next reads the next token into p.tok; a lexical error is kept in p.err.
func (p *parser) next() {
	for p.pos < len(p.src) && unicode.IsSpace(rune(p.src[p.pos])) {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok = token{kind: tEOF}
		return
	}
	s := p.src[p.pos:]
	c := s[0]
	switch {
	case c == '"' || c == '\'':
		end := strings.IndexByte(s[1:], c)
		if end < 0 {
			p.fail("unterminated %c", c)
			return
		}
		kind := tRef
		if c == '\'' {
			kind = tString
		}
		p.tok = token{kind: kind, text: s[1 : end+1]}
		p.pos += end + 2
	case c == '/': // no division in match expressions: always a regex
		end := strings.IndexByte(s[1:], '/')
		if end < 0 {
			p.fail("unterminated regex")
			return
		}
		p.tok = token{kind: tRegex, text: s[1 : end+1]}
		p.pos += end + 2
	case c >= '0' && c <= '9':
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		j := i
		for j < len(s) && unicode.IsLetter(rune(s[j])) {
			j++
		}
		if j > i {
			p.tok = token{kind: tDuration, text: s[:j]}
		} else {
			p.tok = token{kind: tNumber, text: s[:i]}
		}
		p.pos += j
	case unicode.IsLetter(rune(c)) || c == '_':
		i := 0
		for i < len(s) && (unicode.IsLetter(rune(s[i])) || unicode.IsDigit(rune(s[i])) || s[i] == '_') {
			i++
		}
		p.tok = token{kind: tIdent, text: s[:i]}
		p.pos += i
	default:
		for _, op := range []string{"==", "!=", "<=", ">=", "=~", "!~", "<", ">", "!", "(", ")"} {
			if strings.HasPrefix(s, op) {
				p.tok = token{kind: tOp, text: op}
				p.pos += len(op)
				return
			}
		}
		p.fail("unexpected %q", string(c))
	}
}

func (p *parser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
	p.tok = token{kind: tEOF}
	p.pos = len(p.src)
}

func (p *parser) or() (node, error) {
	return p.chain("OR", p.and)
}

func (p *parser) and() (node, error) {
	return p.chain("AND", p.comparison)
}

// chain parses operands joined by the keyword op, left-associative.
func (p *parser) chain(op string, operand func() (node, error)) (node, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tIdent && p.tok.text == op {
		p.next()
		r, err := operand()
		if err != nil {
			return nil, err
		}
		l = binary{op: op, l: l, r: r}
	}
	return l, p.err
}

func (p *parser) comparison() (node, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	switch op := p.tok.text; {
	case p.tok.kind == tOp && op != "!" && op != "(" && op != ")":
		p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		return binary{op: op, l: l, r: r}, p.err
	}
	return l, p.err
}

func (p *parser) unary() (node, error) {
	if p.tok.kind == tOp && p.tok.text == "!" {
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return not{x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (node, error) {
	if p.err != nil {
		return nil, p.err
	}
	t := p.tok
	p.next()
	switch t.kind {
	case tOp:
		if t.text == "(" {
			x, err := p.or()
			if err != nil {
				return nil, err
			}
			if p.tok.kind != tOp || p.tok.text != ")" {
				return nil, fmt.Errorf("missing )")
			}
			p.next()
			return x, nil
		}
	case tRef:
		return tagRef(t.text), nil
	case tString:
		return literal{t.text}, nil
	case tRegex:
		re, err := regexp.Compile(t.text)
		if err != nil {
			return nil, err
		}
		return literal{re}, nil
	case tNumber:
		if strings.Contains(t.text, ".") {
			f, err := strconv.ParseFloat(t.text, 64)
			return literal{f}, err
		}
		i, err := strconv.ParseInt(t.text, 10, 64)
		return literal{i}, err
	case tDuration:
		d, err := parseDuration(t.text)
		return literal{d}, err
	case tIdent:
		switch t.text {
		case "TRUE":
			return literal{true}, nil
		case "FALSE":
			return literal{false}, nil
		}
		if l, ok := levelIdents[t.text]; ok {
			return literal{l}, nil
		}
		if p.tok.kind == tOp && p.tok.text == "(" {
			if !functions[t.text] {
				return nil, fmt.Errorf("unknown function %s()", t.text)
			}
			p.next()
			if p.tok.kind != tOp || p.tok.text != ")" {
				return nil, fmt.Errorf("%s() takes no arguments", t.text)
			}
			p.next()
			return call(t.text), nil
		}
		return nil, fmt.Errorf("unknown identifier %q", t.text)
	case tEOF:
		return nil, fmt.Errorf("unexpected end of expression")
	}
	return nil, fmt.Errorf("unexpected %q", t.text)
}

// parseDuration reads a TICKscript duration literal: Go's units plus d
// (day) and w (week).
func parseDuration(s string) (time.Duration, error) {
	i := strings.IndexFunc(s, unicode.IsLetter)
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, err
	}
	unit := map[string]time.Duration{"ns": time.Nanosecond, "u": time.Microsecond, "µ": time.Microsecond, "ms": time.Millisecond,
		"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[s[i:]]
	if unit == 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return time.Duration(n * float64(unit)), nil
}
