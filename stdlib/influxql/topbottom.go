package influxql

import "slices"

// TopBottom is the reusable working memory of [TopBottom.Top] and
// [TopBottom.Bottom]. The zero value is ready to use; keep one per call site
// (it is not safe for concurrent use).
type TopBottom[T Number] struct {
	heap []rankedPoint[T]
}

type rankedPoint[T Number] struct {
	v T
	t int64
	i int
}

// Top implements the selector top(n, field, ...) on float and int fields:
// the n points with the greatest values. It appends their indices in vals to
// dst, in Kapacitor's output order, and returns the extended slice: by value
// descending, equal values by time ascending. A window of fewer than n points
// yields all of them; n <= 0 yields none (Kapacitor would panic on top(0)).
//
// Kapacitor runs InfluxDB's FloatTopReducer/IntegerTopReducer, a bounded heap
// fed in point order and sorted at the end with an unstable sort. Points
// equal in value and time are kept or dropped, and ordered, exactly as that
// heap and sort do, which this reproduces step by step. Kapacitor emits the
// selected points as a batch whose points carry the value (as the .as() name)
// and the point's own tags merged over the group's; the extra field and tag
// names passed to top() are ignored by Kapacitor 1.8.3's emitter.
func (s *TopBottom[T]) Top(n int, vals []T, times []int64, dst []int) []int {
	return s.run(false, n, vals, times, dst)
}

// Bottom implements the selector bottom(n, field, ...) on float and int
// fields: the n points with the smallest values, as indices appended to dst
// in Kapacitor's output order: by value ascending, equal values by time
// ascending. Everything else is as for [TopBottom.Top].
func (s *TopBottom[T]) Bottom(n int, vals []T, times []int64, dst []int) []int {
	return s.run(true, n, vals, times, dst)
}

// ranksBelow reports whether a ranks below b in the heap (InfluxDB's cmp): for
// top the smaller value, for bottom the larger, and on equal values the later
// time. The heap root is the point that the next candidate must beat.
func ranksBelow[T Number](bottom bool, a, b *rankedPoint[T]) bool {
	if a.v != b.v {
		if bottom {
			return a.v > b.v
		}
		return a.v < b.v
	}
	return a.t > b.t
}

func (s *TopBottom[T]) run(bottom bool, n int, vals []T, times []int64, dst []int) []int {
	if n <= 0 || len(vals) == 0 {
		return dst
	}
	h := s.heap[:0]
	for i, v := range vals {
		p := rankedPoint[T]{v, times[i], i}
		if len(h) == n {
			// Full: the candidate replaces the root if the root ranks below it.
			if !ranksBelow(bottom, &h[0], &p) {
				continue
			}
			h[0] = p
			// container/heap.Fix(h, 0)
			if !heapDown(bottom, h, 0, len(h)) {
				heapUp(bottom, h, 0)
			}
			continue
		}
		// container/heap.Push
		h = append(h, p)
		heapUp(bottom, h, len(h)-1)
	}
	s.heap = h
	// sort.Sort(sort.Reverse(h)): less(i, j) = ranksBelow(h[j], h[i]).
	if bottom {
		slices.SortFunc(h, bottomOrder[T])
	} else {
		slices.SortFunc(h, topOrder[T])
	}
	for _, p := range h {
		dst = append(dst, p.i)
	}
	return dst
}

func topOrder[T Number](a, b rankedPoint[T]) int {
	if ranksBelow(false, &b, &a) {
		return -1
	}
	return 0
}

func bottomOrder[T Number](a, b rankedPoint[T]) int {
	if ranksBelow(true, &b, &a) {
		return -1
	}
	return 0
}

// heapUp and heapDown are container/heap's up and down with Less(i, j) =
// ranksBelow(h[i], h[j]), so the heap evolves exactly as InfluxDB's does.
func heapUp[T Number](bottom bool, h []rankedPoint[T], j int) {
	for {
		i := (j - 1) / 2 // parent
		if i == j || !ranksBelow(bottom, &h[j], &h[i]) {
			break
		}
		h[i], h[j] = h[j], h[i]
		j = i
	}
}

func heapDown[T Number](bottom bool, h []rankedPoint[T], i0, n int) bool {
	i := i0
	for {
		j1 := 2*i + 1
		if j1 >= n || j1 < 0 {
			break
		}
		j := j1
		if j2 := j1 + 1; j2 < n && ranksBelow(bottom, &h[j2], &h[j1]) {
			j = j2
		}
		if !ranksBelow(bottom, &h[j], &h[i]) {
			break
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
	return i > i0
}
