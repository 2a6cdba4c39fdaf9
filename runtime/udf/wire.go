package udf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tickc/tickc/runtime/pipeline"
)

// The messages of Kapacitor's udf/agent/udf.proto are encoded and decoded
// by hand against its field numbers with protowire: the pipeline's points
// go to the wire without an intermediate message, and the package needs no
// generated code. Each message on the wire is a protobuf Request or
// Response preceded by its length as a uvarint.

// EdgeType is what a UDF wants or provides: udf.proto's EdgeType.
type EdgeType int32

const (
	Stream EdgeType = 0
	Batch  EdgeType = 1
)

func (e EdgeType) String() string {
	if e == Batch {
		return "batch"
	}
	return "stream"
}

// ValueType is the type of an option value: udf.proto's ValueType.
type ValueType int32

const (
	Bool ValueType = iota
	Int
	Double
	String
	Duration
)

var valueTypeNames = [...]string{Bool: "bool", Int: "int", Double: "double", String: "string", Duration: "duration"}

func (t ValueType) String() string {
	if t >= 0 && int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("ValueType(%d)", int32(t))
}

// OptionValue is one argument of an option, e.g. 10 in .size(10).
type OptionValue struct {
	Type   ValueType
	Bool   bool
	Int    int64 // Int, and Duration in nanoseconds
	Double float64
	String string
}

// Option is one option call on a UDF node: .size(10).
type Option struct {
	Name   string
	Values []OptionValue
}

// Info is an agent's answer to the info request: the edges it wants and
// provides and the types of each option's arguments.
type Info struct {
	Wants, Provides EdgeType
	Options         map[string][]ValueType
}

// Field numbers of the Request and Response oneofs.
const (
	msgInfo      = 1
	msgInit      = 2
	msgKeepalive = 3
	msgSnapshot  = 4
	msgRestore   = 5
	msgError     = 6 // responses only
	msgBegin     = 16
	msgPoint     = 17
	msgEnd       = 18
)

// encoder builds one message at a time in reused buffers and frames it
// into w.
type encoder struct {
	w *bufio.Writer
	// head is the frame's length and the Request's field tag and length;
	// body is the field's message.
	head, body []byte
}

// frame writes the message built last, length-prefixed, to e.w.
func (e *encoder) frame() error {
	if _, err := e.w.Write(e.head); err != nil {
		return err
	}
	_, err := e.w.Write(e.body)
	return err
}

// message builds a Request holding field num, whose body body appends.
func (e *encoder) message(num protowire.Number, body func(b []byte) []byte) {
	e.body = body(e.body[:0])
	size := protowire.SizeTag(num) + protowire.SizeBytes(len(e.body))
	e.head = binary.AppendUvarint(e.head[:0], uint64(size))
	e.head = protowire.AppendTag(e.head, num, protowire.BytesType)
	e.head = protowire.AppendVarint(e.head, uint64(len(e.body)))
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendVarint(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendBool(b []byte, num protowire.Number, v bool) []byte {
	return appendVarint(b, num, protowire.EncodeBool(v))
}

// appendNested appends a length-delimited submessage, measuring it first.
func appendNested(b []byte, num protowire.Number, body func(b []byte) []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	start := len(b)
	b = body(b)
	// Move the body up to make room for its length.
	n := len(b) - start
	size := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, size)...)
	copy(b[start+size:], b[start:start+n])
	protowire.AppendVarint(b[start:start], uint64(n))
	return b
}

// appendTags appends tags as entries of a map<string,string> field. (The
// sizes of entries are computed, rather than measured as appendNested
// does, as tags and fields are on every point.)
func appendTags(b []byte, num protowire.Number, tags []pipeline.Tag) []byte {
	for _, t := range tags {
		b = protowire.AppendTag(b, num, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(2+protowire.SizeBytes(len(t.Key))+protowire.SizeBytes(len(t.Value))))
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, t.Key)
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendString(b, t.Value)
	}
	return b
}

