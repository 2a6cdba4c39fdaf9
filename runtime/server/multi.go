package server

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
)

// QueueLength is how many writes a task of a Router may have waiting. A
// task that falls further behind makes writes wait for it (see Router).
// The queued writes are shared by the tasks, so the memory they hold is
// bounded by QueueLength writes whatever the number of tasks: with
// Telegraf's 5000-line bodies, about 20 MB.
const QueueLength = 16

// Router is the ingest of a server of several tasks. It parses each write
// once and queues its points for every task whose databases and retention
// policies match. Each task takes its queue on a goroutine of its own,
// under its own lock, so that a slow task (a handler waiting on a slow
// service, say) does not hold up the others: Kapacitor's issue #880.
//
// A task's queue holds QueueLength writes. When a write finds it full, the
// write waits until the task has taken one: nothing is dropped, and the
// writer is slowed down to the pace of the slowest task only once that
// task is that far behind. The other tasks have their copy of the write
// queued before the write waits, so they go on meanwhile.
//
// Unlike Task.Write, a write to a Router is answered once its points are
// queued, not processed, as Kapacitor answers once they are in its edges.
//
// What a task loops back (kapacitorLoopback) is queued for the other tasks
// as a write of its own, never waiting: see ConnectLoopback.
type Router struct {
	workers []*worker // by task ID

	mu      sync.Mutex    // held while a write is parsed and queued
	closed  bool          // under mu: writes are ignored
	stop    chan struct{} // closed by Close: a write waiting for a full queue gives up
	parser  lineprotocol.Parser
	conv    Converter
	targets []*worker // scratch of Write
	// tap, when set, sees the points queued for the task tapID (any task
	// when ""): see SetTap.
	tap   func(db, rp string, lp *lineprotocol.Parser)
	tapID string
	full  []*worker // scratch of enqueue
	// free holds writes for reuse, returned by the last task to take
	// them (a channel rather than a sync.Pool, which drops items at GC).
	free chan *write

	// loopMu is held (read) while a task queues what it looped back, and
	// (write) by Close to close the queues: not mu, which a write may hold
	// while it waits for the looping task (see ConnectLoopback).
	loopMu     sync.RWMutex
	loopClosed bool // under loopMu: looped-back points are dropped

	received atomic.Int64 // points delivered to at least one task
	ignored  atomic.Int64 // points no task reads
	rejected atomic.Int64 // lines that could not be parsed
	waits    atomic.Int64 // writes that waited for a full queue
}

// worker runs one task of a Router.
type worker struct {
	r     *Router
	task  *Task
	queue chan *write
	done  chan struct{}
	p     pipeline.Point // the task's own copy of the point it runs

	loop        *Loopback     // under the task's lock: what the task loops back, if connected
	wake        chan struct{} // the task looped back from a timer
	loopDropped atomic.Int64  // points looped back to the task and dropped: its queue was full
	// Scratch of handOver.
	dbrps   []pipeline.DBRP
	targets []*worker
}

// write is the parsed points of one request, or the points a task looped
// back, shared read-only by the tasks it is queued for, and reused once
// they have all taken it.
type write struct {
	db, rp string // where the points were written, unless looped
	// looped: the points carry their own DB and RP (a task's loopback
	// output); each task takes those it reads.
	looped  bool
	points  []pipeline.Point
	tags    []pipeline.Tag   // the points' tags, in one slab
	fields  []pipeline.Field // the points' fields, in one slab
	pending atomic.Int32     // tasks yet to take it
}

// reset empties m for reuse.
func (m *write) reset() {
	m.db, m.rp, m.looped = "", "", false
	m.points, m.tags, m.fields = m.points[:0], m.tags[:0], m.fields[:0]
}

