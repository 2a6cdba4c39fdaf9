package stdlib

import (
	"errors"
	"time"
)

// Binary operators whose TICKscript semantics differ from Go's, or which
// Go cannot write directly because the operand types differ. Operators not
// listed here (int and float + - *, float /, comparisons, string +,
// duration + -) are plain Go operators; comparisons between int and float
// convert the int with float64(), as Kapacitor does.
//
// Kapacitor type rules the checker enforces and that need no helper:
// arithmetic never mixes int and float (1 + 2.0 is an error), % exists only
// for int % int (float % float is "invalid math operator"), and there is no
// time arithmetic or comparison.

// ErrIntDivideByZero is returned by DivInt, ModInt, DivDurationInt and
// DivDurationDuration for a zero divisor. Its text is the Go run-time panic
// message that Kapacitor recovers from and reports.
var ErrIntDivideByZero = errors.New("runtime error: integer divide by zero")

// DivInt implements int / int: Go integer division, truncating toward zero.
// A zero divisor is an error (Kapacitor's evaluator panics and the point is
// dropped) rather than a crash. MinInt64 / -1 wraps to MinInt64.
func DivInt(a, b int64) (int64, error) {
	if b == 0 {
		return 0, ErrIntDivideByZero
	}
	return a / b, nil
}

// ModInt implements int % int: Go remainder, with the sign of a. A zero
// divisor is an error.
func ModInt(a, b int64) (int64, error) {
	if b == 0 {
		return 0, ErrIntDivideByZero
	}
	return a % b, nil
}

// DivFloat implements float / float. Division by zero gives ±Inf or NaN, as
// in Kapacitor. Generated code calls it rather than writing a / b so that
// constant operands never become a Go compile-time division by zero.
func DivFloat(a, b float64) float64 { return a / b }

// MulDurationInt implements duration * int → duration (wrapping on overflow).
func MulDurationInt(d time.Duration, n int64) time.Duration { return d * time.Duration(n) }

// MulIntDuration implements int * duration → duration (wrapping on overflow).
func MulIntDuration(n int64, d time.Duration) time.Duration { return time.Duration(n) * d }

// MulDurationFloat implements duration * float → duration: the product in
// nanoseconds, truncated toward zero (10s * 1.5 is 15s, 1ns * 0.5 is 0).
func MulDurationFloat(d time.Duration, f float64) time.Duration {
	return time.Duration(float64(d) * f)
}

// MulFloatDuration implements float * duration → duration, like
// MulDurationFloat.
func MulFloatDuration(f float64, d time.Duration) time.Duration {
	return time.Duration(f * float64(d))
}

// DivDurationInt implements duration / int → duration, truncating toward
// zero. A zero divisor is an error.
func DivDurationInt(d time.Duration, n int64) (time.Duration, error) {
	if n == 0 {
		return 0, ErrIntDivideByZero
	}
	return d / time.Duration(n), nil
}

// DivDurationFloat implements duration / float → duration, truncated toward
// zero to whole nanoseconds. Dividing by 0.0 is not an error in Kapacitor: the
// infinite quotient is converted to a duration with Go's platform-specific
// out-of-range conversion, and so it is here.
func DivDurationFloat(d time.Duration, f float64) time.Duration {
	return time.Duration(float64(d) / f)
}

// DivDurationDuration implements duration / duration → int: how many whole
// times b fits in a, truncating toward zero (90s / 1m is 1). A zero divisor is
// an error.
func DivDurationDuration(a, b time.Duration) (int64, error) {
	if b == 0 {
		return 0, ErrIntDivideByZero
	}
	return int64(a / b), nil
}
