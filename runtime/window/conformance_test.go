package window_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/httpout"
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/window"
	"github.com/tickc/tickc/stdlib/influxql"
)

// These tests run the window cases of the conformance corpus
// (golden/conformance, copied from the shared corpus, or $TICKC_CONFORMANCE): each script's
// from() and groupBy() and its aggregate are applied by hand around the
// windows, and the resulting httpPost bodies are compared with those
// recorded from Kapacitor 1.8.3, after the runner's normalisation.

func casesDir(t *testing.T) string {
	dir := os.Getenv("TICKC_CONFORMANCE")
	if dir == "" {
		dir = "../../golden/conformance"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("no conformance cases: %v", err)
	}
	return dir
}

// loadPoints parses a case's input.lp.
func loadPoints(t *testing.T, name string) []pipeline.Point {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(casesDir(t), name, "input.lp"))
	if err != nil {
		t.Fatal(err)
	}
	var pr lineprotocol.Parser
	pr.Reset(data, lineprotocol.Nanosecond, time.Now())
	var pts []pipeline.Point
	for pr.Next() {
		p := pipeline.Point{Name: string(pr.Measurement()), Time: pr.Time()}
		for _, tg := range pr.Tags() {
			p.Tags = append(p.Tags, pipeline.Tag{Key: string(tg.Key), Value: string(tg.Value)})
		}
		for _, f := range pr.Fields() {
			var v pipeline.Value
			switch f.Kind {
			case lineprotocol.Float:
				v = pipeline.FloatValue(f.Float)
			case lineprotocol.Int:
				v = pipeline.IntValue(f.Int)
			case lineprotocol.String:
				v = pipeline.StringValue(string(f.Str))
			case lineprotocol.Bool:
				v = pipeline.BoolValue(f.Bool)
			}
			p.Fields = append(p.Fields, pipeline.Field{Key: string(f.Key), Value: v})
		}
		pts = append(pts, p)
	}
	if errs := pr.Errors(); len(errs) > 0 {
		t.Fatalf("input.lp: %v", errs[0])
	}
	return pts
}

// canonical is the runner's dumps_canonical: keys sorted, numbers as
// written.
func canonical(t *testing.T, text []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v: %s", err, text)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// post is one captured httpPost request.
type post struct {
	path string
	body []byte
}

// comparePosts compares posts with the case's posts.jsonl: grouped by
// path, paths sorted, arrival order within a path.
func comparePosts(t *testing.T, name string, posts []post) {
	t.Helper()
	f, err := os.Open(filepath.Join(casesDir(t), name, "expected", "posts.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			want = append(want, canonical(t, sc.Bytes()))
		}
	}
	slices.SortStableFunc(posts, func(a, b post) int { return strings.Compare(a.path, b.path) })
	var got []string
	for _, p := range posts {
		line, _ := json.Marshal(map[string]any{"path": p.path, "body": json.RawMessage(p.body)})
		got = append(got, canonical(t, line))
	}
	for i := 0; i < len(want) || i < len(got); i++ {
		switch {
		case i >= len(got):
			t.Fatalf("%s: missing post %d: %s", name, i+1, want[i])
		case i >= len(want):
			t.Fatalf("%s: unexpected post %d: %s", name, i+1, got[i])
		case got[i] != want[i]:
			t.Fatalf("%s: post %d:\n got %s\nwant %s", name, i+1, got[i], want[i])
		}
	}
}

// stream runs the points of measurement name, grouped by dims, through a
// window node; then is called with each emitted batch.
func stream(t *testing.T, pts []pipeline.Point, name string, dims []string, shift time.Duration, cfg window.Config, then func(*pipeline.Batch)) {
	t.Helper()
	n, err := window.NewNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups := pipeline.NewGroups()
	var p pipeline.Point // reused, as the ingest layer does
	for i := range pts {
		if pts[i].Name != name {
			continue
		}
		p.Name, p.Time = pts[i].Name, pts[i].Time+int64(shift)
		p.Tags = append(p.Tags[:0], pts[i].Tags...)
		p.Fields = append(p.Fields[:0], pts[i].Fields...)
		p.Group = groups.By(&p, dims, false)
		n.Push(&p, then)
	}
}

// fieldValues returns the float values of field in b and the indexes of
// the points that have it.
func fieldValues(b *pipeline.Batch, field string) (vals []float64, times []int64, idx []int) {
	for i := range b.Points {
		if v, ok := b.Points[i].Field(field); ok {
			vals = append(vals, v.F)
			times = append(times, b.Points[i].Time)
			idx = append(idx, i)
		}
	}
	return
}

// aggregate returns the point Kapacitor's count, mean or max (without
// .usePointTimes()) emits for b, or false if it emits none.
func aggregate(b *pipeline.Batch, fn, field string) (pipeline.Point, bool) {
	vals, times, idx := fieldValues(b, field)
	out := pipeline.Point{Name: b.Name, Time: b.TMax, Tags: slices.Clone(b.Tags), Group: b.Group}
	switch fn {
	case "count":
		out.Fields = []pipeline.Field{{Key: "count", Value: pipeline.IntValue(influxql.Count(vals))}}
	case "mean":
		if len(vals) == 0 {
			return out, false
		}
		out.Fields = []pipeline.Field{{Key: "mean", Value: pipeline.FloatValue(influxql.Mean(vals))}}
	case "max":
		if len(vals) == 0 {
			return out, false
		}
		// A selector keeps the selected point: its tags and its other
		// fields, the selected one renamed.
		sel := b.Points[idx[influxql.Max(vals, times)]].Clone()
		out.Tags = sel.Tags
		for _, f := range sel.Fields {
			if f.Key == field {
				f.Key = fn
			}
			out.Fields = append(out.Fields, f)
		}
		slices.SortFunc(out.Fields, func(a, b pipeline.Field) int { return strings.Compare(a.Key, b.Key) })
	default:
		panic(fn)
	}
	return out, true
}

// aggregatePosts returns a then-function that posts the aggregate of each
// batch to path.
func aggregatePosts(t *testing.T, posts *[]post, path, fn, field string) func(*pipeline.Batch) {
	var enc httpout.Encoder
	return func(b *pipeline.Batch) {
		p, ok := aggregate(b, fn, field)
		if !ok {
			return
		}
		body, err := enc.AppendPointResult(nil, &p)
		if err != nil {
			t.Fatal(err)
		}
		*posts = append(*posts, post{path, body})
	}
}

func minutes(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }

func TestConformanceWindowCases(t *testing.T) {
	tests := []struct {
		name  string
		cfg   window.Config
		fn    string // aggregate; "" posts the batches
		field string
	}{
		{"window_align_jitter", window.Config{Period: minutes(1), Every: minutes(1), Align: true}, "count", "usage_idle"},
		{"window_count_based", window.Config{PeriodCount: 5, EveryCount: 3}, "", ""},
		{"window_fill_period", window.Config{Period: minutes(1), Every: minutes(0.25), FillPeriod: true}, "max", "usage_user"},
		{"window_overlapping", window.Config{Period: minutes(2), Every: minutes(0.5)}, "mean", "usage_idle"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pts := loadPoints(t, tc.name)
			var posts []post
			then := aggregatePosts(t, &posts, "/", tc.fn, tc.field)
			if tc.fn == "" {
				var enc httpout.Encoder
				then = func(b *pipeline.Batch) {
					body, err := enc.AppendBatchResult(nil, b)
					if err != nil {
						t.Fatal(err)
					}
					posts = append(posts, post{"/", body})
				}
			}
			stream(t, pts, "cpu", []string{"host"}, 0, tc.cfg, then)
			comparePosts(t, tc.name, posts)
		})
	}
}

