package server

import (
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Interning limits. Names, tag keys and values, and field keys repeat from
// point to point, so after warm-up every string a point needs is already in
// the table. The table is cleared when it fills up, so that a stream with
// unbounded cardinality (a request ID tag, say) costs allocations instead of
// memory.
const (
	maxInterned   = 1 << 16
	maxInternSize = 256 // longer strings (mostly string field values) are not interned
)

// Converter turns the current point of a line-protocol parser into a
// pipeline.Point. It reuses one Point and interns its strings, so that in
// steady state converting allocates nothing. The Point it returns is valid
// until the next call to Point; a pipeline node that keeps it must Clone it.
//
// The zero value is ready to use. A Converter is not safe for concurrent use.
type Converter struct {
	p       pipeline.Point
	tags    []pipeline.Tag
	fields  []pipeline.Field
	name    string // the previous measurement
	strings map[string]string
}

// Point converts the parser's current point.
//
// Consecutive points mostly repeat their measurement, tag keys and field
// keys in the same places, and often their tag values, so each string is
// first compared with the one in the same place of the previous point
// (still in the reused buffers) before it is looked up in the intern table.
func (c *Converter) Point(lp *lineprotocol.Parser) *pipeline.Point {
	prevTags := c.tags[:cap(c.tags)]
	c.tags = c.tags[:0]
	for i, t := range lp.Tags() {
		var tag pipeline.Tag
		if i < len(prevTags) {
			tag = prevTags[i]
		}
		if string(t.Key) != tag.Key {
			tag.Key = c.intern(t.Key)
		}
		if string(t.Value) != tag.Value {
			tag.Value = c.intern(t.Value)
		}
		c.tags = append(c.tags, tag)
	}
	prevFields := c.fields[:cap(c.fields)]
	c.fields = c.fields[:0]
	for i := range lp.Fields() {
		f := &lp.Fields()[i]
		key := ""
		if i < len(prevFields) {
			key = prevFields[i].Key
		}
		if string(f.Key) != key {
			key = c.intern(f.Key)
		}
		v := pipeline.Value{}
		switch f.Kind {
		case lineprotocol.Float:
			v = pipeline.Value{Kind: pipeline.Float, F: f.Float}
		case lineprotocol.Int:
			v = pipeline.Value{Kind: pipeline.Int, I: f.Int}
		case lineprotocol.String:
			v = pipeline.Value{Kind: pipeline.String, S: c.intern(f.Str)}
		case lineprotocol.Bool:
			v = pipeline.Value{Kind: pipeline.Bool, B: f.Bool}
		}
		c.fields = append(c.fields, pipeline.Field{Key: key, Value: v})
	}
	name := c.name
	if string(lp.Measurement()) != name {
		name = c.intern(lp.Measurement())
		c.name = name
	}
	// A node may have changed or re-sliced the previous point; the
	// converter's own buffers are what count.
	c.p = pipeline.Point{
		Name:   name,
		Time:   lp.Time(),
		Tags:   c.tags,
		Fields: c.fields,
	}
	return &c.p
}

// intern returns b as a string, shared with earlier equal strings.
func (c *Converter) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxInternSize {
		return string(b)
	}
	if s, ok := c.strings[string(b)]; ok { // the lookup does not allocate
		return s
	}
	if c.strings == nil || len(c.strings) >= maxInterned {
		c.strings = make(map[string]string, 256)
	}
	s := string(b)
	c.strings[s] = s
	return s
}
