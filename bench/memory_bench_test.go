package bench

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/join"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/window"
)

// The memory benchmarks measure what the stateful nodes hold per buffered
// point with 10,000 series: the live heap (after a GC) with the buffers
// full, minus the live heap before the node saw a point, divided by the
// points buffered. They run in this process, driving the runtime nodes as
// a task binary's generated code does (one reused point, grouped by host),
// because only the process itself can collect its garbage before
// measuring. Run them with
//
//	go test -run '^$' -bench Memory ./bench
//
// A series is Telegraf's cpu measurement, 10 s apart:
//
//	cpu,cpu=cpu-total,host=hostNNNNN usage_idle=…,usage_system=…,usage_user=…
//
// The target (issue 6): under 64 B per windowed point; Kapacitor users
// measured about 9.6 KB.

const memSeries = 10_000

// memPoints returns one point per series, grouped by host in groups. The
// tag strings and the groups belong to the baseline, as the interned
// strings and groups of a task's ingest would.
func memPoints(groups *pipeline.Groups, name string, tags ...pipeline.Tag) []pipeline.Point {
	pts := make([]pipeline.Point, memSeries)
	for i := range pts {
		p := &pts[i]
		p.Name = name
		p.Tags = append(append(p.Tags, tags...), pipeline.Tag{Key: "host", Value: fmt.Sprintf("host%05d", i)})
		p.Fields = []pipeline.Field{
			{Key: "usage_idle", Value: pipeline.FloatValue(90)},
			{Key: "usage_system", Value: pipeline.FloatValue(3)},
			{Key: "usage_user", Value: pipeline.FloatValue(7)},
		}
		p.Group = groups.By(p, []string{"host"}, false)
	}
	return pts
}

// each calls push with every series' point of the rounds [first, last]
// (round r is at r*10 s), through one point that it reuses.
func each(pts []pipeline.Point, first, last int, push func(*pipeline.Point)) {
	var p pipeline.Point
	for r := first; r <= last; r++ {
		for i := range pts {
			p.Name, p.Group = pts[i].Name, pts[i].Group
			p.Time = int64(r) * 10 * int64(time.Second)
			p.Tags = append(p.Tags[:0], pts[i].Tags...)
			p.Fields = append(p.Fields[:0], pts[i].Fields...)
			p.Fields[0].Value.F = float64(r % 100)
			push(&p)
		}
	}
}

func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// reportMemory reports heap bytes per buffered point and per series, and
// the points buffered per series.
func reportMemory(b *testing.B, heap int64, buffered int) {
	if buffered == 0 {
		b.Fatal("nothing is buffered")
	}
	b.ReportMetric(float64(heap)/float64(buffered), "B/buffered-point")
	b.ReportMetric(float64(heap)/memSeries, "B/series")
	b.ReportMetric(float64(buffered)/memSeries, "buffered-points/series")
}

// BenchmarkMemoryWindow: |window().period(1m).every(1m), the usual
// tumbling minute, and .every(10s), a sliding one. The windows are
// measured when they hold the most: a time window drops points only when
// it emits, so just before an emit of the tumbling window it holds two
// minutes of points (12), as Kapacitor's does. ns/point is the time to
// push a point, emits included.
func BenchmarkMemoryWindow(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  window.Config
	}{
		{"period=1m,every=1m", window.Config{Period: time.Minute, Every: time.Minute}},
		{"period=1m,every=10s", window.Config{Period: time.Minute, Every: 10 * time.Second}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			pts := memPoints(pipeline.NewGroups(), "cpu", pipeline.Tag{Key: "cpu", Value: "cpu-total"})
			var heap int64
			buffered, points := 0, 0
			var sum float64
			emit := func(bt *pipeline.Batch) {
				for i := range bt.Points {
					sum += bt.Points[i].Fields[0].Value.F
				}
			}
			start := time.Now()
			for b.Loop() {
				before := liveHeap()
				n, err := window.NewNode(bc.cfg)
				if err != nil {
					b.Fatal(err)
				}
				// Rounds 0-35: the tumbling windows emit at 60 s, ...,
				// 300 s and hold 240 s to 350 s.
				each(pts, 0, 35, func(p *pipeline.Point) { n.Push(p, emit) })
				points += 36 * memSeries
				heap = liveHeap() - before
				buffered = n.Buffered()
				runtime.KeepAlive(n)
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(points), "ns/point")
			reportMemory(b, heap, buffered)
			runtime.KeepAlive(pts)
		})
	}
}

// BenchmarkMemoryJoin: a|join(b).as('a', 'b').tolerance(1s) where stream a
// has sent a minute of points (6 per series) that wait for b: a set each.
func BenchmarkMemoryJoin(b *testing.B) {
	pts := memPoints(pipeline.NewGroups(), "a")
	var heap int64
	for b.Loop() {
		before := liveHeap()
		j, err := join.NewJoin(join.JoinConfig{Names: []string{"a", "b"}, Delimiter: ".", Tolerance: time.Second}, nil, func(*pipeline.Point) {})
		if err != nil {
			b.Fatal(err)
		}
		each(pts, 0, 5, func(p *pipeline.Point) { j.Push(0, p) })
		heap = liveHeap() - before
		runtime.KeepAlive(j)
	}
	reportMemory(b, heap, 6*memSeries)
	runtime.KeepAlive(pts)
}

// combineGroup is a combine node's per-group state, as generated.
type combineGroup struct{ combine join.CombineGroup }

// BenchmarkMemoryCombine: |combine(lambda: "cpu" == 'cpu0', lambda: "cpu"
// == 'cpu1').as('a', 'b').tolerance(1s) on per-core points grouped by host.
// A group holds the points of its latest time: two.
func BenchmarkMemoryCombine(b *testing.B) {
	groups := pipeline.NewGroups()
	cores := [2][]pipeline.Point{
		memPoints(groups, "cpu", pipeline.Tag{Key: "cpu", Value: "cpu0"}),
		memPoints(groups, "cpu", pipeline.Tag{Key: "cpu", Value: "cpu1"}),
	}
	match := func(p *pipeline.Point, _ *combineGroup, slot int) (bool, error) {
		return p.Tags[0].Value == cores[slot][0].Tags[0].Value, nil
	}
	var heap int64
	for b.Loop() {
		before := liveHeap()
		c, err := join.NewCombine(join.CombineConfig{Names: []string{"a", "b"}, Delimiter: ".", Tolerance: time.Second, Max: join.DefaultMaxCombinations},
			match, func(*pipeline.Point) {}, func(err error) { b.Fatal(err) })
		if err != nil {
			b.Fatal(err)
		}
		var states pipeline.PerGroup[combineGroup]
		push := func(p *pipeline.Point) {
			g, _ := states.Get(p.Group)
			c.Push(&g.combine, g, p)
		}
		for r := range 6 {
			for _, pts := range cores {
				each(pts, r, r, push)
			}
		}
		heap = liveHeap() - before
		runtime.KeepAlive(&states)
	}
	reportMemory(b, heap, 2*memSeries)
	runtime.KeepAlive(&cores)
}
