package influxql

import (
	"math"
	"slices"
	"testing"
	"time"
)

// Expected values in this file are worked out by hand from InfluxDB's
// reducers (query/call_iterator.go, query/functions.go,
// query/functions.gen.go); the comment on each case says which rule it pins.

func TestAggregates(t *testing.T) {
	if got := Count([]bool{}); got != 0 {
		t.Errorf("Count(empty) = %d, want 0", got)
	}
	if got := Count([]string{"a", "b", "a"}); got != 3 {
		t.Errorf("Count = %d, want 3", got)
	}
	if got := Sum([]float64{}); got != 0 {
		t.Errorf("Sum(empty) = %v, want 0", got)
	}
	// The sum starts from +0, so a lone -0 sums to +0.
	if got := Sum([]float64{math.Copysign(0, -1)}); math.Signbit(got) {
		t.Errorf("Sum(-0) = -0, want +0")
	}
	// Int sums wrap.
	if got := Sum([]int64{math.MaxInt64, 1}); got != math.MinInt64 {
		t.Errorf("Sum overflow = %d, want MinInt64", got)
	}
	// Float sums are left to right.
	a, b, c := 0.1, 0.2, 0.3 // variables: constant arithmetic would be exact
	if got, want := Sum([]float64{a, b, c}), (a+b)+c; got != want {
		t.Errorf("Sum = %v, want %v", got, want)
	}
	if got := Mean([]int64{1, 2}); got != 1.5 {
		t.Errorf("Mean(ints) = %v, want 1.5", got)
	}
	if got, want := Mean([]float64{a, b, c}), ((a+b)+c)/3; got != want {
		t.Errorf("Mean = %v, want %v", got, want)
	}
	// The int sum is taken in int64 (and wraps) before converting.
	if got, want := Mean([]int64{math.MaxInt64, 1}), float64(math.MinInt64)/2; got != want {
		t.Errorf("Mean overflow = %v, want %v", got, want)
	}
	if got := Mean([]float64{}); !math.IsNaN(got) {
		t.Errorf("Mean(empty) = %v, want NaN", got)
	}

	if got := SpreadFloat([]float64{3, 1, 2}); got != 2 {
		t.Errorf("SpreadFloat = %v, want 2", got)
	}
	// math.Min/Max propagate NaN.
	if got := SpreadFloat([]float64{1, math.NaN(), 3}); !math.IsNaN(got) {
		t.Errorf("SpreadFloat with NaN = %v, want NaN", got)
	}
	if got := SpreadInt([]int64{-5, 7, 0}); got != 12 {
		t.Errorf("SpreadInt = %d, want 12", got)
	}
	if got := SpreadInt([]int64{4}); got != 0 {
		t.Errorf("SpreadInt single = %d, want 0", got)
	}

	// Sample standard deviation, n-1.
	if got, want := StddevFloat([]float64{2, 4, 4, 4, 5, 5, 7, 9}), math.Sqrt(32.0/7); got != want {
		t.Errorf("StddevFloat = %v, want %v", got, want)
	}
	if got := StddevFloat([]float64{1}); !math.IsNaN(got) {
		t.Errorf("StddevFloat single = %v, want NaN", got)
	}
	// NaNs are skipped but count towards the 2-point minimum.
	if got := StddevFloat([]float64{1, 3, math.NaN()}); got != math.Sqrt2 {
		t.Errorf("StddevFloat with NaN = %v, want sqrt(2)", got)
	}
	if got := StddevFloat([]float64{1, math.NaN()}); !math.IsNaN(got) {
		t.Errorf("StddevFloat one value + NaN = %v, want NaN (0/0)", got)
	}
	if got, want := StddevInt([]int64{2, 4, 4, 4, 5, 5, 7, 9}), math.Sqrt(32.0/7); got != want {
		t.Errorf("StddevInt = %v, want %v", got, want)
	}
	if got := StddevInt([]int64{7}); !math.IsNaN(got) {
		t.Errorf("StddevInt single = %v, want NaN", got)
	}
}

