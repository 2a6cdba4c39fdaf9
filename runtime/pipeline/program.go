package pipeline

import (
	"io"
	"log/slog"
	"time"
)

// Program describes a compiled task. The generated code defines one and
// passes it to the task binary's command line.
type Program struct {
	ID     string
	Type   string // "stream" or "batch"
	DBRPs  []DBRP
	Script string // the TICKscript source
	// Nodes are in Kapacitor's creation order; Nodes[i].Name is "from1".
	Nodes []NodeInfo
	// HTTPOuts lists the httpOut endpoint names.
	HTTPOuts []string
	// Services lists the kapacitor.conf sections of the alert services the
	// task's handlers use (slack, pagerduty2, ...), sorted.
	Services []string
	// New starts an instance of the task. It fails when the task cannot
	// start, as Kapacitor's would not: a handler that cannot be set up.
	New func(env *Env) (Instance, error)
}

// DBRP is a database and retention policy a task reads.
type DBRP struct {
	DB, RP string
}

// NodeInfo describes one node of the pipeline graph.
type NodeInfo struct {
	Name     string
	Children []int
	// Source marks nodes with no parent edge drawn (stream, batch, stats).
	Source bool
}

// Env is what a running task gets from its host process.
type Env struct {
	Log      *slog.Logger
	Hostname string // Kapacitor's hostname setting; alert templates see it
	// Config gives handler and service settings by kapacitor.conf section.
	Config Config
	// Now is the wall clock; replays may substitute their own.
	Now func() time.Time
}

// Config looks up configuration values by kapacitor.conf section and key.
type Config interface {
	Section(name string) (map[string]any, bool)
}

// Instance is a running task. All methods except Stats and HTTPOut are
// called from one goroutine at a time (the host serialises them).
type Instance interface {
	// Point delivers a point from the task's db/rp to the source node.
	Point(p *Point)
	// Stats returns the statistics of each node, indexed like Program.Nodes.
	Stats() []*NodeStats
	// HTTPOut writes the current JSON of an httpOut endpoint; false if the
	// task has no such endpoint.
	HTTPOut(name string, w io.Writer) bool
	// Close flushes and releases what the task holds (files, connections).
	Close() error
}
