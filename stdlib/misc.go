package stdlib

import (
	"time"

	"github.com/dustin/go-humanize"
)

// If implements if(bool, T, T) T for every T TICKscript allows (float, int,
// string, bool, regex, time, duration). Both branches must have the same
// type, which the checker enforces. As in Kapacitor, if is an ordinary
// function: both branches are evaluated before the call, so an error in the
// branch not taken still drops the point.
func If[T any](cond bool, then, otherwise T) T {
	if cond {
		return then
	}
	return otherwise
}

// IsPresent implements isPresent(x) bool. Generated code resolves the field or
// tag reference itself and passes whether it was found; isPresent is false
// only for a missing reference. It is the one function that accepts a missing
// value; any other use of a missing reference drops the point.
func IsPresent(found bool) bool { return found }

// UnixNano implements unixNano(time) int: nanoseconds since the Unix epoch.
func UnixNano(t time.Time) int64 { return t.UnixNano() }

// Minute implements minute(time) int, in [0, 59]. Like the other calendar
// functions it uses t's location; Kapacitor's "time" reference is in the
// server's local time zone, so generated code must pass t.Local().
func Minute(t time.Time) int64 { return int64(t.Minute()) }

// Hour implements hour(time) int, in [0, 23], in t's location.
func Hour(t time.Time) int64 { return int64(t.Hour()) }

// Weekday implements weekday(time) int, in [0, 6] with 0 for Sunday, in t's
// location.
func Weekday(t time.Time) int64 { return int64(t.Weekday()) }

// Day implements day(time) int, the day of the month in [1, 31], in t's
// location.
func Day(t time.Time) int64 { return int64(t.Day()) }

// Month implements month(time) int, in [1, 12], in t's location.
func Month(t time.Time) int64 { return int64(t.Month()) }

// Year implements year(time) int, in t's location.
func Year(t time.Time) int64 { return int64(t.Year()) }

// Now implements now() time: the wall clock (time.Now, local time zone), not
// the time of the data. During a replay it still reads the real clock.
func Now() time.Time { return time.Now() }

// HumanBytesInt implements humanBytes(int) string with go-humanize's Bytes:
// SI units (powers of 1000), one decimal below ten units and none above,
// rounded half up: 0 → '0 B', 1000 → '1.0 kB', 1500 → '1.5 kB',
// 82854982 → '83 MB', 999999 → '1000 kB'. As in Kapacitor a negative value is
// converted to uint64 first, so -1 prints as '18 EB'.
func HumanBytesInt(x int64) string { return humanize.Bytes(uint64(x)) }

// HumanBytesFloat implements humanBytes(float) string: the value is
// converted to uint64 first (truncating any fraction; negative and NaN values
// give Go's platform-specific conversion result), then formatted like
// HumanBytesInt.
func HumanBytesFloat(x float64) string { return humanize.Bytes(uint64(x)) }