func TestMedian(t *testing.T) {
	var f Scratch[float64]
	var i Scratch[int64]
	for _, c := range []struct {
		vals []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{7}, 7},
		{[]float64{1, 2}, 1.5},
		// lo + (hi-lo)/2, not (lo+hi)/2: no overflow to +Inf.
		{[]float64{math.MaxFloat64, math.MaxFloat64}, math.MaxFloat64},
	} {
		if got := f.Median(c.vals); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.vals, got, c.want)
		}
	}
	if got := f.Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(empty) = %v, want NaN", got)
	}
	if got := i.Median([]int64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("Median(ints) = %v, want 2.5", got)
	}
	if got := i.Median([]int64{5, 1, 3}); got != 3 {
		t.Errorf("Median(ints) = %v, want 3", got)
	}
	// The input is left untouched.
	in := []int64{3, 1, 2}
	i.Median(in)
	if !slices.Equal(in, []int64{3, 1, 2}) {
		t.Errorf("Median modified its input: %v", in)
	}
}

func TestMode(t *testing.T) {
	var f Scratch[float64]
	var i Scratch[int64]
	for _, c := range []struct {
		name  string
		vals  []int64
		times []int64
		want  int64
	}{
		{"most frequent", []int64{1, 2, 2, 3}, []int64{0, 1, 2, 3}, 2},
		{"all distinct: smallest", []int64{3, 1, 2}, []int64{0, 1, 2}, 1},
		// Sorted: 1@2 1@3 5@0 5@1. The 1s become best with time 3 (the
		// time of the point where the run last improved); the run of 5s
		// starts at time 0, not later than 3, so it takes over.
		{"tie, later value's run starts earlier", []int64{5, 5, 1, 1}, []int64{0, 1, 2, 3}, 5},
		// Sorted: 1@0 1@1 5@2 5@3: the 5s start at 2 > 1, the 1s stay.
		{"tie, earlier run kept", []int64{1, 1, 5, 5}, []int64{0, 1, 2, 3}, 1},
		{"single", []int64{9}, []int64{0}, 9},
		{"run beats singles", []int64{9, 8, 7, 7}, []int64{0, 1, 2, 3}, 7},
	} {
		if got := i.Mode(c.vals, c.times); got != c.want {
			t.Errorf("%s: Mode(%v) = %v, want %v", c.name, c.vals, got, c.want)
		}
	}
	// NaN never equals itself, so NaNs never form a run.
	nan := math.NaN()
	if got := f.Mode([]float64{nan, nan, nan, 2, 2}, []int64{0, 1, 2, 3, 4}); got != 2 {
		t.Errorf("Mode with NaNs = %v, want 2", got)
	}
}

func TestPercentile(t *testing.T) {
	var s Scratch[float64]
	ten := []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	for _, c := range []struct {
		vals []float64
		p    float64
		want int // index, -1 for none
	}{
		{ten, 50, 5},   // 5th smallest = 5, at index 5
		{ten, 100, 0},  // largest
		{ten, 10, 9},   // 1 = smallest
		{ten, 4, -1},   // floor(0.4+0.5)-1 = -1: nothing
		{ten, 5, 9},    // floor(0.5+0.5)-1 = 0: smallest
		{ten, 0, -1},   // p = 0 selects nothing
		{ten, 101, 0},  // floor(10.1+0.5)-1 = 9: still the largest
		{ten, 110, -1}, // rank 10 is out of range
		{[]float64{1, 2, 3, 4, 5}, 50, 2},
		{[]float64{1, 2, 3, 4, 5, 6}, 50, 2}, // 3.5 rounds down to rank 3
		// Ties: sorted (stable for <= 12 points) 1@1 2@0 2@2 2@3; rank 3
		// is the second 2 in window order, index 2.
		{[]float64{2, 1, 2, 2}, 75, 2},
		{nil, 50, -1},
	} {
		got, ok := s.Percentile(c.vals, c.p)
		if !ok {
			got = -1
		}
		if got != c.want || ok != (c.want >= 0) {
			t.Errorf("Percentile(%v, %v) = %d, %v; want %d", c.vals, c.p, got, ok, c.want)
		}
	}
	// Nearest rank over 12 points at p95: floor(11.4+0.5)-1 = 10.
	twelve := make([]int64, 12)
	for i := range twelve {
		twelve[i] = int64(i * 10)
	}
	var is Scratch[int64]
	if got, _ := is.Percentile(twelve, 95); got != 10 {
		t.Errorf("p95 of 12 = index %d, want 10", got)
	}
}

