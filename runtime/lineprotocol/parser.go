// Package lineprotocol parses InfluxDB 1.x line protocol without allocating
// per point.
//
// It accepts exactly what InfluxDB 1.x (and so Kapacitor's /write endpoint)
// accepts, including its quirks in line splitting and escaping, and reads the
// values the same way, with these deliberate differences:
//
//   - CRLF line endings are accepted (InfluxDB rejects the trailing '\r').
//   - A field with an empty key is an error (InfluxDB silently drops it,
//     which can leave a point without fields).
//   - Unsigned integers ("5u") are rejected, as in InfluxDB and Kapacitor
//     release builds, but with a message that says so.
//
// Tags are sorted by key, and fields are sorted by key with duplicates
// resolved to the last value, which is how Kapacitor sees them (it turns both
// into maps).
package lineprotocol

import (
	"bytes"
	"strconv"
	"time"
)

// Kind is the type of a field value.
type Kind uint8

const (
	Float Kind = iota + 1
	Int
	String
	Bool
)

func (k Kind) String() string {
	switch k {
	case Float:
		return "float"
	case Int:
		return "integer"
	case String:
		return "string"
	case Bool:
		return "boolean"
	}
	return "invalid"
}

// Tag is one tag of a point, unescaped.
type Tag struct {
	Key, Value []byte
}

// Field is one field of a point. Key and Str are unescaped; only the member
// named by Kind is meaningful.
type Field struct {
	Key   []byte
	Kind  Kind
	Float float64
	Int   int64
	Str   []byte
	Bool  bool
}

// Error describes a line that could not be parsed.
type Error struct {
	Line int    // 1-based number of the line the point starts on
	Text string // the line, without leading whitespace
	Msg  string // what is wrong with it
}

func (e Error) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Msg }

// MaxKeyLength is InfluxDB's limit on the length of the series key
// (measurement and tags as written) and of the series key plus a field key.
const MaxKeyLength = 65535

// Parser iterates over the points of a line-protocol body. The zero value is
// ready for Reset. A Parser reuses its buffers, so after the first few bodies
// parsing allocates nothing (errors excepted).
//
// The slices returned by the accessors point into the body or into the
// parser's buffers: they are valid until the next call to Next or Reset, and
// the body must not be modified meanwhile.
type Parser struct {
	body      []byte
	pos       int // start of the next line in body
	line      int // 1-based line number at pos
	quote     int // index of the next '"' at or after pos, or len(body); -1 if unknown
	precision Precision
	minTS     int64 // the range of timestamps, in units of precision,
	maxTS     int64 // that InfluxDB accepts
	now       int64 // time of points without a timestamp
	nowIn     int64 // the now given to Reset, before truncation
	ready     bool  // minTS, maxTS and now are those of precision and nowIn
	oneLine   bool  // the body has no newline (ResetLine)
	errs      []Error

	// The current point.
	lineNo  int
	name    []byte
	tags    []Tag
	fields  []Field
	time    int64
	scratch []byte // unescaped text of the current point
}

// Reset starts parsing body. Timestamps are read in units of precision;
// points without a timestamp get now, truncated to precision as InfluxDB does.
func (p *Parser) Reset(body []byte, precision Precision, now time.Time) {
	if precision <= 0 {
		precision = Nanosecond
	}
	p.body = body
	p.pos = 0
	p.quote = -1
	p.line = 1
	p.oneLine = false
	p.errs = p.errs[:0]
	// Replays reset the parser for every line, mostly with the same
	// precision and now: the divisions are done once.
	if nowIn := now.UnixNano(); !p.ready || precision != p.precision || nowIn != p.nowIn {
		p.precision = precision
		// Division truncates towards zero, so these bounds are exact and
		// scaling a timestamp within them cannot overflow.
		p.minTS, p.maxTS = minTime/int64(precision), maxTime/int64(precision)
		p.nowIn = nowIn
		p.now = floorTo(nowIn, int64(precision))
		p.ready = true
	}
}

// ResetLine is Reset for a body that is one line, without a newline, as a
// file read line by line gives them. It saves looking for the end of the
// line.
func (p *Parser) ResetLine(line []byte, precision Precision, now time.Time) {
	p.Reset(line, precision, now)
	p.oneLine = true
}

// Next advances to the next point and reports whether there is one. Lines
// that cannot be parsed are recorded (see Errors) and skipped.
func (p *Parser) Next() bool {
	for p.pos < len(p.body) {
		start := p.pos
		end, newlines := len(p.body), 0
		if !p.oneLine {
			end, newlines = p.lineEnd(start)
		}
		lineNo := p.line
		p.line += newlines + 1
		p.pos = end + 1

		block := p.body[start:end]
		// A final newline escaped by a backslash stays in the block; InfluxDB
		// drops it.
		if n := len(block); n > 0 && block[n-1] == '\n' {
			block = block[:n-1]
		}
		if n := len(block); n > 0 && block[n-1] == '\r' {
			block = block[:n-1]
		}
		i := skipWhitespace(block, 0)
		if i == len(block) || block[i] == '#' {
			continue
		}
		line := block[i:]
		if msg := p.parsePoint(line); msg != "" {
			p.errs = append(p.errs, Error{Line: lineNo, Text: string(line), Msg: msg})
			continue
		}
		p.lineNo = lineNo
		return true
	}
	return false
}

