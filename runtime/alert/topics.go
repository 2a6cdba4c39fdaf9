package alert

import (
	"io"
	"sync"
	"sync/atomic"
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

	// HandlerError, if set, is called with each error a topic handler
	// returns; it may be called from several tasks at once.
	HandlerError func(topic string, h Handler, err error)

	closeOnce sync.Once
	closeErr  error
}

// NewTopics returns an empty registry.
func NewTopics() *Topics {
	return &Topics{topics: make(map[string]*Topic), inhibitors: make(map[string][]*Inhibitor)}
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

// AddHandler subscribes h to the topic named topic (a topic handler of a
// handler file). Handlers run in the order they were added.
func (ts *Topics) AddHandler(topic string, h Handler) {
	t := ts.Topic(topic)
	t.mu.Lock()
	t.handlers = append(t.handlers, h)
	t.mu.Unlock()
}

// Collect publishes an event to the topic named topic, as Kapacitor's
// alert service does: the topic records the event's state, the event
// takes the previous level of its ID in that topic, and the topic's
// handlers run with it. d is not changed: each topic sees its own copy.
func (ts *Topics) Collect(topic string, d *Data) {
	t := ts.Topic(topic)
	c := *d
	c.line = nil // the JSON holds the previous level, which is the topic's
	t.Collect(&c)
	t.mu.Lock()
	hs := t.handlers
	t.mu.Unlock()
	for _, h := range hs {
		if err := h.Handle(&c); err != nil && ts.HandlerError != nil {
			ts.HandlerError(topic, h, err)
		}
	}
}

// Close closes the topic handlers that hold resources (log files,
// aggregate timers) and returns the first error. Only the first call
// closes: every task of a binary closes the registry it shares when it
// stops.
func (ts *Topics) Close() error {
	ts.closeOnce.Do(func() {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		for _, t := range ts.topics {
			for _, h := range t.handlers {
				if c, ok := h.(io.Closer); ok {
					if err := c.Close(); err != nil && ts.closeErr == nil {
						ts.closeErr = err
					}
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
