package server

import (
	"time"

	"github.com/tickc/tickc/runtime/timer"
)

// RunTimers drives s, the schedule given to the instance as Env.Timers, from
// the wall clock until Close: a goroutine sleeps until the next callback is
// due and fires what is due with the task's lock held. s must not be used
// by anything else afterwards.
func (t *Task) RunTimers(s *timer.Schedule) {
	wake := make(chan struct{}, 1)
	t.mu.Lock()
	s.Changed = func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	t.mu.Unlock()
	go func() {
		for {
			t.mu.Lock()
			if t.closed {
				t.mu.Unlock()
				return
			}
			s.Advance(time.Now())
			next, ok := s.Next()
			t.mu.Unlock()
			var after <-chan time.Time
			var tm *time.Timer
			if ok {
				tm = time.NewTimer(time.Until(next))
				after = tm.C
			}
			select {
			case <-t.stop:
			case <-wake:
			case <-after:
			}
			if tm != nil {
				tm.Stop()
			}
		}
	}()
}

// ReplayTimers drives s, the schedule given to the instance as Env.Timers,
// from the replay's clock: the first delivered point rebases it to its time
// and every point advances it to its time before the point reaches the
// instance, so a replay fires the same callbacks at the same times every
// run. Callbacks due after the last point do not fire.
func (t *Task) ReplayTimers(s *timer.Schedule) {
	t.mu.Lock()
	t.timers = s
	t.mu.Unlock()
}

// AdvanceTimers fires, under the task's lock, what the replayed schedule
// has due at or before now (for example at the end of a replay).
func (t *Task) AdvanceTimers(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timers != nil && !t.closed {
		t.timers.Advance(now)
	}
}
