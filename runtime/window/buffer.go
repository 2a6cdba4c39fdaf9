package window

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/tickc/tickc/runtime/pipeline"
)

// schema is the field keys and kinds of buffered points. A node shares one
// schema among all its windows' points with the same fields.
type schema struct {
	id uint64 // the node's number for it
	pipeline.Schema
}

// interner interns a node's schemas, by their keys and kinds, and its
// shapes, by their tags and schemas, so that the node's windows share them.
// Each map is forgotten when it holds maxInterned entries, so that points
// with ever new field keys or tag values cannot grow it without bound (the
// schemas and shapes in use stay valid).
type interner struct {
	schemas map[string]*schema
	shapes  map[string]*shape
	key     []byte
	made    uint64 // schemas made so far, for their ids
}

const maxInterned = 1000

// schema returns the schema of p's fields.
func (in *interner) schema(p *pipeline.Point) *schema {
	in.key = pipeline.AppendSchemaKey(in.key[:0], p.Fields)
	if s, ok := in.schemas[string(in.key)]; ok {
		return s
	}
	in.made++
	s := &schema{id: in.made, Schema: pipeline.SchemaOf(p.Fields)}
	if in.schemas == nil || len(in.schemas) >= maxInterned {
		in.schemas = map[string]*schema{}
	}
	in.schemas[string(in.key)] = s
	return s
}

// shape returns the shape of p.
func (in *interner) shape(p *pipeline.Point) *shape {
	sc := in.schema(p)
	k := binary.AppendUvarint(in.key[:0], sc.id)
	for _, t := range p.Tags {
		k = pipeline.AppendKeyString(k, t.Key)
		if isDim(p.Group, t) {
			k = append(k, 1)
		} else {
			k = append(k, 0)
			k = pipeline.AppendKeyString(k, t.Value)
		}
	}
	in.key = k
	if sh, ok := in.shapes[string(k)]; ok {
		return sh
	}
	sh := &shape{tags: make([]pipeline.Tag, len(p.Tags)), dim: make([]bool, len(p.Tags)), schema: sc}
	for i, t := range p.Tags {
		sh.tags[i].Key = strings.Clone(t.Key)
		if isDim(p.Group, t) {
			sh.dim[i] = true
		} else {
			sh.tags[i].Value = strings.Clone(t.Value)
		}
	}
	if in.shapes == nil || len(in.shapes) >= maxInterned {
		in.shapes = map[string]*shape{}
	}
	in.shapes[string(k)] = sh
	return sh
}

// isDim reports whether t is a dimension of g with g's value.
func isDim(g *pipeline.Group, t pipeline.Tag) bool {
	v, ok := g.Dim(t.Key)
	return ok && v == t.Value
}

// shape is the tag set and the schema of buffered points. It is immutable
// once made and shared by the node's points alike: a tag that is a
// dimension of the point's group, with the group's value, is marked dim and
// takes its value from the group, so that the series of all groups whose
// other tags are alike (such as every host's cpu-total) share one shape.
type shape struct {
	tags   []pipeline.Tag // a dim tag's Value is ""
	dim    []bool
	schema *schema
}

// matches reports whether p has exactly this tag set and these field keys
// and kinds.
func (s *shape) matches(p *pipeline.Point) bool {
	if len(s.tags) != len(p.Tags) {
		return false
	}
	for i := range s.tags {
		t := &p.Tags[i]
		if s.tags[i].Key != t.Key {
			return false
		}
		// What matters is that the shape gives the point's value.
		if s.dim[i] {
			if v, _ := p.Group.Dim(t.Key); v != t.Value {
				return false
			}
		} else if s.tags[i].Value != t.Value {
			return false
		}
	}
	return s.schema.Matches(p.Fields)
}

// appendTags appends the tags of the shape's points in group g to dst.
func (s *shape) appendTags(dst []pipeline.Tag, g *pipeline.Group) []pipeline.Tag {
	n0 := len(dst)
	dst = append(dst, s.tags...)
	for i, d := range s.dim {
		if d {
			dst[n0+i].Value, _ = g.Dim(s.tags[i].Key)
		}
	}
	return dst
}

