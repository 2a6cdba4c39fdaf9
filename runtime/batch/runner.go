package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Querier runs InfluxQL; *client.Client of influxdb1-client satisfies it.
type Querier interface {
	Query(q client.Query) (*client.Response, error)
}

// Runner runs a batch task's queries on their schedules.
type Runner struct {
	queries []*Query
	scheds  []*Schedule
	specs   []pipeline.Query
	client  Querier
	log     *slog.Logger
	// emit delivers a batch of query i; the caller serialises it with the
	// rest of the task.
	emit func(i int, b *pipeline.Batch)
	// stats are the query nodes' statistics, by query (nil entries allowed).
	stats []*pipeline.NodeStats

	// Now and After are the clock; tests replace them.
	Now   func() time.Time
	After func(d time.Duration) <-chan time.Time
}

// NewRunner prepares the queries specs, run with c. emit receives every
// batch a query produces; stats, if not nil, are each query node's stats.
func NewRunner(specs []pipeline.Query, c Querier, log *slog.Logger, stats []*pipeline.NodeStats, emit func(i int, b *pipeline.Batch)) (*Runner, error) {
	r := &Runner{specs: specs, client: c, log: log, emit: emit, stats: stats, Now: time.Now, After: time.After}
	for _, s := range specs {
		q, err := NewQuery(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Node, err)
		}
		sched, err := NewSchedule(s.Every, s.Align, s.Cron)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Node, err)
		}
		r.queries = append(r.queries, q)
		r.scheds = append(r.scheds, sched)
	}
	return r, nil
}

// Run runs every query on its schedule until ctx is done.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := range r.queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(ctx, i)
		}()
	}
	wg.Wait()
}

func (r *Runner) loop(ctx context.Context, i int) {
	tick := r.scheds[i].First(r.Now())
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.After(tick.Sub(r.Now())):
		}
		r.Tick(ctx, i, tick)
		next := r.scheds[i].Next(tick)
		// A tick that took longer than the interval skips the ticks missed.
		for now := r.Now(); !next.After(now); {
			next = r.scheds[i].Next(next)
		}
		tick = next
	}
}

// Tick runs query i as at tick time now and emits its batches. Errors are
// logged, counted in the node's errors, and returned; the schedule goes on.
func (r *Runner) Tick(ctx context.Context, i int, now time.Time) error {
	q := r.queries[i]
	_, stop := q.ForTick(now)
	text := q.String()
	r.log.Debug("starting batch query", "node", r.specs[i].Node, "query", text)
	resp, err := r.client.Query(client.Query{Command: text, Database: q.DB()})
	if err == nil && resp != nil && resp.Err != "" {
		err = errors.New(resp.Err)
	}
	if err != nil {
		return r.fail(i, "error executing query", err)
	}
	var firstErr error
	for _, res := range resp.Results {
		batches, err := ResultBatches(res, r.specs[i].GroupByMeasurement)
		if err != nil {
			if firstErr == nil {
				firstErr = r.fail(i, "failed to understand query result", err)
			}
			continue
		}
		for j := range batches {
			b := &batches[j]
			// The batch time is the query's stop time when it is grouped by
			// time or has no points, as in Kapacitor.
			if b.TMax == 0 || q.GroupedByTime() {
				b.TMax = stop.UnixNano()
			}
			if s := r.stat(i); s != nil {
				s.Counter("batches_queried").Add(1)
				s.Counter("points_queried").Add(int64(len(b.Points)))
			}
			r.emit(i, b)
		}
	}
	return firstErr
}

func (r *Runner) stat(i int) *pipeline.NodeStats {
	if i < len(r.stats) {
		return r.stats[i]
	}
	return nil
}

func (r *Runner) fail(i int, msg string, err error) error {
	if s := r.stat(i); s != nil {
		s.Errors.Add(1)
	}
	r.log.Error(msg, "node", r.specs[i].Node, "err", err)
	return fmt.Errorf("%s: %s: %w", r.specs[i].Node, msg, err)
}

// ResultBatches turns the series of one query result into batches, as
// Kapacitor does: one batch per series, named after it, whose tags are the
// series tags; a point per row with at least one non-null value; numbers
// as floats. TMax is the latest point time (0 if none). Group is left
// for the task to set from the tags (and the name when byName).
func ResultBatches(res client.Result, byName bool) ([]pipeline.Batch, error) {
	if res.Err != "" {
		return nil, errors.New(res.Err)
	}
	out := make([]pipeline.Batch, 0, len(res.Series))
	for _, s := range res.Series {
		tags := make([]pipeline.Tag, 0, len(s.Tags))
		for k, v := range s.Tags {
			tags = append(tags, pipeline.Tag{Key: k, Value: v})
		}
		sort.Slice(tags, func(a, b int) bool { return tags[a].Key < tags[b].Key })
		b := pipeline.Batch{Name: s.Name, Tags: tags, Points: make([]pipeline.Point, 0, len(s.Values))}
		for _, row := range s.Values {
			var t time.Time
			var fields []pipeline.Field
			for c, col := range s.Columns {
				if c >= len(row) {
					break
				}
				if col == "time" {
					var err error
					if t, err = parseTime(row[c]); err != nil {
						return nil, err
					}
					continue
				}
				v, ok, err := fieldValue(row[c])
				if err != nil {
					return nil, fmt.Errorf("column %s: %w", col, err)
				}
				if ok {
					fields = append(fields, pipeline.Field{Key: col, Value: v})
				}
			}
			if len(fields) == 0 {
				continue
			}
			sort.Slice(fields, func(a, b int) bool { return fields[a].Key < fields[b].Key })
			ns := t.UnixNano()
			if ns > b.TMax {
				b.TMax = ns
			}
			b.Points = append(b.Points, pipeline.Point{Name: s.Name, Time: ns, Tags: tags, Fields: fields})
		}
		out = append(out, b)
	}
	return out, nil
}

func parseTime(v any) (time.Time, error) {
	switch ts := v.(type) {
	case string:
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return time.Time{}, fmt.Errorf("unexpected time format: %v", err)
		}
		return t.UTC(), nil
	case json.Number: // epoch queries
		n, err := ts.Int64()
		if err != nil {
			return time.Time{}, fmt.Errorf("unexpected time value: %v", v)
		}
		return time.Unix(0, n).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("unexpected time value: %v", v)
}

// fieldValue converts a JSON value of a result to a field value; ok is
// false for null. Numbers are floats, as Kapacitor reads them.
func fieldValue(v any) (pipeline.Value, bool, error) {
	switch x := v.(type) {
	case nil:
		return pipeline.Value{}, false, nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return pipeline.Value{}, false, err
		}
		return pipeline.FloatValue(f), true, nil
	case float64:
		return pipeline.FloatValue(x), true, nil
	case int64:
		return pipeline.FloatValue(float64(x)), true, nil
	case string:
		return pipeline.StringValue(x), true, nil
	case bool:
		return pipeline.BoolValue(x), true, nil
	}
	return pipeline.Value{}, false, fmt.Errorf("unsupported value %v (%T)", v, v)
}
