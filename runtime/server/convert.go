package server

import (
	"encoding/binary"

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
	recent  [1 << recentBits]string // a cache in front of strings
}

// recentBits is the log2 of the size of Converter.recent.
const recentBits = 10

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
		// Filled in place: building a Field and copying it costs more.
		c.fields = append(c.fields, pipeline.Field{})
		pf := &c.fields[len(c.fields)-1]
		pf.Key = key
		switch f.Kind {
		case lineprotocol.Float:
			pf.Value.Kind, pf.Value.F = pipeline.Float, f.Float
		case lineprotocol.Int:
			pf.Value.Kind, pf.Value.I = pipeline.Int, f.Int
		case lineprotocol.String:
			pf.Value.Kind, pf.Value.S = pipeline.String, c.intern(f.Str)
		case lineprotocol.Bool:
			pf.Value.Kind, pf.Value.B = pipeline.Bool, f.Bool
		}
	}
	name := c.name
	if string(lp.Measurement()) != name {
		name = c.intern(lp.Measurement())
		c.name = name
	}
	// A node may have changed or re-sliced the previous point; the
	// converter's own buffers are what count. Set field by field: copying
	// a Point built on the stack stalls on store forwarding.
	p := &c.p
	p.DB, p.RP = "", ""
	p.Name = name
	p.Time = lp.Time()
	p.Tags = c.tags
	p.Fields = c.fields
	p.Group = nil
	return p
}

// intern returns b as a string, shared with earlier equal strings.
func (c *Converter) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxInternSize {
		return string(b)
	}
	// A direct-mapped cache of recent strings answers most lookups for
	// less than the map, whose probing costs more than hashing.
	slot := &c.recent[recentSlot(b)]
	if *slot == string(b) {
		return *slot
	}
	s, ok := c.strings[string(b)] // the lookup does not allocate
	if !ok {
		if c.strings == nil || len(c.strings) >= maxInterned {
			c.strings = make(map[string]string, 256)
		}
		s = string(b)
		c.strings[s] = s
	}
	*slot = s
	return s
}

// recentSlot hashes the last (up to) eight bytes of b, where the values of
// a tag mostly differ (host01, host02), and its length.
func recentSlot(b []byte) uint {
	var x uint64
	if n := len(b); n >= 8 {
		x = binary.LittleEndian.Uint64(b[n-8:])
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	x ^= uint64(len(b)) << 59
	return uint(x * 0x9E3779B97F4A7C15 >> (64 - recentBits))
}
