package alert

import (
	"sync"
	"time"
)

// EventState is the state a topic keeps for one event ID: the last event
// collected with that ID.
type EventState struct {
	ID       string
	Message  string
	Details  string
	Time     time.Time
	Duration time.Duration
	Level    Level
}

// Topic is an alert topic's event state, keyed by event ID (Kapacitor's
// alert.Topic without the handler plumbing). An alert node with handlers
// publishes to its own anonymous topic, "<kapacitorID>:<task>:<node>", so
// every group rendering the same ID shares one state: it gives events their
// previousLevel and seeds new groups (Node.InitGroup). Topic is safe for
// concurrent use.
type Topic struct {
	id string

	mu     sync.Mutex
	events map[string]*EventState
}

// NewTopic returns an empty topic.
func NewTopic(id string) *Topic {
	return &Topic{id: id, events: make(map[string]*EventState)}
}

// ID returns the topic's ID.
func (t *Topic) ID() string { return t.id }

// EventState returns the stored state of event id.
func (t *Topic) EventState(id string) (EventState, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.events[id]; ok {
		return *s, true
	}
	return EventState{}, false
}

// MaxLevel returns the highest level of the topic's events (OK if none).
func (t *Topic) MaxLevel() Level {
	t.mu.Lock()
	defer t.mu.Unlock()
	max := OK
	for _, s := range t.events {
		if s.Level > max {
			max = s.Level
		}
	}
	return max
}

// Collect stores d as the state of its event ID and sets d.PreviousLevel to
// the level stored before (OK for a new ID).
func (t *Topic) Collect(d *Data) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cur := t.events[d.ID]
	if cur == nil {
		cur = new(EventState)
		t.events[d.ID] = cur
		d.PreviousLevel = OK
	} else {
		d.PreviousLevel = cur.Level
	}
	*cur = EventState{
		ID:       d.ID,
		Message:  d.Message,
		Details:  d.Details,
		Time:     d.Time,
		Duration: d.Duration,
		Level:    d.Level,
	}
}
