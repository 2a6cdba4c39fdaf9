package pipeline

import (
	"sync/atomic"
	"time"
)

// NodeStats are one node's counters. The generated code owns one per node
// and updates them on the task's goroutine; readers (the HTTP API) load
// them atomically.
type NodeStats struct {
	// Out counts points or batches sent along each edge to a child, in the
	// order of Program.Nodes[i].Children: Kapacitor's "processed".
	Out    []atomic.Int64
	Errors atomic.Int64
	// Counters are node-specific statistics, such as alerts_triggered.
	Counters []*Counter
	// Gauges are node-specific levels read when the statistics are
	// exported, such as the events waiting in an alert handler's queue.
	// /metrics shows them; the DOT graph does not, as Kapacitor's has no
	// such attributes.
	Gauges      []Gauge
	execNanos   atomic.Int64
	execCount   atomic.Int64
	cardinality atomic.Int64
	seen        []bool // groups seen, by Group.Index (see Saw)
}

// Counter is a named node statistic.
type Counter struct {
	Name  string
	Value atomic.Int64
}

// Gauge is a named node level, read by calling Read from any goroutine.
type Gauge struct {
	Name string
	Read func() int64
}

// NewNodeStats makes the stats of a node with the given children count and
// named counters.
func NewNodeStats(children int, counters ...string) *NodeStats {
	s := &NodeStats{Out: make([]atomic.Int64, children), Counters: make([]*Counter, len(counters))}
	for i, c := range counters {
		s.Counters[i] = &Counter{Name: c}
	}
	return s
}

// AddCounter returns the counter called name, adding it if the node has
// none: the counters of what only the running task knows, such as the
// alert handlers the configuration adds (global = true). Like Gauge, it
// is for the task's set-up, before anything reads the stats.
func (s *NodeStats) AddCounter(name string) *atomic.Int64 {
	for _, c := range s.Counters {
		if c.Name == name {
			return &c.Value
		}
	}
	c := &Counter{Name: name}
	s.Counters = append(s.Counters, c)
	return &c.Value
}

// Gauge adds a gauge called name that read measures. Call it while the
// task is set up, before anything reads the stats.
func (s *NodeStats) Gauge(name string, read func() int64) {
	s.Gauges = append(s.Gauges, Gauge{Name: name, Read: read})
}

// Counter returns the counter called name; it panics on a name the node
// was not made with, which is a code generation bug.
func (s *NodeStats) Counter(name string) *atomic.Int64 {
	for _, c := range s.Counters {
		if c.Name == name {
			return &c.Value
		}
	}
	panic("pipeline: no counter " + name)
}

// SetCardinality records the number of groups the node holds state for.
func (s *NodeStats) SetCardinality(n int) { s.cardinality.Store(int64(n)) }

// Cardinality is the last recorded working cardinality.
func (s *NodeStats) Cardinality() int64 { return s.cardinality.Load() }

// AddExec records the time one message took in the node.
func (s *NodeStats) AddExec(d time.Duration) {
	s.execNanos.Add(int64(d))
	s.execCount.Add(1)
}

// AvgExec is the average time a message took in the node.
func (s *NodeStats) AvgExec() time.Duration {
	n := s.execCount.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(s.execNanos.Load() / n)
}

// SetCounter sets the node-specific counter called name; it fits
// alert.Stats.Each so an alert node's counters can be copied after an event.
func (s *NodeStats) SetCounter(name string, value int64) { s.Counter(name).Store(value) }

// Saw records that a message of group g passed through a node that keeps no
// per-group state, for its working_cardinality: Kapacitor counts the groups
// every grouped node has seen.
func (s *NodeStats) Saw(g *Group) {
	if g.Index >= len(s.seen) {
		s.seen = append(s.seen, make([]bool, g.Index+1-len(s.seen))...)
	}
	if !s.seen[g.Index] {
		s.seen[g.Index] = true
		s.cardinality.Add(1)
	}
}