// add appends a copy of p (without its group) to m.
func (m *write) add(p *pipeline.Point) {
	// Points keep pointing into a slab that append outgrows: the old one
	// stays valid.
	t0, f0 := len(m.tags), len(m.fields)
	m.tags = append(m.tags, p.Tags...)
	m.fields = append(m.fields, p.Fields...)
	m.points = append(m.points, pipeline.Point{DB: p.DB, RP: p.RP, Name: p.Name, Time: p.Time,
		Tags: m.tags[t0:len(m.tags):len(m.tags)], Fields: m.fields[f0:len(m.fields):len(m.fields)]})
}

// NewRouter starts a goroutine for each task. The tasks must have distinct
// IDs; Close stops them.
func NewRouter(tasks []*Task) *Router {
	r := &Router{free: make(chan *write, QueueLength+2), stop: make(chan struct{})}
	for _, t := range tasks {
		w := &worker{r: r, task: t, queue: make(chan *write, QueueLength), done: make(chan struct{}), wake: make(chan struct{}, 1)}
		r.workers = append(r.workers, w)
		go w.run()
	}
	sort.Slice(r.workers, func(i, j int) bool { return r.workers[i].task.Program.ID < r.workers[j].task.Program.ID })
	return r
}

// Tasks returns the tasks, sorted by ID.
func (r *Router) Tasks() []*Task {
	out := make([]*Task, len(r.workers))
	for i, w := range r.workers {
		out[i] = w.task
	}
	return out
}

// SetTap registers f to see every point that a write queues for the task
// id, or for any task when id is "", as parsed, with the database and
// retention policy it was written to (the default one when the write named
// none); nil removes it. The record command uses it. f runs under the
// router's lock, in the order of the writes, before the point is queued.
func (r *Router) SetTap(id string, f func(db, rp string, lp *lineprotocol.Parser)) {
	r.mu.Lock()
	r.tap, r.tapID = f, id
	r.mu.Unlock()
}

// Write parses body as line protocol written to db and rp, as Task.Write
// does, and queues the points for every stream task that reads db and rp.
// Points reports the points queued (for one task or more), Ignored those
// no task reads. Each task counts, as it would alone, the points of other
// databases as ignored and every bad line as rejected.
func (r *Router) Write(db, rp string, body []byte, precision lineprotocol.Precision, now time.Time) WriteResult {
	var res WriteResult
	r.mu.Lock()
	defer r.mu.Unlock()
	r.targets = r.targets[:0]
	for _, w := range r.workers {
		if !r.closed && w.task.streams() && w.task.Matches(db, rp) {
			r.targets = append(r.targets, w)
		}
	}
	m := r.newWrite()
	m.db, m.rp = db, rp
	tapped := r.tapped()
	r.parser.Reset(body, precision, now)
	for r.parser.Next() {
		if len(r.targets) == 0 {
			res.Ignored++
			continue
		}
		if tapped != nil {
			r.tap(db, tapped.task.rp(rp), &r.parser)
		}
		m.add(r.conv.Point(&r.parser))
	}
	if errs := r.parser.Errors(); len(errs) > 0 {
		res.Bad = len(errs)
		res.First = errs[0]
	}
	res.Points = len(m.points)
	if res.Points > 0 {
		m.pending.Store(int32(len(r.targets)))
		r.enqueue(r.targets, m)
	} else {
		r.reuse(m)
	}

	r.received.Add(int64(res.Points))
	r.ignored.Add(int64(res.Ignored))
	r.rejected.Add(int64(res.Bad))
	total := int64(res.Points + res.Ignored)
	for _, w := range r.workers {
		if !contains(r.targets, w) {
			w.task.ignored.Add(total)
		}
		w.task.rejected.Add(int64(res.Bad))
	}
	return res
}

// tapped returns the target of the write in progress whose points the tap
// sees, if any.
func (r *Router) tapped() *worker {
	if r.tap == nil {
		return nil
	}
	for _, w := range r.targets {
		if r.tapID == "" || w.task.Program.ID == r.tapID {
			return w
		}
	}
	return nil
}

