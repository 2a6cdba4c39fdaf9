package join

import (
	"testing"

	"github.com/tickc/tickc/runtime/pipeline"
)

// BenchmarkJoinLockstep joins two parents that send one point per group
// and time each, as join_on_dimension's per-host data without .on().
func BenchmarkJoinLockstep(b *testing.B) {
	gs := pipeline.NewGroups()
	j, _ := NewJoin(JoinConfig{Names: []string{"cpu", "mem"}, Delimiter: "."}, gs, func(*pipeline.Point) {})
	host := []string{"host"}
	a := pt(gs, "cpu", 0, host, "host=h1,cpu=c0", "idle=1", "user=2")
	m := pt(gs, "mem", 0, host, "host=h1", "used=3")
	b.ReportAllocs()
	for i := range b.N {
		a.Time, m.Time = int64(i)*sec, int64(i)*sec
		j.Push(0, a)
		j.Push(1, m)
	}
}

// BenchmarkJoinOn joins two cpus per host with the host's memory point,
// .on('host'), as join_on_dimension does.
func BenchmarkJoinOn(b *testing.B) {
	gs := pipeline.NewGroups()
	j, _ := NewJoin(JoinConfig{Names: []string{"cpu", "mem"}, On: []string{"host"}, Delimiter: "."}, gs, func(*pipeline.Point) {})
	hc, h := []string{"cpu", "host"}, []string{"host"}
	c0 := pt(gs, "cpu", 0, hc, "host=h1,cpu=c0", "idle=1", "user=2")
	c1 := pt(gs, "cpu", 0, hc, "host=h1,cpu=c1", "idle=1", "user=2")
	m := pt(gs, "mem", 0, h, "host=h1", "used=3")
	b.ReportAllocs()
	for i := range b.N {
		c0.Time, c1.Time, m.Time = int64(i)*sec, int64(i)*sec, int64(i)*sec
		j.Push(0, c0)
		j.Push(0, c1)
		j.Push(1, m)
	}
}

// BenchmarkFlatten flattens three points per time.
func BenchmarkFlatten(b *testing.B) {
	gs := pipeline.NewGroups()
	f := NewFlatten(FlattenConfig{On: []string{"cpu"}, Delimiter: "."}, func(*pipeline.Point) {}, func(error) {})
	host := []string{"host"}
	ps := []*pipeline.Point{
		pt(gs, "cpu", 0, host, "host=h1,cpu=c0", "idle=1", "user=2"),
		pt(gs, "cpu", 0, host, "host=h1,cpu=c1", "idle=1", "user=2"),
		pt(gs, "cpu", 0, host, "host=h1,cpu=c2", "idle=1", "user=2"),
	}
	b.ReportAllocs()
	for i := range b.N {
		for _, p := range ps {
			p.Time = int64(i) * sec
			f.Push(p)
		}
	}
}

// BenchmarkJoinBatches joins two parents' 1-minute windows of 10s points
// (6 points per batch); it reports the joined input points per second.
func BenchmarkJoinBatches(b *testing.B) {
	gs := pipeline.NewGroups()
	j, _ := NewBatchJoin(JoinConfig{Names: []string{"cpu", "mem"}, Delimiter: "."}, gs, func(*pipeline.Batch) {})
	g := gs.By(pt(gs, "x", 0, nil, "host=h1"), []string{"host"}, false)
	batch := func(name, field string) *pipeline.Batch {
		bt := &pipeline.Batch{Name: name, Group: g, Tags: g.Tags}
		for k := range 6 {
			bt.Points = append(bt.Points, *pt(gs, name, float64(10*k), nil, "host=h1", field+"=1"))
		}
		return bt
	}
	cpu, mem := batch("cpu", "idle"), batch("mem", "used")
	b.ReportAllocs()
	for i := range b.N {
		base := int64(i) * 60 * sec
		for _, bt := range []*pipeline.Batch{cpu, mem} {
			bt.TMax = base + 60*sec
			for k := range bt.Points {
				bt.Points[k].Time = base + int64(10*k)*sec
			}
		}
		j.PushBatch(0, cpu)
		j.PushBatch(1, mem)
	}
	b.ReportMetric(float64(12*b.N)/b.Elapsed().Seconds(), "points/s")
}
