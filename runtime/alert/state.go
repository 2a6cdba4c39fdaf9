package alert

import (
	"errors"
	"time"
)

// DefaultHistory is the default of .history(n): the number of levels kept per
// group for flapping detection.
const DefaultHistory = 21

// The newest state change weighs weightDiff times more than the oldest, and
// at most maxWeight (Kapacitor's constants for flapping detection).
const (
	weightDiff = 1.5
	maxWeight  = 1.2
)

// Config is the static configuration of one alert node: which levels it
// tests and the properties that decide when an event fires. It is shared by
// all groups of the node and must not change once points flow.
type Config struct {
	// Tests holds the levels with a level lambda (.info, .warn, .crit).
	Tests LevelSet
	// Resets holds the levels with a reset lambda (.infoReset, .warnReset,
	// .critReset). Kapacitor ignores a reset lambda whose level has none.
	Resets LevelSet

	// History is .history(n): the size of the level history ring. Values
	// below 2 mean 2, as in Kapacitor; set DefaultHistory when the script
	// does not call .history().
	History int

	// Flapping is set by .flapping(low, high): while the weighted
	// percentage of state changes in the history is above FlapHigh (until it
	// drops below FlapLow) no events fire.
	Flapping          bool
	FlapLow, FlapHigh float64

	// StateChangesOnly is .stateChangesOnly(): an unchanged level fires no
	// event, unless StateChangesOnlyDuration is non-zero and at least that
	// long has passed since the last event.
	StateChangesOnly         bool
	StateChangesOnlyDuration time.Duration

	// NoRecoveries is .noRecoveries(): OK events are not sent, and events
	// carry recoverable=false.
	NoRecoveries bool

	// All is .all() (batch only): the batch level is the lowest level of its
	// points instead of the highest.
	All bool
}

// Validate checks the configuration as Kapacitor does when the task starts.
func (c *Config) Validate() error {
	if c.Flapping && (c.FlapLow > 1 || c.FlapHigh > 1) {
		return errors.New("alert flap thresholds are percentages and should be between 0 and 1")
	}
	return nil
}

func (c *Config) historySize() int {
	if c.History < 2 {
		return 2
	}
	return c.History
}

// Event is what State.Update decides for one point or batch: an alert event
// with this level, time and duration fires.
type Event struct {
	Level Level
	// Time is the event time: the point time, or the batch rule of
	// BatchEventTime.
	Time time.Time
	// Duration is how long the current episode (the run of non-OK events
	// since the last OK) has lasted: the last triggered time minus the first,
	// 0 for the first event of an episode.
	Duration time.Duration
}

// State is the alert state of one group: the level history ring, flapping
// and state-change flags, and the trigger times of the current episode. The
// zero value is ready to use; the caller owns it (typically embedded in its
// per-group struct) and must not use it concurrently.
type State struct {
	history  []Level
	idx      int
	flapping bool
	changed  bool
	expired  bool
	// firstTriggered is when the current episode started, lastTriggered
	// when the last event was triggered (not every point triggers one).
	firstTriggered time.Time
	lastTriggered  time.Time
	// inhibitors are the group's .inhibit() inhibitors, active while its
	// level is not OK.
	inhibitors []*Inhibitor
}

// Level returns the group's current level (OK for a new group). Pass it to
// DetermineLevel.
func (s *State) Level() Level {
	if s.history == nil {
		return OK
	}
	return s.history[s.idx]
}

// Flapping reports whether the group is currently flapping.
func (s *State) Flapping() bool { return s.flapping }

// Duration returns the duration of the current episode, as in the last
// Event.
func (s *State) Duration() time.Duration {
	return s.lastTriggered.Sub(s.firstTriggered)
}

// Restore seeds a new group with a level found in the alert topic for its
// event ID, as Kapacitor does when it creates a group whose ID already has a
// state (another group rendering the same ID, or a restart): the level is
// recorded at time t (the group's first point) and triggered at triggered
// (the stored event's time). An OK level restores nothing.
func (s *State) Restore(cfg *Config, l Level, t, triggered time.Time) {
	if l == OK {
		return
	}
	s.addEvent(cfg, t, l)
	s.triggered(triggered)
}

// Update records the level of a stream point at time t and reports whether
// an alert event fires, as Kapacitor's stream alert node:
//
//   - nothing fires while the group is flapping, nor, with stateChangesOnly,
//     when the level is unchanged and the max interval has not expired;
//   - otherwise an event fires when the level is not OK or has changed (a
//     recovery), except that with noRecoveries an OK event is suppressed
//     (but still counts as triggered for the episode bookkeeping).
//
// Update does not allocate except for the history ring on a group's first
// call.
func (s *State) Update(level Level, t time.Time, cfg *Config) (fire bool, ev Event) {
	s.addEvent(cfg, t, level)
	s.inhibit(level)
	if (cfg.Flapping && s.flapping) || (cfg.StateChangesOnly && !s.changed && !s.expired) {
		return false, Event{}
	}
	if level == OK && !s.changed {
		return false, Event{}
	}
	s.triggered(t)
	if cfg.NoRecoveries && level == OK {
		return false, Event{}
	}
	return true, Event{Level: level, Time: t, Duration: s.Duration()}
}

