package stdlib

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrInvalidDuration is returned by ParseDuration for malformed input.
var ErrInvalidDuration = errors.New("invalid duration")

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// ParseDuration parses a duration written in InfluxQL's syntax, the one
// Kapacitor's duration(string, unit) uses (influxql.ParseDuration):
//
//   - an optional leading '-', then one or more segments, each a run of ASCII
//     digits followed by a unit: ns, u or µ (U+00B5), ms, s, m, h, d (24h) or
//     w (7d). Segments add up: '1h30m' is 90 minutes, '1m1m' is 2 minutes.
//   - no fractions ('1.5h'), no spaces, no '+', no bare number ('10'), no
//     unit without a number; strings shorter than two bytes are rejected.
//   - a segment's count must fit in int64. Multiplying by the unit wraps
//     silently; only a positive input whose total comes out negative is
//     reported as an overflow.
func ParseDuration(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, ErrInvalidDuration
	}
	neg := false
	i := 0
	if s[0] == '-' {
		neg = true
		i = 1
	}
	var total time.Duration
	var lastCount int64
	var lastUnit string
	for i < len(s) {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || j == len(s) {
			return 0, ErrInvalidDuration
		}
		n, err := strconv.ParseInt(s[i:j], 10, 64)
		if err != nil {
			return 0, ErrInvalidDuration
		}
		count := time.Duration(n)
		var unit time.Duration
		var width int
		switch {
		case s[j] == 'n' && j+1 < len(s) && s[j+1] == 's':
			unit, width = time.Nanosecond, 2
		case s[j] == 'u':
			unit, width = time.Microsecond, 1
		case s[j] == 0xC2 && j+1 < len(s) && s[j+1] == 0xB5: // 'µ' in UTF-8
			unit, width = time.Microsecond, 2
		case s[j] == 'm' && j+1 < len(s) && s[j+1] == 's':
			unit, width = time.Millisecond, 2
		case s[j] == 'm':
			unit, width = time.Minute, 1
		case s[j] == 's':
			unit, width = time.Second, 1
		case s[j] == 'h':
			unit, width = time.Hour, 1
		case s[j] == 'd':
			unit, width = day, 1
		case s[j] == 'w':
			unit, width = week, 1
		default:
			return 0, ErrInvalidDuration
		}
		total += count * unit
		lastCount, lastUnit = n, s[j:j+width]
		i = j + width
	}
	if total < 0 && !neg {
		return 0, fmt.Errorf("overflowed duration %d%s: choose a smaller duration or INF", lastCount, lastUnit)
	}
	if neg {
		total = -total
	}
	return total, nil
}

// FormatDuration formats a duration as InfluxQL does (influxql.FormatDuration),
// which is what string(duration) returns: the count of the largest unit among
// w, d, h, m, s, ms and u that divides d exactly, else nanoseconds. Zero is
// '0s'. Examples: 10s → '10s', 90s → '90s', 1h30m → '90m', 48h → '2d',
// 168h → '1w', 1500ms → '1500ms', -5m → '-5m'.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	units := [...]struct {
		size time.Duration
		name string
	}{
		{week, "w"},
		{day, "d"},
		{time.Hour, "h"},
		{time.Minute, "m"},
		{time.Second, "s"},
		{time.Millisecond, "ms"},
		{time.Microsecond, "u"},
	}
	for _, u := range units {
		if d%u.size == 0 {
			return strconv.FormatInt(int64(d/u.size), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(d), 10) + "ns"
}
