package alert

import "fmt"

// Level is the severity of an alert event, ordered OK < Info < Warning <
// Critical as in Kapacitor's alert.Level.
type Level int

// The alert levels.
const (
	OK Level = iota
	Info
	Warning
	Critical
)

const levelStrings = "OKINFOWARNINGCRITICAL"

var levelOffsets = [...]int{0, 2, 6, 13, 21}

// String returns the level as Kapacitor prints it: OK, INFO, WARNING or
// CRITICAL ("unknown" for anything else).
func (l Level) String() string {
	if l >= OK && l <= Critical {
		return levelStrings[levelOffsets[l]:levelOffsets[l+1]]
	}
	return "unknown"
}

// MarshalText implements encoding.TextMarshaler, so a Level is a JSON string.
func (l Level) MarshalText() ([]byte, error) {
	return []byte(l.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler for the four level names.
func (l *Level) UnmarshalText(text []byte) error {
	for i := OK; i <= Critical; i++ {
		if string(text) == i.String() {
			*l = i
			return nil
		}
	}
	return fmt.Errorf("unknown alert level '%s'", text)
}

// LevelSet is a set of levels, one bit per level.
type LevelSet uint8

// Levels returns the set of the given levels.
func Levels(ls ...Level) LevelSet {
	var s LevelSet
	for _, l := range ls {
		s |= 1 << uint(l)
	}
	return s
}

// Has reports whether l is in the set.
func (s LevelSet) Has(l Level) bool {
	return l >= OK && l <= Critical && s&(1<<uint(l)) != 0
}

// Tester evaluates an alert node's level lambdas (.info/.warn/.crit) and
// reset lambdas (.infoReset/.warnReset/.critReset) for the point being
// processed. Generated code implements it; DetermineLevel calls it lazily, in
// Kapacitor's order, and possibly more than once per level and point, which
// matters for stateful lambda functions such as sigma() or count().
//
// A lambda that fails to evaluate returns a non-nil error. The Tester reports
// the error itself (log, error statistic); DetermineLevel only uses it to
// decide as Kapacitor does: a failing level test does not match, and a failing
// reset test does not hold the current level.
//
// To keep DetermineLevel free of allocations, pass a pointer that is already
// on the heap (for example the node's own struct holding the current point),
// not the address of a local variable.
type Tester interface {
	// Test evaluates the test of level l; it is only called for levels in
	// Config.Tests.
	Test(l Level) (bool, error)
	// Reset evaluates the reset test of level l; it is only called for levels
	// in Config.Resets.
	Reset(l Level) (bool, error)
}

// DetermineLevel returns the level of a point whose group is currently at
// level cur, as Kapacitor's AlertNode.determineLevel:
//
//  1. Test the levels from Critical down to cur (inclusive); the first one
//     that matches wins.
//  2. Otherwise, if cur has a reset lambda and it is false, stay at cur.
//  3. Otherwise test the levels from cur down to Info; the first one that
//     matches wins, and if none does the level is OK.
//
// Unset levels are skipped. Note that step 3 tests cur a second time.
func DetermineLevel(cfg *Config, cur Level, t Tester) Level {
	if l, ok := firstMatch(cfg, Critical, cur-1, t); ok {
		return l
	}
	if cfg.Resets.Has(cur) {
		if pass, err := t.Reset(cur); err == nil && !pass {
			return cur
		}
	}
	if l, ok := firstMatch(cfg, cur, OK, t); ok {
		return l
	}
	return OK
}

// firstMatch tests the levels from start down to, but excluding, stop.
func firstMatch(cfg *Config, start, stop Level, t Tester) (Level, bool) {
	if stop < OK {
		stop = OK
	}
	for l := start; l > stop; l-- {
		if !cfg.Tests.Has(l) {
			continue
		}
		if pass, err := t.Test(l); err == nil && pass {
			return l, true
		}
	}
	return OK, false
}
