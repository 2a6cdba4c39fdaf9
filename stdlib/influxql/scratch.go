package influxql

import (
	"math"
	"slices"
)

// Scratch is the reusable working memory of the functions that sort a
// window by value: median, mode and percentile. The zero value is ready to
// use; keep one per call site (it is not safe for concurrent use) so that
// after the first windows no call allocates.
//
// Sorting reproduces InfluxDB exactly, including the order it leaves equal
// values in: InfluxDB sorts with sort.Sort (an unstable pdqsort) on a "less
// by value" order, and which of several equal-valued points ends up at a
// given rank decides the point percentile selects and the time mode compares.
// slices.SortFunc runs the same pdqsort with the same comparisons, so the
// permutation is identical to sort.Sort's in the Go release tickc is built
// with. Windows of up to 12 points are insertion-sorted (stable) by every
// release; for longer windows with equal values, Go 1.24 changed pdqsort's
// pattern breaking, so the choice among equal values matches a Kapacitor
// built with Go 1.24 or later (as Kapacitor 1.8 is) and may differ from one
// built with an older Go (InfluxDB 1.6's Debian build, Go 1.19, differs in
// about 1 window in 10 of oracle_test.go's data).
type Scratch[T Number] struct {
	pairs []valueIndex[T]
}

type valueIndex[T Number] struct {
	v T
	i int
}

// lessByValue is InfluxDB's xxxPointsByValue order as a comparator: only
// "less" is ever asked for by pdqsort, so "not less" may return 0.
func lessByValue[T Number](a, b valueIndex[T]) int {
	if a.v < b.v {
		return -1
	}
	return 0
}

// sortByValue loads vals into the scratch pairs (point order) and sorts them
// by value exactly as sort.Sort(xxxPointsByValue(points)) would.
func (s *Scratch[T]) sortByValue(vals []T) []valueIndex[T] {
	p := s.pairs[:0]
	for i, v := range vals {
		p = append(p, valueIndex[T]{v, i})
	}
	s.pairs = p
	slices.SortFunc(p, lessByValue[T])
	return p
}

// Median implements median(field): float → float, int → float. It is an
// aggregate, not a selector (percentile(field, 50.0) is the selector). Odd
// count: the middle value of the sorted window; even count: lo + (hi-lo)/2 of
// the two middle values, computed as InfluxDB does (for ints the difference
// hi-lo is taken in int64 and wraps on overflow). An empty window gives NaN.
func (s *Scratch[T]) Median(vals []T) float64 {
	switch len(vals) {
	case 0:
		return math.NaN()
	case 1:
		return float64(vals[0])
	}
	p := s.sortByValue(vals)
	n := len(p)
	if n%2 == 0 {
		lo, hi := p[n/2-1].v, p[n/2].v
		return float64(lo) + float64(hi-lo)/2
	}
	return float64(p[n/2].v)
}

// Mode implements mode(field): the most frequent value, float → float and
// int → int. times are the point times (parallel to vals). InfluxDB's
// algorithm (ModeReduceSlice) is kept exactly, quirks included:
//
//   - the window is sorted by value (unstably, see [Scratch]) and scanned in
//     runs of equal values;
//   - when every value occurs once, the result is the smallest value;
//   - a later (larger) run with the same count as the best so far replaces
//     it unless the time of the run's first point (in sorted order) is later
//     than the time recorded for the best run, which is the time of the point
//     at which that run last became the best;
//   - NaN never equals anything, so NaNs never form a run.
//
// An empty window gives the zero value.
func (s *Scratch[T]) Mode(vals []T, times []int64) T {
	switch len(vals) {
	case 0:
		var zero T
		return zero
	case 1:
		return vals[0]
	}
	p := s.sortByValue(vals)
	mostFreq, currFreq := 0, 0
	currMode, mostMode := p[0].v, p[0].v
	currTime, mostTime := times[p[0].i], times[p[0].i]
	for _, e := range p {
		if e.v != currMode {
			currFreq = 1
			currMode = e.v
			currTime = times[e.i]
			continue
		}
		currFreq++
		if mostFreq > currFreq || (mostFreq == currFreq && currTime > mostTime) {
			continue
		}
		mostFreq = currFreq
		mostMode = e.v
		mostTime = times[e.i]
	}
	return mostMode
}

// Percentile implements the selector percentile(field, p) on float and int
// fields: nearest rank, no interpolation. It returns the index in vals of
// the selected point, or ok = false when InfluxDB's rank is out of range, in
// which case Kapacitor emits nothing for the window.
//
// The rank is InfluxDB's: i = int(math.Floor(float64(len)*p/100.0+0.5)) - 1,
// the i-th smallest value (0-based) after sorting by value; so p = 0 never
// selects anything and small windows round half up (p = 50 over 6 points
// selects the 3rd smallest, over 5 points also the 3rd). Among equal values
// the point chosen is the one InfluxDB's unstable sort puts at that rank
// (see [Scratch]); for windows of at most 12 points that is the equal-valued
// point that comes first in the window.
func (s *Scratch[T]) Percentile(vals []T, p float64) (idx int, ok bool) {
	length := len(vals)
	i := int(math.Floor(float64(length)*p/100.0+0.5)) - 1
	if i < 0 || i >= length {
		return -1, false
	}
	return s.sortByValue(vals)[i].i, true
}
