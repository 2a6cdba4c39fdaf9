package influxql

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// Differential tests against reference versions of InfluxDB's reducers that
// use the very library calls InfluxDB uses (sort.Sort on a sort.Interface,
// container/heap, sort.Reverse). They pin that the faster paths here
// (slices.SortFunc, the inlined heap) pick the same points in the same order
// when values, and times, are equal: windows of up to 300 points drawn from a
// handful of values, so that pdqsort's partitioning paths (beyond the
// insertion sort used up to 12 points) run on many ties.

type refPoint struct {
	v float64
	t int64
	i int
}

// byValue is InfluxDB's floatPointsByValue.
type byValue []refPoint

func (a byValue) Len() int           { return len(a) }
func (a byValue) Less(i, j int) bool { return a[i].v < a[j].v }
func (a byValue) Swap(i, j int)      { a[i], a[j] = a[j], a[i] }

func refSorted(vals []float64, times []int64) []refPoint {
	a := make([]refPoint, len(vals))
	for i := range vals {
		a[i] = refPoint{vals[i], times[i], i}
	}
	sort.Sort(byValue(a))
	return a
}

// refMode transcribes FloatModeReduceSlice.
func refMode(vals []float64, times []int64) float64 {
	if len(vals) == 1 {
		return vals[0]
	}
	a := refSorted(vals, times)
	mostFreq, currFreq := 0, 0
	currMode, mostMode := a[0].v, a[0].v
	mostTime, currTime := a[0].t, a[0].t
	for _, p := range a {
		if p.v != currMode {
			currFreq, currMode, currTime = 1, p.v, p.t
			continue
		}
		currFreq++
		if mostFreq > currFreq || (mostFreq == currFreq && currTime > mostTime) {
			continue
		}
		mostFreq, mostMode, mostTime = currFreq, p.v, p.t
	}
	return mostMode
}

// byFunc is InfluxDB's floatPointsByFunc, a heap and a sort.Interface.
type byFunc struct {
	points []refPoint
	cmp    func(a, b *refPoint) bool
}

func (a *byFunc) Len() int           { return len(a.points) }
func (a *byFunc) Less(i, j int) bool { return a.cmp(&a.points[i], &a.points[j]) }
func (a *byFunc) Swap(i, j int)      { a.points[i], a.points[j] = a.points[j], a.points[i] }
func (a *byFunc) Push(x any)         { a.points = append(a.points, x.(refPoint)) }
func (a *byFunc) Pop() any {
	p := a.points[len(a.points)-1]
	a.points = a.points[:len(a.points)-1]
	return p
}

// refTopBottom transcribes FloatTopReducer / FloatBottomReducer.
func refTopBottom(bottom bool, n int, vals []float64, times []int64) []int {
	cmp := func(a, b *refPoint) bool {
		if a.v != b.v {
			if bottom {
				return a.v > b.v
			}
			return a.v < b.v
		}
		return a.t > b.t
	}
	h := &byFunc{points: make([]refPoint, 0, n), cmp: cmp}
	for i := range vals {
		p := refPoint{vals[i], times[i], i}
		if h.Len() == cap(h.points) {
			if !h.cmp(&h.points[0], &p) {
				continue
			}
			h.points[0] = p
			heap.Fix(h, 0)
			continue
		}
		heap.Push(h, p)
	}
	points := slices.Clone(h.points)
	sort.Sort(sort.Reverse(&byFunc{points: points, cmp: cmp}))
	var out []int
	for _, p := range points {
		out = append(out, p.i)
	}
	return out
}

// randomWindow draws n values among k distinct ones (NaN included when nan
// is set) with times that repeat.
func randomWindow(r *rand.Rand, n, k int, nan bool) ([]float64, []int64) {
	vals := make([]float64, n)
	times := make([]int64, n)
	for i := range vals {
		vals[i] = float64(r.IntN(k))
		if nan && r.IntN(10) == 0 {
			vals[i] = math.NaN()
		}
		times[i] = int64(r.IntN(n/2 + 1))
	}
	return vals, times
}

func TestSortMatchesSortSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s Scratch[float64]
	for iter := 0; iter < 3000; iter++ {
		n := r.IntN(300)
		vals, times := randomWindow(r, n, 1+r.IntN(8), iter%3 == 0)
		want := refSorted(vals, times)
		got := s.sortByValue(vals)
		for i := range want {
			if got[i].i != want[i].i {
				t.Fatalf("n=%d: permutation differs from sort.Sort at rank %d", n, i)
			}
		}
		if n == 0 {
			continue
		}
		if g, w := s.Mode(vals, times), refMode(vals, times); g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Fatalf("n=%d: Mode = %v, reference %v", n, g, w)
		}
		p := r.Float64() * 100
		gi, ok := s.Percentile(vals, p)
		wi := int(math.Floor(float64(n)*p/100.0+0.5)) - 1
		if ok != (wi >= 0 && wi < n) || (ok && gi != want[wi].i) {
			t.Fatalf("n=%d p=%v: Percentile = %d %v, reference rank %d", n, p, gi, ok, wi)
		}
	}
}

func TestTopBottomMatchesHeap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var s TopBottom[float64]
	for iter := 0; iter < 3000; iter++ {
		n := r.IntN(300)
		vals, times := randomWindow(r, n, 1+r.IntN(8), iter%3 == 0)
		k := 1 + r.IntN(40)
		bottom := iter%2 == 1
		want := refTopBottom(bottom, k, vals, times)
		var got []int
		if bottom {
			got = s.Bottom(k, vals, times, nil)
		} else {
			got = s.Top(k, vals, times, nil)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("bottom=%v k=%d n=%d:\n got  %v\n want %v", bottom, k, n, got, want)
		}
	}
}
