package server

import (
	"log/slog"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// loopbackLogEvery is how often, at most, a task logs the looped-back
// points it had to drop.
const loopbackLogEvery = 10 * time.Second

// Loopback collects the points that one task's kapacitorLoopback nodes
// write, so that they reach the binary's other tasks that read their
// database and retention policy, as if written to /write there: Kapacitor
// writes them into its own stream. Its Write is the task's
// pipeline.Env.Loopback; Router.ConnectLoopback (serve) or DeliverLooped
// (a replay) hands what it collects over.
//
// A task never gets its own points back: the compiler refuses a task that
// loops back into a database and retention policy it reads, as Kapacitor
// does.
type Loopback struct {
	log *slog.Logger

	// Under the task's lock, which Env.Loopback is called with:
	pending *write  // what was looped back since the last handover
	spare   *write  // a handed-over write to reuse (replays)
	from    *worker // the task's worker, once connected to a router
	// running says the worker is running one of its queued writes: it
	// hands pending over after that write, rather than on a wake-up.
	running bool

	// The handing-over goroutine's only (the worker's, or the replay's):
	unlogged int64     // dropped points not yet logged
	logged   time.Time // when they were last logged
}

// NewLoopback returns the Loopback of a task that logs to log.
func NewLoopback(log *slog.Logger) *Loopback {
	return &Loopback{log: log}
}

// Write collects a copy of p, which carries the database and retention
// policy it is looped back to. It is the task's Env.Loopback, called under
// the task's lock.
func (l *Loopback) Write(p *pipeline.Point) {
	if l.pending == nil {
		l.pending = l.newWrite()
	}
	l.pending.add(p)
	if l.from != nil && !l.running {
		// Looped back by a wall-clock timer rather than by a queued write:
		// the worker hands it over once the timer's callbacks are done.
		select {
		case l.from.wake <- struct{}{}:
		default:
		}
	}
}

// newWrite returns an empty write for points that carry their own
// database and retention policy.
func (l *Loopback) newWrite() *write {
	var m *write
	switch {
	case l.from != nil:
		m = l.from.r.newWrite()
	case l.spare != nil:
		m, l.spare = l.spare, nil
		m.reset()
	default:
		m = new(write)
	}
	m.looped = true
	return m
}

// take returns what was looped back since the last call, or nil. It runs
// under the task's lock.
func (l *Loopback) take() *write {
	m := l.pending
	l.pending = nil
	return m
}

// dropped notes that n points looped back to the task named to were
// dropped, and logs the drops not yet logged, at most every
// loopbackLogEvery.
func (l *Loopback) dropped(to string, n int) {
	l.unlogged += int64(n)
	if now := time.Now(); now.Sub(l.logged) >= loopbackLogEvery {
		l.log.Warn("dropped points looped back to a task whose queue is full", "to_task", to, "points", l.unlogged)
		l.unlogged, l.logged = 0, now
	}
}

// ConnectLoopback makes the router hand what l collects, the
// kapacitorLoopback output of t (one of its tasks), over to the router's
// other stream tasks that read it, each point to those that read its
// database and retention policy.
//
// The handover never waits: a task loops back on its worker's goroutine,
// while a write may hold the router's lock waiting for room in that very
// task's queue, and tasks may loop back into each other (A into B, B into
// A). So the points a task loops back while it runs one queued write (or
// while its timers fire) are queued as one write after it, without the
// router's lock, and a task whose queue is full misses them: they are
// counted (LoopbackDropped) and logged.
func (r *Router) ConnectLoopback(t *Task, l *Loopback) {
	for _, w := range r.workers {
		if w.task != t {
			continue
		}
		t.mu.Lock()
		w.loop, l.from = l, w
		pending := l.pending != nil
		t.mu.Unlock()
		if pending { // looped back before the router existed
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
		return
	}
	panic("server: ConnectLoopback: task " + t.Program.ID + " is not one of the router's")
}

// LoopbackDropped returns how many points looped back to task id were
// dropped because its queue was full.
func (r *Router) LoopbackDropped(id string) int64 {
	for _, w := range r.workers {
		if w.task.Program.ID == id {
			return w.loopDropped.Load()
		}
	}
	return 0
}

// handOverWoken hands over what the task looped back outside its queued
// writes (from its timers).
func (w *worker) handOverWoken() {
	t := w.task
	// Waiting for the lock waits for the timer callbacks that woke us to
	// finish, so that what they looped back goes over in one write.
	t.mu.Lock()
	var m *write
	if w.loop != nil {
		m = w.loop.take()
	}
	t.mu.Unlock()
	if m != nil {
		w.handOver(m)
	}
}

// handOver queues m, what the task looped back, for every other stream
// task that reads a database and retention policy of its points, without
// waiting (see ConnectLoopback).
func (w *worker) handOver(m *write) {
	r := w.r
	w.dbrps = w.dbrps[:0]
	for i := range m.points {
		p := &m.points[i]
		if !containsDBRP(w.dbrps, p.DB, p.RP) {
			w.dbrps = append(w.dbrps, pipeline.DBRP{DB: p.DB, RP: p.RP})
		}
	}
	w.targets = w.targets[:0]
	for _, x := range r.workers {
		if x != w && x.task.streams() && readsAny(x.task, w.dbrps) {
			w.targets = append(w.targets, x)
		}
	}
	if len(w.targets) == 0 { // no task reads them
		r.reuse(m)
		return
	}
	m.pending.Store(int32(len(w.targets)))
	r.loopMu.RLock()
	defer r.loopMu.RUnlock()
	for _, x := range w.targets {
		if !r.loopClosed {
			select {
			case x.queue <- m:
				continue
			default:
				n := readCount(x.task, m)
				x.loopDropped.Add(int64(n))
				w.loop.dropped(x.task.Program.ID, n)
			}
		}
		if m.pending.Add(-1) == 0 {
			r.reuse(m)
		}
	}
}

// DeliverLooped hands what tasks looped back (loops[i] is the Loopback of
// tasks[i], nil if it loops nothing back) to the other stream tasks that
// read it, as a Router does
// but synchronously, and again what they loop back in turn, until no task
// has looped anything back. A replay of several tasks calls it after each
// point, so that the replay shows what serve does.
//
// Points still being looped back after as many rounds as there are tasks
// have gone round a cycle of tasks (a chain through distinct tasks is
// shorter), which serve, as Kapacitor, would keep running: a replay drops
// them, so that it ends, and returns how many it dropped.
func DeliverLooped(tasks []*Task, loops []*Loopback) (dropped int) {
	var own pipeline.Point // what each task gets: nodes may change it
	for round := 0; ; round++ {
		handed := false
		for i, t := range tasks {
			l := loops[i]
			if l == nil {
				continue
			}
			t.mu.Lock()
			m := l.take()
			t.mu.Unlock()
			if m == nil {
				continue
			}
			handed = true
			if round >= len(tasks) {
				dropped += len(m.points)
			} else {
				for k := range m.points {
					p := &m.points[k]
					for j, u := range tasks {
						if j != i && u.streams() && u.Matches(p.DB, p.RP) {
							own.Name, own.Time, own.Group = p.Name, p.Time, nil
							own.Tags = append(own.Tags[:0], p.Tags...)
							own.Fields = append(own.Fields[:0], p.Fields...)
							u.Deliver(p.DB, p.RP, &own)
						}
					}
				}
			}
			t.mu.Lock()
			l.spare = m
			t.mu.Unlock()
		}
		if !handed {
			return dropped
		}
	}
}

func containsDBRP(dbrps []pipeline.DBRP, db, rp string) bool {
	for _, d := range dbrps {
		if d.DB == db && d.RP == rp {
			return true
		}
	}
	return false
}

// readsAny reports whether t reads one of dbrps.
func readsAny(t *Task, dbrps []pipeline.DBRP) bool {
	for _, d := range dbrps {
		if t.Matches(d.DB, d.RP) {
			return true
		}
	}
	return false
}

// readCount is how many points of the looped-back write m t reads.
func readCount(t *Task, m *write) int {
	n := 0
	for i := range m.points {
		if t.Matches(m.points[i].DB, m.points[i].RP) {
			n++
		}
	}
	return n
}