// recent is a small most-recently-used list of the shapes a window has
// made, so that points of a few interleaved series share theirs too.
type recent [4]*shape

// find returns the shape in the list that p matches, moving it to the
// front, or nil.
func (r *recent) find(p *pipeline.Point) *shape {
	for i, s := range r {
		if s == nil {
			break
		}
		if s.matches(p) {
			copy(r[1:i+1], r[:i])
			r[0] = s
			return s
		}
	}
	return nil
}

func (r *recent) add(s *shape) {
	copy(r[1:], r[:len(r)-1])
	r[0] = s
}

// store is the memory of a window's buffered points: a FIFO of slots, each
// one point, oldest first, in an array used circularly (the k-th point is
// in slot (head+k) mod slots). Most windows hold points of one series, with
// numeric fields only, so a slot is just words[i*stride:(i+1)*stride], the
// time followed by the numeric values in field order (a float's bits, an
// int, a bool as 0 or 1; a missing value takes no room), and store.shape is
// every slot's shape. What other windows need (string values, a shape per
// slot) is in extra, allocated only then.
type store struct {
	words  []uint64
	shape  *shape // the latest point's; every slot's while extra.shapes is nil
	extra  *extra
	stride int32 // words per slot: 1 + the most numeric values of a point so far
	head   int32 // the slot of the oldest point
	n      int32 // the points held
}

// extra is the part of a store that only some windows need.
type extra struct {
	strs      []string // per slot: strStride string values in field order
	strStride int
	shapes    []*shape // per slot, once the window has held two shapes
	recent    recent
}

// slots is the number of slots.
func (s *store) slots() int {
	if s.stride == 0 {
		return 0
	}
	return len(s.words) / int(s.stride)
}

// resized returns a store of n slots whose first slots hold s's slots
// order[0], order[1], ...
func (s *store) resized(n int, order []int) store {
	stride := max(s.stride, 1) // a new store: set widens it
	out := store{words: make([]uint64, n*int(stride)), shape: s.shape, stride: stride}
	for k, i := range order {
		copy(out.slot(k), s.slot(i))
	}
	if x := s.extra; x != nil {
		y := &extra{strStride: x.strStride, recent: x.recent}
		if x.strStride > 0 {
			y.strs = make([]string, n*x.strStride)
			for k, i := range order {
				copy(y.strs[k*x.strStride:], x.strs[i*x.strStride:(i+1)*x.strStride])
			}
		}
		if x.shapes != nil {
			y.shapes = make([]*shape, n)
			for k, i := range order {
				y.shapes[k] = x.shapes[i]
			}
		}
		out.extra = y
	}
	return out
}

// at returns the slot of the k-th point held, oldest first.
func (s *store) at(k int) int {
	i := int(s.head) + k
	if n := s.slots(); i >= n {
		i -= n // k < n: no division needed
	}
	return i
}

// push returns the slot for a new newest point, growing the array by an
// eighth when it is full (it lives as long as its group: slack would cost
// memory all that time), to at most limit slots if limit > 0.
func (s *store) push(limit int) int {
	if int(s.n) == s.slots() {
		grow := int(s.n) + int(s.n)/8 + 1
		if limit > 0 {
			grow = min(grow, limit)
		}
		order := make([]int, s.n)
		for k := range order {
			order[k] = s.at(k)
		}
		*s = s.resized(grow, order)
		s.head = 0
		s.n = int32(len(order))
	}
	s.n++
	return s.at(int(s.n) - 1)
}

// pop drops the k oldest points.
func (s *store) pop(k int) {
	if k > int(s.n) {
		panic("window: dropping more points than are held")
	}
	if x := s.extra; x != nil && x.strStride > 0 {
		for j := range k {
			i := s.at(j)
			clear(x.strs[i*x.strStride : (i+1)*x.strStride]) // let the strings go
		}
	}
	if k > 0 {
		s.head = int32(s.at(k))
		s.n -= int32(k)
	}
}