func TestSelectors(t *testing.T) {
	same := []int64{5, 5, 5}
	// Equal times: first and last both prefer the greatest value.
	if got := First([]float64{1, 3, 2}, same); got != 1 {
		t.Errorf("First ties = %d, want 1", got)
	}
	if got := Last([]float64{1, 3, 2}, same); got != 1 {
		t.Errorf("Last ties = %d, want 1", got)
	}
	if got := First([]string{"b", "c", "a"}, same); got != 1 {
		t.Errorf("First string ties = %d, want 1", got)
	}
	// Equal in time and value: the first in the window.
	if got := Last([]int64{4, 4}, []int64{1, 1}); got != 0 {
		t.Errorf("Last full tie = %d, want 0", got)
	}
	if got := First([]float64{1, 2, 3}, []int64{3, 1, 2}); got != 1 {
		t.Errorf("First = %d, want 1 (earliest time)", got)
	}
	if got := Last([]float64{1, 2, 3}, []int64{3, 1, 2}); got != 0 {
		t.Errorf("Last = %d, want 0 (latest time)", got)
	}
	// Bool first prefers false on equal times, bool last prefers true.
	if got := FirstBool([]bool{true, false}, []int64{1, 1}); got != 1 {
		t.Errorf("FirstBool ties = %d, want 1", got)
	}
	if got := FirstBool([]bool{false, true}, []int64{1, 1}); got != 0 {
		t.Errorf("FirstBool ties = %d, want 0", got)
	}
	if got := LastBool([]bool{true, false}, []int64{1, 1}); got != 0 {
		t.Errorf("LastBool ties = %d, want 0", got)
	}
	if got := LastBool([]bool{false, true}, []int64{1, 1}); got != 1 {
		t.Errorf("LastBool ties = %d, want 1", got)
	}
	if got := LastBool([]bool{true, false}, []int64{1, 2}); got != 1 {
		t.Errorf("LastBool = %d, want 1", got)
	}
	// Min/max ties go to the earliest time, then the first in the window.
	if got := Min([]int64{1, 0, 0}, []int64{0, 2, 1}); got != 2 {
		t.Errorf("Min ties = %d, want 2", got)
	}
	if got := Max([]float64{5, 5}, []int64{1, 1}); got != 0 {
		t.Errorf("Max full tie = %d, want 0", got)
	}
	if got := Max([]float64{1, 9, 3}, []int64{0, 1, 2}); got != 1 {
		t.Errorf("Max = %d, want 1", got)
	}
	// IEEE comparisons: a NaN first point sticks, later NaNs never win.
	nan := math.NaN()
	if got := Max([]float64{nan, 1, 2}, []int64{0, 1, 2}); got != 0 {
		t.Errorf("Max NaN first = %d, want 0", got)
	}
	if got := Min([]float64{1, nan, 0}, []int64{0, 1, 2}); got != 2 {
		t.Errorf("Min with NaN = %d, want 2", got)
	}
	for name, got := range map[string]int{
		"First":     First([]int64{}, nil),
		"Last":      Last([]string{}, nil),
		"FirstBool": FirstBool(nil, nil),
		"LastBool":  LastBool(nil, nil),
		"Min":       Min([]float64{}, nil),
		"Max":       Max([]int64{}, nil),
	} {
		if got != -1 {
			t.Errorf("%s(empty) = %d, want -1", name, got)
		}
	}
}

