package topichandlers

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// defaultAggregateMessage is Kapacitor's aggregate message template.
const defaultAggregateMessage = "Received {{ .Count }} events in the last {{.Interval}}."

// aggregate is the aggregate kind: it collects a topic's events and, every
// interval, publishes one event summing them up to another topic: ID id,
// the highest level, the latest time, the longest duration, the events'
// messages as details, one line each, and all their data. The summary is
// inhibited only if every event was.
type aggregate struct {
	id, topic string
	interval  time.Duration
	message   *template.Template
	ts        *alert.Topics

	mu       sync.Mutex
	events   []*alert.Data
	external bool
}

func newAggregate(opts map[string]any, ts *alert.Topics, timers pipeline.Timers) (*aggregate, error) {
	o := struct {
		ID, Topic, Message string
		Interval           time.Duration
	}{Message: defaultAggregateMessage}
	if err := decode(opts, &o); err != nil {
		return nil, err
	}
	if o.Interval <= 0 {
		return nil, fmt.Errorf("aggregate: interval must be positive")
	}
	if o.Topic == "" {
		return nil, fmt.Errorf("aggregate: missing topic")
	}
	tmpl, err := template.New("message").Parse(o.Message)
	if err == nil {
		err = tmpl.Execute(&bytes.Buffer{}, aggregateView{})
	}
	if err != nil {
		return nil, fmt.Errorf("aggregate: message template: %w", err)
	}
	a := &aggregate{id: o.ID, topic: o.Topic, interval: o.Interval, message: tmpl, ts: ts}
	if timers != nil {
		timers.Every(o.Interval, false, func(time.Time) { a.flush() })
	}
	return a, nil
}

// aggregateView is what the message template sees.
type aggregateView struct {
	Count    int
	Interval time.Duration
}

// Handle keeps the event for the next summary. The data of a stream
// point's event is made now, while the point is the task's.
func (a *aggregate) Handle(d *alert.Data) error {
	d.Series()
	a.mu.Lock()
	a.events = append(a.events, d)
	a.external = a.external || !d.NoExternal
	a.mu.Unlock()
	return nil
}

// flush publishes the summary of the events since the last flush, if any.
func (a *aggregate) flush() {
	a.mu.Lock()
	events, external := a.events, a.external
	a.events, a.external = nil, false
	a.mu.Unlock()
	if len(events) == 0 {
		return
	}
	var msg bytes.Buffer
	_ = a.message.Execute(&msg, aggregateView{Count: len(events), Interval: a.interval}) // checked in newAggregate
	sum := &alert.Data{ID: a.id, Message: msg.String(), NoExternal: !external}
	details := make([]string, len(events))
	for i, e := range events {
		sum.Level = max(sum.Level, e.Level)
		if e.Time.After(sum.Time) {
			sum.Time = e.Time
		}
		sum.Duration = max(sum.Duration, e.Duration)
		details[i] = e.Message
		sum.Result.Series = append(sum.Result.Series, e.Series()...)
	}
	sum.Details = strings.Join(details, "\n")
	a.ts.Collect(a.topic, sum)
}

// publish is the publish kind: it collects each event in other topics too.
type publish struct {
	topics []string
	ts     *alert.Topics
}

func newPublish(opts map[string]any, ts *alert.Topics) (*publish, error) {
	var o struct{ Topics []string }
	if err := decode(opts, &o); err != nil {
		return nil, err
	}
	return &publish{topics: o.Topics, ts: ts}, nil
}

// Handle collects d in each topic.
func (p *publish) Handle(d *alert.Data) error {
	for _, t := range p.topics {
		p.ts.Collect(t, d)
	}
	return nil
}
