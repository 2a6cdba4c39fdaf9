package alert

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
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

	// restored marks a state loaded from the store (Topic.Restore) that no
	// event has replaced yet: a group seeded from it continues the episode
	// from its first trigger (Time - Duration), as if the task had not
	// restarted.
	restored bool
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
	// dirty holds the IDs collected since the last DrainChanges; nil
	// unless the topic is persisted (Node.Persist).
	dirty map[string]struct{}
	// handlers are the topic handlers subscribed to a named topic
	// (Topics.AddHandler); an anonymous topic's handlers are its node's.
	handlers []*topicHandler

	// persistOnce loads and tracks a topic that several nodes share once.
	persistOnce sync.Once
	persistErr  error
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
	if t.dirty != nil {
		t.dirty[d.ID] = struct{}{}
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

// update replaces the state of es.ID (Kapacitor's UpdateEvent).
func (t *Topic) update(es EventState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events[es.ID] = &es
	if t.dirty != nil {
		t.dirty[es.ID] = struct{}{}
	}
}

// storedState is the persisted form of an EventState (JSON, versioned).
type storedState struct {
	V        int           `json:"v"`
	Level    Level         `json:"level"`
	Time     time.Time     `json:"time"`
	Duration time.Duration `json:"duration"`
	Message  string        `json:"message,omitempty"`
	Details  string        `json:"details,omitempty"`
}

// persist loads the topic from store and has store write its changes
// behind it (Node.Persist); only the first call for a topic does.
func (t *Topic) persist(store pipeline.StateStore) error {
	t.persistOnce.Do(func() {
		entries, err := store.Load(t.id)
		if err != nil {
			t.persistErr = fmt.Errorf("loading alert state: %w", err)
			return
		}
		if t.persistErr = t.Restore(entries); t.persistErr == nil {
			store.Track(t.id, t)
		}
	})
	return t.persistErr
}

// Restore loads persisted event states (as DrainChanges wrote them) into
// the topic and starts tracking changes for DrainChanges.
func (t *Topic) Restore(entries map[string][]byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, v := range entries {
		var st storedState
		if err := json.Unmarshal(v, &st); err != nil {
			return fmt.Errorf("alert state of %q: %w", id, err)
		}
		if st.V != 1 {
			return fmt.Errorf("alert state of %q: unknown version %d", id, st.V)
		}
		t.events[id] = &EventState{ID: id, Message: st.Message, Details: st.Details,
			Time: st.Time, Duration: st.Duration, Level: st.Level, restored: true}
	}
	if t.dirty == nil {
		t.dirty = make(map[string]struct{})
	}
	return nil
}

// DrainChanges implements pipeline.StateSource: it calls put with the
// encoded state of each ID collected since the last call.
func (t *Topic) DrainChanges(put func(id string, value []byte)) {
	t.mu.Lock()
	if len(t.dirty) == 0 {
		t.mu.Unlock()
		return
	}
	states := make([]EventState, 0, len(t.dirty))
	for id := range t.dirty {
		states = append(states, *t.events[id])
		delete(t.dirty, id)
	}
	t.mu.Unlock()
	for _, s := range states {
		v, err := json.Marshal(storedState{V: 1, Level: s.Level, Time: s.Time,
			Duration: s.Duration, Message: s.Message, Details: s.Details})
		if err != nil { // only an out-of-range time; keep the old state
			continue
		}
		put(s.ID, v)
	}
}
