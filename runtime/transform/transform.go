// Package transform holds the per-group state of the TICKscript nodes that
// carry something from one point of a group to the next: sample,
// stateCount, stateDuration, changeDetect and derivative, and what the
// InfluxQL stream transformations (difference, movingAverage,
// cumulativeSum, elapsed) need beyond stdlib/influxql's reducers.
//
// Each type reproduces the Kapacitor 1.8 node of the same name: a zero
// value is the state of a group that has seen nothing, the generated code
// keeps one per group on a stream edge, and calls Reset at the start of
// every batch on a batch edge (Kapacitor resets these states in
// BeginBatch).
package transform

import (
	"errors"
	"fmt"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Sample is the state of sample(n) or sample(d) for one group.
type Sample struct {
	count int64
}

// KeepCount reports whether sample(n) keeps the next point: the first of
// the group and every nth after it. n must be positive.
func (s *Sample) KeepCount(n int64) bool {
	keep := s.count%n == 0
	s.count++
	return keep
}

// KeepTime reports whether sample(d) keeps a point at time t: one whose
// time is a multiple of d (time.Time.Truncate, counted from Go's zero time
// like Kapacitor, which for d dividing a day is the same as from the Unix
// epoch). The count goes on as with KeepCount, as in Kapacitor.
func (s *Sample) KeepTime(t int64, d time.Duration) bool {
	s.count++
	return pipeline.Truncate(t, d) == t
}

// Reset starts counting again, at the start of a batch.
func (s *Sample) Reset() { s.count = 0 }

// StateCount is the state of stateCount(λ) for one group.
type StateCount struct {
	count int64
}

// Track returns the value stateCount adds to a point whose lambda was in:
// the number of consecutive points for which it has been true, or -1
// (restarting the count) when it is false.
func (s *StateCount) Track(in bool) int64 {
	if !in {
		s.count = 0
		return -1
	}
	s.count++
	return s.count
}

// Reset forgets the current run, at the start of a batch.
func (s *StateCount) Reset() { s.count = 0 }

// StateDuration is the state of stateDuration(λ) for one group.
type StateDuration struct {
	start   int64
	started bool
}

// Track returns the value stateDuration adds to a point at time t whose
// lambda was in: the time since the first point of the current run of
// true values, in units of unit (a float: 1.5 for 90s in minutes), or -1
// (ending the run) when it is false. The first true point gives 0.
func (s *StateDuration) Track(t int64, in bool, unit time.Duration) float64 {
	if !in {
		s.started = false
		return -1
	}
	if !s.started {
		s.start, s.started = t, true
	}
	return float64(time.Duration(t-s.start)) / float64(unit)
}

// Reset forgets the current run, at the start of a batch.
func (s *StateDuration) Reset() { s.started = false }

// ChangeDetect is the state of changeDetect(fields...) for one group: the
// listed fields of the last point passed on.
type ChangeDetect struct {
	prev    []pipeline.Value // Missing where the last point lacked the field
	missing []string
}

// Changed reports whether p is passed on: whether one of fields, in order,
// differs from its value in the last point passed on (the group's first
// point always differs). Values of different kinds differ, so an int 3
// differs from a float 3, and a NaN differs from everything. A field p lacks
// is skipped: Kapacitor logs an error for it and compares the next one. It
// stops at the first difference, so fields after it are not looked at.
// missing lists the fields p lacked among those compared; it is valid until
// the next call. When p changed, its values become the ones compared next.
func (c *ChangeDetect) Changed(p *pipeline.Point, fields []string) (changed bool, missing []string) {
	c.missing = c.missing[:0]
	if len(c.prev) != len(fields) {
		c.prev = make([]pipeline.Value, len(fields))
	}
	for i, f := range fields {
		v, ok := p.Field(f)
		if !ok {
			c.missing = append(c.missing, f)
			continue
		}
		if !Equal(c.prev[i], v) {
			changed = true
			break
		}
	}
	if changed {
		for i, f := range fields {
			c.prev[i], _ = p.Field(f)
		}
	}
	return changed, c.missing
}

// Reset forgets the last point, at the start of a batch.
func (c *ChangeDetect) Reset() {
	for i := range c.prev {
		c.prev[i] = pipeline.Value{}
	}
}

// Equal reports whether two field values are equal as Go interface values
// are in Kapacitor: same kind and same value (floats compare with ==, so
// NaN is not equal to itself and -0 equals 0). A missing value equals only
// a missing value.
func Equal(a, b pipeline.Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case pipeline.Float:
		return a.F == b.F
	case pipeline.Int:
		return a.I == b.I
	case pipeline.String:
		return a.S == b.S
	case pipeline.Bool:
		return a.B == b.B
	}
	return true
}

// Derivative is the state of derivative(field) for one group: the value
// and time of the last point that had a numeric field.
type Derivative struct {
	prev     float64
	prevTime int64
	has      bool
}

// ErrElapsedZero is the error of a derivative between two points with the
// same time.
var ErrElapsedZero = errors.New("cannot perform derivative: elapsed time was 0")

// Next feeds the field value v of a point at time t and returns the
// derivative to emit with it, if any:
//
//	(v - prev) / ((t - prevTime) / unit)
//
// computed in float64 in that order, as Kapacitor does. A value that is
// not a float or an int (or is missing) is an error and is not remembered.
// Otherwise the point becomes the previous one, whether or not a result is
// emitted: nothing is emitted for the group's first point, for a point at
// the same time as the previous one (an error, ErrElapsedZero), or, with
// nonNegative, for a negative difference (silently).
func (d *Derivative) Next(t int64, v pipeline.Value, unit time.Duration, nonNegative bool) (float64, bool, error) {
	var f1 float64
	switch v.Kind {
	case pipeline.Float:
		f1 = v.F
	case pipeline.Int:
		f1 = float64(v.I)
	case pipeline.Missing:
		return 0, false, errors.New("cannot perform derivative: field is missing")
	default:
		return 0, false, fmt.Errorf("cannot perform derivative: field is the wrong type: %s", v.Kind)
	}
	f0, prevTime, had := d.prev, d.prevTime, d.has
	d.prev, d.prevTime, d.has = f1, t, true
	if !had {
		return 0, false, nil
	}
	elapsed := float64(time.Duration(t - prevTime))
	if elapsed == 0 {
		return 0, false, ErrElapsedZero
	}
	diff := f1 - f0
	if nonNegative && diff < 0 {
		return 0, false, nil
	}
	return diff / (elapsed / float64(unit)), true, nil
}

// Reset forgets the previous point, at the start of a batch.
func (d *Derivative) Reset() { *d = Derivative{} }

// Last is the last result an InfluxQL stream transformation emitted for a
// group. Kapacitor asks the reducer for a result after every point, even
// one it could not aggregate (the field missing, or of another type than
// the group's first): movingAverage, cumulativeSum and elapsed then emit
// their last result again, with its time; difference emits nothing.
type Last struct {
	Value pipeline.Value
	Time  int64
	OK    bool
}

// Set records a result.
func (l *Last) Set(v pipeline.Value, t int64) { *l = Last{Value: v, Time: t, OK: true} }
