package transform

import (
	"math"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

const sec = int64(time.Second)

func TestSampleKeepCount(t *testing.T) {
	var s Sample
	var got []int
	for i := 0; i < 10; i++ {
		if s.KeepCount(4) {
			got = append(got, i)
		}
	}
	// The first point, then every 4th: 0, 4, 8.
	if want := []int{0, 4, 8}; !equalInts(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	s.Reset()
	if !s.KeepCount(4) {
		t.Error("the first point after Reset was dropped")
	}
	// n=1 keeps everything.
	var one Sample
	for i := 0; i < 3; i++ {
		if !one.KeepCount(1) {
			t.Errorf("sample(1) dropped point %d", i)
		}
	}
}

func TestSampleKeepTime(t *testing.T) {
	var s Sample
	base := int64(1709546400) * sec // 2024-03-04T10:00:00Z, a multiple of 10s
	cases := []struct {
		t    int64
		keep bool
	}{
		{base, true},
		{base + 5*sec, false},
		{base + 10*sec, true},
		{base + 10*sec + 1, false}, // one nanosecond past the boundary
		{base + 20*sec, true},
	}
	for _, c := range cases {
		if got := s.KeepTime(c.t, 10*time.Second); got != c.keep {
			t.Errorf("KeepTime(base+%v) = %v, want %v", time.Duration(c.t-base), got, c.keep)
		}
	}
	// A non-positive duration truncates nothing: every point is kept.
	if !s.KeepTime(base+3, -time.Second) {
		t.Error("a negative duration dropped a point")
	}
}

func TestStateCount(t *testing.T) {
	var s StateCount
	in := []bool{false, true, true, true, false, true}
	want := []int64{-1, 1, 2, 3, -1, 1}
	for i, b := range in {
		if got := s.Track(b); got != want[i] {
			t.Errorf("point %d: got %d, want %d", i, got, want[i])
		}
	}
	s.Track(true)
	s.Reset()
	if got := s.Track(true); got != 1 {
		t.Errorf("after Reset: got %d, want 1", got)
	}
}

func TestStateDuration(t *testing.T) {
	var s StateDuration
	steps := []struct {
		t    int64
		in   bool
		want float64
	}{
		{0, false, -1},
		{10 * sec, true, 0}, // the first true point
		{25 * sec, true, 0.25},
		{70 * sec, true, 1},
		{80 * sec, false, -1},
		{90 * sec, true, 0}, // a new run
		{180 * sec, true, 1.5},
	}
	for _, st := range steps {
		if got := s.Track(st.t, st.in, time.Minute); got != st.want {
			t.Errorf("t=%ds: got %v, want %v", st.t/sec, got, st.want)
		}
	}
	s.Reset()
	if got := s.Track(500*sec, true, time.Second); got != 0 {
		t.Errorf("after Reset: got %v, want 0", got)
	}
	// A run starting at the Unix epoch is a run like any other.
	var e StateDuration
	e.Track(0, true, time.Second)
	if got := e.Track(2*sec, true, time.Second); got != 2 {
		t.Errorf("run from time 0: got %v, want 2", got)
	}
}

func point(fields ...pipeline.Field) *pipeline.Point {
	return &pipeline.Point{Name: "m", Fields: fields}
}

func f(key string, v pipeline.Value) pipeline.Field { return pipeline.Field{Key: key, Value: v} }

func TestChangeDetect(t *testing.T) {
	var c ChangeDetect
	fields := []string{"a", "b"}
	steps := []struct {
		p       *pipeline.Point
		changed bool
		missing []string
	}{
		// The first point always changes.
		{point(f("a", pipeline.StringValue("ok")), f("b", pipeline.IntValue(1))), true, nil},
		{point(f("a", pipeline.StringValue("ok")), f("b", pipeline.IntValue(1))), false, nil},
		// b changes.
		{point(f("a", pipeline.StringValue("ok")), f("b", pipeline.IntValue(2))), true, nil},
		// An int 2 and a float 2 differ.
		{point(f("a", pipeline.StringValue("ok")), f("b", pipeline.FloatValue(2))), true, nil},
		// a is missing: an error for it, and b is compared.
		{point(f("b", pipeline.FloatValue(2))), false, []string{"a"}},
		// a changes: b is not looked at, so its absence is no error.
		{point(f("a", pipeline.StringValue("bad"))), true, nil},
		// The last point passed on lacked b, so any b is a change.
		{point(f("a", pipeline.StringValue("bad")), f("b", pipeline.FloatValue(2))), true, nil},
		// Both missing: no change, two errors.
		{point(), false, []string{"a", "b"}},
	}
	for i, st := range steps {
		changed, missing := c.Changed(st.p, fields)
		if changed != st.changed || !equalStrings(missing, st.missing) {
			t.Errorf("point %d: got %v %v, want %v %v", i, changed, missing, st.changed, st.missing)
		}
	}
	c.Reset()
	if changed, _ := c.Changed(point(f("a", pipeline.StringValue("bad")), f("b", pipeline.FloatValue(2))), fields); !changed {
		t.Error("the first point after Reset did not change")
	}
}

func TestChangeDetectNaN(t *testing.T) {
	var c ChangeDetect
	nan := point(f("a", pipeline.FloatValue(math.NaN())))
	for i := 0; i < 2; i++ {
		if changed, _ := c.Changed(nan, []string{"a"}); !changed {
			t.Errorf("NaN %d: not a change; NaN differs from itself in Kapacitor", i)
		}
	}
}

func TestEqual(t *testing.T) {
	cases := []struct {
		a, b pipeline.Value
		want bool
	}{
		{pipeline.Value{}, pipeline.Value{}, true},
		{pipeline.FloatValue(1), pipeline.FloatValue(1), true},
		{pipeline.FloatValue(0), pipeline.FloatValue(math.Copysign(0, -1)), true},
		{pipeline.FloatValue(1), pipeline.IntValue(1), false},
		{pipeline.IntValue(3), pipeline.IntValue(4), false},
		{pipeline.StringValue("x"), pipeline.StringValue("x"), true},
		{pipeline.BoolValue(true), pipeline.BoolValue(false), false},
		{pipeline.Value{}, pipeline.BoolValue(false), false},
	}
	for _, c := range cases {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("Equal(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestDerivative(t *testing.T) {
	var d Derivative
	type step struct {
		t     int64
		v     pipeline.Value
		want  float64
		emit  bool
		isErr bool
	}
	steps := []step{
		{0, pipeline.FloatValue(10), 0, false, false},         // the first point
		{10 * sec, pipeline.FloatValue(15), 0.5, true, false}, // 5 over 10s
		{20 * sec, pipeline.IntValue(5), -1, true, false},     // an int; negative kept
		{20 * sec, pipeline.IntValue(9), 0, false, true},      // elapsed 0: an error, but remembered
		{30 * sec, pipeline.FloatValue(10), 0.1, true, false}, // from the remembered 9
		{40 * sec, pipeline.StringValue("x"), 0, false, true}, // wrong type: not remembered
		{50 * sec, pipeline.Value{}, 0, false, true},          // missing: not remembered
		{60 * sec, pipeline.FloatValue(13), 0.1, true, false}, // from 10 at 30s
		{60*sec + 500*int64(time.Millisecond), pipeline.FloatValue(14), 2, true, false},
	}
	for i, st := range steps {
		got, emit, err := d.Next(st.t, st.v, time.Second, false)
		if (err != nil) != st.isErr || emit != st.emit || (emit && math.Abs(got-st.want) > 1e-12) {
			t.Errorf("step %d: got %v %v %v, want %v %v err=%v", i, got, emit, err, st.want, st.emit, st.isErr)
		}
	}
	d.Reset()
	if _, emit, _ := d.Next(100*sec, pipeline.FloatValue(1), time.Second, false); emit {
		t.Error("the first point after Reset emitted")
	}
}

func TestDerivativeUnitAndNonNegative(t *testing.T) {
	var d Derivative
	d.Next(0, pipeline.FloatValue(100), time.Minute, true)
	// +30 over 10s is +180 per minute.
	if got, emit, _ := d.Next(10*sec, pipeline.FloatValue(130), time.Minute, true); !emit || got != 180 {
		t.Errorf("got %v %v, want 180 true", got, emit)
	}
	// A drop is not emitted, but the point is remembered.
	if _, emit, err := d.Next(20*sec, pipeline.FloatValue(70), time.Minute, true); emit || err != nil {
		t.Errorf("a negative change with nonNegative: emit %v err %v", emit, err)
	}
	if got, emit, _ := d.Next(30*sec, pipeline.FloatValue(71), time.Minute, true); !emit || got != 6 {
		t.Errorf("got %v %v, want 6 true (from the dropped point)", got, emit)
	}
}

// The result is computed as diff / (elapsed / unit), in that order.
func TestDerivativeRounding(t *testing.T) {
	var d Derivative
	t0 := int64(1709546402571515039)
	t1 := int64(1709546410391153337)
	d.Next(t0, pipeline.FloatValue(84.83), time.Minute, false)
	got, _, _ := d.Next(t1, pipeline.FloatValue(85.5), time.Minute, false)
	v0, v1 := 84.83, 85.5 // variables: constant arithmetic would be exact
	want := (v1 - v0) / (float64(t1-t0) / float64(time.Minute))
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	// Kapacitor's recorded value for this pair (conformance case
	// derivative_float_unit).
	if got != 5.140902746138771 {
		t.Errorf("got %v, want Kapacitor's 5.140902746138771", got)
	}
}

func TestLast(t *testing.T) {
	var l Last
	if l.OK {
		t.Fatal("a zero Last has a value")
	}
	l.Set(pipeline.FloatValue(2.5), 7)
	if !l.OK || l.Value != pipeline.FloatValue(2.5) || l.Time != 7 {
		t.Errorf("got %+v", l)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
