package server

import (
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/timer"
)

// Task hosts one running instance of a compiled task. It serialises
// everything that reaches the instance (the pipeline is single-threaded),
// filters points by the task's databases and retention policies, and keeps
// the counters that the HTTP API and the DOT graph report.
//
// Task is safe for concurrent use.
type Task struct {
	Program  *pipeline.Program
	Instance pipeline.Instance
	// Started is when the instance started: the task's created, modified
	// and last-enabled times.
	Started time.Time
	// DefaultRP is the retention policy of writes that name none, as
	// kapacitor.conf's default-retention-policy.
	DefaultRP string
	// Alerts is the alert service the task shares with the binary's other
	// tasks (pipeline.Env.Alerts), if it uses one: /metrics reports its
	// topic handlers.
	Alerts *alert.Topics

	mu     sync.Mutex // held while the instance runs
	parser lineprotocol.Parser
	conv   Converter
	tap    func(db, rp string, lp *lineprotocol.Parser)
	closed bool
	batch  Batch // of DeliverBatch
	// timers, when replayed, advance to each delivered point's time (see
	// ReplayTimers); started says the first point rebased them.
	timers  *timer.Schedule
	started bool

	received atomic.Int64 // points of the task's DBRPs: the source node's "collected"
	ignored  atomic.Int64 // points of other DBRPs
	rejected atomic.Int64 // lines that could not be parsed

	throughput atomic.Uint64 // float64 bits, points per second over the last second
	stop       chan struct{}
	done       chan struct{}
}

