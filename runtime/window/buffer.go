package window

import (
	"math"
	"slices"

	"github.com/tickc/tickc/runtime/pipeline"
)

// shape is the tag set, the field keys and the field kinds of buffered
// points. It is immutable once made, so consecutive points of one series
// share it.
type shape struct {
	tags  []pipeline.Tag
	keys  []string
	kinds []pipeline.Kind
}

// matches reports whether p has exactly this tag set and these fields keys
// and kinds.
func (s *shape) matches(p *pipeline.Point) bool {
	if len(s.tags) != len(p.Tags) || len(s.keys) != len(p.Fields) {
		return false
	}
	for i := range s.tags {
		if s.tags[i] != p.Tags[i] {
			return false
		}
	}
	for i, k := range s.keys {
		if k != p.Fields[i].Key || s.kinds[i] != p.Fields[i].Value.Kind {
			return false
		}
	}
	return true
}

func newShape(p *pipeline.Point) *shape {
	s := &shape{
		tags:  make([]pipeline.Tag, len(p.Tags)),
		keys:  make([]string, len(p.Fields)),
		kinds: make([]pipeline.Kind, len(p.Fields)),
	}
	copy(s.tags, p.Tags)
	for i := range p.Fields {
		s.keys[i] = p.Fields[i].Key
		s.kinds[i] = p.Fields[i].Value.Kind
	}
	return s
}

// slot is one buffered point: its time, its shape, and its field values in
// field order, strings in strs and the others in nums (a float's bits, an
// int, a bool as 0 or 1; a missing value takes no room). A slot's arrays
// are reused when the slot is overwritten.
type slot struct {
	t     int64
	shape *shape
	nums  []uint64
	strs  []string
}

// set stores p, whose shape is sh, in the slot.
func (s *slot) set(p *pipeline.Point, sh *shape) {
	s.t = p.Time
	s.shape = sh
	s.nums = s.nums[:0]
	if s.strs != nil {
		clear(s.strs) // let the old strings go
		s.strs = s.strs[:0]
	}
	for i := range p.Fields {
		v := &p.Fields[i].Value
		switch v.Kind {
		case pipeline.Float:
			s.nums = append(s.nums, math.Float64bits(v.F))
		case pipeline.Int:
			s.nums = append(s.nums, uint64(v.I))
		case pipeline.Bool:
			var b uint64
			if v.B {
				b = 1
			}
			s.nums = append(s.nums, b)
		case pipeline.String:
			s.strs = append(s.strs, v.S)
		}
	}
}

// appendFields appends the slot's fields to dst.
func (s *slot) appendFields(dst []pipeline.Field) []pipeline.Field {
	n0 := len(dst)
	dst = slices.Grow(dst, len(s.shape.keys))[:n0+len(s.shape.keys)]
	out := dst[n0:]
	n, str := 0, 0
	for i, k := range s.shape.keys {
		f := &out[i]
		f.Key = k
		f.Value = pipeline.Value{Kind: s.shape.kinds[i]}
		switch f.Value.Kind {
		case pipeline.Float:
			f.Value.F = math.Float64frombits(s.nums[n])
			n++
		case pipeline.Int:
			f.Value.I = int64(s.nums[n])
			n++
		case pipeline.Bool:
			f.Value.B = s.nums[n] != 0
			n++
		case pipeline.String:
			f.Value.S = s.strs[str]
			str++
		}
	}
	return dst
}

// shapes is a small most-recently-used list of the shapes a window has
// made, so that points of a few interleaved series share theirs too.
type shapes [4]*shape

// of returns a shape for p: a recent one if p matches it, else a new one.
func (r *shapes) of(p *pipeline.Point) *shape {
	for i, s := range r {
		if s == nil {
			break
		}
		if s.matches(p) {
			if i > 0 {
				copy(r[1:i+1], r[:i])
				r[0] = s
			}
			return s
		}
	}
	s := newShape(p)
	copy(r[1:], r[:len(r)-1])
	r[0] = s
	return s
}

// timeRing is the buffer of a time window. It mirrors the layout of
// Kapacitor's windowTimeBuffer, because its purge depends on the layout (see
// purge and the package documentation): slots has the ring's capacity, used
// is the length of Kapacitor's slice (slots[:used] have been written since
// the last growth), live points are slots[start:stop] or, wrapped,
// slots[start:used] followed by slots[:stop].
type timeRing struct {
	slots                   []slot
	used, start, stop, size int
}

