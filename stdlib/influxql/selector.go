package influxql

// The single-point selectors fold the window left to right the way InfluxDB's
// FuncReducer does: the first point is taken, then each following point
// replaces the current choice when the reduce function prefers it. They
// return the index of the chosen point, or -1 for an empty window (Kapacitor
// emits nothing then).

// First implements the selector first(field) on float, int and string
// fields: the point with the earliest time. Among points with the same
// earliest time the one with the greatest value wins (InfluxDB's
// FirstReduce; strings compare bytewise), and among points equal in both the
// first in the window.
func First[T Ordered](vals []T, times []int64) int {
	if len(vals) == 0 {
		return -1
	}
	sel := 0
	for i := 1; i < len(vals); i++ {
		if times[i] < times[sel] || (times[i] == times[sel] && vals[i] > vals[sel]) {
			sel = i
		}
	}
	return sel
}

// Last implements the selector last(field) on float, int and string fields:
// the point with the latest time. Among points with the same latest time the
// one with the greatest value wins (InfluxDB's LastReduce), and among points
// equal in both the first in the window.
func Last[T Ordered](vals []T, times []int64) int {
	if len(vals) == 0 {
		return -1
	}
	sel := 0
	for i := 1; i < len(vals); i++ {
		if times[i] > times[sel] || (times[i] == times[sel] && vals[i] > vals[sel]) {
			sel = i
		}
	}
	return sel
}

// FirstBool implements first(field) on a bool field: the earliest point.
// Unlike the other types, among points with the same earliest time false
// wins over true (InfluxDB's BooleanFirstReduce); then the first in the
// window.
func FirstBool(vals []bool, times []int64) int {
	if len(vals) == 0 {
		return -1
	}
	sel := 0
	for i := 1; i < len(vals); i++ {
		if times[i] < times[sel] || (times[i] == times[sel] && !vals[i] && vals[sel]) {
			sel = i
		}
	}
	return sel
}

// LastBool implements last(field) on a bool field: the latest point; among
// points with the same latest time true wins over false (InfluxDB's
// BooleanLastReduce); then the first in the window.
func LastBool(vals []bool, times []int64) int {
	if len(vals) == 0 {
		return -1
	}
	sel := 0
	for i := 1; i < len(vals); i++ {
		if times[i] > times[sel] || (times[i] == times[sel] && vals[i] && !vals[sel]) {
			sel = i
		}
	}
	return sel
}

// Min implements the selector min(field) on float and int fields (Kapacitor
// offers min on no other type): the smallest value; ties go to the earliest
// time, then to the first in the window. Comparisons are IEEE: a NaN first
// point is never replaced, a later NaN never chosen.
func Min[T Number](vals []T, times []int64) int {
	if len(vals) == 0 {
		return -1
	}
	sel := 0
	for i := 1; i < len(vals); i++ {
		if vals[i] < vals[sel] || (vals[i] == vals[sel] && times[i] < times[sel]) {
			sel = i
		}
	}
	return sel
}

// Max implements the selector max(field) on float and int fields: the
// greatest value; ties go to the earliest time, then to the first in the
// window. NaN behaves as in [Min].
func Max[T Number](vals []T, times []int64) int {
	if len(vals) == 0 {
		return -1
	}
	sel := 0
	for i := 1; i < len(vals); i++ {
		if vals[i] > vals[sel] || (vals[i] == vals[sel] && times[i] < times[sel]) {
			sel = i
		}
	}
	return sel
}
