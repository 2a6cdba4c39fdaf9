package influxql

import (
	"math/rand/v2"
	"testing"
	"time"
)

// A typical window: 60 points, e.g. 1m of 1s data.
const benchWindow = 60

func benchData() ([]float64, []int64, []int64) {
	r := rand.New(rand.NewPCG(7, 8))
	vals := make([]float64, benchWindow)
	ints := make([]int64, benchWindow)
	times := make([]int64, benchWindow)
	for i := range vals {
		vals[i] = 50 + 50*r.Float64()
		ints[i] = int64(r.IntN(20))
		times[i] = int64(i) * int64(time.Second)
	}
	return vals, ints, times
}

func perPoint(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchWindow), "ns/point")
}

var (
	sinkF float64
	sinkI int
	sinkS []int
)

func BenchmarkMean(b *testing.B) {
	vals, _, _ := benchData()
	b.ReportAllocs()
	for b.Loop() {
		sinkF = Mean(vals)
	}
	perPoint(b)
}

func BenchmarkMax(b *testing.B) {
	vals, _, times := benchData()
	b.ReportAllocs()
	for b.Loop() {
		sinkI = Max(vals, times)
	}
	perPoint(b)
}

func BenchmarkPercentile(b *testing.B) {
	vals, _, _ := benchData()
	var s Scratch[float64]
	b.ReportAllocs()
	for b.Loop() {
		sinkI, _ = s.Percentile(vals, 95)
	}
	perPoint(b)
}

func BenchmarkPercentileInt(b *testing.B) {
	_, ints, _ := benchData()
	var s Scratch[int64]
	b.ReportAllocs()
	for b.Loop() {
		sinkI, _ = s.Percentile(ints, 50)
	}
	perPoint(b)
}

func BenchmarkMedian(b *testing.B) {
	vals, _, _ := benchData()
	var s Scratch[float64]
	b.ReportAllocs()
	for b.Loop() {
		sinkF = s.Median(vals)
	}
	perPoint(b)
}

func BenchmarkTop(b *testing.B) {
	vals, _, times := benchData()
	var s TopBottom[float64]
	dst := make([]int, 0, 5)
	b.ReportAllocs()
	for b.Loop() {
		sinkS = s.Top(5, vals, times, dst[:0])
	}
	perPoint(b)
}

func BenchmarkDistinct(b *testing.B) {
	_, ints, times := benchData()
	var s Distinct[int64]
	dst := make([]int, 0, benchWindow)
	b.ReportAllocs()
	for b.Loop() {
		sinkS = s.Select(ints, times, dst[:0])
	}
	perPoint(b)
}

func BenchmarkStddev(b *testing.B) {
	vals, _, _ := benchData()
	b.ReportAllocs()
	for b.Loop() {
		sinkF = StddevFloat(vals)
	}
	perPoint(b)
}

func BenchmarkMovingAverage(b *testing.B) {
	vals, _, _ := benchData()
	m := NewMovingAverage[float64](10)
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range vals {
			sinkF, _ = m.Next(v)
		}
	}
	perPoint(b)
}

func BenchmarkHoltWinters(b *testing.B) {
	vals, _, times := benchData()
	hw := HoltWinters{H: 10, M: 6, Interval: time.Second, WithFit: true}
	var ot []int64
	var ov []float64
	b.ReportAllocs()
	for b.Loop() {
		ot, ov = hw.Forecast(times, vals, ot[:0], ov[:0])
	}
	perPoint(b)
}

// TestNoAllocs pins that, once their scratch memory has grown, the window
// functions do not allocate.
func TestNoAllocs(t *testing.T) {
	vals, ints, times := benchData()
	var sf Scratch[float64]
	var si Scratch[int64]
	var tb TopBottom[float64]
	var di Distinct[int64]
	dst := make([]int, 0, benchWindow)
	ma := NewMovingAverage[float64](10)
	for name, f := range map[string]func(){
		"Mean":       func() { sinkF = Mean(vals) },
		"Sum":        func() { sinkF = Sum(vals) },
		"Max":        func() { sinkI = Max(vals, times) },
		"First":      func() { sinkI = First(vals, times) },
		"Spread":     func() { sinkF = SpreadFloat(vals) },
		"Stddev":     func() { sinkF = StddevFloat(vals) },
		"Percentile": func() { sinkI, _ = sf.Percentile(vals, 95) },
		"Median":     func() { sinkF = sf.Median(vals) },
		"Mode":       func() { sinkI = int(si.Mode(ints, times)) },
		"Top":        func() { sinkS = tb.Top(5, vals, times, dst[:0]) },
		"Bottom":     func() { sinkS = tb.Bottom(5, vals, times, dst[:0]) },
		"Distinct":   func() { sinkS = di.Select(ints, times, dst[:0]) },
		"MovingAverage": func() {
			for _, v := range vals {
				sinkF, _ = ma.Next(v)
			}
		},
	} {
		f() // grow the scratch memory
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s: %v allocations per window", name, n)
		}
	}
}
