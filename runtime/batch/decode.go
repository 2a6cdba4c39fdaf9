package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// BatchReader decodes a stream of JSON batches, as kapacitord records
// them (one a line) or as Kapacitor's test fixtures hold them (any
// layout). It reads them one at a time, so that a replay holds one batch
// per query in memory, and reuses the memory of each batch for the next,
// as a window node does: a batch is valid until the next call to Next.
// It is written for the replay's speed: after the first batches, a point
// of float fields whose tags are the batch's costs no allocation.
type BatchReader struct {
	r       *bufio.Reader
	line    []byte // what follows the last value on its line
	acc     []byte // a value that spans lines
	eof     bool
	err     error
	points  []pipeline.Point  // the points of the current batch
	keys    []string          // the field keys of the last point, sorted
	strs    map[string]string // interned names, tag keys and values, field keys
	scratch []rawTag
	fields  []pipeline.Field // the current batch's fields, points slice it
	lineNo  int
}

type rawTag struct{ k, v []byte }

// NewBatchReader reads batches from r.
func NewBatchReader(r io.Reader) *BatchReader {
	return &BatchReader{r: bufio.NewReaderSize(r, 1<<20), strs: map[string]string{}}
}

// Err is the error that ended the batches, if any.
func (d *BatchReader) Err() error { return d.err }

// errIncomplete says a value ends after the data read so far.
var errIncomplete = errors.New("unexpected end of JSON input")

// Next returns the next batch with points, valid until the following
// call; batches without points are skipped, as Kapacitor skips them. ok
// is false at the end or on an error (see Err).
func (d *BatchReader) Next() (b Recorded, ok bool) {
	for d.err == nil {
		data, err := d.chunk()
		if err != nil {
			if err != io.EOF {
				d.err = err
			}
			return Recorded{}, false
		}
		n, err := d.parseBatch(data, &b)
		if err == errIncomplete && !d.eof {
			// A pretty-printed value: read the lines up to its end.
			if data, err = d.gather(data); err == nil {
				n, err = d.parseBatch(data, &b)
			}
		}
		if err != nil {
			d.err = fmt.Errorf("the batch ending on line %d: %w", d.lineNo, err)
			return Recorded{}, false
		}
		d.line = append(d.line[:0], bytes.TrimLeft(data[n:], " \t\r\n")...)
		if len(b.Points) > 0 {
			return b, true
		}
	}
	return Recorded{}, false
}

// chunk returns what is left of the last line read, or else the next line
// that is not blank; io.EOF at the end.
func (d *BatchReader) chunk() ([]byte, error) {
	buf := d.line
	for len(buf) == 0 {
		if d.eof {
			return nil, io.EOF
		}
		line, err := d.readLine()
		if err == io.EOF {
			d.eof = true
		} else if err != nil {
			return nil, err
		}
		buf = bytes.TrimLeft(line, " \t\r\n")
	}
	return buf, nil
}

// gather appends lines to data until it holds a whole JSON value.
func (d *BatchReader) gather(data []byte) ([]byte, error) {
	acc := append(d.acc[:0], data...)
	var end endScanner
	for end.scan(acc) < 0 {
		if d.eof {
			return nil, errIncomplete
		}
		line, err := d.readLine()
		if err == io.EOF {
			d.eof = true
		} else if err != nil {
			return nil, err
		}
		acc = append(acc, line...)
	}
	d.acc = acc
	return acc, nil
}

// readLine reads the next line, newline included. It is the reader's
// buffer, valid until the next read, unless the line is longer.
func (d *BatchReader) readLine() ([]byte, error) {
	d.lineNo++
	line, err := d.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	long := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull {
		line, err = d.r.ReadSlice('\n')
		long = append(long, line...)
	}
	return long, err
}

// endScanner finds the end of the JSON value at the start of a growing
// buffer, following only strings and brackets (the parser checks the
// rest), from where it stopped the last time.
type endScanner struct {
	i, depth           int
	inString, inEscape bool
}

// scan returns the end of the value in b, or -1 when b ends first.
func (e *endScanner) scan(b []byte) int {
	for ; e.i < len(b); e.i++ {
		c := b[e.i]
		if e.inString {
			switch {
			case e.inEscape:
				e.inEscape = false
			case c == '\\':
				e.inEscape = true
			case c == '"':
				e.inString = false
				if e.depth == 0 {
					return e.i + 1
				}
			}
			continue
		}
		switch c {
		case '"':
			e.inString = true
		case '{', '[':
			e.depth++
		case '}', ']':
			if e.depth--; e.depth <= 0 {
				return e.i + 1
			}
		}
	}
	return -1
}

