package alert

import (
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Topics is the alert service a binary's alert nodes share (Kapacitor's
// services/alert): the named topics of .topic(), the topic handlers
// subscribed to them, and the inhibitors of .inhibit(). A multi-task host
// makes one and passes it to every task in pipeline.Env.Alerts, so that
// tasks publishing to the same topic share its state and handlers. Topics
// is safe for concurrent use.
type Topics struct {
	mu         sync.Mutex
	topics     map[string]*Topic
	inhibitors map[string][]*Inhibitor // by category
	handlers   []*topicHandler         // in the order they were added

	log    *slog.Logger
	limits limits

	closeOnce sync.Once
	closeErr  error
}

// NewTopics returns an empty registry whose topic handlers report their
// failures to log (nil: slog.Default()).
func NewTopics(log *slog.Logger) *Topics {
	if log == nil {
		log = slog.Default()
	}
	return &Topics{topics: make(map[string]*Topic), inhibitors: make(map[string][]*Inhibitor),
		log: log, limits: defaultLimits}
}

// Topic returns the topic named id, creating it if needed.
func (ts *Topics) Topic(id string) *Topic {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.topics[id]
	if t == nil {
		t = NewTopic(id)
		ts.topics[id] = t
	}
	return t
}

// topicHandler is a topic handler with its delivery queue (queue.go),
// which the tasks publishing to the topic share: mu orders their events.
type topicHandler struct {
	topic, id string

	mu     sync.Mutex
	q      *queue
	closed bool // the registry is closed: events are dropped
}

func (h *topicHandler) put(d *Data) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		h.q.dropped.Add(1)
		return
	}
	h.q.put(d)
}

func (h *topicHandler) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	h.q.stop()
}

// AddHandler subscribes h, the topic handler called id, to the topic named
// topic. Each topic handler gets the events on a goroutine of its own,
// through a queue, as an alert node's handlers do (queue.go), so a slow
// one holds up no task; each sees the events in their order.
func (ts *Topics) AddHandler(topic, id string, h Handler) {
	t := ts.Topic(topic)
	count := func(string) *atomic.Int64 { return new(atomic.Int64) }
	th := &topicHandler{topic: topic, id: id,
		q: newQueue(h, id, []any{"topic", topic, "handler", id}, count, ts.log, ts.limits)}
	t.mu.Lock()
	t.handlers = append(t.handlers, th)
	t.mu.Unlock()
	ts.mu.Lock()
	ts.handlers = append(ts.handlers, th)
	ts.mu.Unlock()
}

// Collect publishes an event to the topic named topic, as Kapacitor's
// alert service does: the topic records the event's state, the event
// takes the previous level of its ID in that topic, and the topic's
// handlers get it. d is not changed: each topic sees its own copy.
func (ts *Topics) Collect(topic string, d *Data) {
	t := ts.Topic(topic)
	c := *d
	c.line = nil // the JSON holds the previous level, which is the topic's
	t.Collect(&c)
	t.mu.Lock()
	hs := t.handlers
	t.mu.Unlock()
	if len(hs) == 0 {
		return
	}
	// Topic handlers are wrapped (match, inhibition): freeze whenever one
	// reads the event on its own goroutine.
	for _, h := range hs {
		if h.q.events != nil {
			_, _ = c.JSON()
			c.Series()
			break
		}
	}
	for _, h := range hs {
		h.put(&c)
	}
}

// TopicHandlerStats are the delivery counts of one topic handler, as an
// alert node's handler counts them in its statistics (Delivery.Counter).
type TopicHandlerStats struct {
	Topic, Handler        string
	Sent, Failed, Dropped int64
	// Queued is how many events wait in the handler's queue.
	Queued int64
}

// HandlerStats returns the counts of the topic handlers, in the order they
// were added.
func (ts *Topics) HandlerStats() []TopicHandlerStats {
	ts.mu.Lock()
	hs := ts.handlers
	ts.mu.Unlock()
	out := make([]TopicHandlerStats, len(hs))
	for i, h := range hs {
		out[i] = TopicHandlerStats{Topic: h.topic, Handler: h.id, Sent: h.q.sent.Load(),
			Failed: h.q.failed.Load(), Dropped: h.q.dropped.Load(), Queued: h.q.queued()}
	}
	return out
}

// Close stops the topic handlers: it gives them limits.drain to deliver
// what is queued, as Node.Close, then closes those that hold resources
// (log files, aggregate timers) and returns the first error.
func (ts *Topics) Close() error {
	return ts.close(time.Now().Add(ts.limits.drain))
}

