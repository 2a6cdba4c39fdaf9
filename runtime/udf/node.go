// Package udf runs Kapacitor's user-defined functions: @name() nodes whose
// work is done by an agent, a child process or a unix socket server that
// speaks Kapacitor's UDF protocol (udf/agent/udf.proto: length-prefixed
// protobuf Request and Response messages). Existing agents, such as those
// written with Kapacitor's Go or Python agent libraries, work unchanged.
//
// Agents are configured as in kapacitor.conf:
//
//	[udf.functions.movingAverage]
//	  prog = "/usr/bin/python3"
//	  args = ["-u", "moving_avg.py"]
//	  timeout = "10s"
//	  [udf.functions.movingAverage.env]
//	    PYTHONPATH = "/opt/kapacitor/udf/agent/py"
//	[udf.functions.outliers]
//	  socket = "/run/outliers.sock"
//
// As in Kapacitor, the node streams: Point and Batch write to the agent
// through a buffer without waiting for its answer, and a reader goroutine
// queues what the agent sends back. The queue reaches the node's children
// in the agent's order, always on the task's goroutine under the task's
// lock: at the next point or batch, at a tick of the task's timers
// (pipeline.Timers: soon after points were written, then every 100ms
// while idle), and at Sync and Close, which first wait for the agent to
// answer everything written so far. The task's HTTPOut calls Sync before
// answering, so that a replay's output is complete.
//
// With a data directory, the agents' snapshots are kept and given back to
// them when the task starts again (snapshot.go).
package udf

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// The node's tick flushes the write buffer and forwards the queue: every
// busyTick while points flow or output arrives, every idleTick otherwise
// (output an agent sends on its own).
const (
	busyTick = 10 * time.Millisecond
	idleTick = 100 * time.Millisecond
)

// Node is one running UDF node. Its methods are called on the task's
// goroutine, one at a time.
type Node struct {
	agent  *agent
	groups *pipeline.Groups

	// OnPoint and OnBatch receive what the agent emits; OnError counts
	// the agent's failure and each point or batch dropped after it.
	OnPoint func(p *pipeline.Point)
	OnBatch func(b *pipeline.Batch)
	OnError func(err error)

	tick     pipeline.Timer // nil without Env.Timers
	busy     bool           // the tick is due busyTick after the last one
	written  bool           // requests were written since the last tick
	reported bool           // the agent's failure went to OnError
	taken    []*response    // the queue's other buffer
	// The batch the agent is sending, between begin and end.
	batch  *pipeline.Batch
	byName bool

	// snapshot is where the agent's snapshots go, nil without a state
	// store; snapshotTimer asks for one every snapshot interval.
	snapshot      *latestSnapshot
	snapshotTimer pipeline.Timer
}

// New starts the agent of the UDF called name, configured in env's
// [udf.functions.NAME] section, and initialises it with opts, as
// Kapacitor does when a task starts. nodeID is the node's name. With a
// state store (env.State), the agent is given the node's last snapshot,
// and its snapshots are kept (see snapshot.go).
func New(name, taskID, nodeID string, opts []Option, env *pipeline.Env, groups *pipeline.Groups) (*Node, error) {
	section, _ := env.Config.Section("udf")
	fns, err := Functions(section)
	if err != nil {
		return nil, err
	}
	fn, ok := fns[name]
	if !ok {
		return nil, fmt.Errorf("no UDF named %s: the config has no [udf.functions.%s] section", name, name)
	}
	n := &Node{groups: groups}
	var onSnapshot func([]byte)
	if env.State != nil {
		n.snapshot = &latestSnapshot{node: snapshotKey(nodeID, name, opts)}
		onSnapshot = n.snapshot.set
	}
	n.agent, err = start(name, fn, env.Log.With("node", nodeID), onSnapshot)
	if err != nil {
		return nil, err
	}
	r, err := n.agent.request(msgInit, func(e *encoder) { e.init(opts, taskID, nodeID) })
	if err == nil && !r.ok {
		err = fmt.Errorf("UDF %s: failed to initialize: %s", name, r.err)
	}
	if err == nil && env.State != nil {
		err = n.persist(env)
	}
	if err != nil {
		n.agent.close()
		return nil, err
	}
	if env.Timers != nil {
		n.tick = env.Timers.After(idleTick, n.onTick)
	}
	return n, nil
}

// persist restores the agent from the node's stored snapshot, if any, and
// has the store keep the next ones, asked for every snapshot interval. As
// in Kapacitor, an agent that fails to restore fails the node, and so the
// task's start.
func (n *Node) persist(env *pipeline.Env) error {
	interval, err := snapshotInterval(env.Config)
	if err != nil {
		return err
	}
	stored, err := env.State.Load(snapshotBucket)
	if err != nil {
		return fmt.Errorf("loading the snapshot of %s: %w", n.snapshot.node, err)
	}
	if data := stored[n.snapshot.node]; len(data) > 0 {
		if err := n.agent.restore(data); err != nil {
			return err
		}
	}
	env.State.Track(snapshotBucket, n.snapshot)
	if interval > 0 && env.Timers != nil {
		// The first one comes after a random part of the interval, as in
		// Kapacitor, so that tasks started together do not snapshot together.
		n.snapshotTimer = env.Timers.After(rand.N(interval), func(time.Time) {
			n.askSnapshot()
			n.snapshotTimer.Reset(interval)
		})
	}
	return nil
}