// parser is a cursor over one JSON value.
type parser struct {
	b []byte
	i int
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek is the next byte after white space, 0 at the end.
func (p *parser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *parser) expect(c byte) error {
	if p.peek() != c {
		return p.syntax(fmt.Sprintf("want %q", c))
	}
	p.i++
	return nil
}

func (p *parser) syntax(want string) error {
	if p.i >= len(p.b) {
		return errIncomplete
	}
	return fmt.Errorf("offset %d: invalid JSON at %q: %s", p.i, p.b[p.i:min(p.i+20, len(p.b))], want)
}

// str reads a string. Without escapes, the bytes are the input's; with
// them, a new slice. Like Kapacitor's decoder, it accepts control
// characters in strings.
func (p *parser) str() (s []byte, err error) {
	if err := p.expect('"'); err != nil {
		return nil, err
	}
	start := p.i
	end := bytes.IndexByte(p.b[start:], '"')
	if end < 0 {
		p.i = len(p.b)
		return nil, errIncomplete
	}
	s = p.b[start : start+end]
	if bytes.IndexByte(s, '\\') >= 0 {
		return p.escapedStr(start - 1)
	}
	p.i = start + end + 1
	return s, nil
}

// escapedStr decodes the string starting at quote with encoding/json.
func (p *parser) escapedStr(quote int) ([]byte, error) {
	p.i = quote
	var e endScanner
	end := e.scan(p.b[quote:])
	if end < 0 {
		return nil, errIncomplete
	}
	var s string
	if err := json.Unmarshal(p.b[quote:quote+end], &s); err != nil {
		return nil, err
	}
	p.i = quote + end
	return []byte(s), nil
}

// null consumes a null literal if one is next.
func (p *parser) null() bool {
	if p.peek() == 'n' && bytes.HasPrefix(p.b[p.i:], []byte("null")) {
		p.i += 4
		return true
	}
	return false
}

// object calls member for each key of an object, with the cursor on its
// value; member must consume the value.
func (p *parser) object(member func(key []byte) error) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	if p.peek() == '}' {
		p.i++
		return nil
	}
	for {
		key, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		p.ws()
		if err := member(key); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return p.syntax("want , or }")
		}
	}
}

// scalar reads a field value: a number (as a float, as Kapacitor reads
// them), a string, true, false or null (ok false).
func (p *parser) scalar() (v pipeline.Value, ok bool, err error) {
	switch c := p.peek(); {
	case c == '"':
		s, err := p.str()
		return pipeline.StringValue(string(s)), true, err
	case c == 't' && bytes.HasPrefix(p.b[p.i:], []byte("true")):
		p.i += 4
		return pipeline.BoolValue(true), true, nil
	case c == 'f' && bytes.HasPrefix(p.b[p.i:], []byte("false")):
		p.i += 5
		return pipeline.BoolValue(false), true, nil
	case c == 'n' && p.null():
		return v, false, nil
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		for p.i < len(p.b) {
			c := p.b[p.i]
			if c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+' {
				p.i++
				continue
			}
			break
		}
		if p.i == len(p.b) {
			return v, false, errIncomplete
		}
		f, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
		if err != nil {
			return v, false, fmt.Errorf("number %s: %w", p.b[start:p.i], err)
		}
		return pipeline.FloatValue(f), true, nil
	}
	return v, false, p.syntax("want a number, string, true, false or null")
}

// skip consumes any value.
func (p *parser) skip() error {
	switch p.peek() {
	case '{':
		return p.object(func([]byte) error { return p.skip() })
	case '[':
		return p.array(p.skip)
	}
	_, _, err := p.scalar()
	return err
}

// array calls elem for each element of an array, with the cursor on it.
func (p *parser) array(elem func() error) error {
	if err := p.expect('['); err != nil {
		return err
	}
	if p.peek() == ']' {
		p.i++
		return nil
	}
	for {
		p.ws()
		if err := elem(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return p.syntax("want , or ]")
		}
	}
}

// timeValue reads an RFC 3339 time string as nanoseconds; null is 0.
func (p *parser) timeValue() (int64, error) {
	if p.null() {
		return 0, nil
	}
	s, err := p.str()
	if err != nil {
		return 0, err
	}
	if ns, ok := parseUTC(s); ok {
		return ns, nil
	}
	t, err := time.Parse(time.RFC3339Nano, string(s))
	if err != nil {
		return 0, err
	}
	if t.IsZero() {
		return 0, nil
	}
	return t.UnixNano(), nil
}

// parseUTC reads the times Kapacitor writes, "2006-01-02T15:04:05Z" with
// up to nine fraction digits, much faster than time.Parse; ok is false
// for any other form. The zero time is 0.
func parseUTC(s []byte) (ns int64, ok bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len(s)-1] != 'Z' {
		return 0, false
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(s[0:4]), num(s[5:7]), num(s[8:10])
	hour, minute, sec := num(s[11:13]), num(s[14:16]), num(s[17:19])
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return 0, false
	}
	frac := 0
	if rest := s[19 : len(s)-1]; len(rest) > 0 {
		if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
			return 0, false
		}
		if frac = num(rest[1:]); frac < 0 {
			return 0, false
		}
		for range 10 - len(rest) {
			frac *= 10
		}
	}
	if year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 && sec == 0 && frac == 0 {
		return 0, true // Go's zero time, which Kapacitor writes for "no tmax"
	}
	if year < 1678 || year > 2261 { // beyond int64 nanoseconds
		return 0, false
	}
	days := daysFromCivil(year, month, day)
	return ((days*24+int64(hour))*60+int64(minute))*60*1e9 + int64(sec)*1e9 + int64(frac), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to a date of the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// intern returns b as a string, the same string each time while the
