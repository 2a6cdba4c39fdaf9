package alert

import (
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Node is the runtime of one alert node: configuration, templates,
// statistics, its anonymous topic and its handlers. Per-group State lives
// with the caller. A Node is used by one task goroutine; only Stats may be
// read concurrently.
type Node struct {
	Config    Config
	Templates *Templates
	Stats     Stats
	// Topic is the node's anonymous topic; nil when the node has no
	// handlers, in which case (as in Kapacitor) no state is shared between
	// groups and events get previousLevel OK.
	Topic    *Topic
	Handlers []Handler
	// Routing is the node's .topic(), .category() and .inhibit()
	// (topics.go).
	Routing Routing

	cache renderCache // the last default id and messages

	// The delivery of events to the handlers (queue.go): one queue per
	// handler, made by Start or by the first event.
	delivery Delivery
	limits   limits
	queues   []*queue
}

// NewNode validates cfg and returns a node. With at least one handler the
// node gets an anonymous topic named topicID (Kapacitor uses
// "<kapacitorID>:<taskID>:<nodeName>", e.g. "kapacitor:cpu:alert2").
func NewNode(cfg Config, tmpl *Templates, topicID string, handlers ...Handler) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := &Node{Config: cfg, Templates: tmpl, Handlers: handlers, limits: defaultLimits}
	if len(handlers) > 0 {
		n.Topic = NewTopic(topicID)
	}
	return n, nil
}

// InitGroup prepares the state of a new group from its first point or batch
// (measurement name, raw group ID, tags, time), as Kapacitor's NewGroup: if
// the node's topic already holds a non-OK state for the ID the group
// renders, the group starts at that level.
func (n *Node) InitGroup(s *State, name, group string, tags map[string]string, t time.Time) error {
	*s = State{}
	n.initInhibitors(s, tags)
	if n.Topic == nil && n.Routing.TopicName == "" {
		return nil
	}
	id, err := n.Templates.RenderID(name, group, tags)
	if err != nil {
		return err
	}
	if es, ok := n.eventState(id); ok {
		if es.restored {
			// A state persisted before a restart: continue its episode,
			// so that the duration is the one an uninterrupted task
			// reports (Kapacitor restarts it at the last event's time).
			s.Restore(&n.Config, es.Level, t, es.Time.Add(-es.Duration))
			if es.Level != OK {
				s.lastTriggered = es.Time
			}
		} else {
			s.Restore(&n.Config, es.Level, t, es.Time)
		}
	}
	return nil
}

// Persist loads the node's topic from store and has store write the
// topic's changes behind it. Call it before any point; it does nothing
// when store is nil or the node has no topic (no handlers).
func (n *Node) Persist(store pipeline.StateStore) error {
	if store == nil {
		return nil
	}
	if n.Topic != nil {
		if err := n.Topic.persist(store); err != nil {
			return err
		}
	}
	if r := &n.Routing; r.Topics != nil && r.TopicName != "" { // .topic(): topics.go
		return r.Topics.Topic(r.TopicName).persist(store)
	}
	return nil
}

// Input is the triggering point or batch of an event.
type Input struct {
	Name  string
	Group string // raw group ID: "" when not grouped
	// Tags are the point's tags (for a batch, the batch tags).
	Tags map[string]string
	// Fields are the fields of the point (for a batch, of its
	// highest-level point).
	Fields map[string]interface{}
	// Series is the event data: PointSeries or BatchSeries.
	Series Series

	// point is the stream point of an input made by PointInput, which
	// leaves Tags, Fields and Series to be made from it when needed.
	point *pipeline.Point
}

// Fire turns an event decided by State.Update or State.UpdateBatch into
// alert data: it renders the id, message and details templates, counts the
// event in Stats, collects it in the topic (setting PreviousLevel) and runs
// the handlers. The returned data carries the ID, message and duration that
// .idTag(), .messageField() and friends add to forwarded points.
//
// A template error is returned as is; Kapacitor stops the task on it.
func (n *Node) Fire(ev Event, in *Input) (*Data, error) {
	if in.point != nil {
		if d, ok := n.firePoint(ev, in); ok {
			return n.publish(d), nil
		}
		in.materialize()
	}
	t := n.Templates
	id, err := t.RenderID(in.Name, in.Group, in.Tags)
	if err != nil {
		return nil, err
	}
	msg, details, err := t.RenderMessageAndDetails(id, in.Name, in.Group, in.Tags, in.Fields, ev)
	if err != nil {
		return nil, err
	}
	d := &Data{
		ID:          id,
		Message:     msg,
		Details:     details,
		Time:        ev.Time,
		Duration:    ev.Duration,
		Level:       ev.Level,
		Result:      Result{Series: []Series{in.Series}},
		Recoverable: !n.Config.NoRecoveries,
		Name:        in.Name,
		Group:       in.Group,
		Tags:        in.Tags,
		Fields:      in.Fields,
	}
	return n.publish(d), nil
}

// publish counts the event, collects it in the topic and runs the
// handlers.
func (n *Node) publish(d *Data) *Data {
	n.Stats.Record(d.Level)
	inhibited := n.route(d)
	if n.Topic != nil {
		n.Topic.Collect(d)
		if !inhibited { // .inhibit() of another alert: no handler runs
			n.deliver(d)
		}
	}
	return d
}

// Start starts the delivery of the node's events to its handlers, each on
// a goroutine of its own (see queue.go), with the names, counters and
// logger of d. Call it once, before the first event; without it the first
// event starts the delivery with d's zero value. Close stops it.
func (n *Node) Start(d Delivery) {
	n.delivery = d
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	counter := d.Counter
	if counter == nil {
		counter = func(string) *atomic.Int64 { return new(atomic.Int64) }
	}
	n.queues = make([]*queue, len(n.Handlers))
	for i, h := range n.Handlers {
		name := d.handlerName(i)
		q := newQueue(h, name, []any{"node", d.Node, "handler", name}, counter, log, n.limits)
		if d.Gauge != nil && q.events != nil {
			d.Gauge(name+"_queued", q.queued)
		}
		n.queues[i] = q
	}
}

// deliver hands the event over to every handler.
func (n *Node) deliver(d *Data) {
	if n.queues == nil {
		n.Start(n.delivery)
	}
	freeze(d, n.queues)
	for _, q := range n.queues {
		q.put(d)
	}
}

// Close stops the delivery: it gives the handlers until a common deadline
// to deliver what is queued, then drops the rest (see queue.go). Then it
// releases what the handlers hold (the .log() handler keeps its file open)
// and returns the first error.
func (n *Node) Close() error {
	deadline := time.Now().Add(n.limits.drain)
	for _, q := range n.queues {
		q.stop()
	}
	for _, q := range n.queues {
		q.wait(deadline)
	}
	n.queues = nil
	var first error
	for _, h := range n.Handlers {
		if c, ok := h.(io.Closer); ok {
			if err := c.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	if ts := n.Routing.Topics; ts != nil {
		if err := ts.close(deadline); err != nil && first == nil {
			first = err
		}
	}
	return first
}
