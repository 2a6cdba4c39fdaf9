package stdlib

import (
	"math"
	"regexp"
	"testing"
	"time"
)

func TestIf(t *testing.T) {
	if got := If(true, 1.5, 2.5); got != 1.5 {
		t.Errorf("If(true, 1.5, 2.5) = %v", got)
	}
	if got := If(false, int64(1), int64(2)); got != 2 {
		t.Errorf("If(false, 1, 2) = %v", got)
	}
	if got := If(false, "a", "b"); got != "b" {
		t.Errorf("If(false, a, b) = %v", got)
	}
	if got := If(true, false, true); got != false {
		t.Errorf("If(true, FALSE, TRUE) = %v", got)
	}
	if got := If(false, time.Second, time.Minute); got != time.Minute {
		t.Errorf("If(false, 1s, 1m) = %v", got)
	}
	a, b := regexp.MustCompile("a"), regexp.MustCompile("b")
	if got := If(true, a, b); got != a {
		t.Errorf("If(true, /a/, /b/) = %v", got)
	}
	t1, t2 := time.Unix(1, 0), time.Unix(2, 0)
	if got := If(false, t1, t2); !got.Equal(t2) {
		t.Errorf("If(false, t1, t2) = %v", got)
	}
}

func TestIsPresent(t *testing.T) {
	if !IsPresent(true) || IsPresent(false) {
		t.Error("IsPresent must report whether the reference was found")
	}
}

func TestTimeFunctions(t *testing.T) {
	// 2024-03-10 was a Sunday; 2024-01-01 is day 19723 after the epoch, so
	// this instant is (19723+31+29+9)*86400 + 14*3600 + 5*60 + 9 seconds.
	ts := time.Date(2024, 3, 10, 14, 5, 9, 0, time.UTC)
	cases := []struct {
		name string
		got  int64
		want int64
	}{
		{"UnixNano", UnixNano(ts), 1710079509000000000},
		{"Minute", Minute(ts), 5},
		{"Hour", Hour(ts), 14},
		{"Weekday", Weekday(ts), 0},
		{"Day", Day(ts), 10},
		{"Month", Month(ts), 3},
		{"Year", Year(ts), 2024},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}

	// The calendar functions use the time's own location.
	est := ts.In(time.FixedZone("EST", -5*3600))
	if Hour(est) != 9 || UnixNano(est) != 1710079509000000000 {
		t.Errorf("in UTC-5: Hour = %d, UnixNano = %d", Hour(est), UnixNano(est))
	}
	// 2024-01-01 00:30 UTC is still 2023-12-31, a Sunday, in UTC-5.
	ny := time.Date(2024, 1, 1, 0, 30, 0, 0, time.UTC).In(time.FixedZone("EST", -5*3600))
	if Year(ny) != 2023 || Month(ny) != 12 || Day(ny) != 31 || Weekday(ny) != 0 {
		t.Errorf("in UTC-5: %d-%d-%d weekday %d", Year(ny), Month(ny), Day(ny), Weekday(ny))
	}

	before := time.Now()
	now := Now()
	if now.Before(before) || now.After(time.Now()) {
		t.Errorf("Now() = %v is not the wall clock", now)
	}
}

func TestHumanBytes(t *testing.T) {
	ints := []struct {
		in   int64
		want string
	}{
		{0, "0 B"},
		{9, "9 B"},
		{10, "10 B"},
		{999, "999 B"},
		{1000, "1.0 kB"},
		{1049, "1.0 kB"},
		{1050, "1.1 kB"},
		{1500, "1.5 kB"},
		{9949, "9.9 kB"},
		{9950, "10 kB"},
		{999999, "1000 kB"},
		{2500000, "2.5 MB"},
		{82854982, "83 MB"},
		{-1, "18 EB"}, // converted to uint64 first, as in Kapacitor
	}
	for _, c := range ints {
		if got := HumanBytesInt(c.in); got != c.want {
			t.Errorf("HumanBytesInt(%d) = %q, want %q", c.in, got, c.want)
		}
	}
	floats := []struct {
		in   float64
		want string
	}{
		{1536.7, "1.5 kB"},
		{9.9, "9 B"},
		{82854982.0, "83 MB"},
	}
	for _, c := range floats {
		if got := HumanBytesFloat(c.in); got != c.want {
			t.Errorf("HumanBytesFloat(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMathFunctions(t *testing.T) {
	cases := []struct {
		name      string
		got, want float64
	}{
		{"Abs", Abs(-2.5), 2.5},
		{"Ceil", Ceil(1.2), 2},
		{"Floor", Floor(-1.2), -2},
		{"Trunc", Trunc(-1.7), -1},
		{"Sqrt", Sqrt(16), 4},
		{"Pow", Pow(2, 10), 1024},
		{"Pow10", Pow10(2), 100},
		{"Pow10 negative", Pow10(-1), 0.1},
		{"Pow10 huge", Pow10(400), math.Inf(1)},
		{"Pow10 tiny", Pow10(-400), 0},
		{"Pow10 beyond int32", Pow10(1 << 40), math.Inf(1)},
		{"Mod sign of x", Mod(-7, 3), -1},
		{"Mod float", Mod(7.5, 2), 1.5},
		{"Max", Max(1, 2), 2},
		{"Min", Min(1, 2), 1},
		{"Hypot", Hypot(3, 4), 5},
		{"Atan2", Atan2(1, 1), math.Pi / 4},
		{"Exp2", Exp2(3), 8},
		{"Log2", Log2(8), 3},
		{"Log10", Log10(1000), 3},
		{"Logb", Logb(8), 3},
		{"Cbrt", Cbrt(27), 3},
		{"Jn order 0", Jn(0, 0), 1},
		{"J0", J0(0), 1},
		{"J1", J1(0), 0},
		{"Gamma", Gamma(5), 24},
		{"Log", Log(1), 0},
		{"Exp", Exp(0), 1},
		{"Expm1", Expm1(0), 0},
		{"Log1p", Log1p(0), 0},
		{"Erf", Erf(0), 0},
		{"Erfc", Erfc(0), 1},
		{"Sin", Sin(0), 0},
		{"Cos", Cos(0), 1},
		{"Tan", Tan(0), 0},
		{"Asin", Asin(0), 0},
		{"Acos", Acos(1), 0},
		{"Atan", Atan(0), 0},
		{"Sinh", Sinh(0), 0},
		{"Cosh", Cosh(0), 1},
		{"Tanh", Tanh(0), 0},
		{"Asinh", Asinh(0), 0},
		{"Acosh", Acosh(1), 0},
		{"Atanh", Atanh(0), 0},
		{"Y0 at 0", Y0(0), math.Inf(-1)},
		{"Y1 at 0", Y1(0), math.Inf(-1)},
		{"Yn at 0", Yn(2, 0), math.Inf(-1)},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !math.IsNaN(Max(math.NaN(), 1)) || !math.IsNaN(Sqrt(-1)) {
		t.Error("NaN must propagate as in Go's math package")
	}
}
