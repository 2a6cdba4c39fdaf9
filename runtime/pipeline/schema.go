package pipeline

import (
	"encoding/binary"
	"math"
	"strings"
)

// The nodes that buffer many points (window, join, combine) keep them
// compactly: what points alike share, such as their schema, once, and per
// point a word for each value. These are the pieces they share.

// Schema is the field keys and kinds of points, and how many of their
// values are numbers (float, int, bool: a word each, see Value.Word and
// Value.SetWord) and
// strings.
type Schema struct {
	Keys       []string
	Kinds      []Kind
	Nums, Strs int
}

// SchemaOf returns the schema of fields. Its keys are copies: a field's key
// may point into a larger buffer, such as a request body.
func SchemaOf(fields []Field) Schema {
	s := Schema{Keys: make([]string, len(fields)), Kinds: make([]Kind, len(fields))}
	for i := range fields {
		s.Keys[i] = strings.Clone(fields[i].Key)
		s.Kinds[i] = fields[i].Value.Kind
		switch s.Kinds[i] {
		case Float, Int, Bool:
			s.Nums++
		case String:
			s.Strs++
		}
	}
	return s
}

// Matches reports whether fields have exactly the schema's keys and kinds,
// in its order.
func (s *Schema) Matches(fields []Field) bool {
	if len(s.Keys) != len(fields) {
		return false
	}
	for i, k := range s.Keys {
		if k != fields[i].Key || s.Kinds[i] != fields[i].Value.Kind {
			return false
		}
	}
	return true
}

// AppendSchemaKey appends to b what identifies the schema of fields, to
// intern schemas by in a map.
func AppendSchemaKey(b []byte, fields []Field) []byte {
	for i := range fields {
		b = AppendKeyString(b, fields[i].Key)
		b = append(b, byte(fields[i].Value.Kind))
	}
	return b
}

// AppendKeyString appends s to a map key, after its length, so that keys
// made of several strings cannot run into each other.
func AppendKeyString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Word returns a number (float, int or bool) as one word; 0 for the other
// kinds.
func (v *Value) Word() uint64 {
	switch v.Kind {
	case Float:
		return math.Float64bits(v.F)
	case Int:
		return uint64(v.I)
	case Bool:
		if v.B {
			return 1
		}
	}
	return 0
}

// SetWord sets the number of v's kind (float, int or bool) to what Word
// gave w; it leaves a value of another kind as it is.
func (v *Value) SetWord(w uint64) {
	switch v.Kind {
	case Float:
		v.F = math.Float64frombits(w)
	case Int:
		v.I = int64(w)
	case Bool:
		v.B = w != 0
	}
}
