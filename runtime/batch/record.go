package batch

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"

	"github.com/tickc/tickc/runtime/pipeline"
)

// RecordingWriter writes a batch recording as kapacitord does: a zip
// archive with one entry per query node, named "0", "1", ..., each holding
// that query's batches as newline-delimited JSON. Queries must be written
// in order, all batches of one before the next.
type RecordingWriter struct {
	zw    *zip.Writer
	entry *bufio.Writer
	enc   *json.Encoder
	next  int // the index of the next entry
}

// NewRecordingWriter starts a recording on w. Close completes it.
func NewRecordingWriter(w io.Writer) *RecordingWriter {
	return &RecordingWriter{zw: zip.NewWriter(w)}
}

// StartQuery opens the entry of the next query node.
func (w *RecordingWriter) StartQuery() error {
	if err := w.flush(); err != nil {
		return err
	}
	e, err := w.zw.Create(strconv.Itoa(w.next))
	if err != nil {
		return err
	}
	w.next++
	w.entry = bufio.NewWriterSize(e, 1<<16)
	w.enc = json.NewEncoder(w.entry)
	return nil
}

// recordBatch and recordPoint are Kapacitor's JSON of a recorded batch
// (edge.bufferedBatchMessageJSON): the same keys in the same order, so
// that a recording is the one kapacitord writes for the same result.
type recordBatch struct {
	Name   string            `json:"name,omitempty"`
	TMax   time.Time         `json:"tmax"`
	Group  string            `json:"group,omitempty"`
	ByName bool              `json:"byname,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
	Points []recordPoint     `json:"points,omitempty"`
}

type recordPoint struct {
	Fields map[string]any    `json:"fields"`
	Tags   map[string]string `json:"tags"`
	Time   time.Time         `json:"time"`
}

// WriteBatch appends a batch of a query result (as ResultBatches makes
// it) to the current query's entry; byName is the query's
// .groupByMeasurement().
func (w *RecordingWriter) WriteBatch(b *pipeline.Batch, byName bool) error {
	if w.enc == nil {
		return errors.New("batch recording: WriteBatch before StartQuery")
	}
	rb := recordBatch{Name: b.Name, TMax: time.Unix(0, b.TMax).UTC(), ByName: byName}
	if b.TMax == 0 {
		rb.TMax = time.Time{}
	}
	var tags map[string]string // null in the points of an untagged series, as in Kapacitor
	if len(b.Tags) > 0 {
		tags = pipeline.TagsMap(b.Tags)
		rb.Tags = tags
		rb.Group = pipeline.GroupID(b.Name, byName, b.Tags)
	} else if byName {
		rb.Group = b.Name
	}
	rb.Points = make([]recordPoint, len(b.Points))
	for i := range b.Points {
		p := &b.Points[i]
		fields := make(map[string]any, len(p.Fields))
		for _, f := range p.Fields {
			fields[string(f.Key)] = f.Value.Any()
		}
		rb.Points[i] = recordPoint{Fields: fields, Tags: tags, Time: time.Unix(0, p.Time).UTC()}
	}
	return w.enc.Encode(rb)
}

func (w *RecordingWriter) flush() error {
	if w.entry == nil {
		return nil
	}
	err := w.entry.Flush()
	w.entry, w.enc = nil, nil
	return err
}

// Close completes the archive. It does not close the underlying writer.
func (w *RecordingWriter) Close() error {
	err := w.flush()
	if e := w.zw.Close(); err == nil {
		err = e
	}
	return err
}

// Ticks returns the ticks at which a query on schedule s runs over the
// range (start, stop], as Kapacitor's record batch walks it: tick after
// tick from start, stopping at the first after stop or whose query would
// end (tick - offset) after now.
func (s *Schedule) Ticks(start, stop, now time.Time, offset time.Duration) []time.Time {
	var ticks []time.Time
	for t := start; ; {
		t = s.Next(t)
		if t.IsZero() || t.After(stop) || t.Add(-offset).After(now) {
			return ticks
		}
		ticks = append(ticks, t)
	}
}

// RecordStats count what a recording holds.
type RecordStats struct {
	Queries, Batches, Points int
}

// Record runs the queries specs over [start, stop], query i with
// clients[i], at the ticks their schedules have in that range, and writes
// their results to w, one entry per query, as kapacitord's record batch
// does. The first failing query ends the recording with its error.
func Record(ctx context.Context, clients []Querier, specs []pipeline.Query, start, stop, now time.Time, w *RecordingWriter) (RecordStats, error) {
	var st RecordStats
	for i, spec := range specs {
		q, err := NewQuery(spec)
		if err != nil {
			return st, fmt.Errorf("%s: %w", spec.Node, err)
		}
		sched, err := NewSchedule(spec.Every, spec.Align, spec.Cron)
		if err != nil {
			return st, fmt.Errorf("%s: %w", spec.Node, err)
		}
		if err := w.StartQuery(); err != nil {
			return st, err
		}
		st.Queries++
		for _, tick := range sched.Ticks(start, stop, now, spec.Offset) {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			q.ForTick(tick)
			n, p, err := recordQuery(clients[i], q.String(), q.DB(), spec.GroupByMeasurement, w)
			st.Batches += n
			st.Points += p
			if err != nil {
				return st, fmt.Errorf("%s: %w", spec.Node, err)
			}
		}
	}
	return st, nil
}

// RecordQuery runs one InfluxQL query with c and writes its result as a
// batch recording of one query node, as `kapacitor record query -type
// batch` does.
func RecordQuery(c Querier, text string, w *RecordingWriter) (RecordStats, error) {
	if err := w.StartQuery(); err != nil {
		return RecordStats{}, err
	}
	n, p, err := recordQuery(c, text, "", false, w)
	return RecordStats{Queries: 1, Batches: n, Points: p}, err
}

// QueryBatches runs text with c and returns the batches of its results.
func QueryBatches(c Querier, text, db string, byName bool) ([]pipeline.Batch, error) {
	resp, err := c.Query(client.Query{Command: text, Database: db})
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", text, err)
	}
	var out []pipeline.Batch
	for _, res := range resp.Results {
		bs, err := ResultBatches(res, byName)
		if err != nil {
			return nil, err
		}
		out = append(out, bs...)
	}
	return out, nil
}

func recordQuery(c Querier, text, db string, byName bool, w *RecordingWriter) (batches, points int, err error) {
	bs, err := QueryBatches(c, text, db, byName)
	if err != nil {
		return 0, 0, err
	}
	for i := range bs {
		if err := w.WriteBatch(&bs[i], byName); err != nil {
			return batches, points, err
		}
		batches++
		points += len(bs[i].Points)
	}
	return batches, points, nil
}