// insert appends a point at the end of the ring, growing it to
// 2*(size+1) slots when it is full.
func (r *timeRing) insert(p *pipeline.Point, sh *shape) {
	if r.size == len(r.slots) {
		r.grow()
	}
	if r.used == len(r.slots) && r.stop == r.used {
		r.stop = 0 // wrap around
	}
	if r.stop == r.used {
		r.used++
	}
	r.slots[r.stop].set(p, sh)
	r.size++
	r.stop++
}

// grow moves the live points, in order, to the front of a ring of
// 2*(size+1) slots.
func (r *timeRing) grow() {
	slots := make([]slot, 2*(r.size+1))
	n := 0
	r.each(func(s *slot) {
		slots[n] = *s
		n++
	})
	// Hand the spare value arrays on: those of the slots not moved above.
	spare := n
	for i := range r.slots {
		if !r.live(i) && spare < len(slots) {
			slots[spare].nums = r.slots[i].nums[:0]
			slots[spare].strs = r.slots[i].strs[:0]
			spare++
		}
	}
	r.slots = slots
	r.start, r.stop, r.used = 0, r.size, r.size
}

// live reports whether slot i holds a buffered point.
func (r *timeRing) live(i int) bool {
	a, b, c, d := r.segments()
	return (i >= a && i < b) || (i >= c && i < d)
}

// segments returns the live slots, oldest first (in arrival order), as
// slots[a:b] followed by slots[c:d].
func (r *timeRing) segments() (a, b, c, d int) {
	switch {
	case r.size == 0:
		return 0, 0, 0, 0
	case r.start < r.stop:
		return r.start, r.stop, 0, 0
	}
	return r.start, r.used, 0, r.stop
}

// each calls f for the buffered points, oldest first.
func (r *timeRing) each(f func(*slot)) {
	a, b, c, d := r.segments()
	for i := a; i < b; i++ {
		f(&r.slots[i])
	}
	for i := c; i < d; i++ {
		f(&r.slots[i])
	}
}

// purge drops points from the front of the ring while they are before
// oldest (inclusive) or at or before it (!inclusive), with Kapacitor's
// handling of a ring that is wrapped, or looks wrapped (start >= stop):
// when the last slot of the array is to be kept, it drops from the start
// to the end of the array, and nothing at all if the start is past the
// end; when it is to be dropped, all of slots[start:used] are dropped
// unseen and the front of slots[:stop] is purged.
func (r *timeRing) purge(oldest int64, inclusive bool) {
	keep := func(t int64) bool {
		if inclusive {
			return t >= oldest
		}
		return t > oldest
	}
	if r.used == 0 {
		return
	}
	if r.start < r.stop {
		for r.start < r.stop && !keep(r.slots[r.start].t) {
			r.start++
		}
		r.size = r.stop - r.start
		return
	}
	if keep(r.slots[r.used-1].t) {
		for r.start < r.used && !keep(r.slots[r.start].t) {
			r.start++
		}
		r.size = r.used - r.start + r.stop
		return
	}
	r.start = 0
	for r.start < r.stop && !keep(r.slots[r.start].t) {
		r.start++
	}
	r.size = r.stop - r.start
}

// countRing is the buffer of a count window: the last n points. It grows
// to n slots as points arrive instead of allocating them up front.
type countRing struct {
	slots             []slot
	start, stop, size int
}

// insert adds a point, dropping the oldest if n points are held.
func (r *countRing) insert(p *pipeline.Point, sh *shape, n int) {
	if r.stop == len(r.slots) {
		// Only before the ring is full: then stop == size.
		r.slots = append(r.slots, slot{})
	}
	r.slots[r.stop].set(p, sh)
	r.stop = (r.stop + 1) % n
	if r.size == n {
		r.start = (r.start + 1) % n
	} else {
		r.size++
	}
}

// segments returns the held slots, oldest first, as slots[a:b] followed by
// slots[c:d].
func (r *countRing) segments() (a, b, c, d int) {
	a, b = r.start, r.start+r.size
	if b > len(r.slots) {
		b = len(r.slots)
	}
	return a, b, 0, r.size - (b - a)
}

// newest returns the most recently inserted point.
func (r *countRing) newest() *slot {
	j := r.stop - 1
	if j < 0 {
		j = len(r.slots) - 1
	}
	return &r.slots[j]
}
