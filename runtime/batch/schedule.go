package batch

import (
	"fmt"
	"time"

	"github.com/gorhill/cronexpr"
)

// Schedule says when a query runs: every Every (aligned to multiples of it
// with .align()) or on a cron expression, as Kapacitor's tickers do.
type Schedule struct {
	every time.Duration
	align bool
	cron  *cronexpr.Expression
}

// NewSchedule makes the schedule of a query node: every, or else cron.
func NewSchedule(every time.Duration, align bool, cron string) (*Schedule, error) {
	if cron != "" {
		expr, err := cronexpr.Parse(cron)
		if err != nil {
			return nil, fmt.Errorf("cron %q: %w", cron, err)
		}
		return &Schedule{cron: expr}, nil
	}
	if every <= 0 {
		return nil, fmt.Errorf("every must be positive, got %v", every)
	}
	return &Schedule{every: every, align: align}, nil
}

// First is the first tick of a schedule started at now. An aligned
// schedule first ticks at the next multiple of every; an unaligned one
// a whole period after it starts; a cron one at the expression's next
// time (in local time, like Kapacitor's crons).
func (s *Schedule) First(now time.Time) time.Time {
	switch {
	case s.cron != nil:
		return s.cron.Next(now.Local())
	case s.align:
		return now.Truncate(s.every).Add(s.every)
	default:
		return now.Add(s.every)
	}
}

// Next is the tick after the tick at t. Aligned ticks stay on multiples
// of every.
func (s *Schedule) Next(t time.Time) time.Time {
	switch {
	case s.cron != nil:
		return s.cron.Next(t.Local())
	case s.align:
		return t.Add(s.every).Round(s.every)
	default:
		return t.Add(s.every)
	}
}
