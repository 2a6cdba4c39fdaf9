// Package barrier is the runtime of TICKscript's barrier node: it emits
// barriers per group on the task's clock (pipeline.Timers: the wall clock
// when served, the replay clock in a replay) and drops the points older
// than the group's last barrier, as Kapacitor's barrier.go does.
package barrier

import (
	"errors"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Config is the node's properties.
type Config struct {
	Idle   time.Duration // emit after this long without a point of the group
	Period time.Duration // or emit every period, from the group's first point
	Delete bool          // forget the group after its barrier
}

// Node is one barrier node. Its methods run under the task's lock, as do
// the timer callbacks that call emit.
type Node struct {
	cfg    Config
	timers pipeline.Timers
	emit   func(g *pipeline.Group, t int64, deleted bool)
	groups map[*pipeline.Group]*group
}

type group struct {
	g     *pipeline.Group
	lastT int64 // the last barrier's time; 0 before any
	timer pipeline.Timer
}

// New returns a barrier node. emit receives each barrier: the group, its
// time (Unix nanoseconds, the clock's time when it fired) and whether the
// group was deleted after it. timers may be nil: then no barrier fires.
func New(cfg Config, timers pipeline.Timers, emit func(g *pipeline.Group, t int64, deleted bool)) (*Node, error) {
	if cfg.Idle == 0 && cfg.Period == 0 {
		return nil, errors.New("barrier node must have either a non zero idle or a non zero period")
	}
	if cfg.Idle != 0 && cfg.Period != 0 {
		return nil, errors.New("barrier node must have either a non zero idle or a non zero period, not both")
	}
	return &Node{cfg: cfg, timers: timers, emit: emit, groups: map[*pipeline.Group]*group{}}, nil
}

// Point reports whether p passes: it does unless it is older than its
// group's last barrier. A passing point restarts an idle barrier's timer.
func (n *Node) Point(p *pipeline.Point) bool {
	gr := n.groups[p.Group]
	if gr == nil {
		n.start(p.Group)
		return true
	}
	return gr.pass(n, p.Time)
}

// Batch drops the points of b older than its group's last barrier, as
// Kapacitor does point by point (the batch itself always passes, even
// when it ends up empty). Each passing point restarts an idle barrier's
// timer.
func (n *Node) Batch(b *pipeline.Batch) {
	gr := n.groups[b.Group]
	if gr == nil {
		gr = n.start(b.Group)
	}
	kept := b.Points[:0]
	for _, p := range b.Points {
		if gr.pass(n, p.Time) {
			kept = append(kept, p)
		}
	}
	clear(b.Points[len(kept):])
	b.Points = kept
}

// start tracks a new group, whose barrier timer starts now.
func (n *Node) start(g *pipeline.Group) *group {
	gr := &group{g: g}
	n.groups[g] = gr
	if n.timers != nil {
		d := n.cfg.Period
		if d == 0 {
			d = n.cfg.Idle
		}
		gr.timer = n.timers.After(d, func(now time.Time) { n.fire(gr, now) })
	}
	return gr
}

// pass reports whether a point at time t passes the group's last barrier.
func (gr *group) pass(n *Node, t int64) bool {
	if t < gr.lastT {
		return false
	}
	if n.cfg.Idle != 0 && gr.timer != nil {
		gr.timer.Reset(n.cfg.Idle)
	}
	return true
}

func (n *Node) fire(gr *group, now time.Time) {
	t := now.UnixNano()
	gr.lastT = t
	if n.cfg.Delete {
		gr.timer.Stop()
		delete(n.groups, gr.g)
	} else if n.cfg.Period != 0 {
		gr.timer.Reset(n.cfg.Period)
	} else {
		gr.timer.Reset(n.cfg.Idle)
	}
	n.emit(gr.g, t, n.cfg.Delete)
}

// Cardinality is the number of groups the node tracks.
func (n *Node) Cardinality() int { return len(n.groups) }
