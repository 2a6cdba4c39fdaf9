package join

import (
	"slices"

	"github.com/tickc/tickc/runtime/pipeline"
)

// cloneBatch copies a batch the join keeps, its points' tags and fields
// in one array each (capped per point, so that appending to one point's
// copies cannot overwrite the next point's).
func cloneBatch(b *pipeline.Batch) *pipeline.Batch {
	c := *b
	c.Points = slices.Clone(b.Points)
	nt, nf := 0, 0
	for i := range b.Points {
		nt += len(b.Points[i].Tags)
		nf += len(b.Points[i].Fields)
	}
	tags := make([]pipeline.Tag, 0, nt)
	fields := make([]pipeline.Field, 0, nf)
	for i := range c.Points {
		p := &c.Points[i]
		t0, f0 := len(tags), len(fields)
		tags = append(tags, p.Tags...)
		fields = append(fields, p.Fields...)
		p.Tags = tags[t0:len(tags):len(tags)]
		p.Fields = fields[f0:len(fields):len(fields)]
	}
	return &c
}

// batchJoiner is the scratch space of emitBatchSet.
type batchJoiner struct {
	next  []int             // each parent's next point
	done  []bool            // parents whose points are all used
	set   []*pipeline.Point // the points of the time being joined
	names []string          // the field names a missing parent fills
}

// emitBatchSet joins a set of batches into one batch, as Kapacitor's
// JoinIntoBatch does: it walks the batches' points in parallel, each time
// taking the points of the earliest rounded time among the parents' next
// points, and joins them into one point as emitSet joins points. A parent
// without a point at that time is filled with the field names of the
// first point joined in the set, or, for an inner join, the time gives no
// point. The batch has the first batch's tags and the set's time.
func (j *Join) emitBatchSet(g *joinGroup, t int64, s *setView) {
	n := len(j.cfg.Names)
	bj := &j.bj
	bj.next = append(bj.next[:0], make([]int, n)...)
	bj.done = append(bj.done[:0], make([]bool, n)...)
	bj.set = append(bj.set[:0], make([]*pipeline.Point, n)...)
	bj.names = bj.names[:0]
	first := s.bs[s.first]
	name := j.cfg.StreamName
	if name == "" {
		name = first.Name
	}
	out := pipeline.Batch{Name: name, TMax: t, Group: j.outGroup(g.group, name), Tags: slices.Clone(first.Tags)}
	// Enough room for the points of every batch joined, or filled, once.
	nf, np := 0, 0
	for _, b := range s.bs {
		if b != nil {
			np = max(np, len(b.Points))
			for i := range b.Points {
				nf += len(b.Points[i].Fields)
			}
		}
	}
	arena := arena{tags: make([]pipeline.Tag, 0, np*len(first.Tags)), fields: make([]pipeline.Field, 0, nf)}
	for done := 0; done < n; {
		clear(bj.set)
		var at int64
		count := 0
		for i := 0; i < n; i++ {
			if bj.done[i] {
				continue
			}
			b := s.bs[i]
			if b == nil || bj.next[i] == len(b.Points) {
				bj.done[i] = true
				done++
				continue
			}
			bp := &b.Points[bj.next[i]]
			pt := j.round(bp.Time)
			switch {
			case count == 0:
				at, count = pt, 1
				if bj.noNames() {
					bj.nameFields(bp)
				}
			case pt < at:
				// An earlier time: the points taken so far wait. As in
				// Kapacitor, this point does not name the fill fields.
				for k := range bj.set {
					if bj.set[k] != nil {
						bj.next[k]--
						bj.set[k] = nil
					}
				}
				at, count = pt, 1
			case pt == at:
				count++
				if bj.noNames() {
					bj.nameFields(bp)
				}
			default:
				continue
			}
			bj.set[i] = bp
			bj.next[i]++
		}
		if count == 0 {
			continue
		}
		if p, ok := j.joinBatchPoints(bj, &arena, name, at, out.Tags, out.Group); ok {
			out.Points = append(out.Points, p)
		}
	}
	j.emitBatch(&out)
}

// arena holds the tags and fields of a joined batch's points, one array
// each, every point's part capped so that appending to it copies it.
type arena struct {
	tags   []pipeline.Tag
	fields []pipeline.Field
}

func (bj *batchJoiner) noNames() bool { return len(bj.names) == 0 }

func (bj *batchJoiner) nameFields(p *pipeline.Point) {
	for _, f := range p.Fields {
		bj.names = append(bj.names, f.Key)
	}
}

// joinBatchPoints joins the points of bj.set into one point at time t;
// false for an inner join missing a parent.
func (j *Join) joinBatchPoints(bj *batchJoiner, a *arena, name string, t int64, tags []pipeline.Tag, g *pipeline.Group) (pipeline.Point, bool) {
	f0 := len(a.fields)
	fields := a.fields
	for i, p := range bj.set {
		if p != nil {
			for _, f := range p.Fields {
				fields = append(fields, pipeline.Field{Key: j.prefix[i].name(f.Key), Value: f.Value})
			}
			continue
		}
		v, ok := j.fill()
		if !ok {
			a.fields = fields[:f0] // an inner join: nothing at this time
			return pipeline.Point{}, false
		}
		for _, k := range bj.names {
			fields = append(fields, pipeline.Field{Key: j.prefix[i].name(k), Value: v})
		}
	}
	a.fields = fields
	t0 := len(a.tags)
	a.tags = append(a.tags, tags...)
	return pipeline.Point{Name: name, Time: t, Tags: a.tags[t0:len(a.tags):len(a.tags)],
		Fields: sortFields(fields[f0:len(fields):len(fields)]), Group: g}, true
}
