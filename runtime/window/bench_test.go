package window

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// benchPoints makes one Telegraf-like cpu point per host (4 tags, 3 float
// fields), grouped by host.
func benchPoints(hosts int) []pipeline.Point {
	groups := pipeline.NewGroups()
	pts := make([]pipeline.Point, hosts)
	for i := range pts {
		p := &pts[i]
		p.Name = "cpu"
		p.Tags = []pipeline.Tag{
			{Key: "cpu", Value: "cpu-total"},
			{Key: "datacenter", Value: "us-east"},
			{Key: "host", Value: fmt.Sprintf("server%05d", i)},
			{Key: "service", Value: "web"},
		}
		p.Fields = []pipeline.Field{
			{Key: "usage_idle", Value: pipeline.FloatValue(90)},
			{Key: "usage_system", Value: pipeline.FloatValue(3)},
			{Key: "usage_user", Value: pipeline.FloatValue(7)},
		}
		p.Group = groups.By(p, []string{"host"}, false)
	}
	return pts
}

// feed pushes rounds of points, one per group every 10 s, starting at
// round first, through p, reused as the ingest layer reuses its point.
func feed(n *Node, p *pipeline.Point, pts []pipeline.Point, first, rounds int, emit func(*pipeline.Batch)) {
	for r := first; r < first+rounds; r++ {
		for i := range pts {
			p.Name, p.Group = pts[i].Name, pts[i].Group
			p.Time = int64(r) * 10 * int64(time.Second)
			p.Tags = append(p.Tags[:0], pts[i].Tags...)
			p.Fields = append(p.Fields[:0], pts[i].Fields...)
			p.Fields[0].Value.F = float64(r)
			n.Push(p, emit)
		}
	}
}

// BenchmarkPush: 10,000 groups (10 for a warm cache) of 10 s points. Per
// point: time, CPU time (the process's, GC included) and allocations; after the run, the heap the node holds per
// buffered point (B/buffered-point: everything the windows hold, rings,
// values, shared tag sets and the window structs) and per group.
func BenchmarkPush(b *testing.B) {
	for _, bc := range []struct {
		name   string
		groups int
		cfg    Config
	}{
		{"1m every 1m", 10000, Config{Period: time.Minute, Every: time.Minute}},
		{"1m every 1m, 10 groups", 10, Config{Period: time.Minute, Every: time.Minute}},
		{"2m every 30s", 10000, Config{Period: 2 * time.Minute, Every: 30 * time.Second}},
		{"1m every 0", 10000, Config{Period: time.Minute}},
		{"count 6 every 6", 10000, Config{PeriodCount: 6, EveryCount: 6}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			benchGroups := bc.groups
			pts := benchPoints(benchGroups)
			var sum float64
			emit := func(bt *pipeline.Batch) {
				for i := range bt.Points {
					sum += bt.Points[i].Fields[0].Value.F
				}
			}
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)

			n, _ := NewNode(bc.cfg)
			var p pipeline.Point
			feed(n, &p, pts, 0, 30, emit) // warm up: every window has seen several emits
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuNanos()
			round := 30
			for i := 0; i < b.N; i += benchGroups {
				feed(n, &p, pts, round, 1, emit)
				round++
			}
			b.StopTimer()
			points := float64((b.N + benchGroups - 1) / benchGroups * benchGroups)
			b.ReportMetric(float64(cpuNanos()-cpu0)/points, "cpu-ns/point")

			// Feed up to the round before the next emit of the 1m windows:
			// they hold the most they ever do.
			for ; round%6 != 0; round++ {
				feed(n, &p, pts, round, 1, emit)
			}
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			buffered := 0
			n.windows.Each(func(w *Window) { buffered += w.Buffered() })
			heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
			b.ReportMetric(heap/float64(buffered), "B/buffered-point")
			b.ReportMetric(heap/float64(benchGroups), "B/group")
			b.ReportMetric(float64(buffered)/float64(benchGroups), "points/group")
			runtime.KeepAlive(n)
			runtime.KeepAlive(pts) // part of the baseline, not of the windows
		})
	}
}