// appendFields appends each field as an entry of Point's typed map field
// for its kind.
func appendFields(b []byte, fields []pipeline.Field) []byte {
	for _, f := range fields {
		var num protowire.Number
		size := 2 + protowire.SizeBytes(len(f.Key)) // the tags of key and value are a byte each
		switch f.Value.Kind {
		case pipeline.Float:
			num, size = 8, size+8
		case pipeline.Int:
			num, size = 9, size+protowire.SizeVarint(uint64(f.Value.I))
		case pipeline.String:
			num, size = 10, size+protowire.SizeBytes(len(f.Value.S))
		case pipeline.Bool:
			num, size = 12, size+1
		default:
			continue
		}
		b = protowire.AppendTag(b, num, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(size))
		b = func(b []byte) []byte {
			b = protowire.AppendTag(b, 1, protowire.BytesType)
			b = protowire.AppendString(b, f.Key)
			switch f.Value.Kind {
			case pipeline.Float:
				b = protowire.AppendTag(b, 2, protowire.Fixed64Type)
				return protowire.AppendFixed64(b, math.Float64bits(f.Value.F))
			case pipeline.Int:
				b = protowire.AppendTag(b, 2, protowire.VarintType)
				return protowire.AppendVarint(b, uint64(f.Value.I))
			case pipeline.String:
				b = protowire.AppendTag(b, 2, protowire.BytesType)
				return protowire.AppendString(b, f.Value.S)
			}
			b = protowire.AppendTag(b, 2, protowire.VarintType)
			return protowire.AppendVarint(b, protowire.EncodeBool(f.Value.B))
		}(b)
	}
	return b
}

func (e *encoder) info() {
	e.message(msgInfo, func(b []byte) []byte { return b })
}

func (e *encoder) init(opts []Option, taskID, nodeID string) {
	e.message(msgInit, func(b []byte) []byte {
		for _, o := range opts {
			b = appendNested(b, 1, func(b []byte) []byte {
				b = appendString(b, 1, o.Name)
				for _, v := range o.Values {
					b = appendNested(b, 2, func(b []byte) []byte { return appendOptionValue(b, v) })
				}
				return b
			})
		}
		b = appendString(b, 2, taskID)
		return appendString(b, 3, nodeID)
	})
}

// appendOptionValue appends an OptionValue; the oneof member is written
// even when zero, as its presence says which it is.
func appendOptionValue(b []byte, v OptionValue) []byte {
	b = appendVarint(b, 1, uint64(v.Type))
	switch v.Type {
	case Bool:
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		return protowire.AppendVarint(b, protowire.EncodeBool(v.Bool))
	case Int:
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		return protowire.AppendVarint(b, uint64(v.Int))
	case Double:
		b = protowire.AppendTag(b, 4, protowire.Fixed64Type)
		return protowire.AppendFixed64(b, math.Float64bits(v.Double))
	case String:
		b = protowire.AppendTag(b, 5, protowire.BytesType)
		return protowire.AppendString(b, v.String)
	}
	b = protowire.AppendTag(b, 6, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v.Int))
}

// snapshot asks the agent for its state.
func (e *encoder) snapshot() {
	e.message(msgSnapshot, func(b []byte) []byte { return b })
}

// restore gives the agent a state it answered a snapshot request with.
func (e *encoder) restore(snapshot []byte) {
	e.message(msgRestore, func(b []byte) []byte {
		if len(snapshot) == 0 {
			return b
		}
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		return protowire.AppendBytes(b, snapshot)
	})
}

func (e *encoder) keepalive(t int64) {
	e.message(msgKeepalive, func(b []byte) []byte { return appendVarint(b, 1, uint64(t)) })
}

// point encodes a stream point as Kapacitor's UDF node sends it: with its
// measurement, database, retention policy and group.
func (e *encoder) point(p *pipeline.Point) {
	e.message(msgPoint, func(b []byte) []byte {
		b = appendVarint(b, 1, uint64(p.Time))
		b = appendString(b, 2, p.Name)
		b = appendString(b, 3, p.DB)
		b = appendString(b, 4, p.RP)
		if g := p.Group; g != nil {
			b = appendString(b, 5, g.ID)
			for _, t := range g.Tags {
				b = protowire.AppendTag(b, 6, protowire.BytesType)
				b = protowire.AppendString(b, t.Key)
			}
			b = appendBool(b, 11, g.ByName)
		}
		b = appendTags(b, 7, p.Tags)
		return appendFields(b, p.Fields)
	})
}

// batchPoint encodes a point of a batch: time, group, tags and fields only.
func (e *encoder) batchPoint(p *pipeline.Point, group string) {
	e.message(msgPoint, func(b []byte) []byte {
		b = appendVarint(b, 1, uint64(p.Time))
		b = appendString(b, 5, group)
		b = appendTags(b, 7, p.Tags)
		return appendFields(b, p.Fields)
	})
}

func (e *encoder) begin(bt *pipeline.Batch) {
	e.message(msgBegin, func(b []byte) []byte {
		b = appendString(b, 1, bt.Name)
		b = appendString(b, 2, bt.Group.ID)
		b = appendTags(b, 3, bt.Tags)
		b = appendVarint(b, 4, uint64(len(bt.Points)))
		return appendBool(b, 5, bt.Group.ByName)
	})
}