// askSnapshot asks the agent for a snapshot, which reaches n.snapshot
// when the agent answers.
func (n *Node) askSnapshot() {
	if n.agent.failed() != nil {
		return // reported by the tick; the last snapshot stays stored
	}
	if err := n.agent.askSnapshot(); err != nil {
		n.noticeFailure(err)
	}
}

// Point sends a stream point to the agent.
func (n *Node) Point(p *pipeline.Point) {
	n.forward()
	n.wrote(n.agent.write(func(e *encoder) error {
		e.point(p)
		return e.frame()
	}))
}

// Batch sends a batch to the agent.
func (n *Node) Batch(b *pipeline.Batch) {
	n.forward()
	n.wrote(n.agent.write(func(e *encoder) error {
		e.begin(b)
		if err := e.frame(); err != nil {
			return err
		}
		for i := range b.Points {
			e.batchPoint(&b.Points[i], b.Group.ID)
			if err := e.frame(); err != nil {
				return err
			}
		}
		e.end(b)
		return e.frame()
	}))
}

// wrote reports a point or batch dropped because the agent failed, or
// makes the tick come soon to send it.
func (n *Node) wrote(err error) {
	if err != nil {
		n.report(err)
		return
	}
	n.written = true
	if !n.busy && n.tick != nil {
		n.busy = true
		n.tick.Reset(busyTick)
	}
}

// onTick sends what was written and forwards what came back; it runs
// under the task's lock.
func (n *Node) onTick(time.Time) {
	if n.written {
		n.agent.flush()
	}
	forwarded := n.forward()
	n.busy = n.written || forwarded > 0
	n.written = false
	n.noticeFailure(n.agent.failed())
	if n.busy {
		n.tick.Reset(busyTick)
	} else {
		n.tick.Reset(idleTick)
	}
}

// Sync sends what was written, waits until the agent has answered it and
// forwards the answers: the node's output so far is then complete.
func (n *Node) Sync() {
	err := n.agent.sync()
	n.forward()
	n.noticeFailure(err)
}

// noticeFailure reports the agent's failure, if it failed and that was not
// reported yet.
func (n *Node) noticeFailure(err error) {
	if err != nil && !n.reported {
		n.report(err)
	}
}

func (n *Node) report(err error) {
	n.reported = true
	if n.OnError != nil {
		n.OnError(err)
	}
}

// forward passes what the agent sent to the node's children and returns
// how many messages it was.
func (n *Node) forward() int {
	list := n.agent.take(n.taken)
	for _, r := range list {
		switch r.kind {
		case msgBegin:
			n.batch = &pipeline.Batch{Name: r.name, Points: make([]pipeline.Point, 0, max(0, min(r.size, 1<<16)))}
			n.byName = r.byName
		case msgPoint:
			if n.batch != nil {
				// The batch keeps the point's slices: r must not reuse them.
				n.batch.Points = append(n.batch.Points, r.point)
				r.point.Tags, r.point.Fields = nil, nil
				continue
			}
			p := &r.point
			p.Group = n.groups.By(p, r.dims, r.byName)
			if n.OnPoint != nil {
				n.OnPoint(p) // a child keeping p clones it, so r can be reused
			}
		case msgEnd:
			if n.batch == nil {
				continue
			}
			b := n.batch
			n.batch = nil
			b.Name, b.TMax, b.Tags = r.name, r.tmax, r.point.Tags
			r.point.Tags = nil
			dims := make([]string, len(b.Tags))
			for i, t := range b.Tags {
				dims[i] = t.Key
			}
			b.Group = n.groups.By(&pipeline.Point{Name: b.Name, Tags: b.Tags}, dims, n.byName)
			for i := range b.Points {
				b.Points[i].Name, b.Points[i].Group = b.Name, b.Group
			}
			if n.OnBatch != nil {
				n.OnBatch(b)
			}
		}
	}
	if len(list) > 0 {
		n.agent.recycle(list...)
		clear(list)
	}
	n.taken = list[:0]
	return len(list)
}

// Close forwards what the agent still sends and stops it: a process agent
// sees its input end and exits. With a state store, it first asks the
// agent for a last snapshot, which the store saves when it closes.
func (n *Node) Close() error {
	if n.tick != nil {
		n.tick.Stop()
	}
	if n.snapshotTimer != nil {
		n.snapshotTimer.Stop()
	}
	if n.snapshot != nil {
		n.askSnapshot()
	}
	if n.agent.failed() == nil {
		n.agent.sync() // which also waits for the snapshot
		n.forward()
	}
	return n.agent.close() // the agent's failure, if it failed
}
