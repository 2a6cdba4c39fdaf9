package httpout

import (
	"fmt"
	"testing"

	"github.com/tickc/tickc/runtime/pipeline"
)

func benchPoints(groups int) []pipeline.Point {
	reg := pipeline.NewGroups()
	pts := make([]pipeline.Point, groups)
	for i := range pts {
		p := &pts[i]
		p.Name = "cpu"
		p.Time = 1709546400000000000
		p.Tags = []pipeline.Tag{
			{Key: "cpu", Value: "cpu-total"},
			{Key: "datacenter", Value: "us-east"},
			{Key: "host", Value: fmt.Sprintf("server%05d", i)},
			{Key: "service", Value: "web"},
		}
		p.Fields = []pipeline.Field{
			{Key: "usage_idle", Value: pipeline.FloatValue(91.26)},
			{Key: "usage_system", Value: pipeline.FloatValue(2.43)},
			{Key: "usage_user", Value: pipeline.FloatValue(6.31)},
		}
		p.Group = reg.By(p, []string{"host"}, false)
	}
	return pts
}

// BenchmarkSetPoint: the latest point of 10,000 groups, round robin.
func BenchmarkSetPoint(b *testing.B) {
	pts := benchPoints(10000)
	var c Cache
	for i := range pts {
		c.SetPoint(&pts[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for i := range b.N {
		p := &pts[i%len(pts)]
		p.Time += 1e10
		c.SetPoint(p)
	}
	b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkSetBatch: a 6-point window of one group.
func BenchmarkSetBatch(b *testing.B) {
	pts := benchPoints(1)
	bt := pipeline.Batch{Name: "cpu", Group: pts[0].Group, Tags: pts[0].Group.Tags}
	for i := range 6 {
		p := pts[0]
		p.Time += int64(i) * 1e10
		bt.Points = append(bt.Points, p)
	}
	var c Cache
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for range b.N {
		bt.TMax += 1e10
		c.SetBatch(&bt)
	}
	b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkAppendJSON: a GET of 10,000 series.
func BenchmarkAppendJSON(b *testing.B) {
	pts := benchPoints(10000)
	var c Cache
	for i := range pts {
		c.SetPoint(&pts[i])
	}
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for range b.N {
		buf, _ = c.AppendJSON(buf[:0])
	}
	b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/op")
	b.SetBytes(int64(len(buf)))
}
