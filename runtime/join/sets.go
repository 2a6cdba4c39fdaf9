package join

import (
	"slices"
	"strings"

	"github.com/tickc/tickc/runtime/pipeline"
)

// A join group's buffered sets are kept encoded in one []uint64, so that a
// buffered point costs its values and two words rather than a Point and
// its arrays (Kapacitor keeps about 9.6 KB per buffered point).
//
// joinGroup.words[:n] are the heads of the group's n parents: the rounded
// time of each parent's last point. words[start:] is a sequence of sets
// (those between are emitted), oldest time first and, within a time, in
// the order they were made. A set is its time, then its
// points in parent order. A point is a header word, then one word per
// field value (see encodePoint) and, on a batch edge, one for its batch.
// The header holds the point's parent, its shape (name, field keys and
// kinds) and whether it is the set's last point.
const (
	shapeBits = 0xffffffff // header bits 0-31: the shape's number
	srcShift  = 32         // header bits 32-47: the parent's index
	srcBits   = 0xffff
	lastPoint = 1 << 63 // header bit: the last point of its set
)

// joinGroup holds one group's parents' heads and buffered sets.
type joinGroup struct {
	group *pipeline.Group // nil: the group has not been seen
	words []uint64
	start int
}

// init starts the group of pg, of a join of n parents, none of which has
// sent a point yet.
func (g *joinGroup) init(pg *pipeline.Group, n int) {
	g.group = pg
	g.words = make([]uint64, n)
	zero := zeroTime // a variable: the negative constant does not convert
	for i := range g.words {
		g.words[i] = uint64(zero)
	}
	g.start = n
}

// heads returns the rounded time of each parent's last point.
func (g *joinGroup) heads(j *Join) []uint64 { return g.words[:len(j.cfg.Names)] }

// setInfo describes the set at words[at].
type setInfo struct {
	end  int  // the offset after the set
	size int  // its points
	last int  // the offset of its last point's header
	has  bool // it has a point of the parent asked about
	// insert is where a point of that parent would go, in parent order.
	insert int
}

// scan describes the set at words[at], with regard to parent src.
func (g *joinGroup) scan(j *Join, at, src int) setInfo {
	info := setInfo{insert: -1}
	k := at + 1
	for {
		hdr := g.words[k]
		s := int(hdr >> srcShift & srcBits)
		switch {
		case s == src:
			info.has = true
		case s > src && info.insert < 0:
			info.insert = k
		}
		info.size++
		info.last = k
		k += j.pointWords(hdr)
		if hdr&lastPoint != 0 {
			break
		}
	}
	info.end = k
	if info.insert < 0 {
		info.insert = k
	}
	return info
}

// add puts p of parent src (standing for b on a batch edge) in the first
// set of its time without a point of src, making one if there is none,
// and emits what is ready. p stays the caller's: add copies what it needs.
func (g *joinGroup) add(j *Join, src int, p *pipeline.Point, b *pipeline.Batch) {
	t := j.round(p.Time)
	enc := j.encodePoint(t, src, p, b) // the time, then the point
	i := g.start
	for i < len(g.words) {
		st := int64(g.words[i])
		if st > t {
			break
		}
		info := g.scan(j, i, src)
		if st < t || info.has {
			i = info.end
			continue
		}
		if info.insert == info.end {
			g.words[info.last] &^= lastPoint
			enc[1] |= lastPoint
		}
		g.words = insert(g.words, info.insert, enc[1:])
		g.added(j, src, t)
		return
	}
	enc[1] |= lastPoint
	g.words = insert(g.words, i, enc)
	g.added(j, src, t)
}

// added records that parent src sent a point of time t, and emits what is
// ready.
func (g *joinGroup) added(j *Join, src int, t int64) {
	g.heads(j)[src] = uint64(t)
	g.emit(j, g.onlyReady(j))
}

// empty reports whether the group buffers nothing.
func (g *joinGroup) empty() bool { return g.start == len(g.words) }

// onlyReady reports whether some parent has not passed the oldest time
// yet, so that only complete sets may be emitted.
func (g *joinGroup) onlyReady(j *Join) bool {
	if g.empty() {
		return false
	}
	oldest := int64(g.words[g.start])
	for _, h := range g.heads(j) {
		if int64(h) <= oldest {
			return true
		}
	}
	return false
}

// emit emits the sets of the oldest time: the complete ones up to the first
// incomplete one, or all of them when onlyReady is false, in which case it
// goes on with the next time for as long as every parent has passed it.
func (g *joinGroup) emit(j *Join, onlyReady bool) {
	n := len(j.cfg.Names)
	for !g.empty() {
		t := int64(g.words[g.start])
		for !g.empty() && int64(g.words[g.start]) == t {
			info := g.scan(j, g.start, -1)
			if onlyReady && info.size != n {
				break
			}
			j.decodeSet(g.words[g.start:info.end])
			g.start = info.end
			j.emitSet(g, t, &j.set)
		}
		if onlyReady {
			break
		}
		onlyReady = g.onlyReady(j)
	}
	g.compact(len(j.cfg.Names))
}

// compact lets the emitted sets' words, after the n heads, be reused: all
// of them once everything is emitted, else once they are most of the
// array.
func (g *joinGroup) compact(n int) {
	switch {
	case g.empty():
		g.words, g.start = g.words[:n], n
	case g.start-n > len(g.words)/2:
		m := copy(g.words[n:], g.words[g.start:])
		g.words, g.start = g.words[:n+m], n
	}
}

