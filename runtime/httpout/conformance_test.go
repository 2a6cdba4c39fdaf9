package httpout_test

import (
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

// These tests run httpOut cases of the conformance corpus
// (golden/conformance, copied from the shared corpus, or $TICKC_CONFORMANCE): the nodes before
// httpOut are applied by hand (windows with package window), and the
// cache's JSON is compared with the httpout.json recorded from Kapacitor
// 1.8.3, after the runner's normalisation.

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

// loadPoints parses a case's input.lp, keeping the points of measurement.
func loadPoints(t *testing.T, name, measurement string) []pipeline.Point {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(casesDir(t), name, "input.lp"))
	if err != nil {
		t.Fatal(err)
	}
	var pr lineprotocol.Parser
	pr.Reset(data, lineprotocol.Nanosecond, time.Now())
	var pts []pipeline.Point
	for pr.Next() {
		if string(pr.Measurement()) != measurement {
			continue
		}
		p := pipeline.Point{Name: measurement, Time: pr.Time()}
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
	v := decode(t, text)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode(t *testing.T, text []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v: %s", err, text)
	}
	return v
}

func expectedHTTPOut(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(casesDir(t), name, "expected", "httpout.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func compareCache(t *testing.T, name string, c *httpout.Cache) {
	t.Helper()
	got, err := c.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := canonical(t, got), canonical(t, expectedHTTPOut(t, name)); g != w {
		t.Errorf("%s:\n got %s\nwant %s", name, g, w)
	}
}

// windowed pushes pts, grouped by dims, through a window node.
func windowed(t *testing.T, pts []pipeline.Point, dims []string, cfg window.Config, then func(*pipeline.Batch)) {
	t.Helper()
	n, err := window.NewNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups := pipeline.NewGroups()
	for i := range pts {
		pts[i].Group = groups.By(&pts[i], dims, false)
		n.Push(&pts[i], then)
	}
}

// selectMax is max(field) without .usePointTimes(): the point with the
// largest value, at the batch time, with its tags and its other fields.
func selectMax(b *pipeline.Batch, field string) (pipeline.Point, bool) {
	var vals []float64
	var times []int64
	var idx []int
	for i := range b.Points {
		if v, ok := b.Points[i].Field(field); ok {
			vals, times, idx = append(vals, v.F), append(times, b.Points[i].Time), append(idx, i)
		}
	}
	if len(vals) == 0 {
		return pipeline.Point{}, false
	}
	p := b.Points[idx[influxql.Max(vals, times)]].Clone()
	p.Name, p.Time, p.Group = b.Name, b.TMax, b.Group
	for i := range p.Fields {
		if p.Fields[i].Key == field {
			p.Fields[i].Key = "max"
		}
	}
	slices.SortFunc(p.Fields, func(a, b pipeline.Field) int { return strings.Compare(a.Key, b.Key) })
	return p, true
}

// groupby_tags_httpout: |groupBy('host','cpu') |window() 1m |max('usage_user')
// |httpOut('out').
func TestConformanceGroupByTags(t *testing.T) {
	const name = "groupby_tags_httpout"
	var c httpout.Cache
	windowed(t, loadPoints(t, name, "cpu"), []string{"cpu", "host"}, window.Config{Period: time.Minute, Every: time.Minute},
		func(b *pipeline.Batch) {
			if p, ok := selectMax(b, "usage_user"); ok {
				c.SetPoint(&p)
			}
		})
	compareCache(t, name, &c)
}

// delete_field_tag: from().groupBy('host') |delete().field('usage_system')
// .tag('service') |httpOut('out').
func TestConformanceDeleteFieldTag(t *testing.T) {
	const name = "delete_field_tag"
	var c httpout.Cache
	groups := pipeline.NewGroups()
	for _, p := range loadPoints(t, name, "cpu") {
		p.Group = groups.By(&p, []string{"host"}, false)
		p.DeleteField("usage_system")
		p.DeleteTag("service")
		c.SetPoint(&p)
	}
	compareCache(t, name, &c)
}

// eval_keep_some_tags: |eval(100.0 - "usage_idle", if("usage_idle" < 85.0,
// 'busy', 'calm')).as('used', 'state').tags('state').keep('used',
// 'usage_user') |groupBy('state') |httpOut('out').
func TestConformanceEvalKeepSomeTags(t *testing.T) {
	const name = "eval_keep_some_tags"
	var c httpout.Cache
	groups := pipeline.NewGroups()
	for _, p := range loadPoints(t, name, "cpu") {
		idle, _ := p.Field("usage_idle")
		state := "calm"
		if idle.F < 85.0 {
			state = "busy"
		}
		p.SetField("used", pipeline.FloatValue(100.0-idle.F))
		p.Fields = pipeline.KeepFields(p.Fields, []string{"used", "usage_user"})
		p.SetTag("state", state)
		p.Group = groups.By(&p, []string{"state"}, false)
		c.SetPoint(&p)
	}
	compareCache(t, name, &c)
}

// alert_aggregate_then_alert: the last point the alert forwarded to httpOut
// is the mean of a 30s window of server3, plus the alert's duration field,
// which is taken from the recording (the alert itself is not run here).
func TestConformanceAggregateThenAlert(t *testing.T) {
	const name = "alert_aggregate_then_alert"
	want := decode(t, expectedHTTPOut(t, name))
	series := want.(map[string]any)["series"].([]any)
	if len(series) != 1 {
		t.Fatalf("expected one series, got %d", len(series))
	}
	row := series[0].(map[string]any)
	values := row["values"].([]any)[0].([]any)
	duration, err := values[1].(json.Number).Int64()
	if err != nil || row["columns"].([]any)[1] != "duration" {
		t.Fatalf("unexpected recording %v", row)
	}
	at := values[0].(string)

	var c httpout.Cache
	found := false
	windowed(t, loadPoints(t, name, "cpu"), []string{"host"}, window.Config{Period: 30 * time.Second, Every: 30 * time.Second},
		func(b *pipeline.Batch) {
			if b.Group.Tags[0].Value != "server3" || time.Unix(0, b.TMax).UTC().Format(time.RFC3339Nano) != at {
				return
			}
			var vals []float64
			for i := range b.Points {
				v, _ := b.Points[i].Field("usage_idle")
				vals = append(vals, v.F)
			}
			p := pipeline.Point{Name: b.Name, Time: b.TMax, Tags: b.Tags, Group: b.Group}
			p.SetField("mean", pipeline.FloatValue(influxql.Mean(vals)))
			p.SetField("duration", pipeline.IntValue(duration))
			c.SetPoint(&p)
			found = true
		})
	if !found {
		t.Fatalf("no window of server3 at %s", at)
	}
	compareCache(t, name, &c)
}
