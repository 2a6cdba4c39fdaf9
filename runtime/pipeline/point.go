// Package pipeline is the core of what generated task programs import: the
// point and batch values that flow between nodes, group identity, per-node
// statistics, and the Program description that the server and the task
// binary's commands drive.
//
// Nodes are plain Go methods generated per task; this package holds only
// what every task shares, typed so that nothing on the hot path is boxed.
package pipeline

import (
	"sort"
	"strings"
	"time"
)

// Kind is the type of a field value.
type Kind uint8

const (
	Missing Kind = iota // no such field or tag
	Float
	Int
	String
	Bool
)

var kindNames = [...]string{Missing: "missing", Float: "float", Int: "int", String: "string", Bool: "bool"}

func (k Kind) String() string { return kindNames[k] }

// Value is a field value. Only the member matching Kind is meaningful.
type Value struct {
	Kind Kind
	F    float64
	I    int64
	S    string
	B    bool
}

// FloatValue, IntValue, StringValue and BoolValue make values of one kind.
func FloatValue(f float64) Value { return Value{Kind: Float, F: f} }
func IntValue(i int64) Value     { return Value{Kind: Int, I: i} }
func StringValue(s string) Value { return Value{Kind: String, S: s} }
func BoolValue(b bool) Value     { return Value{Kind: Bool, B: b} }

// Tag is one tag of a point.
type Tag struct {
	Key, Value string
}

// Field is one field of a point.
type Field struct {
	Key   string
	Value Value
}

// Point is one point in the pipeline. Tags and Fields are sorted by key.
// A node that keeps a point beyond the call that delivered it must Clone it:
// the ingest layer reuses points.
type Point struct {
	DB, RP string // where the point was written
	Name   string
	Time   int64 // nanoseconds since the Unix epoch, UTC
	Tags   []Tag
	Fields []Field
	Group  *Group
}

// Field returns the value of the field called key.
func (p *Point) Field(key string) (Value, bool) {
	for i := range p.Fields {
		if p.Fields[i].Key == key {
			return p.Fields[i].Value, true
		}
	}
	return Value{}, false
}

// Tag returns the value of the tag called key.
func (p *Point) Tag(key string) (string, bool) {
	for i := range p.Tags {
		if p.Tags[i].Key == key {
			return p.Tags[i].Value, true
		}
	}
	return "", false
}

// SetField sets or adds a field, keeping Fields sorted.
func (p *Point) SetField(key string, v Value) {
	i := sort.Search(len(p.Fields), func(i int) bool { return p.Fields[i].Key >= key })
	if i < len(p.Fields) && p.Fields[i].Key == key {
		p.Fields[i].Value = v
		return
	}
	p.Fields = append(p.Fields, Field{})
	copy(p.Fields[i+1:], p.Fields[i:])
	p.Fields[i] = Field{Key: key, Value: v}
}

// DeleteField removes a field and reports whether it was present.
func (p *Point) DeleteField(key string) bool {
	for i := range p.Fields {
		if p.Fields[i].Key == key {
			p.Fields = append(p.Fields[:i], p.Fields[i+1:]...)
			return true
		}
	}
	return false
}

// SetTag sets or adds a tag, keeping Tags sorted.
func (p *Point) SetTag(key, value string) {
	p.Tags = setTag(p.Tags, key, value)
}

func setTag(tags []Tag, key, value string) []Tag {
	i := sort.Search(len(tags), func(i int) bool { return tags[i].Key >= key })
	if i < len(tags) && tags[i].Key == key {
		tags[i].Value = value
		return tags
	}
	tags = append(tags, Tag{})
	copy(tags[i+1:], tags[i:])
	tags[i] = Tag{Key: key, Value: value}
	return tags
}

// DeleteTag removes a tag and reports whether it was present.
func (p *Point) DeleteTag(key string) bool {
	for i := range p.Tags {
		if p.Tags[i].Key == key {
			p.Tags = append(p.Tags[:i], p.Tags[i+1:]...)
			return true
		}
	}
	return false
}

// Clone returns a copy of p that does not share its slices.
func (p *Point) Clone() Point {
	c := *p
	c.Tags = append([]Tag(nil), p.Tags...)
	c.Fields = append([]Field(nil), p.Fields...)
	return c
}

// CopyTo makes dst a copy of p that shares no tags or fields with it,
// reusing dst's slices: a node with several children gives each but the
// last its own copy this way without allocating once the slices have grown.
func (p *Point) CopyTo(dst *Point) {
	tags, fields := append(dst.Tags[:0], p.Tags...), append(dst.Fields[:0], p.Fields...)
	*dst = *p
	dst.Tags, dst.Fields = tags, fields
}

// Batch is a group's points over a time range, as window() and query()
// produce them. TMax is the batch time.
type Batch struct {
	Name   string
	TMax   int64
	Group  *Group
	Tags   []Tag // the group's tags
	Points []Point
}

// GroupID returns Kapacitor's group ID text for tags, sorted by key:
// "k1=v1,k2=v2", prefixed by "name\n" when grouped by measurement.
func GroupID(name string, byName bool, tags []Tag) string {
	var b strings.Builder
	if byName {
		b.WriteString(name)
		b.WriteByte('\n')
	}
	for i, t := range tags {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(t.Key)
		b.WriteByte('=')
		b.WriteString(t.Value)
	}
	return b.String()
}

// TagMap returns the tags as a map, for alert templates.
func (p *Point) TagMap() map[string]string { return TagsMap(p.Tags) }

// FieldMap returns the fields as a map of Go values, for alert templates.
func (p *Point) FieldMap() map[string]any {
	m := make(map[string]any, len(p.Fields))
	for _, f := range p.Fields {
		m[f.Key] = f.Value.Any()
	}
	return m
}

// Any returns the value as a Go value: float64, int64, string or bool;
// nil when missing.
func (v Value) Any() any {
	switch v.Kind {
	case Float:
		return v.F
	case Int:
		return v.I
	case String:
		return v.S
	case Bool:
		return v.B
	}
	return nil
}

// Truncate rounds a time down to a multiple of d, as from().truncate(d).
func Truncate(t int64, d time.Duration) int64 {
	if d <= 0 {
		return t
	}
	return time.Unix(0, t).UTC().Truncate(d).UnixNano()
}

// Round rounds a time to the nearest multiple of d, as from().round(d).
func Round(t int64, d time.Duration) int64 {
	if d <= 0 {
		return t
	}
	return time.Unix(0, t).UTC().Round(d).UnixNano()
}

// KeepFields returns fields reduced to the names in keep, in place, as
// eval().keep('a', 'b') does before adding its results.
func KeepFields(fields []Field, keep []string) []Field {
	out := fields[:0]
	for _, f := range fields {
		if contains(keep, f.Key) {
			out = append(out, f)
		}
	}
	return out
}

// TagsMap returns tags as a map, for alert templates.
func TagsMap(tags []Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}
