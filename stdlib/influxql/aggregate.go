package influxql

import "math"

// Number is the set of numeric TICKscript field types: float and int.
type Number interface {
	float64 | int64
}

// Ordered is the set of TICKscript field types that first, last and distinct
// compare with < and >: float, int and string (bool has its own functions).
type Ordered interface {
	float64 | int64 | string
}

// Count implements count(field) for any field type: the number of points in
// the window, 0 for an empty window (count is one of the two functions
// Kapacitor evaluates on empty batches). Points whose field is missing or of
// another type than the first point's are not counted by Kapacitor; the
// caller leaves them out of vals.
func Count[T any](vals []T) int64 {
	return int64(len(vals))
}

// Sum implements sum(field) for float and int fields: the sum in point
// order, starting from 0, so an empty window gives 0 (Kapacitor evaluates
// sum on empty batches) and the sum of a lone -0.0 is +0. Integer sums wrap
// around on overflow like InfluxDB's.
func Sum[T Number](vals []T) T {
	var s T
	for _, v := range vals {
		s += v
	}
	return s
}

// Mean implements mean(field): float → float and int → float. The sum is
// accumulated in the field's own type (an int sum wraps on overflow) and
// divided by the count at the end, as InfluxDB's MeanReducer does. An empty
// window gives NaN (Kapacitor never evaluates mean on one).
func Mean[T Number](vals []T) float64 {
	var s T
	for _, v := range vals {
		s += v
	}
	return float64(s) / float64(len(vals))
}

// SpreadFloat implements spread(field) on a float field: max - min. As in
// InfluxDB's FloatSpreadReducer the extremes start at +Inf/-Inf and are
// updated with math.Min and math.Max, so a NaN anywhere makes the result NaN;
// an empty window gives -Inf.
func SpreadFloat(vals []float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	return hi - lo
}

// SpreadInt implements spread(field) on an int field: max - min as an int
// (wrapping on overflow). An empty window gives 1 (MinInt64 - MaxInt64,
// wrapped), as InfluxDB's IntegerSpreadReducer would.
func SpreadInt(vals []int64) int64 {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, v := range vals {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return hi - lo
}

// StddevFloat implements stddev(field) on a float field: the sample standard
// deviation (divisor n-1). Quirks kept from InfluxDB's FloatStddevReduceSlice:
// a window of fewer than 2 points gives NaN (not 0); NaN values are skipped when computing the mean and the variance but
// still count towards that 2-point minimum; the mean is computed
// incrementally (mean += (v-mean)/k) and squares with math.Pow.
func StddevFloat(vals []float64) float64 {
	if len(vals) < 2 {
		return math.NaN()
	}
	var mean float64
	var count int
	for _, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		count++
		mean += (v - mean) / float64(count)
	}
	var variance float64
	for _, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		variance += math.Pow(v-mean, 2)
	}
	return math.Sqrt(variance / float64(count-1))
}

// StddevInt implements stddev(field) on an int field (float result), with
// the same algorithm as [StddevFloat]; fewer than 2 points give NaN.
func StddevInt(vals []int64) float64 {
	if len(vals) < 2 {
		return math.NaN()
	}
	var mean float64
	var count int
	for _, v := range vals {
		count++
		mean += (float64(v) - mean) / float64(count)
	}
	var variance float64
	for _, v := range vals {
		variance += math.Pow(float64(v)-mean, 2)
	}
	return math.Sqrt(variance / float64(count-1))
}