// NewTask wraps a started instance of p. It starts a goroutine that
// measures throughput once a second until Close.
func NewTask(p *pipeline.Program, inst pipeline.Instance) *Task {
	t := &Task{
		Program:  p,
		Instance: inst,
		Started:  time.Now(),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go t.measureThroughput()
	return t
}

// Matches reports whether points written to db and rp reach the task. An
// empty rp means DefaultRP.
func (t *Task) Matches(db, rp string) bool {
	rp = t.rp(rp)
	for _, d := range t.Program.DBRPs {
		if d.DB == db && d.RP == rp {
			return true
		}
	}
	return false
}

// rp resolves the retention policy of a write: an empty one is DefaultRP,
// as in Kapacitor.
func (t *Task) rp(rp string) string {
	if rp == "" {
		return t.DefaultRP
	}
	return rp
}

// streams reports whether the task takes points (batch tasks query instead).
func (t *Task) streams() bool { return t.Program.Type != "batch" }

// SetTap registers f to see every point that Write delivers to the
// instance, as parsed, with the database and retention policy it was
// written to; nil removes it. The record command uses it. f runs under the
// task's lock, just before the point reaches the instance.
func (t *Task) SetTap(f func(db, rp string, lp *lineprotocol.Parser)) {
	t.mu.Lock()
	t.tap = f
	t.mu.Unlock()
}

// Deliver passes one point written to db and rp to the instance, if the
// task reads that db and rp, and reports whether it did. It sets p.DB and
// p.RP.
func (t *Task) Deliver(db, rp string, p *pipeline.Point) bool {
	if !t.Matches(db, rp) || !t.streams() {
		t.ignored.Add(1)
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.received.Add(1)
	t.deliver(db, rp, p)
	return true
}

// DeliverQueryBatch passes a batch that the query-th query of a batch task
// produced to the instance, under the task's lock. It does nothing once
// the task is closed or if the instance takes no batches.
func (t *Task) DeliverQueryBatch(query int, b *pipeline.Batch) {
	bi, ok := t.Instance.(pipeline.BatchInstance)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	t.received.Add(int64(len(b.Points)))
	bi.Batch(query, b)
}

// DeliverBatch calls fill with a Batch that delivers points as Deliver
// does, and holds the task's lock while fill runs, so that a caller feeding
// many points in a row (a replay) does not lock for each. fill should
// return after a bounded number of points: HTTPOut and Close wait
// meanwhile.
func (t *Task) DeliverBatch(fill func(b *Batch)) {
	t.mu.Lock()
	b := &t.batch
	*b = Batch{t: t}
	fill(b)
	received, ignored := b.received, b.ignored
	b.t = nil
	t.mu.Unlock()
	t.received.Add(received)
	t.ignored.Add(ignored)
}

// A Batch delivers points to a task while DeliverBatch holds its lock.
type Batch struct {
	t                 *Task
	lastDB, lastRP    string
	matches, known    bool
	received, ignored int64
}

// Deliver passes one point written to db and rp to the instance, if the
// task reads that db and rp, and reports whether it did, as Task.Deliver.
func (b *Batch) Deliver(db, rp string, p *pipeline.Point) bool {
	t := b.t
	if !b.known || db != b.lastDB || rp != b.lastRP {
		b.lastDB, b.lastRP, b.known = db, rp, true
		b.matches = t.streams() && t.Matches(db, rp)
	}
	if t.closed {
		return false
	}
	if !b.matches {
		b.ignored++
		return false
	}
	b.received++
	t.deliver(db, rp, p)
	return true
}

// deliver runs with t.mu held. It sets where the point was written. The
// caller counts it in t.received.
func (t *Task) deliver(db, rp string, p *pipeline.Point) {
	p.DB, p.RP = db, t.rp(rp)
	if t.timers != nil {
		if !t.started {
			t.started = true
			t.timers.Rebase(time.Unix(0, p.Time))
		}
		// Most tasks register no timers (no stats or barrier node): then
		// advancing the clock per point would only cost time (~4% of the
		// all-OK replay path).
		if !t.timers.Empty() {
			t.timers.Advance(time.Unix(0, p.Time))
		}
	}
	t.Instance.Point(p)
}

// WriteResult is what came of a write of line protocol.
type WriteResult struct {
	Points  int // points delivered to the task
	Ignored int // points of other databases and retention policies
	// Bad counts the lines that could not be parsed; First is the first.
	Bad   int
	First lineprotocol.Error
}

// Write parses body as line protocol written to db and rp, with timestamps
// in units of precision (points without one get now), and delivers the
// points in order. Bad lines are skipped and reported; the good ones are
// delivered all the same, as InfluxDB does with partial writes.
//
// The task's lock is held for the whole body, so that the points of one
// request are not interleaved with those of another. Steady-state writes
// do not allocate.
func (t *Task) Write(db, rp string, body []byte, precision lineprotocol.Precision, now time.Time) WriteResult {
	var res WriteResult
	deliver := t.Matches(db, rp) && t.streams()
	t.mu.Lock()
	t.parser.Reset(body, precision, now)
	for t.parser.Next() {
		if !deliver || t.closed {
			res.Ignored++
			continue
		}
		if t.tap != nil {
			t.tap(db, t.rp(rp), &t.parser)
		}
		t.deliver(db, rp, t.conv.Point(&t.parser))
		res.Points++
	}
	if errs := t.parser.Errors(); len(errs) > 0 {
		res.Bad = len(errs)
		res.First = errs[0]
	}
	t.mu.Unlock()
	t.received.Add(int64(res.Points))
	// The alerts of the write are in their log files before it is
	// answered. (Log handlers collect the lines of events in quick
	// succession; see alert.LogHandler.)
	alert.Flush()
	t.ignored.Add(int64(res.Ignored))
	t.rejected.Add(int64(res.Bad))
	return res
}

// HTTPOut writes the JSON of the httpOut endpoint name; false if the task
// has none.
func (t *Task) HTTPOut(name string, w io.Writer) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	return t.Instance.HTTPOut(name, w)
}

// Counts are the task's ingest counters.
type Counts struct {
	Received int64 // points delivered to the task
	Ignored  int64 // points of databases and retention policies the task does not read
	Rejected int64 // lines that could not be parsed
}

// Counts returns the ingest counters so far.
func (t *Task) Counts() Counts {
	return Counts{Received: t.received.Load(), Ignored: t.ignored.Load(), Rejected: t.rejected.Load()}
}

// Throughput is the number of points the task received in the last second,
// as Kapacitor measures it.
func (t *Task) Throughput() float64 {
	return math.Float64frombits(t.throughput.Load())
}

func (t *Task) measureThroughput() {
	defer close(t.done)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last, prev := time.Now(), t.received.Load()
	for {
		select {
		case <-t.stop:
			return
		case now := <-tick.C:
			cur := t.received.Load()
			rate := float64(cur-prev) / now.Sub(last).Seconds()
			t.throughput.Store(math.Float64bits(rate))
			last, prev = now, cur
		}
	}
}

// Close stops the task: it waits for the delivery in progress, closes the
// instance (which flushes what it holds), and drops later points. Close is
// idempotent; later calls return nil.
func (t *Task) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	close(t.stop)
	<-t.done
	err := t.Instance.Close()
	if ferr := alert.Flush(); err == nil {
		err = ferr
	}
	return err
}
