package join

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Fill is join's .fill(): what stands in for a parent that has no point in
// a joined set.
type Fill uint8

const (
	// FillNone drops such a set: an inner join ('none', the default).
	FillNone Fill = iota
	// FillNull gives the missing parent's fields the value null.
	FillNull
	// FillValue gives them JoinConfig.FillValue (a number).
	FillValue
)

// JoinConfig is a join node's properties.
type JoinConfig struct {
	// Names are .as(): the field name prefix of each parent, in parent
	// order (the node join() is called on first).
	Names []string
	// On are .on()'s dimensions; empty to join whole groups.
	On         []string
	Delimiter  string // .delimiter(), "." by default
	Tolerance  time.Duration
	Fill       Fill
	FillValue  pipeline.Value // an int or float, for FillValue
	StreamName string         // .streamName(); "" keeps the first point's name
	// DeleteAll is .deleteAll(): a group deletion resets the times of
	// every parent and group (see Delete).
	DeleteAll bool
}

// Join is the runtime of one join node (Kapacitor's join.go). Each parent
// calls Push with its index. Points are joined per group on their time
// rounded to the tolerance: a set holds at most one point of each parent,
// and a point goes to the first set of its time that lacks its parent.
//
// In each group the sets are emitted oldest time first: a set as soon as it
// is complete and no older set waits, and every set of a time, complete or
// not, once each parent's last point in the group is later than that time.
// An incomplete set is emitted with its missing fields filled as .fill()
// says, or dropped for an inner join.
//
// With .on(), points whose group has more dimensions than the on
// dimensions ("specific" points, such as per cpu) are joined with the
// other parents' points of their on-group (such as per host) at the same
// time, each of which may join many specific points; the joined point has
// the specific point's group. A specific point is joined alone (and so
// filled or dropped) once every parent has passed its time in the
// on-group. As in Kapacitor, points whose groups have no more dimensions
// than .on() are only ever joined with specific points.
//
// On a batch edge (NewBatchJoin) the same holds for batches, at their
// time (TMax): the batches of a set are joined point by point on their
// rounded times into one batch (see emitBatchSet).
type Join struct {
	cfg       JoinConfig
	groups    *pipeline.Groups
	emit      func(*pipeline.Point)
	emitBatch func(*pipeline.Batch) // on a batch edge
	prefix    []prefixer

	byGroup []joinGroup // by pipeline.Group.Index
	count   int

	// The buffered points' shapes, each parent's last one, and the
	// strings and batches they refer to (see sets.go).
	shapes  fshapes
	recent  []int32
	strs    refs[string]
	batches refs[*pipeline.Batch]
	enc     []uint64 // scratch of encodePoint
	set     setView  // the set being emitted

	// .on() state: which parents have sent a point at all, and per
	// on-group the buffered points.
	reported  []bool
	nReported int
	onGroups  map[string]*onGroup
	key       []byte

	out     pipeline.Point
	scratch pipeline.Point
	dims    []string
	bj      batchJoiner
}

// NewJoin returns a join of len(cfg.Names) parents that sends joined
// points to emit. groups is the task's group registry, for the groups of
// points renamed by .streamName() when grouped by measurement.
func NewJoin(cfg JoinConfig, groups *pipeline.Groups, emit func(*pipeline.Point)) (*Join, error) {
	if len(cfg.Names) == 0 {
		return nil, errors.New("a call to join.as() is required to specify the output stream prefixes")
	}
	switch {
	case cfg.Fill > FillValue:
		return nil, fmt.Errorf("unexpected fill option %d", cfg.Fill)
	case cfg.Fill == FillValue && cfg.FillValue.Kind != pipeline.Int && cfg.FillValue.Kind != pipeline.Float:
		return nil, fmt.Errorf("unexpected fill value of type %s: want a number", cfg.FillValue.Kind)
	}
	n := len(cfg.Names)
	j := &Join{
		cfg:      cfg,
		groups:   groups,
		emit:     emit,
		prefix:   newPrefixers(cfg.Names, cfg.Delimiter),
		reported: make([]bool, n),
		onGroups: map[string]*onGroup{},
		recent:   make([]int32, n),
		set:      setView{pts: make([]pipeline.Point, n), bs: make([]*pipeline.Batch, n), has: make([]bool, n)},
	}
	for i := range j.recent {
		j.recent[i] = -1
	}
	return j, nil
}

// NewBatchJoin returns a join of batches, which sends joined batches to
// emit.
func NewBatchJoin(cfg JoinConfig, groups *pipeline.Groups, emit func(*pipeline.Batch)) (*Join, error) {
	j, err := NewJoin(cfg, groups, nil)
	if err != nil {
		return nil, err
	}
	j.emitBatch = emit
	return j, nil
}

// Cardinality is the number of groups the join holds sets for: Kapacitor's
// working_cardinality.
func (j *Join) Cardinality() int { return j.count }

// Push delivers a point of parent src.
func (j *Join) Push(src int, p *pipeline.Point) { j.push(src, p, nil) }

