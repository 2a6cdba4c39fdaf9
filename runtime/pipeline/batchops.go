package pipeline

import (
	"cmp"
	"slices"
)

// This file holds what the batch-edge versions of where, eval, default,
// delete, groupBy and trickle share, and the regrouping of points whose
// tags default() or delete() changed.
//
// The points of a batch share one tags slice with the batch (a query's
// series tags), so a node never changes a batch point's tags in place: it
// gives the point a new slice with WithTag or WithoutTag.

// WithTag returns a copy of tags (sorted by key) with key set to value.
func WithTag(tags []Tag, key, value string) []Tag {
	out := make([]Tag, len(tags), len(tags)+1)
	copy(out, tags)
	return setTag(out, key, value)
}

// WithoutTag returns a copy of tags without key, and whether key was there;
// tags itself when it was not.
func WithoutTag(tags []Tag, key string) ([]Tag, bool) {
	for i := range tags {
		if tags[i].Key == key {
			out := make([]Tag, 0, len(tags)-1)
			return append(append(out, tags[:i]...), tags[i+1:]...), true
		}
	}
	return tags, false
}

// TagValue returns the value of the tag called key.
func TagValue(tags []Tag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// SetGroup sets the group of b and of its points.
func (b *Batch) SetGroup(g *Group) {
	b.Group = g
	for i := range b.Points {
		b.Points[i].Group = g
	}
}

// ByTags returns the group whose dimensions are all of tags (sorted by
// key): Kapacitor's group of a batch after default() or delete() changed
// the batch's tags, as the batch's dimensions follow its tags.
func (r *Groups) ByTags(name string, tags []Tag, byName bool) *Group {
	return r.ByAll(&Point{Name: name, Tags: tags}, nil, byName)
}

// Like returns the group of p for the dimensions of g (its tag keys, and
// the measurement if g has it): trickle() gives each point of a batch the
// batch's dimensions, with the point's own tag values, and default() a
// point whose group-by tag it set the new value's group.
func (r *Groups) Like(p *Point, g *Group) *Group { return r.dimsOf(p, g, nil) }

// Without returns the group of p for the dimensions of g less names: a
// point whose group-by tag delete() removed leaves that dimension, as in
// Kapacitor. It returns g itself when no dimension is in names.
func (r *Groups) Without(g *Group, p *Point, names []string) *Group {
	for _, t := range g.Tags {
		if contains(names, t.Key) {
			return r.dimsOf(p, g, names)
		}
	}
	return g
}

// dimsOf returns the group of p for the dimensions of g less drop.
func (r *Groups) dimsOf(p *Point, g *Group, drop []string) *Group {
	r.key = r.key[:0]
	r.tags = r.tags[:0]
	if g.ByName {
		r.key = append(r.key, p.Name...)
		r.key = append(r.key, '\n')
	}
	for _, d := range g.Tags {
		if contains(drop, d.Key) {
			continue
		}
		v, _ := p.Tag(d.Key)
		if len(r.tags) > 0 {
			r.key = append(r.key, ',')
		}
		r.key = append(r.key, d.Key...)
		r.key = append(r.key, '=')
		r.key = append(r.key, v...)
		r.tags = append(r.tags, Tag{Key: d.Key, Value: v})
	}
	return r.lookup(p.Name, g.ByName)
}

// BatchGroupBy is groupBy() on a batch edge. As in Kapacitor, the points of
// every batch are regrouped by the new dimensions, the points of batches
// with the same time that fall in one group are merged into one batch, and
// those batches are emitted, their points sorted by time, when a batch with
// another time arrives. So an empty batch emits nothing of its own, and the
// batches of the last time are never emitted (Kapacitor emits them on the
// next batch only). Kapacitor emits the groups of one time in map order;
// here they come in the order their first point arrived.
type BatchGroupBy struct {
	dims    []string // sorted tag names, unless all
	all     bool     // groupBy(*): every tag but the excluded ones
	exclude []string
	byName  bool

	last    int64
	pending []Batch // the first n are in use
	n       int
	index   map[*Group]int // group → pending index
	// The points of the pending batches are copies, made in these
	// buffers: an input batch is only lent for the call. The buffers are
	// reused once the batches are emitted.
	fields []Field
	tags   []Tag
}

// NewBatchGroupBy returns the regrouping of groupBy(dims...); all is
// groupBy(*). exclude is .exclude(), byName .byMeasurement().
func NewBatchGroupBy(dims []string, all bool, exclude []string, byName bool) *BatchGroupBy {
	dims = slices.Clone(dims)
	slices.Sort(dims)
	return &BatchGroupBy{dims: dims, all: all, exclude: exclude, byName: byName, index: map[*Group]int{}}
}

// Push regroups the points of b, first emitting the pending batches if b
// has another time than they have. The batches passed to emit are valid
// only during the call.
func (r *BatchGroupBy) Push(groups *Groups, b *Batch, emit func(*Batch)) {
	if b.TMax != r.last {
		r.flush(emit)
		r.last = b.TMax
	}
	byName := r.byName || (b.Group != nil && b.Group.ByName)
	for i := range b.Points {
		src := &b.Points[i]
		// A batch point has the batch's measurement.
		src.Name = b.Name
		var g *Group
		if r.all {
			g = groups.ByAll(src, r.exclude, byName)
		} else {
			g = groups.By(src, r.dims, byName)
		}
		k, ok := r.index[g]
		if !ok {
			k = r.open(b, g)
		}
		dst := &r.pending[k]
		dst.Points = append(dst.Points, Point{Name: b.Name, Time: src.Time, Group: g,
			Tags: r.copyTags(src.Tags), Fields: r.copyFields(src.Fields)})
	}
}

// open starts the pending batch of group g, with b's name and time and
// the group's tags.
func (r *BatchGroupBy) open(b *Batch, g *Group) int {
	k := r.n
	if k == len(r.pending) {
		r.pending = append(r.pending, Batch{})
	}
	r.n++
	pb := &r.pending[k]
	*pb = Batch{Name: b.Name, TMax: b.TMax, Group: g, Tags: g.Tags, Points: pb.Points[:0]}
	r.index[g] = k
	return k
}

// copyFields copies fields into the node's buffer; the copy's capacity is
// its length, so that a node appending to it does not overwrite the next.
func (r *BatchGroupBy) copyFields(fields []Field) []Field {
	start := len(r.fields)
	r.fields = append(r.fields, fields...)
	return r.fields[start:len(r.fields):len(r.fields)]
}

func (r *BatchGroupBy) copyTags(tags []Tag) []Tag {
	start := len(r.tags)
	r.tags = append(r.tags, tags...)
	return r.tags[start:len(r.tags):len(r.tags)]
}

// flush emits the pending batches and forgets them.
func (r *BatchGroupBy) flush(emit func(*Batch)) {
	for k := range r.n {
		b := &r.pending[k]
		if byTime := func(x, y Point) int { return cmp.Compare(x.Time, y.Time) }; !slices.IsSortedFunc(b.Points, byTime) {
			slices.SortStableFunc(b.Points, byTime)
		}
		emit(b)
		// A child may have shortened the batch (where): keep the whole
		// buffer for the next use.
		b.Points = b.Points[:0]
	}
	r.n = 0
	clear(r.index)
	r.fields = r.fields[:0]
	r.tags = r.tags[:0]
}

// Pending is the number of batches waiting for the next time: the node's
// working cardinality.
func (r *BatchGroupBy) Pending() int { return r.n }
