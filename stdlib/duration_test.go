package stdlib

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{10 * time.Second, "10s"},
		{time.Minute, "1m"},
		{time.Hour, "1h"},
		{90 * time.Second, "90s"}, // not 1m30s: only whole units
		{90 * time.Minute, "90m"},
		{36 * time.Hour, "36h"},
		{24 * time.Hour, "1d"},
		{48 * time.Hour, "2d"},
		{8 * 24 * time.Hour, "8d"},
		{7 * 24 * time.Hour, "1w"},
		{14 * 24 * time.Hour, "2w"},
		{1500 * time.Millisecond, "1500ms"},
		{time.Millisecond, "1ms"},
		{time.Microsecond, "1u"},
		{1500 * time.Nanosecond, "1500ns"},
		{time.Nanosecond, "1ns"},
		{-5 * time.Minute, "-5m"},
		{-90 * time.Second, "-90s"},
		{-1, "-1ns"},
	}
	for _, c := range cases {
		if got := FormatDuration(c.in); got != c.want {
			t.Errorf("FormatDuration(%d) = %q, want %q", int64(c.in), got, c.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	cases := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"1s", time.Second, false},
		{"0s", 0, false},
		{"10ms", 10 * time.Millisecond, false},
		{"5m", 5 * time.Minute, false},
		{"2h", 2 * time.Hour, false},
		{"1d", 24 * time.Hour, false},
		{"1w", 7 * 24 * time.Hour, false},
		{"3u", 3 * time.Microsecond, false},
		{"3µ", 3 * time.Microsecond, false},
		{"100ns", 100, false},
		{"1h30m", 90 * time.Minute, false},
		{"1m1m", 2 * time.Minute, false},
		{"1m5s", 65 * time.Second, false},
		{"-5m", -5 * time.Minute, false},
		{"-1h30m", -90 * time.Minute, false},
		{"007s", 7 * time.Second, false},

		{"", 0, true},
		{"s", 0, true},
		{"5", 0, true},  // no unit
		{"-5", 0, true}, // no unit
		{"-", 0, true},
		{"--1s", 0, true},
		{"+1s", 0, true},
		{"1.5h", 0, true},
		{"1 s", 0, true},
		{"1s ", 0, true},
		{"1x", 0, true},
		{"1n", 0, true},
		{"1sm", 0, true}, // trailing unit without a number
		{"ms", 0, true},
		{"1μ", 0, true},                    // Greek mu U+03BC is not the micro sign
		{"99999999999999999999s", 0, true}, // count overflows int64
		{"106752d", 0, true},               // total overflows: reported
	}
	for _, c := range cases {
		got, err := ParseDuration(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("ParseDuration(%q) error = %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if err == nil && got != c.want {
			t.Errorf("ParseDuration(%q) = %v, want %v", c.in, got, c.want)
		}
	}

	_, err := ParseDuration("106752d")
	checkErr(t, "ParseDuration", "106752d", err, "overflowed duration 106752d: choose a smaller duration or INF")

	// InfluxQL quirk: with a leading '-' the overflow check is skipped, so
	// the wrapped total is negated. 106752 days is 9223372800000000000ns,
	// which wraps to -9223371273709551616 and is negated.
	got, err := ParseDuration("-106752d")
	if err != nil || got != 9223371273709551616 {
		t.Errorf("ParseDuration(-106752d) = %d, %v; want 9223371273709551616", int64(got), err)
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{1, 999, time.Microsecond, 7 * time.Millisecond, 90 * time.Second,
		3 * time.Hour, 5 * 24 * time.Hour, 3 * 7 * 24 * time.Hour, -42 * time.Second} {
		s := FormatDuration(d)
		got, err := ParseDuration(s)
		if err != nil || got != d {
			t.Errorf("ParseDuration(FormatDuration(%d) = %q) = %d, %v", int64(d), s, int64(got), err)
		}
	}
}