// TestConformanceShift: shift(1h) posts every point; shift(-30s) before a
// 1m window and a count.
func TestConformanceShift(t *testing.T) {
	pts := loadPoints(t, "shift")
	var posts []post
	var enc httpout.Encoder
	for i := range pts {
		p := pts[i].Clone()
		p.Time += int64(time.Hour)
		body, err := enc.AppendPointResult(nil, &p)
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, post{"/later", body})
	}
	stream(t, pts, "cpu", []string{"host"}, -30*time.Second, window.Config{Period: time.Minute, Every: time.Minute},
		aggregatePosts(t, &posts, "/earlier", "count", "usage_idle"))
	comparePosts(t, "shift", posts)
}

// TestConformanceAggregateThenAlert checks the windows of
// alert_aggregate_then_alert: every alert's data is the mean of a 30s
// window of its host, as computed here.
func TestConformanceAggregateThenAlert(t *testing.T) {
	const name = "alert_aggregate_then_alert"
	pts := loadPoints(t, name)
	means := map[string]string{} // host and time -> canonical result
	var enc httpout.Encoder
	stream(t, pts, "cpu", []string{"host"}, 0, window.Config{Period: 30 * time.Second, Every: 30 * time.Second}, func(b *pipeline.Batch) {
		p, ok := aggregate(b, "mean", "usage_idle")
		if !ok {
			return
		}
		body, err := enc.AppendPointResult(nil, &p)
		if err != nil {
			t.Fatal(err)
		}
		host, _ := p.Tag("host")
		means[host+" "+time.Unix(0, p.Time).UTC().Format(time.RFC3339Nano)] = canonical(t, body)
	})
	data, err := os.ReadFile(filepath.Join(casesDir(t), name, "expected", "alerts.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for line := range bytes.Lines(data) {
		var alert struct {
			Data json.RawMessage
			ID   string
			Time string
		}
		if err := json.Unmarshal(line, &alert); err != nil {
			t.Fatal(err)
		}
		host, _, _ := strings.Cut(alert.ID, "/")
		got, ok := means[host+" "+alert.Time]
		if !ok {
			t.Fatalf("alert %s at %s: no such window", alert.ID, alert.Time)
		}
		if want := canonical(t, alert.Data); got != want {
			t.Errorf("alert %s at %s:\n got %s\nwant %s", alert.ID, alert.Time, got, want)
		}
		lines++
	}
	if lines == 0 {
		t.Fatal("no alerts")
	}
}