// slot returns the words of slot i.
func (s *store) slot(i int) []uint64 {
	return s.words[i*int(s.stride) : (i+1)*int(s.stride)]
}

// time returns the time of slot i.
func (s *store) time(i int) int64 { return int64(s.words[i*int(s.stride)]) }

// shapeOf returns the shape of slot i.
func (s *store) shapeOf(i int) *shape {
	if s.extra != nil && s.extra.shapes != nil {
		return s.extra.shapes[i]
	}
	return s.shape
}

// shapeFor returns the shape of p: the latest point's or a recent one if p
// matches it, else a new one.
func (s *store) shapeFor(p *pipeline.Point, in *interner) *shape {
	if s.shape != nil && s.shape.matches(p) {
		return s.shape
	}
	if s.extra != nil {
		if sh := s.extra.recent.find(p); sh != nil {
			return sh
		}
	}
	sh := in.shape(p)
	if s.shape != nil {
		// A second shape: from now on the window keeps recent ones.
		x := s.extras()
		if x.recent[0] == nil {
			x.recent.add(s.shape)
		}
		x.recent.add(sh)
	}
	return sh
}

func (s *store) extras() *extra {
	if s.extra == nil {
		s.extra = &extra{}
	}
	return s.extra
}

// set stores p, whose shape is sh, in slot i, widening the slots first if
// p has more values than they hold.
func (s *store) set(i int, p *pipeline.Point, sh *shape) {
	if need := int32(1 + sh.schema.Nums); need > s.stride {
		s.widen(need)
	}
	if sh.schema.Strs > 0 && (s.extra == nil || sh.schema.Strs > s.extra.strStride) {
		s.widenStrs(sh.schema.Strs)
	}
	if sh != s.shape {
		if s.shape != nil && (s.extra == nil || s.extra.shapes == nil) {
			// The first slot of another shape: give every slot its own.
			x := s.extras()
			x.shapes = make([]*shape, s.slots())
			for k := range x.shapes {
				x.shapes[k] = s.shape
			}
		}
		s.shape = sh
	}
	if s.extra != nil && s.extra.shapes != nil {
		s.extra.shapes[i] = sh
	}
	w := s.slot(i)
	w[0] = uint64(p.Time)
	n := 1
	var strs []string
	if s.extra != nil && s.extra.strStride > 0 {
		strs = s.extra.strs[i*s.extra.strStride : (i+1)*s.extra.strStride]
		clear(strs) // let the old strings go
	}
	str := 0
	for k := range p.Fields {
		v := &p.Fields[k].Value
		switch v.Kind {
		case pipeline.Missing: // takes no room
		case pipeline.String:
			strs[str] = v.S
			str++
		default:
			w[n] = v.Word()
			n++
		}
	}
}

// widen makes every slot stride words long.
func (s *store) widen(stride int32) {
	n := s.slots()
	words := make([]uint64, n*int(stride))
	for i := range n {
		copy(words[i*int(stride):], s.slot(i))
	}
	s.words, s.stride = words, stride
}

// widenStrs makes room for n string values in every slot.
func (s *store) widenStrs(n int) {
	x := s.extras()
	strs := make([]string, s.slots()*n)
	for i := range s.slots() {
		if x.strStride > 0 {
			copy(strs[i*n:], x.strs[i*x.strStride:(i+1)*x.strStride])
		}
	}
	x.strs, x.strStride = strs, n
}

