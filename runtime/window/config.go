package window

import (
	"errors"
	"time"
)

// Config holds the properties of one window node, as in Kapacitor's
// pipeline.WindowNode. Exactly one of Period and PeriodCount is non-zero.
type Config struct {
	// Period is the time range a time window covers.
	Period time.Duration
	// Every is how often a time window is emitted; 0 emits on every point.
	Every time.Duration
	// Align truncates the emit times to multiples of Every.
	Align bool
	// FillPeriod waits for a full Period (PeriodCount points) before the
	// first emit.
	FillPeriod bool
	// PeriodCount is the number of points a count window holds.
	PeriodCount int64
	// EveryCount is how many points arrive between emits of a count window.
	EveryCount int64
}

// Validate reports the errors Kapacitor reports for this configuration,
// with its messages: pipeline.WindowNode.validate at define time and
// newWindowNode at task start. A negative PeriodCount is also rejected;
// Kapacitor would panic on the first point.
func (c *Config) Validate() error {
	switch {
	case c.PeriodCount != 0 && c.Period != 0:
		return errors.New("cannot specify both period and periodCount")
	case c.PeriodCount != 0 && c.Align:
		return errors.New("can only align windows based off time, not count")
	case c.PeriodCount != 0 && c.EveryCount <= 0:
		return errors.New("everyCount must be greater than zero")
	case c.PeriodCount < 0:
		return errors.New("periodCount must be greater than zero")
	case c.Period == 0 && c.PeriodCount == 0:
		return errors.New("window node must have either a non zero period or non zero period count")
	}
	return nil
}

// byTime reports whether the windows are time windows (else count windows),
// as Kapacitor decides: by a non-zero Period.
func (c *Config) byTime() bool { return c.Period != 0 }

// truncate rounds t (Unix nanoseconds) down to a multiple of d counted from
// Go's zero time, as time.Time.Truncate does; d <= 0 leaves t unchanged.
func truncate(t int64, d time.Duration) int64 {
	if d <= 0 {
		return t
	}
	return time.Unix(0, t).Truncate(d).UnixNano()
}
