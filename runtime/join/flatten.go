package join

import (
	"fmt"
	"slices"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// FlattenConfig is a flatten node's properties.
type FlattenConfig struct {
	On                    []string // .on(): the tags whose values name the fields
	Delimiter             string   // .delimiter(), "." by default
	Tolerance             time.Duration
	DropOriginalFieldName bool
}

// Flatten is the runtime of one flatten node (Kapacitor's flatten.go). A group's points of one time (rounded to the tolerance) are
// buffered; when a point of another time arrives they are flattened into
// one point with the group's first name and tags at the buffered time:
// each field is named by the point's values of the .on() tags and the
// field's name, joined by the delimiter (without the field's name with
// .dropOriginalFieldName()), later points overwriting earlier ones. A
// point without one of the tags is left out, counted as an error. A
// group's last time stays buffered.
type Flatten struct {
	cfg     FlattenConfig
	emit    func(*pipeline.Point)
	onError func(error)
	groups  pipeline.PerGroup[flattenGroup]
	// prefix is the field name being built. As Kapacitor's pooled buffer,
	// it keeps what a point missing a tag left in it.
	prefix []byte
	names  map[string]string
	out    pipeline.Point
}

type flattenGroup struct {
	time   int64
	name   string
	group  *pipeline.Group
	points []pipeline.Point
}

// NewFlatten returns a flatten node that sends its points to emit and the
// points missing a tag to onError.
func NewFlatten(cfg FlattenConfig, emit func(*pipeline.Point), onError func(error)) *Flatten {
	return &Flatten{cfg: cfg, emit: emit, onError: onError, names: map[string]string{}}
}

// Cardinality is the number of groups seen.
func (f *Flatten) Cardinality() int { return f.groups.Cardinality() }

// Push adds p to its group's buffer, first flattening the buffered points
// when p is of another time.
func (f *Flatten) Push(p *pipeline.Point) {
	g, isNew := f.groups.Get(p.Group)
	t := pipeline.Round(p.Time, f.cfg.Tolerance)
	if isNew {
		g.time, g.name, g.group = t, p.Name, p.Group
	}
	if t != g.time {
		if len(g.points) > 0 {
			f.flatten(g)
			clear(g.points)
			g.points = g.points[:0]
		}
		g.time = t
	}
	q := p.Clone()
	q.Time = t
	g.points = append(g.points, q)
}

// flatten emits the group's buffered points as one point, if it has fields.
func (f *Flatten) flatten(g *flattenGroup) {
	out := &f.out
	out.Fields = f.merge(out.Fields[:0], g.points)
	if len(out.Fields) == 0 {
		return
	}
	out.Name = g.name
	out.DB, out.RP = "", ""
	out.Time = g.time
	out.Group = g.group
	out.Tags = append(out.Tags[:0], g.group.Tags...)
	f.emit(out)
}

// PushBatch flattens a batch, as Kapacitor does on a batch edge: each run
// of its points with the same rounded time becomes one point of the
// returned batch, at that time, with the batch's tags. Batches are not
// buffered across.
func (f *Flatten) PushBatch(b *pipeline.Batch) *pipeline.Batch {
	f.groups.Get(b.Group) // for the working cardinality
	out := &pipeline.Batch{Name: b.Name, TMax: b.TMax, Group: b.Group, Tags: b.Tags}
	for i := 0; i < len(b.Points); {
		t := pipeline.Round(b.Points[i].Time, f.cfg.Tolerance)
		k := i + 1
		for k < len(b.Points) && pipeline.Round(b.Points[k].Time, f.cfg.Tolerance) == t {
			k++
		}
		if fields := f.merge(nil, b.Points[i:k]); len(fields) > 0 {
			out.Points = append(out.Points, pipeline.Point{Name: b.Name, Time: t, Tags: slices.Clone(b.Tags), Fields: fields, Group: b.Group})
		}
		i = k
	}
	return out
}

// merge appends to fields the fields of points named after their tags,
// sorted, later points overwriting earlier ones.
func (f *Flatten) merge(fields []pipeline.Field, points []pipeline.Point) []pipeline.Field {
	delim := f.cfg.Delimiter
	buf := f.prefix
points:
	for i := range points {
		p := &points[i]
		for k, tag := range f.cfg.On {
			v, ok := p.Tag(tag)
			if !ok {
				f.onError(fmt.Errorf("point missing tag for flatten operation: tag %s is missing from point", tag))
				continue points
			}
			if k > 0 {
				buf = append(buf, delim...)
			}
			buf = append(buf, v...)
		}
		l := len(buf)
		for _, fl := range p.Fields {
			if !f.cfg.DropOriginalFieldName {
				if l > 0 {
					buf = append(buf, delim...)
				}
				buf = append(buf, fl.Key...)
			}
			fields = append(fields, pipeline.Field{Key: f.name(buf), Value: fl.Value})
			buf = buf[:l]
		}
		buf = buf[:0]
	}
	f.prefix = buf
	return sortFields(fields)
}

// name returns buf as a string, made once per distinct name.
func (f *Flatten) name(buf []byte) string {
	if s, ok := f.names[string(buf)]; ok {
		return s
	}
	if len(f.names) >= maxNames {
		clear(f.names)
	}
	s := string(buf)
	f.names[s] = s
	return s
}
