package join

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// joinModel is a test oracle for joins without .on(): Kapacitor's
// joinGroup restated over maps of plain points, with none of the encoding
// of sets.go.
type joinModel struct {
	cfg    JoinConfig
	groups map[*pipeline.Group]*modelGroup
	order  []*pipeline.Group // by first point, for Flush
	out    []string
}

type modelGroup struct {
	g         *pipeline.Group
	sets      map[int64][]*modelSet // by time, in the order made
	heads     []int64
	oldest    int64
	hasOldest bool
}

type modelSet struct {
	pts   []*pipeline.Point // by parent; nil: none
	size  int
	first int
}

func (m *joinModel) push(src int, p *pipeline.Point) {
	g := m.groups[p.Group]
	if g == nil {
		g = &modelGroup{g: p.Group, sets: map[int64][]*modelSet{}, heads: make([]int64, len(m.cfg.Names))}
		for i := range g.heads {
			g.heads[i] = zeroTime
		}
		m.groups[p.Group] = g
		m.order = append(m.order, p.Group)
	}
	t := pipeline.Round(p.Time, m.cfg.Tolerance)
	if !g.hasOldest || t < g.oldest {
		g.oldest, g.hasOldest = t, true
	}
	var set *modelSet
	for _, s := range g.sets[t] {
		if s.pts[src] == nil {
			set = s
			break
		}
	}
	if set == nil {
		set = &modelSet{pts: make([]*pipeline.Point, len(m.cfg.Names)), first: len(m.cfg.Names)}
		g.sets[t] = append(g.sets[t], set)
	}
	c := p.Clone()
	set.pts[src] = &c
	set.size++
	set.first = min(set.first, src)
	g.heads[src] = t
	m.emit(g, m.onlyReady(g))
}

func (m *joinModel) onlyReady(g *modelGroup) bool {
	for _, h := range g.heads {
		if !g.hasOldest || h <= g.oldest {
			return true
		}
	}
	return false
}

func (m *joinModel) emit(g *modelGroup, onlyReady bool) {
	if len(g.sets) == 0 {
		return
	}
	sets := g.sets[g.oldest]
	i := 0
	for ; i < len(sets); i++ {
		if sets[i].size != len(m.cfg.Names) && onlyReady {
			break
		}
		m.emitSet(g, g.oldest, sets[i])
	}
	if i == len(sets) {
		delete(g.sets, g.oldest)
	} else {
		g.sets[g.oldest] = sets[i:]
	}
	g.hasOldest = false
	for t := range g.sets {
		if !g.hasOldest || t < g.oldest {
			g.oldest, g.hasOldest = t, true
		}
	}
	if !onlyReady {
		m.emit(g, m.onlyReady(g))
	}
}

func (m *joinModel) emitSet(g *modelGroup, t int64, s *modelSet) {
	first := s.pts[s.first]
	out := pipeline.Point{Name: first.Name, Time: t, Tags: g.g.Tags}
	for i, p := range s.pts {
		if p != nil {
			for _, f := range p.Fields {
				out.Fields = append(out.Fields, pipeline.Field{Key: m.cfg.Names[i] + m.cfg.Delimiter + f.Key, Value: f.Value})
			}
			continue
		}
		var v pipeline.Value
		switch m.cfg.Fill {
		case FillNone:
			return
		case FillValue:
			v = m.cfg.FillValue
		}
		for _, f := range first.Fields {
			out.Fields = append(out.Fields, pipeline.Field{Key: m.cfg.Names[i] + m.cfg.Delimiter + f.Key, Value: v})
		}
	}
	sort.SliceStable(out.Fields, func(a, b int) bool { return out.Fields[a].Key < out.Fields[b].Key })
	m.out = append(m.out, describe(&out))
}

func (m *joinModel) flush() {
	for _, pg := range m.order {
		g := m.groups[pg]
		for len(g.sets) > 0 {
			m.emit(g, false)
		}
	}
}

// TestJoinAgainstModel joins random points of 2 to 4 parents, in two
// groups, with late points, repeated times, a tolerance and fields of
// every kind that change from point to point, and compares what the join
// emits with the model.
func TestJoinAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	fills := []JoinConfig{{Fill: FillNone}, {Fill: FillNull}, {Fill: FillValue, FillValue: pipeline.IntValue(-1)}}
	kinds := []func(int) pipeline.Value{
		func(i int) pipeline.Value { return pipeline.FloatValue(float64(i) / 2) },
		func(i int) pipeline.Value { return pipeline.IntValue(int64(i)) },
		func(i int) pipeline.Value { return pipeline.StringValue(fmt.Sprint("s", i)) },
		func(i int) pipeline.Value { return pipeline.BoolValue(i%2 == 0) },
	}
	for iter := range 2000 {
		cfg := fills[r.IntN(len(fills))]
		cfg.Names = []string{"a", "b", "c", "d"}[:2+r.IntN(3)]
		cfg.Delimiter = "."
		if r.IntN(2) == 0 {
			cfg.Tolerance = time.Second
		}
		gs := pipeline.NewGroups()
		var c collector
		j := mustJoin(NewJoin(cfg, gs, c.emit))
		m := &joinModel{cfg: cfg, groups: map[*pipeline.Group]*modelGroup{}}
		var log []string
		clock := int64(0)
		for i := range 5 + r.IntN(60) {
			if r.IntN(4) == 0 {
				clock += int64(r.IntN(3)) * sec
			}
			ts := clock + int64(r.IntN(1500))*int64(time.Millisecond)
			if r.IntN(8) == 0 {
				ts -= int64(r.IntN(4)) * sec // late
			}
			src := r.IntN(len(cfg.Names))
			p := &pipeline.Point{Name: fmt.Sprint("m", src), Time: ts}
			p.SetTag("host", fmt.Sprint("h", r.IntN(2)))
			for f := range 1 + r.IntN(3) {
				p.SetField(fmt.Sprint("f", f), kinds[r.IntN(len(kinds))](i))
			}
			p.Group = gs.By(p, []string{"host"}, false)
			log = append(log, fmt.Sprintf("%d<-%s", src, describe(p)))
			j.Push(src, p)
			m.push(src, p)
		}
		j.Flush()
		m.flush()
		if !slices.Equal(c.got, m.out) {
			t.Fatalf("iteration %d, %+v, input\n\t%s\ngot\n\t%s\nwant\n\t%s", iter, cfg,
				strings.Join(log, "\n\t"), strings.Join(c.got, "\n\t"), strings.Join(m.out, "\n\t"))
		}
		if len(j.strs.free) != len(j.strs.items) {
			t.Fatalf("iteration %d: %d of %d string slots free once everything is emitted", iter, len(j.strs.free), len(j.strs.items))
		}
	}
}
