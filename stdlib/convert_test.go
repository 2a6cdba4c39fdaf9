package stdlib

import (
	"math"
	"testing"
	"time"
)

// Expected values below come from Kapacitor's documented and implemented
// semantics (tick/stateful/functions.go, influxql, go-humanize), worked out
// by hand, not from running this package.

func TestBoolConversions(t *testing.T) {
	ints := []struct {
		in      int64
		want    bool
		wantErr string
	}{
		{0, false, ""},
		{1, true, ""},
		{2, false, "cannot convert 2 to boolean"},
		{-1, false, "cannot convert -1 to boolean"},
	}
	for _, c := range ints {
		got, err := BoolFromInt(c.in)
		checkErr(t, "BoolFromInt", c.in, err, c.wantErr)
		if err == nil && got != c.want {
			t.Errorf("BoolFromInt(%d) = %v, want %v", c.in, got, c.want)
		}
	}

	floats := []struct {
		in      float64
		want    bool
		wantErr string
	}{
		{0, false, ""},
		{math.Copysign(0, -1), false, ""},
		{1, true, ""},
		{0.5, false, "cannot convert 0.5 to boolean"},
		{2, false, "cannot convert 2 to boolean"},
		{math.NaN(), false, "cannot convert NaN to boolean"},
	}
	for _, c := range floats {
		got, err := BoolFromFloat(c.in)
		checkErr(t, "BoolFromFloat", c.in, err, c.wantErr)
		if err == nil && got != c.want {
			t.Errorf("BoolFromFloat(%v) = %v, want %v", c.in, got, c.want)
		}
	}

	strs := []struct {
		in      string
		want    bool
		wantErr bool
	}{
		{"true", true, false},
		{"TRUE", true, false},
		{"T", true, false},
		{"1", true, false},
		{"False", false, false},
		{"f", false, false},
		{"0", false, false},
		{"yes", false, true},
		{" true", false, true},
		{"", false, true},
	}
	for _, c := range strs {
		got, err := BoolFromString(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("BoolFromString(%q) error = %v, want error %v", c.in, err, c.wantErr)
		}
		if err == nil && got != c.want {
			t.Errorf("BoolFromString(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	if !BoolFromBool(true) || BoolFromBool(false) {
		t.Error("BoolFromBool is not the identity")
	}
}

func TestIntConversions(t *testing.T) {
	strs := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"42", 42, false},
		{"-7", -7, false},
		{"+7", 7, false},
		{"010", 10, false}, // base 10, not octal
		{"9223372036854775807", math.MaxInt64, false},
		{"9223372036854775808", 0, true},
		{"0x10", 0, true},
		{"1.5", 0, true},
		{"1e3", 0, true},
		{" 1", 0, true},
		{"1_000", 0, true},
		{"", 0, true},
	}
	for _, c := range strs {
		got, err := IntFromString(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("IntFromString(%q) error = %v, want error %v", c.in, err, c.wantErr)
		}
		if err == nil && got != c.want {
			t.Errorf("IntFromString(%q) = %d, want %d", c.in, got, c.want)
		}
	}
	floats := []struct {
		in   float64
		want int64
	}{
		{2.999, 2},
		{-1.9, -1},
		{-0.5, 0},
		{1e15, 1000000000000000},
	}
	for _, c := range floats {
		if got := IntFromFloat(c.in); got != c.want {
			t.Errorf("IntFromFloat(%v) = %d, want %d", c.in, got, c.want)
		}
	}
	if IntFromBool(true) != 1 || IntFromBool(false) != 0 {
		t.Error("IntFromBool: want true=1, false=0")
	}
	if IntFromInt(-3) != -3 {
		t.Error("IntFromInt is not the identity")
	}
}

func TestFloatConversions(t *testing.T) {
	strs := []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{"1e3", 1000, false},
		{"1.5", 1.5, false},
		{"-2", -2, false},
		{"Inf", math.Inf(1), false},
		{"0x1p-2", 0.25, false},
		{"1.5 ", 0, true},
		{"abc", 0, true},
	}
	for _, c := range strs {
		got, err := FloatFromString(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("FloatFromString(%q) error = %v, want error %v", c.in, err, c.wantErr)
		}
		if err == nil && got != c.want {
			t.Errorf("FloatFromString(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	if FloatFromBool(true) != 1 || FloatFromBool(false) != 0 {
		t.Error("FloatFromBool: want true=1, false=0")
	}
	if FloatFromInt(-3) != -3 || FloatFromFloat(2.5) != 2.5 {
		t.Error("FloatFromInt/FloatFromFloat")
	}
}

func TestStringConversions(t *testing.T) {
	floats := []struct {
		in   float64
		want string
	}{
		{2, "2"},
		{0.1, "0.1"},
		{-1.25, "-1.25"},
		{1e21, "1000000000000000000000"},
		{1.5e-7, "0.00000015"},
		{math.Copysign(0, -1), "-0"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
	}
	for _, c := range floats {
		if got := StringFromFloat(c.in); got != c.want {
			t.Errorf("StringFromFloat(%v) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := StringFromInt(-42); got != "-42" {
		t.Errorf("StringFromInt(-42) = %q", got)
	}
	if StringFromBool(true) != "true" || StringFromBool(false) != "false" {
		t.Error("StringFromBool")
	}
	if StringFromString("x") != "x" {
		t.Error("StringFromString")
	}
	if got := StringFromDuration(90 * time.Second); got != "90s" {
		t.Errorf("StringFromDuration(90s) = %q, want 90s", got)
	}
}

func TestDurationConversions(t *testing.T) {
	if got := DurationFromInt(5, time.Minute); got != 5*time.Minute {
		t.Errorf("DurationFromInt(5, 1m) = %v", got)
	}
	if got := DurationFromInt(-2, time.Second); got != -2*time.Second {
		t.Errorf("DurationFromInt(-2, 1s) = %v", got)
	}
	if got := DurationFromFloat(1.5, time.Second); got != 1500*time.Millisecond {
		t.Errorf("DurationFromFloat(1.5, 1s) = %v", got)
	}
	if got := DurationFromFloat(0.1, time.Second); got != 100*time.Millisecond {
		t.Errorf("DurationFromFloat(0.1, 1s) = %v", got)
	}
	// Truncation toward zero to whole nanoseconds.
	if got := DurationFromFloat(0.4, time.Nanosecond); got != 0 {
		t.Errorf("DurationFromFloat(0.4, 1ns) = %v", got)
	}
	if got := DurationFromFloat(-2.5, time.Nanosecond); got != -2 {
		t.Errorf("DurationFromFloat(-2.5, 1ns) = %v", got)
	}
	if DurationFromDuration(3*time.Hour) != 3*time.Hour {
		t.Error("DurationFromDuration")
	}

	// The unit is ignored for strings.
	got, err := DurationFromString("5m", time.Hour)
	if err != nil || got != 5*time.Minute {
		t.Errorf("DurationFromString(5m, 1h) = %v, %v; want 5m", got, err)
	}
	_, err = DurationFromString("5", time.Second)
	checkErr(t, "DurationFromString", "5", err, `invalid duration string "5"`)
	_, err = DurationFromString("1.5h", time.Second)
	checkErr(t, "DurationFromString", "1.5h", err, `invalid duration string "1.5h"`)
}

func checkErr(t *testing.T, fn string, in any, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s(%v): unexpected error %v", fn, in, err)
	case want != "" && err == nil:
		t.Errorf("%s(%v): no error, want %q", fn, in, want)
	case want != "" && err.Error() != want:
		t.Errorf("%s(%v): error %q, want %q", fn, in, err, want)
	}
}
