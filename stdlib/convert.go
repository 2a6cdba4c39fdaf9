package stdlib

import (
	"fmt"
	"strconv"
	"time"
)

// bool(x)

// BoolFromBool implements bool(bool) bool: the identity.
func BoolFromBool(b bool) bool { return b }

// BoolFromString implements bool(string) bool with strconv.ParseBool: 1, t,
// T, TRUE, true, True, 0, f, F, FALSE, false and False are accepted; anything
// else ('yes', 'on', ' true') is an error.
func BoolFromString(s string) (bool, error) { return strconv.ParseBool(s) }

// BoolFromInt implements bool(int) bool. Only 0 and 1 convert; Kapacitor
// fails on any other value (bool(2) is an error, not true).
func BoolFromInt(x int64) (bool, error) {
	switch x {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, fmt.Errorf("cannot convert %d to boolean", x)
}

// BoolFromFloat implements bool(float) bool. Only 0.0 (either sign) and 1.0
// convert; any other value, NaN included, is an error.
func BoolFromFloat(x float64) (bool, error) {
	switch x {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, fmt.Errorf("cannot convert %v to boolean", x)
}

// int(x)

// IntFromBool implements int(bool) int: false is 0, true is 1.
func IntFromBool(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// IntFromString implements int(string) int with strconv.ParseInt base 10: no
// base prefixes, no underscores, no surrounding spaces, no decimal point
// ('1.5' is an error). A leading '+' or '-' is allowed. Out-of-range values
// are errors.
func IntFromString(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

// IntFromInt implements int(int) int: the identity.
func IntFromInt(x int64) int64 { return x }

// IntFromFloat implements int(float) int by Go conversion: the fraction is
// truncated toward zero (int(-1.9) is -1). NaN and out-of-range values give
// the platform's result for an out-of-range conversion, as in Kapacitor.
//
// There is no int(duration): Kapacitor's implementation would accept one but
// its signature check rejects it.
func IntFromFloat(x float64) int64 { return int64(x) }

// float(x)

// FloatFromBool implements float(bool) float: false is 0.0, true is 1.0.
func FloatFromBool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// FloatFromString implements float(string) float with strconv.ParseFloat:
// exponents ('1e3'), 'Inf', 'NaN' and hexadecimal floats are accepted;
// surrounding spaces are not.
func FloatFromString(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

// FloatFromInt implements float(int) float.
func FloatFromInt(x int64) float64 { return float64(x) }

// FloatFromFloat implements float(float) float: the identity.
func FloatFromFloat(x float64) float64 { return x }

// string(x)

// StringFromBool implements string(bool) string: 'true' or 'false'.
func StringFromBool(b bool) string { return strconv.FormatBool(b) }

// StringFromString implements string(string) string: the identity.
func StringFromString(s string) string { return s }

// StringFromInt implements string(int) string in base 10.
func StringFromInt(x int64) string { return strconv.FormatInt(x, 10) }

// StringFromFloat implements string(float) string with strconv.FormatFloat
// 'f', -1: the shortest decimal that round-trips, never in exponent form
// (1e21 gives '1000000000000000000000', 0.1 gives '0.1', 2.0 gives '2').
// Infinities print as '+Inf' and '-Inf', NaN as 'NaN'.
func StringFromFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// StringFromDuration implements string(duration) string with InfluxQL's
// duration format: the largest unit among w, d, h, m, s, ms, u and ns that
// divides the duration exactly, with an integer count. So 90s stays '90s',
// 1h30m becomes '90m', 14d becomes '2w', 1500ms stays '1500ms', and zero is
// '0s'. Microseconds print as 'u', not 'µ'.
func StringFromDuration(d time.Duration) string { return FormatDuration(d) }

// duration(x[, unit])

// DurationFromDuration implements duration(duration) duration: the identity.
func DurationFromDuration(d time.Duration) time.Duration { return d }

// DurationFromInt implements duration(int, unit duration) duration: x units.
// The product wraps on overflow as Go integer multiplication does.
func DurationFromInt(x int64, unit time.Duration) time.Duration {
	return time.Duration(x) * unit
}

// DurationFromFloat implements duration(float, unit duration) duration: x
// units, truncated toward zero to whole nanoseconds (duration(1.5, 1s) is
// 1500ms). NaN and out-of-range products give the platform's result for an
// out-of-range float conversion, as in Kapacitor.
func DurationFromFloat(x float64, unit time.Duration) time.Duration {
	return time.Duration(x * float64(unit))
}

// DurationFromString implements duration(string, unit duration) duration.
// The string is parsed with InfluxQL's duration syntax (see ParseDuration)
// and unit is ignored.
//
// Kapacitor quirk: its implementation does not need the unit for a string,
// but its signature check has no one-argument string overload, so a script
// must write duration('5m', 1s).
func DurationFromString(s string, unit time.Duration) (time.Duration, error) {
	d, err := ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration string %q", s)
	}
	return d, nil
}
