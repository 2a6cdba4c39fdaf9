package influxql

import "slices"

// Distinct is the reusable working memory of [Distinct.Select]. The zero
// value is ready to use; keep one per call site (it is not safe for
// concurrent use).
type Distinct[T Ordered] struct {
	seen  map[T]int
	order []distinctPoint[T]
}

type distinctPoint[T Ordered] struct {
	v T
	t int64
	i int
}

// Select implements distinct(field) on float, int and string fields (for
// bool see [DistinctBool]). For every distinct value it keeps the first point
// of the window with that value, and appends the indices of those points to
// dst in InfluxDB's output order, which is NOT the order of first
// appearance as such: the points are sorted by time, and points with equal
// times by value ascending (InfluxDB's DistinctReducer sorts its map's points
// by time, then value). Within one group of a stream window the times are
// increasing, so the order is that of first appearance.
//
// Kapacitor emits the result as a batch (one point per value, value only,
// with the window's time unless .usePointTimes() is set, then the kept
// point's time). Values are compared with ==, so -0 and +0 are one value and
// every NaN is distinct.
func (d *Distinct[T]) Select(vals []T, times []int64, dst []int) []int {
	if d.seen == nil {
		d.seen = make(map[T]int)
	} else {
		clear(d.seen)
	}
	o := d.order[:0]
	for i, v := range vals {
		if _, ok := d.seen[v]; ok {
			continue
		}
		d.seen[v] = i
		o = append(o, distinctPoint[T]{v, times[i], i})
	}
	d.order = o
	slices.SortFunc(o, byTimeThenValue[T])
	for _, p := range o {
		dst = append(dst, p.i)
	}
	return dst
}

// byTimeThenValue is InfluxDB's xxxPoints order (time, then value).
func byTimeThenValue[T Ordered](a, b distinctPoint[T]) int {
	if a.t != b.t {
		if a.t < b.t {
			return -1
		}
		return 0
	}
	if a.v < b.v {
		return -1
	}
	return 0
}

// DistinctBool implements distinct(field) on a bool field: the first point
// with false and the first with true, as indices appended to dst, ordered by
// time; when both have the same time false comes first (InfluxDB's
// booleanPoints order).
func DistinctBool(vals []bool, times []int64, dst []int) []int {
	f, t := -1, -1
	for i, v := range vals {
		if v && t < 0 {
			t = i
		} else if !v && f < 0 {
			f = i
		}
		if f >= 0 && t >= 0 {
			break
		}
	}
	switch {
	case f < 0 && t < 0:
	case f < 0:
		dst = append(dst, t)
	case t < 0:
		dst = append(dst, f)
	case times[t] < times[f]:
		dst = append(dst, t, f)
	default:
		dst = append(dst, f, t)
	}
	return dst
}