func TestTopBottom(t *testing.T) {
	var s TopBottom[int64]
	vals := []int64{1, 5, 3, 5}
	times := []int64{0, 1, 2, 3}
	for _, c := range []struct {
		bottom bool
		n      int
		want   []int
	}{
		{false, 2, []int{1, 3}},        // 5@1 then 5@3: equal values by time
		{false, 3, []int{1, 3, 2}},     // descending values
		{false, 10, []int{1, 3, 2, 0}}, // fewer points than n
		{true, 2, []int{0, 2}},         // ascending values
		{true, 4, []int{0, 2, 1, 3}},   // ...then equal values by time
		{false, 0, nil},                // top(0) selects nothing
		{true, -1, nil},
	} {
		var got []int
		if c.bottom {
			got = s.Bottom(c.n, vals, times, nil)
		} else {
			got = s.Top(c.n, vals, times, nil)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("bottom=%v n=%d: got %v, want %v", c.bottom, c.n, got, c.want)
		}
	}
	// A later point with a value equal to the heap's minimum does not get
	// in; an earlier one does.
	if got := s.Top(1, []int64{7, 7}, []int64{5, 9}, nil); !slices.Equal(got, []int{0}) {
		t.Errorf("Top tie by time = %v, want [0]", got)
	}
	if got := s.Top(1, []int64{7, 7}, []int64{9, 5}, nil); !slices.Equal(got, []int{1}) {
		t.Errorf("Top tie by time = %v, want [1]", got)
	}
	// dst is appended to.
	if got := s.Top(1, vals, times, []int{42}); !slices.Equal(got, []int{42, 1}) {
		t.Errorf("Top appends: %v", got)
	}
}

func TestDistinct(t *testing.T) {
	var f Distinct[float64]
	nan := math.NaN()
	// First occurrences; every NaN is distinct; -0 == +0.
	got := f.Select([]float64{2, 1, 2, nan, nan, math.Copysign(0, -1), 0}, []int64{0, 1, 2, 3, 4, 5, 6}, nil)
	if want := []int{0, 1, 3, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("Select = %v, want %v", got, want)
	}
	// Equal times: by value.
	got = f.Select([]float64{3, 1, 2}, []int64{5, 5, 5}, got[:0])
	if want := []int{1, 2, 0}; !slices.Equal(got, want) {
		t.Errorf("Select same time = %v, want %v", got, want)
	}
	// Ordered by the kept point's time, not by position.
	var s Distinct[string]
	got = s.Select([]string{"b", "a", "b"}, []int64{9, 3, 1}, nil)
	if want := []int{1, 0}; !slices.Equal(got, want) {
		t.Errorf("Select by time = %v, want %v", got, want)
	}
	for _, c := range []struct {
		vals  []bool
		times []int64
		want  []int
	}{
		{[]bool{true, false}, []int64{1, 1}, []int{1, 0}}, // same time: false first
		{[]bool{true, false}, []int64{0, 1}, []int{0, 1}},
		{[]bool{false, true}, []int64{2, 1}, []int{1, 0}},
		{[]bool{true, true}, []int64{0, 1}, []int{0}},
		{nil, nil, nil},
	} {
		if got := DistinctBool(c.vals, c.times, nil); !slices.Equal(got, c.want) {
			t.Errorf("DistinctBool(%v, %v) = %v, want %v", c.vals, c.times, got, c.want)
		}
	}
}