// UpdateBatch records the level of a whole batch (see BatchLevels) at event
// time t (see BatchEventTime) and reports whether an event fires, as
// Kapacitor's batch alert node. It differs from Update in one respect: a
// recovery (OK after a non-OK level) fires even while flapping.
func (s *State) UpdateBatch(level Level, t time.Time, cfg *Config) (fire bool, ev Event) {
	s.addEvent(cfg, t, level)
	s.inhibit(level)
	recovery := s.changed && level == OK
	suppressed := (cfg.Flapping && s.flapping) || (cfg.StateChangesOnly && !s.changed && !s.expired)
	if !recovery && (level == OK || suppressed) {
		return false, Event{}
	}
	s.triggered(t)
	if cfg.NoRecoveries && level == OK {
		return false, Event{}
	}
	return true, Event{Level: level, Time: t, Duration: s.Duration()}
}

// addEvent appends level to the history and updates the changed, flapping
// and expired flags.
func (s *State) addEvent(cfg *Config, t time.Time, level Level) {
	if s.history == nil {
		s.history = make([]Level, cfg.historySize())
	}
	s.changed = s.history[s.idx] != level
	if s.idx++; s.idx == len(s.history) {
		s.idx = 0
	}
	s.history[s.idx] = level
	if cfg.Flapping {
		p := s.percentChange()
		if s.flapping && p < cfg.FlapLow {
			s.flapping = false
		} else if !s.flapping && p > cfg.FlapHigh {
			s.flapping = true
		}
	}
	s.expired = !s.changed && cfg.StateChangesOnlyDuration != 0 &&
		t.Sub(s.lastTriggered) >= cfg.StateChangesOnlyDuration
}

// inhibit activates the group's inhibitors while its level is not OK.
func (s *State) inhibit(level Level) {
	for _, in := range s.inhibitors {
		in.active.Store(level != OK)
	}
}

// triggered records that an event was triggered at t, starting a new episode
// if the level before the latest one was OK.
func (s *State) triggered(t time.Time) {
	s.lastTriggered = t
	p := s.idx - 1
	if p == -1 {
		p = len(s.history) - 1
	}
	if s.history[p] == OK {
		s.firstTriggered = t
	}
}

// percentChange is Kapacitor's weighted percentage of state changes over the
// history ring. The arithmetic is kept in the same order so that the result
// is bit for bit the same.
func (s *State) percentChange() float64 {
	l := len(s.history)
	changes := 0.0
	weight := maxWeight / weightDiff
	step := (maxWeight - weight) / float64(l-1)
	c := s.idx // (i + idx) % l, from the newest level on
	for i := 0; i < l-1; i++ {
		p := c - 1
		if p < 0 {
			p = l - 1
		}
		if s.history[c] != s.history[p] {
			changes += weight
		}
		weight += step
		if c++; c == l {
			c = 0
		}
	}
	return changes / float64(l-1)
}

// BatchLevels folds the levels of a batch's points, in order, into the batch
// level: the highest level (the first point reaching it decides the event
// time and fields), or with .all() the lowest. Every point's level is
// determined from the group's level before the batch (State.Level).
type BatchLevels struct {
	n       int
	lowest  Level
	highest Level
	index   int
}

// Add records the level of the next point.
func (b *BatchLevels) Add(l Level) {
	if b.n == 0 {
		b.lowest, b.highest, b.index = l, l, 0
	} else {
		if l < b.lowest {
			b.lowest = l
		}
		if l > b.highest {
			b.highest, b.index = l, b.n
		}
	}
	b.n++
}

// Result returns the batch level and the index of the highest-level point
// (whose fields the templates see). ok is false for an empty batch, which
// Kapacitor skips entirely.
func (b *BatchLevels) Result(cfg *Config) (level Level, highest int, ok bool) {
	if b.n == 0 {
		return OK, 0, false
	}
	if cfg.All {
		return b.lowest, b.index, true
	}
	return b.highest, b.index, true
}

// BatchEventTime returns the event time of a batch: the time of its
// highest-level point, or the batch time (its tmax) with .all() or when the
// level is OK.
func BatchEventTime(cfg *Config, level Level, highestPoint, batch time.Time) time.Time {
	if cfg.All || level == OK {
		return batch
	}
	return highestPoint
}