// close closes the registry with the deadline of the alert node that
// closes it. Only the first call closes: every task of a binary closes
// the registry it shares when it stops. Events published after it are
// dropped.
func (ts *Topics) close(deadline time.Time) error {
	ts.closeOnce.Do(func() {
		ts.mu.Lock()
		hs := ts.handlers
		ts.mu.Unlock()
		for _, h := range hs {
			h.stop()
		}
		for _, h := range hs {
			h.q.wait(deadline)
		}
		for _, h := range hs {
			if c, ok := h.q.h.(io.Closer); ok {
				if err := c.Close(); err != nil && ts.closeErr == nil {
					ts.closeErr = err
				}
			}
		}
	})
	return ts.closeErr
}

// Inhibit is one .inhibit(category, tags...) of an alert node.
type Inhibit struct {
	Category string
	Tags     []string
}

// Inhibitor is the inhibition one group of an alert node exerts
// (Kapacitor's alert.Inhibitor): while it is active, events of alerts in
// Category whose tags include Tags are not sent to external handlers.
type Inhibitor struct {
	Category string
	Tags     map[string]string
	active   atomic.Bool
}

// AddInhibitor registers an inhibitor for category with the given tag
// values; it starts inactive.
func (ts *Topics) AddInhibitor(category string, tags map[string]string) *Inhibitor {
	in := &Inhibitor{Category: category, Tags: tags}
	ts.mu.Lock()
	ts.inhibitors[category] = append(ts.inhibitors[category], in)
	ts.mu.Unlock()
	return in
}

// IsInhibited reports whether an active inhibitor of category matches
// tags: every tag of the inhibitor has the same value in tags.
func (ts *Topics) IsInhibited(category string, tags map[string]string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, in := range ts.inhibitors[category] {
		if in.matches(tags) {
			return true
		}
	}
	return false
}

func (in *Inhibitor) matches(tags map[string]string) bool {
	if !in.active.Load() {
		return false
	}
	for k, v := range in.Tags {
		if tags[k] != v {
			return false
		}
	}
	return true
}

// Routing is what an alert node does with its events besides running its
// own handlers: .topic(), .category() and .inhibit(). The zero value does
// nothing.
type Routing struct {
	// Topics is the shared alert service; required when any other field
	// is set.
	Topics *Topics
	// TopicName is .topic(name): every event is also collected there.
	TopicName string
	// Category is .category(name), which other alerts' .inhibit() name.
	Category string
	// Inhibits are the node's .inhibit() calls.
	Inhibits []Inhibit
}

// route marks an inhibited event and collects it in the node's named
// topic; it reports whether the event is inhibited, in which case the
// node's own handlers must not run.
func (n *Node) route(d *Data) (inhibited bool) {
	r := &n.Routing
	if r.Topics == nil {
		return false
	}
	d.TaskName, d.Category = n.Templates.TaskName, r.Category
	d.NoExternal = r.Category != "" && r.Topics.IsInhibited(r.Category, d.TagMap())
	if d.NoExternal {
		n.Stats.AlertsInhibited.Add(1)
	}
	if r.TopicName != "" {
		r.Topics.Collect(r.TopicName, d)
	}
	return d.NoExternal
}

// eventState returns the state of event id that seeds a new group, as
// Kapacitor's restoreEvent: the node's anonymous topic's, or else its
// named topic's. When the two differ the anonymous topic's wins and is
// copied to the named topic; a state only the named topic has is copied
// to the anonymous topic.
func (n *Node) eventState(id string) (EventState, bool) {
	var anon, named EventState
	var inAnon, inNamed bool
	if n.Topic != nil {
		anon, inAnon = n.Topic.EventState(id)
	}
	var topic *Topic
	if n.Routing.Topics != nil && n.Routing.TopicName != "" {
		topic = n.Routing.Topics.Topic(n.Routing.TopicName)
		named, inNamed = topic.EventState(id)
	}
	switch {
	case inAnon && inNamed && anon.Level != named.Level:
		topic.update(anon)
	case inNamed && !inAnon && n.Topic != nil:
		n.Topic.update(named)
	}
	if inAnon {
		return anon, true
	}
	return named, inNamed
}

// initInhibitors gives a new group one inhibitor per .inhibit(), with the
// values the group's tags have for the inhibit's tags (Kapacitor's
// NewGroup).
func (n *Node) initInhibitors(s *State, tags map[string]string) {
	for _, in := range n.Routing.Inhibits {
		vals := make(map[string]string, len(in.Tags))
		for _, k := range in.Tags {
			vals[k] = tags[k]
		}
		s.inhibitors = append(s.inhibitors, n.Routing.Topics.AddInhibitor(in.Category, vals))
	}
}