func TestTransformations(t *testing.T) {
	type out struct {
		v  int64
		ok bool
	}
	var d Difference[int64]
	var gotD []out
	for _, p := range []struct{ t, v int64 }{{1, 10}, {2, 15}, {2, 99}, {3, 20}, {4, 12}} {
		v, ok := d.Next(p.t, p.v)
		gotD = append(gotD, out{v, ok})
	}
	// The point at the repeated time 2 is ignored: no output, and 20 is
	// compared with 15.
	if want := []out{{0, false}, {5, true}, {0, false}, {5, true}, {-8, true}}; !slices.Equal(gotD, want) {
		t.Errorf("Difference = %v, want %v", gotD, want)
	}
	d.Reset()
	if _, ok := d.Next(10, 1); ok {
		t.Error("Difference after Reset emitted on its first point")
	}

	e := Elapsed{Unit: int64(time.Second)}
	var gotE []out
	for _, ts := range []int64{0, 1500e6, 1500e6, 4e9} {
		v, ok := e.Next(ts)
		gotE = append(gotE, out{v, ok})
	}
	// Truncated to whole units; equal times are not skipped.
	if want := []out{{0, false}, {1, true}, {0, true}, {2, true}}; !slices.Equal(gotE, want) {
		t.Errorf("Elapsed = %v, want %v", gotE, want)
	}

	ma := NewMovingAverage[int64](3)
	var gotM []float64
	for _, v := range []int64{1, 2, 3, 4, 10} {
		if m, ok := ma.Next(v); ok {
			gotM = append(gotM, m)
		}
	}
	if want := []float64{2, 3, 17.0 / 3}; !slices.Equal(gotM, want) {
		t.Errorf("MovingAverage = %v, want %v", gotM, want)
	}
	ma.Reset()
	if _, ok := ma.Next(1); ok {
		t.Error("MovingAverage after Reset emitted before the window filled")
	}
	// The float running sum keeps its rounding: ((0.1+0.2)-0.1)+0.3 ...
	fm := NewMovingAverage[float64](2)
	x, y, z := 0.1, 0.2, 0.3
	fm.Next(x)
	fm.Next(y)
	got, _ := fm.Next(z)
	if want := (((x + y) - x) + z) / 2; got != want {
		t.Errorf("MovingAverage float = %v, want %v", got, want)
	}

	var cs CumulativeSum[float64]
	var gotC []float64
	for _, v := range []float64{1, 2, 3.5} {
		gotC = append(gotC, cs.Next(v))
	}
	if want := []float64{1, 3, 6.5}; !slices.Equal(gotC, want) {
		t.Errorf("CumulativeSum = %v, want %v", gotC, want)
	}
	cs.Reset()
	if got := cs.Next(2); got != 2 {
		t.Errorf("CumulativeSum after Reset = %v, want 2", got)
	}

	defer func() {
		if recover() == nil {
			t.Error("NewMovingAverage(0) did not panic")
		}
	}()
	NewMovingAverage[float64](0)
}

func TestHoltWintersNoOutput(t *testing.T) {
	sec := int64(time.Second)
	ts := []int64{0, 10 * sec, 20 * sec, 30 * sec}
	vs := []float64{1, 2, 3, 4}
	for _, c := range []struct {
		name  string
		hw    HoltWinters
		times []int64
		vals  []float64
	}{
		{"one point", HoltWinters{H: 2, Interval: 10 * time.Second}, ts[:1], vs[:1]},
		{"h = 0", HoltWinters{H: 0, Interval: 10 * time.Second}, ts, vs},
		{"fewer points than the season", HoltWinters{H: 2, M: 5, Interval: 10 * time.Second}, ts, vs},
		{"one slot", HoltWinters{H: 2, Interval: time.Minute}, ts[:2], vs[:2]},
		{"no interval", HoltWinters{H: 2}, ts, vs},
	} {
		ot, ov := c.hw.Forecast(c.times, c.vals, nil, nil)
		if len(ot) != 0 || len(ov) != 0 {
			t.Errorf("%s: got %v %v, want nothing", c.name, ot, ov)
		}
	}
	// Output spacing: forecasts follow the last raw time, the fit starts at
	// the first raw time.
	hw := HoltWinters{H: 2, Interval: 10 * time.Second}
	raw := []int64{3 * sec, 13 * sec, 23 * sec}
	ot, _ := hw.Forecast(raw, []float64{1, 2, 3}, nil, nil)
	if want := []int64{33 * sec, 43 * sec}; !slices.Equal(ot, want) {
		t.Errorf("forecast times = %v, want %v", ot, want)
	}
	hw.WithFit = true
	ot, _ = hw.Forecast(raw, []float64{1, 2, 3}, nil, nil)
	if want := []int64{3 * sec, 13 * sec, 23 * sec, 33 * sec, 43 * sec}; !slices.Equal(ot, want) {
		t.Errorf("fit times = %v, want %v", ot, want)
	}
	// A gap in the grid is fitted like any slot (the recursion does not
	// read the observations), so the fit has a point for it too.
	ot, _ = hw.Forecast([]int64{0, 10 * sec, 30 * sec, 40 * sec}, []float64{1, 2, 4, 5}, nil, nil)
	if want := []int64{0, 10 * sec, 20 * sec, 30 * sec, 40 * sec, 50 * sec, 60 * sec}; !slices.Equal(ot, want) {
		t.Errorf("fit times with a gap = %v, want %v", ot, want)
	}
}