// table is small.
func (d *BatchReader) intern(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.strs) < 1<<14 {
		d.strs[s] = s
	}
	return s
}

// tagObject reads an object of tags, sorted by key, into d.scratch.
func (d *BatchReader) tagObject(p *parser) ([]rawTag, error) {
	tags := d.scratch[:0]
	if p.null() {
		return tags, nil
	}
	err := p.object(func(k []byte) error {
		v, err := p.str()
		if err != nil {
			return err
		}
		tags = append(tags, rawTag{k, v})
		return nil
	})
	for i := 1; i < len(tags); i++ { // insertion sort: usually sorted already
		for j := i; j > 0 && bytes.Compare(tags[j].k, tags[j-1].k) < 0; j-- {
			tags[j], tags[j-1] = tags[j-1], tags[j]
		}
	}
	d.scratch = tags
	return tags, err
}

func (d *BatchReader) tags(raw []rawTag) []pipeline.Tag {
	tags := make([]pipeline.Tag, len(raw))
	for i, t := range raw {
		tags[i] = pipeline.Tag{Key: d.intern(t.k), Value: d.intern(t.v)}
	}
	return tags
}

func sameTags(raw []rawTag, tags []pipeline.Tag) bool {
	if len(raw) != len(tags) {
		return false
	}
	for i, t := range raw {
		if string(t.k) != tags[i].Key || string(t.v) != tags[i].Value {
			return false
		}
	}
	return true
}

// parseBatch reads one batch object from data into b and returns how many
// bytes it took. A point's name is the batch's; its tags are the batch's
// unless it has tags of its own, as in Kapacitor.
func (d *BatchReader) parseBatch(data []byte, b *Recorded) (int, error) {
	*b = Recorded{Batch: pipeline.Batch{Points: d.points[:0]}}
	d.fields = d.fields[:0]
	p := &parser{b: data}
	var batchTags []pipeline.Tag
	haveTags := false
	err := p.object(func(key []byte) error {
		switch string(key) {
		case "name":
			if p.null() {
				return nil
			}
			s, err := p.str()
			b.Name = d.intern(s)
			return err
		case "tmax":
			t, err := p.timeValue()
			b.TMax = t
			return err
		case "byname":
			v, ok, err := p.scalar()
			if err == nil && ok && v.Kind != pipeline.Bool {
				err = errors.New("byname: want true or false")
			}
			b.ByName = v.B
			return err
		case "tags":
			raw, err := d.tagObject(p)
			batchTags, haveTags = d.tags(raw), true
			return err
		case "points":
			if p.null() {
				return nil
			}
			return p.array(func() error { return d.parsePoint(p, b, batchTags, haveTags) })
		}
		return p.skip()
	})
	d.points = b.Points
	if err != nil {
		return 0, err
	}
	if batchTags == nil {
		batchTags = []pipeline.Tag{}
	}
	b.Tags = batchTags
	for i := range b.Points {
		pt := &b.Points[i]
		pt.Name = b.Name
		if pt.Tags == nil || !haveTags && len(pt.Tags) == 0 {
			pt.Tags = batchTags
		}
	}
	return p.i, nil
}

// parsePoint appends the point at the cursor to b. Its tags are left nil
// when they are the batch's (or, before the batch's are known, absent).
func (d *BatchReader) parsePoint(p *parser, b *Recorded, batchTags []pipeline.Tag, haveBatchTags bool) error {
	var pt pipeline.Point
	first := len(d.fields)
	err := p.object(func(key []byte) error {
		switch string(key) {
		case "fields":
			if p.null() {
				return nil
			}
			return p.object(func(k []byte) error {
				v, ok, err := p.scalar()
				if ok {
					d.fields = append(d.fields, pipeline.Field{Key: d.fieldKey(k, len(d.fields)-first), Value: v})
				}
				return err
			})
		case "tags":
			raw, err := d.tagObject(p)
			switch {
			case err != nil:
				return err
			case len(raw) == 0: // the batch's, as in Kapacitor
			case haveBatchTags && sameTags(raw, batchTags):
			default:
				pt.Tags = d.tags(raw)
			}
			return nil
		case "time":
			t, err := p.timeValue()
			pt.Time = t
			return err
		}
		return p.skip()
	})
	if err != nil {
		return err
	}
	fs := d.fields[first:len(d.fields):len(d.fields)]
	d.keys = d.keys[:0]
	for _, f := range fs {
		d.keys = append(d.keys, f.Key)
	}
	for i := 1; i < len(fs); i++ { // insertion sort: usually sorted already
		for j := i; j > 0 && fs[j].Key < fs[j-1].Key; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	pt.Fields = fs
	b.Points = append(b.Points, pt)
	return nil
}

// fieldKey interns the key of the field at position i of a point, which
// is usually the key at i in the last point.
func (d *BatchReader) fieldKey(k []byte, i int) string {
	if i < len(d.keys) && string(k) == d.keys[i] {
		return d.keys[i]
	}
	return d.intern(k)
}