// insert is slices.Insert growing the array by an eighth rather than
// doubling it: a group's array lives as long as the group, so slack would
// cost memory for as long as the task runs.
func insert(s []uint64, i int, v []uint64) []uint64 {
	if n := len(s) + len(v); n > cap(s) {
		// Growing from nil rounds the capacity up to the allocation's
		// size class, whose room is then used.
		grown := slices.Grow([]uint64(nil), n+n/8)[:len(s)]
		copy(grown, s)
		s = grown
	}
	return slices.Insert(s, i, v...)
}

// release frees the strings and batches the group's buffered sets refer
// to, which are about to be dropped.
func (g *joinGroup) release(j *Join) {
	for i := g.start; i < len(g.words); {
		i++ // the set's time
		for {
			hdr := g.words[i]
			for k, kind := range j.shapes.list[hdr&shapeBits].Kinds {
				if kind == pipeline.String {
					j.strs.take(g.words[i+1+k])
				}
			}
			if j.emitBatch != nil {
				j.batches.take(g.words[i+j.pointWords(hdr)-1])
			}
			i += j.pointWords(hdr)
			if hdr&lastPoint != 0 {
				break
			}
		}
	}
}

// pointWords is how many words the point with header hdr takes.
func (j *Join) pointWords(hdr uint64) int {
	n := 1 + len(j.shapes.list[hdr&shapeBits].Keys)
	if j.emitBatch != nil {
		n++
	}
	return n
}

// encodePoint encodes time t and the point p of parent src (standing for
// b on a batch edge) into j.enc, which it returns. Numbers are stored as
// their bits; strings and batches are stored in the node's tables and
// referred to by index.
func (j *Join) encodePoint(t int64, src int, p *pipeline.Point, b *pipeline.Batch) []uint64 {
	id := j.shapes.of(p, &j.recent[src])
	w := append(j.enc[:0], uint64(t), uint64(src)<<srcShift|uint64(id))
	for k := range p.Fields {
		v := &p.Fields[k].Value
		if v.Kind == pipeline.String {
			w = append(w, j.strs.put(v.S))
		} else {
			w = append(w, v.Word())
		}
	}
	if j.emitBatch != nil {
		w = append(w, j.batches.put(b))
	}
	j.enc = w
	return w
}

// setView is a set decoded for emission.
type setView struct {
	pts   []pipeline.Point // by parent: the name and fields of its point
	bs    []*pipeline.Batch
	has   []bool
	first int // the lowest parent present
}

// decodeSet decodes the set encoded in words into j.set, and frees the
// strings and batches it refers to.
func (j *Join) decodeSet(words []uint64) {
	v := &j.set
	clear(v.has)
	clear(v.bs)
	v.first = len(v.has)
	k := 1 // after the time
	for {
		hdr := words[k]
		k++
		src := int(hdr >> srcShift & srcBits)
		s := j.shapes.list[hdr&shapeBits]
		pt := &v.pts[src]
		pt.Name = s.name
		pt.Fields = pt.Fields[:0]
		for f, key := range s.Keys {
			pt.Fields = append(pt.Fields, pipeline.Field{Key: key, Value: pipeline.Value{Kind: s.Kinds[f]}})
			val := &pt.Fields[len(pt.Fields)-1].Value
			if val.Kind == pipeline.String {
				val.S = j.strs.take(words[k])
			} else {
				val.SetWord(words[k])
			}
			k++
		}
		if j.emitBatch != nil {
			v.bs[src] = j.batches.take(words[k])
			k++
		}
		v.has[src] = true
		v.first = min(v.first, src)
		if hdr&lastPoint != 0 {
			return
		}
	}
}

// refs is a table of the values that buffered points refer to by index:
// string field values, or batches. Freed slots are reused.
type refs[T any] struct {
	items []T
	free  []uint32
}

func (r *refs[T]) put(v T) uint64 {
	if n := len(r.free); n > 0 {
		i := r.free[n-1]
		r.free = r.free[:n-1]
		r.items[i] = v
		return uint64(i)
	}
	r.items = append(r.items, v)
	return uint64(len(r.items) - 1)
}

// take returns the value at i and frees its slot.
func (r *refs[T]) take(i uint64) T {
	v := r.items[i]
	var zero T
	r.items[i] = zero
	r.free = append(r.free, uint32(i))
	return v
}

// fshape is what a joined point takes from a buffered point besides its
// values: its name and field keys and kinds (it has the group's tags).
type fshape struct {
	name string
	pipeline.Schema
}

func (s *fshape) matches(p *pipeline.Point) bool {
	return s.name == p.Name && s.Schema.Matches(p.Fields)
}

// fshapes interns a join's shapes, numbered in the order made. Buffered
// points refer to them by number, so they are never forgotten: there are
// as many as distinct names and field sets the parents send.
type fshapes struct {
	byKey map[string]uint32
	list  []*fshape
	key   []byte
}

// of returns the number of p's shape. recent is the caller's last answer
// (-1 for none), tried first, as a parent's points usually share a shape.
func (ss *fshapes) of(p *pipeline.Point, recent *int32) uint32 {
	if *recent >= 0 && ss.list[*recent].matches(p) {
		return uint32(*recent)
	}
	k := pipeline.AppendKeyString(ss.key[:0], p.Name)
	k = pipeline.AppendSchemaKey(k, p.Fields)
	ss.key = k
	id, ok := ss.byKey[string(k)]
	if !ok {
		s := &fshape{name: strings.Clone(p.Name), Schema: pipeline.SchemaOf(p.Fields)}
		if ss.byKey == nil {
			ss.byKey = map[string]uint32{}
		}
		id = uint32(len(ss.list))
		ss.list = append(ss.list, s)
		ss.byKey[string(k)] = id
	}
	*recent = int32(id)
	return id
}
