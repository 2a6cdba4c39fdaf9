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
// Unlike Kapacitor's UDF node, which runs on its own goroutines, a Node is
// called on the task's goroutine: it writes the point or batch, then a
// keepalive request, and waits for the keepalive's answer, so that what the
// agent sent back for the point reaches the node's children before the next
// point (agents answer requests in order). Output an agent sends on its own
// later is forwarded at the next point, at the next tick of the task's
// timers (every 100ms when serving) and when the task stops.
package udf

import (
	"fmt"
	"sync"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// drainInterval is how often output an agent sends between points is
// forwarded.
const drainInterval = 100 * time.Millisecond

// Node is one running UDF node. Its methods are called on the task's
// goroutine, one at a time.
type Node struct {
	agent  *agent
	groups *pipeline.Groups

	// OnPoint and OnBatch receive what the agent emits; OnError counts a
	// point or batch dropped because the agent failed.
	OnPoint func(p *pipeline.Point)
	OnBatch func(b *pipeline.Batch)
	OnError func(err error)

	mu      sync.Mutex
	pending []*response // read from the agent, not yet forwarded
	// The batch the agent is sending, between begin and end.
	batch  *pipeline.Batch
	byName bool
}

// New starts the agent of the UDF called name, configured in env's
// [udf.functions.NAME] section, and initialises it with opts, as
// Kapacitor does when a task starts. nodeID is the node's name.
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
	log := env.Log.With("node", nodeID)
	n.agent, err = start(name, fn, log, n.received)
	if err != nil {
		return nil, err
	}
	r, err := n.agent.request(msgInit, func(e *encoder) { e.init(opts, taskID, nodeID) })
	if err == nil && !r.ok {
		err = fmt.Errorf("UDF %s: failed to initialize: %s", name, r.err)
	}
	if err != nil {
		n.agent.close()
		return nil, err
	}
	if env.Timers != nil {
		env.Timers.Every(drainInterval, false, func(time.Time) { n.forward() })
	}
	return n, nil
}

// received queues a begin, point or end message; it runs on the agent's
// reader goroutine.
func (n *Node) received(r *response) {
	n.mu.Lock()
	n.pending = append(n.pending, r)
	n.mu.Unlock()
}

// Point sends a stream point to the agent and forwards its answer.
func (n *Node) Point(p *pipeline.Point) {
	err := n.agent.write(func(e *encoder) { e.point(p) })
	n.finish(err)
}

// Batch sends a batch to the agent and forwards its answer.
func (n *Node) Batch(b *pipeline.Batch) {
	err := n.agent.write(func(e *encoder) { e.begin(b) })
	for i := 0; i < len(b.Points) && err == nil; i++ {
		err = n.agent.write(func(e *encoder) { e.batchPoint(&b.Points[i], b.Group.ID) })
	}
	if err == nil {
		err = n.agent.write(func(e *encoder) { e.end(b) })
	}
	n.finish(err)
}

// finish waits until the agent has answered what was written and forwards
// the answer.
func (n *Node) finish(err error) {
	if err == nil {
		err = n.agent.sync()
	}
	n.forward()
	if err != nil && n.OnError != nil {
		n.OnError(err)
	}
}

// forward passes what the agent sent to the node's children.
func (n *Node) forward() {
	n.mu.Lock()
	pending := n.pending
	n.pending = nil
	n.mu.Unlock()
	for _, r := range pending {
		switch r.kind {
		case msgBegin:
			n.batch = &pipeline.Batch{Name: r.name, Points: make([]pipeline.Point, 0, max(0, min(r.size, 1<<16)))}
			n.byName = r.byName
		case msgPoint:
			if n.batch != nil {
				n.batch.Points = append(n.batch.Points, r.point)
				continue
			}
			p := &r.point
			p.Group = n.groups.By(p, r.dims, r.byName)
			if n.OnPoint != nil {
				n.OnPoint(p)
			}
		case msgEnd:
			if n.batch == nil {
				continue
			}
			b := n.batch
			n.batch = nil
			b.Name, b.TMax, b.Tags = r.name, r.tmax, r.point.Tags
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
}

// Close forwards what the agent still sends and stops it: a process agent
// sees its input end and exits.
func (n *Node) Close() error {
	if n.agent.failed() == nil {
		n.agent.sync()
		n.forward()
	}
	return n.agent.close() // the agent's failure, if it failed
}