// PushBatch delivers a batch of parent src to a join of batches. It joins
// as a point with the batch's name, group and time would.
func (j *Join) PushBatch(src int, b *pipeline.Batch) {
	j.push(src, &pipeline.Point{Name: b.Name, Time: b.TMax, Group: b.Group}, cloneBatch(b))
}

// push delivers p, or the batch b that p stands for.
func (j *Join) push(src int, p *pipeline.Point, b *pipeline.Batch) {
	if len(j.cfg.On) > 0 {
		j.match(src, p, b)
		return
	}
	j.group(p.Group).add(j, src, p, b)
}

// Barrier is a barrier of parent src for group pg at time t (a barrier
// node's): src sends nothing older in that group, so the group's sets that
// every parent has passed are emitted, as for a point of src at t.
func (j *Join) Barrier(src int, pg *pipeline.Group, t int64) {
	g := j.group(pg)
	g.heads(j)[src] = uint64(j.round(t))
	g.emit(j, g.onlyReady(j))
}

// Delete forgets group pg as a barrier's .delete(TRUE) of parent src asks,
// as in Kapacitor: the group's buffered sets and the points its .on()
// group waits with are dropped, and src's time in that .on() group starts
// over, or with .deleteAll() every parent's time in every .on() group.
func (j *Join) Delete(src int, pg *pipeline.Group) {
	if pg.Index < len(j.byGroup) && j.byGroup[pg.Index].group != nil {
		g := &j.byGroup[pg.Index]
		g.release(j)
		*g = joinGroup{}
		j.count--
	}
	if og := j.onGroups[pg.ID]; og != nil {
		og.matches.drop(len(og.matches.items))
		og.specific.drop(len(og.specific.items))
		og.lowMarks[src] = zeroTime
	}
	if j.cfg.DeleteAll {
		for _, og := range j.onGroups {
			for i := range og.lowMarks {
				og.lowMarks[i] = zeroTime
			}
		}
	}
}

// Flush emits every buffered set, complete or not, as Kapacitor does when
// the task stops.
func (j *Join) Flush() {
	for i := range j.byGroup {
		g := &j.byGroup[i]
		for !g.empty() {
			g.emit(j, false)
		}
	}
}

func (j *Join) round(t int64) int64 { return pipeline.Round(t, j.cfg.Tolerance) }

func (j *Join) group(pg *pipeline.Group) *joinGroup {
	if pg.Index >= len(j.byGroup) {
		j.byGroup = append(j.byGroup, make([]joinGroup, pg.Index+1-len(j.byGroup))...)
	}
	// The pointer is good until the next new group.
	g := &j.byGroup[pg.Index]
	if g.group == nil {
		g.init(pg, len(j.cfg.Names))
		j.count++
	}
	return g
}

// srcPoint is a buffered point and the parent it came from; b is the
// batch it stands for on a batch edge.
type srcPoint struct {
	src int
	p   pipeline.Point
	b   *pipeline.Batch
}

// queue is a FIFO of buffered points. The slots past its length keep the
// arrays of dropped points for the next pushes, so that a queue in use
// allocates nothing per point.
type queue struct{ items []srcPoint }

// push appends a copy of p of parent src (standing for b) and returns it.
func (q *queue) push(src int, p *pipeline.Point, b *pipeline.Batch) *srcPoint {
	if len(q.items) < cap(q.items) {
		q.items = q.items[:len(q.items)+1]
	} else {
		q.items = append(q.items, srcPoint{})
	}
	sp := &q.items[len(q.items)-1]
	sp.src, sp.b = src, b
	p.CopyTo(&sp.p)
	return sp
}

// drop removes the first n points, moving them past the queue's end.
func (q *queue) drop(n int) {
	if n <= 0 {
		return
	}
	// A rotation to the left by n, as three reversals.
	slices.Reverse(q.items[:n])
	slices.Reverse(q.items[n:])
	slices.Reverse(q.items)
	m := len(q.items) - n
	for i := m; i < len(q.items); i++ {
		q.items[i].b = nil
	}
	q.items = q.items[:m]
}

// onGroup is the state of one group of the .on() dimensions.
type onGroup struct {
	// lowMarks are the rounded time of each parent's last point.
	lowMarks []int64
	// matches are the less specific points, specific the specific ones
	// that wait for a match.
	matches, specific queue
}

func (j *Join) onGroup(p *pipeline.Point) *onGroup {
	// The key is Kapacitor's group ID of the point for the on dimensions.
	j.key = j.key[:0]
	if p.Group.ByName {
		j.key = append(j.key, p.Name...)
		j.key = append(j.key, '\n')
	}
	for i, d := range j.cfg.On {
		if i > 0 {
			j.key = append(j.key, ',')
		}
		j.key = append(j.key, d...)
		j.key = append(j.key, '=')
		for _, t := range p.Group.Tags {
			if t.Key == d {
				j.key = append(j.key, t.Value...)
				break
			}
		}
	}
	if og, ok := j.onGroups[string(j.key)]; ok {
		return og
	}
	og := &onGroup{lowMarks: make([]int64, len(j.cfg.Names))}
	for i := range og.lowMarks {
		og.lowMarks[i] = zeroTime
	}
	j.onGroups[string(j.key)] = og
	return og
}