// enqueue queues m for each of targets: first for every task with room,
// then, waiting, for those whose queue is full. It runs with r.mu held, so
// that each task sees the writes in the order they were parsed.
func (r *Router) enqueue(targets []*worker, m *write) {
	r.full = r.full[:0]
	for _, w := range targets {
		select {
		case w.queue <- m:
		default:
			r.full = append(r.full, w)
		}
	}
	if len(r.full) > 0 {
		r.waits.Add(1)
	}
	for _, w := range r.full {
		select {
		case w.queue <- m:
		case <-r.stop: // the task is stopping: it will not take it
			m.pending.Add(-1)
		}
	}
}

// newWrite returns an empty write, reused if one is free.
func (r *Router) newWrite() *write {
	select {
	case m := <-r.free:
		m.reset()
		return m
	default:
		return new(write)
	}
}

// reuse keeps m for a later write, unless enough are kept.
func (r *Router) reuse(m *write) {
	select {
	case r.free <- m:
	default:
	}
}

func contains(ws []*worker, w *worker) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// Counts returns the router's ingest counters: a point is received if at
// least one task reads it.
func (r *Router) Counts() Counts {
	return Counts{Received: r.received.Load(), Ignored: r.ignored.Load(), Rejected: r.rejected.Load()}
}

// Waits is the number of writes that waited for a task's full queue.
func (r *Router) Waits() int64 { return r.waits.Load() }

// Queued returns how many writes wait in the queue of task id.
func (r *Router) Queued(id string) int {
	for _, w := range r.workers {
		if w.task.Program.ID == id {
			return len(w.queue)
		}
	}
	return 0
}

// run delivers the queued writes to the task, each under one acquisition
// of the task's lock, and flushes the alert logs whenever the queue runs
// empty. It hands over what the task loops back after each write, and when
// woken by a timer's.
func (w *worker) run() {
	defer close(w.done)
	for {
		select {
		case m, ok := <-w.queue:
			if !ok {
				return
			}
			w.take(m)
			if len(w.queue) == 0 {
				alert.Flush()
			}
		case <-w.wake:
			w.handOverWoken()
		}
	}
}

// take delivers the points of m to the task, then hands over what they
// made it loop back.
func (w *worker) take(m *write) {
	t := w.task
	t.mu.Lock()
	if w.loop != nil {
		w.loop.running = true
	}
	n := 0
	if !t.closed {
		for i := range m.points {
			src := &m.points[i]
			db, rp := m.db, m.rp
			if m.looped {
				if db, rp = src.DB, src.RP; !t.Matches(db, rp) {
					continue
				}
			}
			w.copyPoint(src)
			t.deliver(db, rp, &w.p)
			n++
		}
	}
	var looped *write
	if w.loop != nil {
		w.loop.running = false
		looped = w.loop.take()
	}
	t.mu.Unlock()
	t.received.Add(int64(n))
	if m.pending.Add(-1) == 0 {
		w.r.reuse(m)
	}
	if looped != nil {
		w.handOver(looped)
	}
}

// copyPoint makes w.p a copy of src that the task's nodes may change.
func (w *worker) copyPoint(src *pipeline.Point) {
	p := &w.p
	p.Name, p.Time, p.Group = src.Name, src.Time, nil
	p.Tags = append(p.Tags[:0], src.Tags...)
	p.Fields = append(p.Fields[:0], src.Fields...)
}

// Close waits for each task to take what is queued for it, then closes
// the tasks and returns the first error. A write still waiting for a full
// queue gives up on that task; later writes, and the points the tasks loop
// back from then on, are ignored.
func (r *Router) Close() error {
	close(r.stop)
	r.mu.Lock()
	r.closed = true
	r.loopMu.Lock()
	r.loopClosed = true
	for _, w := range r.workers {
		close(w.queue)
	}
	r.loopMu.Unlock()
	r.mu.Unlock()
	var first error
	for _, w := range r.workers {
		<-w.done
		if err := w.task.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
