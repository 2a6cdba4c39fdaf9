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
	// Queries describes the query nodes of a batch task, in the order of
	// the task's query nodes; the binary schedules and runs them and hands
	// the results to the instance's Batch method (see BatchInstance).
	Queries []Query
	// TemplateID is the template a task was defined from ("" for a task of
	// its own), and Vars the values its definition gives the template's
	// vars, by name: what Kapacitor's task resource reports as
	// "template-id" and "vars".
	TemplateID string
	Vars       []Var
	// New starts an instance of the task. It fails when the task cannot
	// start, as Kapacitor's would not: a handler that cannot be set up.
	New func(env *Env) (Instance, error)
}

// Query describes one query node of a batch task: its InfluxQL and its
// schedule, as set by the node's properties.
type Query struct {
	Node   string // the node's name, "query1"
	Text   string // the SELECT statement given to query()
	Period time.Duration
	Every  time.Duration
	Align  bool
	Cron   string
	Offset time.Duration
	// AlignGroup aligns the GROUP BY time buckets with the query's start.
	AlignGroup bool
	// GroupBy lists the .groupBy() dimensions in order: tag names, "*",
	// and "" where the time() dimension, GroupByTime, is.
	GroupBy            []string
	GroupByTime        *TimeDim
	GroupByMeasurement bool
	// Fill is .fill(): "null", "none", "previous", "linear", a number as
	// text, or "" for none.
	Fill    string
	Cluster string
}

// Var is the value of a template var: Type is Kapacitor's name of its type
// (int, float, bool, string, regex, duration, lambda, list or star) and
// Value an int64, float64, bool, string (a string, a regex's pattern or a
// lambda's expression), time.Duration, []Var (a list, of strings and
// stars) or nil (a star).
type Var struct {
	Name  string // "" in a list
	Type  string
	Value any
}

// TimeDim is a GROUP BY time(length, offset) dimension.
type TimeDim struct {
	Length, Offset time.Duration
}

// BatchInstance is implemented by the instances of batch tasks: Batch
// delivers a batch that the query-th query produced to that query node.
// Like Point, it is called from one goroutine at a time.
type BatchInstance interface {
	Batch(query int, b *Batch)
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
	// Timers runs the callbacks of the wall-clock nodes (stats, barrier)
	// under the task's lock; nil: they never fire (see timers.go).
	Timers Timers
	// Loopback receives the points a kapacitorLoopback node writes (to a
	// db/rp the task does not read: a loop fails the task's start, as in
	// Kapacitor). Nil drops them. It is called under the task's lock.
	Loopback func(p *Point)
	// State persists what must survive a restart of the task: the alert
	// topics' event states (see runtime/alert/store). Nil: nothing
	// persists. The task loads from it in New, before any point.
	State StateStore
	// Alerts is the alert service the tasks of a binary share: named
	// topics, topic handlers and inhibitors, an *alert.Topics (pipeline
	// cannot name the type). A multi-task host sets it once for all its
	// tasks (topichandlers.New); nil: a task using topics makes its own
	// from Config and stores it here (topichandlers.Shared).
	Alerts any
}

// StateStore is a task's persistent state: named buckets of key/value
// entries, written behind the task in group commits.
type StateStore interface {
	// Load returns the entries stored in bucket.
	Load(bucket string) (map[string][]byte, error)
	// Track makes the store write src's changes to bucket at each commit.
	Track(bucket string, src StateSource)
}

// StateSource is state a StateStore writes behind: it remembers which keys
// changed since it was last drained.
type StateSource interface {
	// DrainChanges calls put with the current value of each key changed
	// since the last call (nil: the key was deleted) and forgets them. It
	// may be called from another goroutine than the task's.
	DrainChanges(put func(key string, value []byte))
}

// Config looks up configuration values by kapacitor.conf section and key.
// A Config may also have a method Sections(name string) []map[string]any
// giving every element of an array of tables such as [[httppost]]
// (taskcli's does; see httppost.Sectioner); without it only Section's
// element is seen.
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