func (e *encoder) end(bt *pipeline.Batch) {
	e.message(msgEnd, func(b []byte) []byte {
		b = appendString(b, 1, bt.Name)
		b = appendString(b, 2, bt.Group.ID)
		b = appendVarint(b, 3, uint64(bt.TMax))
		return appendTags(b, 4, bt.Tags)
	})
}

// response is one decoded Response; kind is its oneof field number.
type response struct {
	kind      protowire.Number
	info      Info
	ok        bool   // init, restore: success
	err       string // init, restore, error: the error text
	keepalive int64
	snapshot  []byte
	// begin, point, end
	name, group string
	dims        []string
	byName      bool
	size        int64
	tmax        int64
	point       pipeline.Point
}

var errMalformed = errors.New("malformed message")

// fieldsOf calls f with each field of the message in b.
func fieldsOf(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errMalformed
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.Fixed32Type:
			var y uint32
			y, n = protowire.ConsumeFixed32(b)
			x = uint64(y)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errMalformed
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

// mapEntry decodes a map entry into its key and the value field.
func mapEntry(b []byte) (key []byte, typ protowire.Type, v []byte, x uint64, err error) {
	err = fieldsOf(b, func(num protowire.Number, t protowire.Type, bv []byte, bx uint64) error {
		switch num {
		case 1:
			key = bv
		case 2:
			typ, v, x = t, bv, bx
		}
		return nil
	})
	return
}

// interner makes the strings of decoded points. Names, tag keys and
// values and field keys repeat from point to point, so after warm-up they
// are all in the table and decoding a point allocates no string. The table
// is cleared when it fills up, so that unbounded cardinality costs
// allocations instead of memory.
//
// Consecutive points mostly repeat their strings in the same places, so
// at first compares b with the string in the same place (slot) of the
// previous message, before looking it up in the table.
type interner struct {
	strings map[string]string
	last    [64]string
}

const (
	maxInterned   = 1 << 14
	maxInternSize = 256 // longer strings (string field values) are not interned
)

// Slots of the strings of a point, for interner.at. (Beyond 8 dimensions
// or 16 tags, slots are shared, which only makes hits rarer.)
const (
	slotName = iota
	slotDB
	slotRP
	slotGroup
	slotDims        // 8 dimensions
	slotTags   = 12 // 16 tags: key, value
	slotFields = 44 // 20 field keys
)

// at returns the string of b, the string at slot of a message.
func (in *interner) at(slot int, b []byte) string {
	if slot >= len(in.last) {
		return in.str(b)
	}
	if s := in.last[slot]; s == string(b) {
		return s
	}
	s := in.str(b)
	in.last[slot] = s
	return s
}

func (in *interner) str(b []byte) string {
	if len(b) > maxInternSize {
		return string(b)
	}
	if s, ok := in.strings[string(b)]; ok { // no allocation on a hit
		return s
	}
	if in.strings == nil {
		in.strings = map[string]string{}
	}
	if len(in.strings) >= maxInterned {
		clear(in.strings)
	}
	s := string(b)
	in.strings[s] = s
	return s
}

// reset empties r for decoding into it, keeping its slices' memory.
func (r *response) reset() {
	tags, fields, dims := r.point.Tags[:0], r.point.Fields[:0], r.dims[:0]
	*r = response{}
	r.point.Tags, r.point.Fields, r.dims = tags, fields, dims
}

// decodeResponse decodes one Response into r, with the strings of points
// from in.
func decodeResponse(b []byte, r *response, in *interner) error {
	r.reset()
	return fieldsOf(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		r.kind = num
		switch num {
		case msgInfo:
			return r.decodeInfo(v)
		case msgInit, msgRestore:
			return fieldsOf(v, func(num protowire.Number, _ protowire.Type, v []byte, x uint64) error {
				switch num {
				case 1:
					r.ok = x != 0
				case 2:
					r.err = string(v)
				}
				return nil
			})
		case msgKeepalive:
			return fieldsOf(v, func(num protowire.Number, _ protowire.Type, _ []byte, x uint64) error {
				if num == 1 {
					r.keepalive = int64(x)
				}
				return nil
			})
		case msgSnapshot:
			return fieldsOf(v, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
				if num == 1 {
					r.snapshot = append([]byte(nil), v...)
				}
				return nil
			})
		case msgError:
			return fieldsOf(v, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
				if num == 1 {
					r.err = string(v)
				}
				return nil
			})
		case msgBegin:
			return r.decodeBegin(v, in)
		case msgPoint:
			return r.decodePoint(v, in)
		case msgEnd:
			return r.decodeEnd(v, in)
		}
		return nil
	})
}