// Errors returns the lines skipped so far, in order. The slice is reused by
// Reset.
func (p *Parser) Errors() []Error { return p.errs }

// Line returns the 1-based line number of the current point.
func (p *Parser) Line() int { return p.lineNo }

// Measurement returns the current point's measurement.
func (p *Parser) Measurement() []byte { return p.name }

// Tags returns the current point's tags, sorted by key.
func (p *Parser) Tags() []Tag { return p.tags }

// Fields returns the current point's fields, sorted by key, keys unique.
func (p *Parser) Fields() []Field { return p.fields }

// Time returns the current point's time in nanoseconds since the Unix epoch.
func (p *Parser) Time() int64 { return p.time }

// Tag returns the value of the current point's tag key.
func (p *Parser) Tag(key string) ([]byte, bool) {
	for _, t := range p.tags {
		if string(t.Key) == key {
			return t.Value, true
		}
	}
	return nil, false
}

// Field returns the current point's field key.
func (p *Parser) Field(key string) (*Field, bool) {
	for i := range p.fields {
		if string(p.fields[i].Key) == key {
			return &p.fields[i], true
		}
	}
	return nil, false
}

// lineEnd returns the index of the newline that ends the line starting at
// start (len(body) if none) and how many newlines the line itself contains.
//
// InfluxDB lets a newline belong to a line when it is inside what looks like
// a quoted field value, or when a backslash escapes it. Most lines have
// neither a quote nor a backslash before their newline; they end at the
// first newline. The position of the next quote is kept across lines, so
// that bodies without quotes are searched for one only once.
func (p *Parser) lineEnd(start int) (end, newlines int) {
	buf := p.body
	end = bytes.IndexByte(buf[start:], '\n')
	if end < 0 {
		end = len(buf)
	} else {
		end += start
	}
	if p.quote < start {
		p.quote = bytes.IndexByte(buf[start:], '"')
		if p.quote < 0 {
			p.quote = len(buf)
		} else {
			p.quote += start
		}
	}
	if p.quote >= end && !escapesNewline(buf[start:end]) {
		return end, 0
	}
	end = quotedLineEnd(buf, start)
	return end, bytes.Count(buf[start:end], []byte{'\n'})
}

// escapesNewline reports whether line ends in an odd run of backslashes, so
// that the newline after it is escaped.
func escapesNewline(line []byte) bool {
	n := 0
	for i := len(line) - 1; i >= 0 && line[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// quotedLineEnd is InfluxDB's line splitter (scanLine). After the first
// unescaped space it counts unquoted '=' and ','; a '"' seen while there are
// more '=' than ',' opens or closes a quoted value, and newlines inside one do
// not end the line.
func quotedLineEnd(buf []byte, i int) int {
	for ; i < len(buf); i++ {
		switch buf[i] {
		case '\\':
			if i+2 < len(buf) {
				i++
			}
		case '\n':
			return i
		case ' ':
			return fieldsLineEnd(buf, i)
		}
	}
	return len(buf)
}

// lineStops are the bytes that matter to fieldsLineEnd.
var lineStops [256]bool

func init() {
	for _, c := range "\\=,\"\n" {
		lineStops[c] = true
	}
}

// fieldsLineEnd continues quotedLineEnd from the first unescaped space.
func fieldsLineEnd(buf []byte, i int) int {
	quoted := false
	equals, commas := 0, 0
	for ; i < len(buf); i++ {
		c := buf[i]
		if !lineStops[c] {
			continue
		}
		switch c {
		case '\\':
			if i+2 < len(buf) {
				i++
			}
		case '=':
			if !quoted {
				equals++
			}
		case ',':
			if !quoted {
				commas++
			}
		case '"':
			if equals > commas {
				quoted = !quoted
			}
		case '\n':
			if !quoted {
				return i
			}
		}
	}
	return len(buf)
}

// skipWhitespace returns the index of the first byte at or after i that is
// not a space, tab or NUL.
func skipWhitespace(buf []byte, i int) int {
	for i < len(buf) && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == 0) {
		i++
	}
	return i
}

// floorTo rounds t down to a multiple of unit, like time.Time.Truncate.
func floorTo(t, unit int64) int64 {
	r := t % unit
	if r < 0 {
		r += unit
	}
	return t - r
}
