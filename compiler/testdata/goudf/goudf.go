// Package goudf holds Go UDF functions for tickc's tests (tickc build --udf).
package goudf

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// Celsius converts degrees Fahrenheit to Celsius.
func Celsius(f float64) float64 { return (f - 32) * 5 / 9 }

// Label appends n to prefix.
func Label(prefix string, n int64) string { return prefix + strconv.FormatInt(n, 10) }

// SafeSqrt is the square root of x; a negative x is an error.
func SafeSqrt(x float64) (float64, error) {
	if x < 0 {
		return 0, errors.New("SafeSqrt of a negative number")
	}
	return math.Sqrt(x), nil
}

// Within reports whether d is at most limit.
func Within(d, limit time.Duration) bool { return d <= limit }

// Sum has a parameter type TICKscript lacks, so it is not a lambda function.
func Sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}