func (r *response) decodeInfo(b []byte) error {
	r.info.Options = map[string][]ValueType{}
	return fieldsOf(b, func(num protowire.Number, _ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			r.info.Wants = EdgeType(x)
		case 2:
			r.info.Provides = EdgeType(x)
		case 3:
			name, _, info, _, err := mapEntry(v)
			if err != nil {
				return err
			}
			types := []ValueType{}
			err = fieldsOf(info, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				if num != 1 {
					return nil
				}
				if typ == protowire.VarintType {
					types = append(types, ValueType(x))
					return nil
				}
				for len(v) > 0 { // packed
					y, n := protowire.ConsumeVarint(v)
					if n < 0 {
						return errMalformed
					}
					types = append(types, ValueType(y))
					v = v[n:]
				}
				return nil
			})
			r.info.Options[string(name)] = types
			return err
		}
		return nil
	})
}

func (r *response) decodeBegin(b []byte, in *interner) error {
	return fieldsOf(b, func(num protowire.Number, _ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			r.name = in.at(slotName, v)
		case 2:
			r.group = in.at(slotGroup, v)
		case 4:
			r.size = int64(x)
		case 5:
			r.byName = x != 0
		}
		return nil
	})
}

func (r *response) decodeEnd(b []byte, in *interner) error {
	err := fieldsOf(b, func(num protowire.Number, _ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			r.name = in.at(slotName, v)
		case 2:
			r.group = in.at(slotGroup, v)
		case 3:
			r.tmax = int64(x)
		case 4:
			k, _, tv, _, err := mapEntry(v)
			if err != nil {
				return err
			}
			i := slotTags + 2*len(r.point.Tags)
			r.point.Tags = append(r.point.Tags, pipeline.Tag{Key: in.at(i, k), Value: in.at(i+1, tv)})
		case 5:
			r.byName = x != 0
		}
		return nil
	})
	sortTags(r.point.Tags)
	return err
}

func (r *response) decodePoint(b []byte, in *interner) error {
	p := &r.point
	err := fieldsOf(b, func(num protowire.Number, _ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			p.Time = int64(x)
		case 2:
			p.Name = in.at(slotName, v)
		case 3:
			p.DB = in.at(slotDB, v)
		case 4:
			p.RP = in.at(slotRP, v)
		case 5:
			r.group = in.at(slotGroup, v)
		case 6:
			r.dims = append(r.dims, in.at(slotDims+len(r.dims), v))
		case 7:
			k, _, tv, _, err := mapEntry(v)
			if err != nil {
				return err
			}
			i := slotTags + 2*len(p.Tags)
			p.Tags = append(p.Tags, pipeline.Tag{Key: in.at(i, k), Value: in.at(i+1, tv)})
		case 8, 9, 10, 12:
			k, _, fv, fx, err := mapEntry(v)
			if err != nil {
				return err
			}
			var val pipeline.Value
			switch num {
			case 8:
				val = pipeline.FloatValue(math.Float64frombits(fx))
			case 9:
				val = pipeline.IntValue(int64(fx))
			case 10:
				val = pipeline.StringValue(in.str(fv))
			case 12:
				val = pipeline.BoolValue(fx != 0)
			}
			p.Fields = append(p.Fields, pipeline.Field{Key: in.at(slotFields+len(p.Fields), k), Value: val})
		case 11:
			r.byName = x != 0
		}
		return nil
	})
	sortTags(p.Tags)
	slices.SortFunc(p.Fields, func(a, b pipeline.Field) int { return strings.Compare(a.Key, b.Key) })
	slices.Sort(r.dims)
	return err
}

func sortTags(tags []pipeline.Tag) {
	slices.SortFunc(tags, func(a, b pipeline.Tag) int { return strings.Compare(a.Key, b.Key) })
}

// readFrame reads one length-prefixed message into *buf, growing it.
func readFrame(r *bufio.Reader, buf *[]byte) ([]byte, error) {
	size, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if size > 1<<30 {
		return nil, fmt.Errorf("message of %d bytes is too large", size)
	}
	if uint64(cap(*buf)) < size {
		*buf = make([]byte, size)
	}
	b := (*buf)[:size]
	if _, err := io.ReadFull(r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return b, nil
}
