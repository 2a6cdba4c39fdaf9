package pipeline

import (
	"log/slog"
	"time"
)

// ErrorLog counts the errors of a task's nodes (a point dropped because a
// lambda failed, a missing field) in their stats and logs each distinct
// error of a node at most once per interval, so that a bad field never
// floods the log with one line per point.
type ErrorLog struct {
	log      *slog.Logger
	now      func() time.Time
	interval time.Duration
	last     map[errorKey]time.Time
	stats    []*NodeStats
	names    []string
}

type errorKey struct {
	node int
	msg  string
}

// NewErrorLog returns an ErrorLog for nodes named names with stats stats.
func NewErrorLog(log *slog.Logger, now func() time.Time, names []string, stats []*NodeStats) *ErrorLog {
	return &ErrorLog{log: log, now: now, interval: time.Minute, last: map[errorKey]time.Time{}, stats: stats, names: names}
}

// Report counts err against node and logs it unless the same error of the
// same node was logged within the interval.
func (e *ErrorLog) Report(node int, err error) {
	e.stats[node].Errors.Add(1)
	k := errorKey{node, err.Error()}
	now := e.now()
	if last, ok := e.last[k]; ok && now.Sub(last) < e.interval {
		return
	}
	e.last[k] = now
	e.log.Error("point dropped", "node", e.names[node], "err", err)
}