// match is Kapacitor's JoinNode.matchPoints: it pairs specific points with
// the less specific points of their on-group, and passes the pairs, and
// the specific points that can no longer be paired, to the join groups.
func (j *Join) match(src int, p *pipeline.Point, b *pipeline.Batch) {
	if !j.reported[src] {
		j.reported[src] = true
		j.nReported++
	}
	all := j.nReported == len(j.reported)
	t := j.round(p.Time)
	og := j.onGroup(p)
	og.lowMarks[src] = t

	// The low mark is the oldest of the parents' last times. Kapacitor
	// takes a parent that has not sent a point to this on-group as the
	// zero time, which the next parent's time then replaces; this does
	// the same.
	lowMark := zeroTime
	if all {
		for _, lm := range og.lowMarks {
			if lowMark == zeroTime || lm < lowMark {
				lowMark = lm
			}
		}
		// Specific points older than the low mark will not be matched:
		// join them alone.
		i := 0
		for ; i < len(og.specific.items); i++ {
			sp := &og.specific.items[i]
			if j.round(sp.p.Time) >= lowMark {
				break
			}
			j.group(sp.p.Group).add(j, sp.src, &sp.p, sp.b)
		}
		og.specific.drop(i)
	}

	if len(p.Group.Tags) > len(j.cfg.On) {
		own := srcPoint{src: src, p: *p, b: b} // copied if it waits
		matched := false
		i := 0
		for ; i < len(og.matches.items); i++ {
			m := &og.matches.items[i]
			mt := j.round(m.p.Time)
			if mt == t {
				j.collectPair(&own, m)
				matched = true
			}
			if mt >= lowMark {
				break
			}
		}
		if all {
			// The low mark cannot be trusted before every parent has
			// reported: only then drop the match points before it.
			og.matches.drop(i)
		}
		if !matched {
			if all && t < lowMark {
				j.group(own.p.Group).add(j, own.src, &own.p, own.b)
			} else {
				og.specific.push(own.src, &own.p, own.b)
			}
		}
		return
	}

	m := og.matches.push(src, p, b)
	i := 0
	for ; i < len(og.specific.items); i++ {
		sp := &og.specific.items[i]
		if j.round(sp.p.Time) != t {
			break
		}
		j.collectPair(sp, m)
	}
	og.specific.drop(i)
}

// collectPair passes a specific point and its match to the specific
// point's join group, where they join as points of that group.
func (j *Join) collectPair(specific, match *srcPoint) {
	g := j.group(specific.p.Group)
	g.add(j, specific.src, &specific.p, specific.b)
	g.add(j, match.src, &match.p, match.b)
}

// emitSet joins a set into one point and emits it: the fields of each
// parent's point prefixed with its name, the first point's name (or
// .streamName()) and the group's tags, at the set's time.
func (j *Join) emitSet(g *joinGroup, t int64, s *setView) {
	if j.emitBatch != nil {
		j.emitBatchSet(g, t, s)
		return
	}
	first := &s.pts[s.first]
	out := &j.out
	out.Fields = out.Fields[:0]
	for i := range s.pts {
		if s.has[i] {
			for _, f := range s.pts[i].Fields {
				out.Fields = append(out.Fields, pipeline.Field{Key: j.prefix[i].name(f.Key), Value: f.Value})
			}
			continue
		}
		// A missing parent gets the first point's field names.
		v, ok := j.fill()
		if !ok {
			return // an inner join has no point here
		}
		for _, f := range first.Fields {
			out.Fields = append(out.Fields, pipeline.Field{Key: j.prefix[i].name(f.Key), Value: v})
		}
	}
	out.Fields = sortFields(out.Fields)
	out.Name = j.cfg.StreamName
	if out.Name == "" {
		out.Name = first.Name
	}
	out.DB, out.RP = "", ""
	out.Time = t
	out.Group = j.outGroup(g.group, out.Name)
	out.Tags = append(out.Tags[:0], g.group.Tags...)
	j.emit(out)
}

// fill returns the value of a missing parent's fields, as .fill() says:
// null or the fill number; false for an inner join, which drops the set.
func (j *Join) fill() (pipeline.Value, bool) {
	switch j.cfg.Fill {
	case FillNull:
		return pipeline.Value{}, true
	case FillValue:
		return j.cfg.FillValue, true
	}
	return pipeline.Value{}, false
}

// outGroup is the group of a joined point called name: the set's group,
// unless it is grouped by measurement and the name changed.
func (j *Join) outGroup(g *pipeline.Group, name string) *pipeline.Group {
	if !g.ByName || name == g.Name || j.groups == nil {
		return g
	}
	j.dims = j.dims[:0]
	for _, t := range g.Tags {
		j.dims = append(j.dims, t.Key)
	}
	j.scratch.Name = name
	j.scratch.Tags = g.Tags
	return j.groups.By(&j.scratch, j.dims, true)
}