// appendFields appends the fields of slot i to dst.
func (s *store) appendFields(i int, dst []pipeline.Field) []pipeline.Field {
	sc := s.shapeOf(i).schema
	n0 := len(dst)
	dst = slices.Grow(dst, len(sc.Keys))[:n0+len(sc.Keys)]
	out := dst[n0:]
	w := s.slot(i)[1:]
	var strs []string
	if sc.Strs > 0 {
		strs = s.extra.strs[i*s.extra.strStride:]
	}
	n, str := 0, 0
	for k, key := range sc.Keys {
		f := &out[k]
		f.Key = key
		f.Value = pipeline.Value{Kind: sc.Kinds[k]}
		switch f.Value.Kind {
		case pipeline.Missing:
		case pipeline.String:
			f.Value.S = strs[str]
			str++
		default:
			f.Value.SetWord(w[n])
			n++
		}
	}
	return dst
}

// ring is a window's buffer: the store of its points and, for a time
// window, the indices of Kapacitor's ring over a slice of points, which
// decide what a purge drops (see purge and the package documentation).
// The points the indices say are live are exactly the store's, in the same
// order; the slots Kapacitor's slice still holds but are not live need no
// memory, except the time of its last one, which a purge looks at.
//
// For a time window, Kapacitor's live points are slice[start:stop] or,
// wrapped, slice[start:used] followed by slice[:stop], its slice having
// capacity slots and used being its length (the slots written since the
// last growth). A count window's store is all its indices need.
type ring struct {
	store
	used, start, stop, size, capacity int32
	lastTime                          int64 // the time in slice[used-1]
}

// time returns the time of the k-th point held, oldest first.
func (r *ring) timeAt(k int) int64 { return r.time(r.at(k)) }

// insertTime appends a point at the end of a time window's ring, growing
// it to 2*(size+1) slots when it is full.
func (r *ring) insertTime(p *pipeline.Point, sh *shape) {
	if r.size == r.capacity {
		// Kapacitor moves the live points, in order, to the front of a
		// bigger slice.
		r.capacity = 2 * (r.size + 1)
		r.start, r.stop, r.used = 0, r.size, r.size
		if r.size > 0 {
			r.lastTime = r.timeAt(int(r.n) - 1)
		}
	}
	if r.used == r.capacity && r.stop == r.used {
		r.stop = 0 // wrap around
	}
	if r.stop == r.used {
		r.used++
	}
	if r.stop == r.used-1 {
		r.lastTime = p.Time
	}
	r.set(r.push(0), p, sh)
	r.size++
	r.stop++
}

// purge drops points from the front of a time window's ring while they
// are before oldest (inclusive) or at or before it (!inclusive), with
// Kapacitor's handling of a ring that is wrapped, or looks wrapped (start
// >= stop): when the last slot of the array is to be kept, it drops from
// the start to the end of the array, and nothing at all if the start is
// past the end; when it is to be dropped, all of slots[start:used] are
// dropped unseen and the front of slots[:stop] is purged.
func (r *ring) purge(oldest int64, inclusive bool) {
	keep := func(t int64) bool {
		if inclusive {
			return t >= oldest
		}
		return t > oldest
	}
	if r.used == 0 {
		return
	}
	held := r.size
	// dropped counts the points dropped so far, oldest first: the live
	// slots from start on are the store's points from dropped on.
	dropped := 0
	switch {
	case r.start < r.stop:
		for r.start < r.stop && !keep(r.timeAt(dropped)) {
			r.start++
			dropped++
		}
		r.size = r.stop - r.start
	case keep(r.lastTime):
		for r.start < r.used && !keep(r.timeAt(dropped)) {
			r.start++
			dropped++
		}
		r.size = r.used - r.start + r.stop
	default:
		dropped = int(r.used - r.start)
		r.start = 0
		for r.start < r.stop && !keep(r.timeAt(dropped)) {
			r.start++
			dropped++
		}
		r.size = r.stop - r.start
	}
	r.pop(int(held - r.size))
}

// insertCount adds a point to a count window, dropping the oldest if n
// points are held.
func (r *ring) insertCount(p *pipeline.Point, sh *shape, n int) {
	if int(r.n) == n {
		r.pop(1)
	}
	r.set(r.push(n), p, sh)
	r.size = r.n
}
