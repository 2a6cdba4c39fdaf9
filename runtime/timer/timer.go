// Package timer runs the wall-clock callbacks of a task (stats and barrier
// nodes) on a clock the host chooses.
//
// A Schedule implements pipeline.Timers. It does not run anything by
// itself: the host calls Advance(now) with the task's lock held, which
// fires every callback due at or before now in due order, each with the
// time it was due. runtime/server.Task drives it either from the wall clock
// (a goroutine that sleeps until Next) or, in a replay, from the times of
// the replayed points (Task.AdvanceTimers before each point), which makes
// replays and tests deterministic.
package timer

import (
	"sort"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// maxCatchUp bounds the calls one Advance makes for a periodic callback
// that fell behind (a gap of a year in a replay); beyond it the callback
// skips to the present.
const maxCatchUp = 100000

// Schedule holds a task's callbacks. It is not safe for concurrent use:
// the host serialises it with the task.
type Schedule struct {
	now     time.Time
	entries []*entry
	seq     int
	// Changed, if set, is called when a callback is added or reset, so
	// that a goroutine sleeping until Next can wake up.
	Changed func()
}

type entry struct {
	due    time.Time
	active bool
	every  time.Duration // 0 for one-shot
	align  bool
	after  time.Duration // the delay of a one-shot, for Rebase
	// first is the time the first call of an aligned periodic callback
	// gets (the start time); zero otherwise.
	first time.Time
	fire  func(now time.Time)
	seq   int // registration order, to break ties
	s     *Schedule
}

// New returns a schedule whose clock reads start.
func New(start time.Time) *Schedule { return &Schedule{now: start} }

// Now is the schedule's current time: the start or the last Advance.
func (s *Schedule) Now() time.Time { return s.now }

// Every implements pipeline.Timers.
func (s *Schedule) Every(d time.Duration, align bool, fire func(now time.Time)) {
	if d <= 0 {
		return
	}
	e := s.add(fire)
	e.every, e.align = d, align
	if align {
		e.due = s.now.Truncate(d).Add(d)
		e.first = s.now
	} else {
		e.due = s.now.Add(d)
	}
	e.active = true
	s.changed()
}

// After implements pipeline.Timers.
func (s *Schedule) After(d time.Duration, fire func(now time.Time)) pipeline.Timer {
	e := s.add(fire)
	e.Reset(d)
	return e
}

func (s *Schedule) add(fire func(time.Time)) *entry {
	e := &entry{fire: fire, seq: s.seq, s: s}
	s.seq++
	s.entries = append(s.entries, e)
	return e
}

func (s *Schedule) changed() {
	if s.Changed != nil {
		s.Changed()
	}
}

// Reset implements pipeline.Timer.
func (e *entry) Reset(d time.Duration) {
	e.after = d
	e.due = e.s.now.Add(d)
	e.active = true
	e.s.changed()
}

// Stop implements pipeline.Timer.
func (e *entry) Stop() { e.active = false }

// Rebase restarts the clock at start, as if every callback had been
// registered then. A replay calls it with the time of its first point,
// before any Advance, so that --rec-time replays keep their timers.
func (s *Schedule) Rebase(start time.Time) {
	s.now = start
	for _, e := range s.entries {
		switch {
		case e.every > 0 && e.align:
			e.due, e.first = start.Truncate(e.every).Add(e.every), start
		case e.every > 0:
			e.due = start.Add(e.every)
		default:
			e.due = start.Add(e.after)
		}
	}
}

// Next is when the earliest callback is due; false if none is.
func (s *Schedule) Next() (time.Time, bool) {
	var next time.Time
	ok := false
	for _, e := range s.entries {
		if e.active && (!ok || e.due.Before(next)) {
			next, ok = e.due, true
		}
	}
	return next, ok
}

// Empty reports whether nothing was ever registered.
func (s *Schedule) Empty() bool { return len(s.entries) == 0 }

// Advance moves the clock to now, firing every callback due at or before
// it in due order (ties in registration order). A callback may register or
// reset others; those fire too if due. The clock never goes back.
func (s *Schedule) Advance(now time.Time) {
	if now.Before(s.now) {
		return
	}
	calls := 0
	for {
		var due []*entry
		for _, e := range s.entries {
			if e.active && !e.due.After(now) {
				due = append(due, e)
			}
		}
		if len(due) == 0 {
			break
		}
		sort.Slice(due, func(i, j int) bool {
			if !due[i].due.Equal(due[j].due) {
				return due[i].due.Before(due[j].due)
			}
			return due[i].seq < due[j].seq
		})
		e := due[0]
		at := e.due
		s.now = at
		arg := at
		if !e.first.IsZero() {
			arg, e.first = e.first, time.Time{}
		}
		if e.every > 0 {
			e.due = e.due.Add(e.every)
			calls++
			if calls > maxCatchUp && e.due.Before(now) {
				e.due = now.Truncate(e.every).Add(e.every)
			}
		} else {
			e.active = false
		}
		e.fire(arg)
	}
	s.now = now
}
