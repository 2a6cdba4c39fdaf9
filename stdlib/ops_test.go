package stdlib

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestIntOps(t *testing.T) {
	divs := []struct {
		a, b, want int64
		err        bool
	}{
		{7, 2, 3, false},
		{-7, 2, -3, false}, // truncation toward zero
		{7, -2, -3, false},
		{math.MinInt64, -1, math.MinInt64, false}, // wraps
		{1, 0, 0, true},
		{0, 0, 0, true},
	}
	for _, c := range divs {
		got, err := DivInt(c.a, c.b)
		if c.err {
			if !errors.Is(err, ErrIntDivideByZero) {
				t.Errorf("DivInt(%d, %d): error %v, want ErrIntDivideByZero", c.a, c.b, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("DivInt(%d, %d) = %d, %v; want %d", c.a, c.b, got, err, c.want)
		}
	}
	mods := []struct {
		a, b, want int64
		err        bool
	}{
		{7, 3, 1, false},
		{-7, 3, -1, false}, // sign of the dividend
		{7, -3, 1, false},
		{5, 0, 0, true},
	}
	for _, c := range mods {
		got, err := ModInt(c.a, c.b)
		if c.err {
			if !errors.Is(err, ErrIntDivideByZero) {
				t.Errorf("ModInt(%d, %d): error %v, want ErrIntDivideByZero", c.a, c.b, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ModInt(%d, %d) = %d, %v; want %d", c.a, c.b, got, err, c.want)
		}
	}
	if ErrIntDivideByZero.Error() != "runtime error: integer divide by zero" {
		t.Errorf("ErrIntDivideByZero text = %q", ErrIntDivideByZero)
	}
}

func TestFloatDiv(t *testing.T) {
	if got := DivFloat(1, 0); !math.IsInf(got, 1) {
		t.Errorf("DivFloat(1, 0) = %v, want +Inf", got)
	}
	if got := DivFloat(-1, 0); !math.IsInf(got, -1) {
		t.Errorf("DivFloat(-1, 0) = %v, want -Inf", got)
	}
	if got := DivFloat(0, 0); !math.IsNaN(got) {
		t.Errorf("DivFloat(0, 0) = %v, want NaN", got)
	}
	if got := DivFloat(1, 4); got != 0.25 {
		t.Errorf("DivFloat(1, 4) = %v", got)
	}
}

func TestDurationOps(t *testing.T) {
	durs := []struct {
		name      string
		got, want time.Duration
	}{
		{"10s * 3", MulDurationInt(10*time.Second, 3), 30 * time.Second},
		{"3 * 10s", MulIntDuration(3, 10*time.Second), 30 * time.Second},
		{"10s * 1.5", MulDurationFloat(10*time.Second, 1.5), 15 * time.Second},
		{"1.5 * 10s", MulFloatDuration(1.5, 10*time.Second), 15 * time.Second},
		{"1ns * 0.5", MulDurationFloat(time.Nanosecond, 0.5), 0},
		{"3ns * -0.5", MulDurationFloat(3, -0.5), -1},
		{"10s / 4.0", DivDurationFloat(10*time.Second, 4), 2500 * time.Millisecond},
		{"1ns / 3.0", DivDurationFloat(1, 3), 0},
	}
	for _, c := range durs {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	got, err := DivDurationInt(10*time.Second, 4)
	if err != nil || got != 2500*time.Millisecond {
		t.Errorf("10s / 4 = %v, %v; want 2.5s", got, err)
	}
	got, err = DivDurationInt(-7, 2)
	if err != nil || got != -3 {
		t.Errorf("-7ns / 2 = %v, %v; want -3ns", got, err)
	}
	if _, err := DivDurationInt(time.Second, 0); !errors.Is(err, ErrIntDivideByZero) {
		t.Errorf("1s / 0: error %v", err)
	}

	n, err := DivDurationDuration(90*time.Second, time.Minute)
	if err != nil || n != 1 {
		t.Errorf("90s / 1m = %d, %v; want 1", n, err)
	}
	n, err = DivDurationDuration(time.Hour, time.Second)
	if err != nil || n != 3600 {
		t.Errorf("1h / 1s = %d, %v; want 3600", n, err)
	}
	n, err = DivDurationDuration(-90*time.Second, time.Minute)
	if err != nil || n != -1 {
		t.Errorf("-90s / 1m = %d, %v; want -1", n, err)
	}
	if _, err := DivDurationDuration(time.Second, 0); !errors.Is(err, ErrIntDivideByZero) {
		t.Errorf("1s / 0s: error %v", err)
	}
}
