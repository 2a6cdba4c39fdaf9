package alert

import "sync/atomic"

// Stats are an alert node's statistics, as Kapacitor reports them on the
// node in the task's dot graph. They are updated by the task goroutine and
// may be read concurrently (by the HTTP API).
type Stats struct {
	AlertsTriggered atomic.Int64 // every event sent (all levels)
	AlertsInhibited atomic.Int64 // events suppressed by an .inhibit() of another alert
	OKsTriggered    atomic.Int64
	InfosTriggered  atomic.Int64
	WarnsTriggered  atomic.Int64
	CritsTriggered  atomic.Int64
}

// Record counts one event of level l.
func (s *Stats) Record(l Level) {
	s.AlertsTriggered.Add(1)
	switch l {
	case OK:
		s.OKsTriggered.Add(1)
	case Info:
		s.InfosTriggered.Add(1)
	case Warning:
		s.WarnsTriggered.Add(1)
	case Critical:
		s.CritsTriggered.Add(1)
	}
}

// Each calls f for every statistic with Kapacitor's name, in sorted name
// order: alerts_inhibited, alerts_triggered, crits_triggered,
// infos_triggered, oks_triggered, warns_triggered.
func (s *Stats) Each(f func(name string, value int64)) {
	f("alerts_inhibited", s.AlertsInhibited.Load())
	f("alerts_triggered", s.AlertsTriggered.Load())
	f("crits_triggered", s.CritsTriggered.Load())
	f("infos_triggered", s.InfosTriggered.Load())
	f("oks_triggered", s.OKsTriggered.Load())
	f("warns_triggered", s.WarnsTriggered.Load())
}
