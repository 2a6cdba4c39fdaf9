package batch

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/internal/influxtest"
	"github.com/tickc/tickc/runtime/pipeline"

	client "github.com/influxdata/influxdb1-client/v2"
)

var (
	t0 = time.Date(2015, 10, 30, 17, 10, 0, 0, time.UTC)
	t1 = t0.Add(5 * time.Minute)
)

func TestQueryString(t *testing.T) {
	for _, c := range []struct {
		name string
		spec pipeline.Query
		want string
	}{
		{"guide", pipeline.Query{Text: `SELECT mean(usage_idle) FROM "telegraf"."autogen"."cpu"`, Every: time.Minute,
			GroupBy: []string{"", "cpu"}, GroupByTime: &pipeline.TimeDim{Length: time.Minute}},
			`SELECT mean(usage_idle) FROM telegraf.autogen.cpu WHERE time >= '2015-10-30T17:10:00Z' AND time < '2015-10-30T17:15:00Z' GROUP BY time(1m, 0s), cpu`},
		{"where", pipeline.Query{Text: `SELECT value FROM "db"."rp"."m" WHERE host = 'a'`, Every: time.Minute},
			`SELECT value FROM db.rp.m WHERE host = 'a' AND time >= '2015-10-30T17:10:00Z' AND time < '2015-10-30T17:15:00Z'`},
		{"star fill offset", pipeline.Query{Text: `SELECT max(v) FROM m`, Every: time.Minute, Fill: "0",
			GroupBy: []string{"*", ""}, GroupByTime: &pipeline.TimeDim{Length: 10 * time.Second, Offset: 2 * time.Second}},
			`SELECT max(v) FROM m WHERE time >= '2015-10-30T17:10:00Z' AND time < '2015-10-30T17:15:00Z' GROUP BY *, time(10s, 2s) fill(0)`},
		{"fill none", pipeline.Query{Text: `SELECT max(v) FROM m`, Every: time.Minute, Fill: "none"},
			`SELECT max(v) FROM m WHERE time >= '2015-10-30T17:10:00Z' AND time < '2015-10-30T17:15:00Z' fill(none)`},
		{"alignGroup", pipeline.Query{Text: `SELECT max(v) FROM m`, Every: time.Minute, AlignGroup: true,
			GroupBy: []string{""}, GroupByTime: &pipeline.TimeDim{Length: 7 * time.Minute}},
			`SELECT max(v) FROM m WHERE time >= '2015-10-30T17:10:00Z' AND time < '2015-10-30T17:15:00Z' GROUP BY time(7m, 6m)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := NewQuery(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			q.SetRange(t0, t1)
			if got := q.String(); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
	for _, bad := range []pipeline.Query{{Text: "SELECT", Every: time.Minute}, {Text: "SELECT v FROM m"}, {Text: "SELECT v FROM m", Every: time.Minute, Cron: "* * * * *"}} {
		if _, err := NewQuery(bad); err == nil {
			t.Errorf("NewQuery(%+v): no error", bad)
		}
	}
}

func TestForTick(t *testing.T) {
	q, err := NewQuery(pipeline.Query{Text: "SELECT v FROM m", Every: time.Minute, Period: 10 * time.Minute, Offset: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	start, stop := q.ForTick(t1)
	if !stop.Equal(t1.Add(-time.Minute)) || !start.Equal(t1.Add(-11*time.Minute)) {
		t.Errorf("range %v %v", start, stop)
	}
}

func TestSchedule(t *testing.T) {
	now := time.Date(2020, 1, 1, 10, 2, 30, 0, time.UTC)
	s, _ := NewSchedule(5*time.Minute, true, "")
	if got := s.First(now); !got.Equal(time.Date(2020, 1, 1, 10, 5, 0, 0, time.UTC)) {
		t.Errorf("aligned first %v", got)
	}
	if got := s.Next(time.Date(2020, 1, 1, 10, 5, 0, 1000, time.UTC)); !got.Equal(time.Date(2020, 1, 1, 10, 10, 0, 0, time.UTC)) {
		t.Errorf("aligned next %v", got)
	}
	s, _ = NewSchedule(5*time.Minute, false, "")
	if got := s.First(now); !got.Equal(now.Add(5 * time.Minute)) {
		t.Errorf("first %v", got)
	}
	s, err := NewSchedule(0, false, "*/15 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Next(now.Local()); !got.Equal(time.Date(2020, 1, 1, 10, 15, 0, 0, time.UTC)) {
		t.Errorf("cron next %v", got)
	}
	if _, err := NewSchedule(0, false, "nonsense"); err == nil {
		t.Error("bad cron: no error")
	}
}

func TestRecording(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.0.brpl")
	os.WriteFile(path, []byte(`{"name":"cpu","tags":{"cpu":"cpu0"},"points":[{"fields":{"mean":50},"time":"2015-10-18T00:00:00Z"},{"fields":{"mean":60},"time":"2015-10-18T00:00:02Z"}]}
{"name":"cpu","points":[]}
{"name":"cpu","tags":{"cpu":"cpu1"},"points":[{"fields":{"mean":"x"},"time":"2015-10-18T00:00:04Z"}]}`), 0o644)
	qs, err := ReadRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || len(qs[0]) != 2 {
		t.Fatalf("got %+v", qs)
	}
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewShifter(start, false)
	at0, at1 := s.Shift(&qs[0][0].Batch), s.Shift(&qs[0][1].Batch)
	b := qs[0][0]
	if b.Points[0].Time != start.UnixNano() || b.TMax != start.Add(2*time.Second).UnixNano() || at0 != b.TMax || at1 != start.Add(4*time.Second).UnixNano() {
		t.Errorf("shift: %+v %v %v", b, at0, at1)
	}
	if v, _ := b.Points[1].Field("mean"); v != pipeline.FloatValue(60) {
		t.Errorf("mean %+v", v)
	}
	if v, _ := qs[0][1].Points[0].Field("mean"); v != pipeline.StringValue("x") {
		t.Errorf("string %+v", v)
	}

	// A fixture's query 1 is in x.1.brpl, pretty-printed here.
	os.WriteFile(filepath.Join(dir, "x.1.brpl"), []byte("{\n  \"name\": \"mem\",\n  \"points\": [{\"fields\": {\"v\": 1}, \"time\": \"2015-10-18T00:00:00Z\"}]\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "x.3.brpl"), []byte(`{"name":"not read: x.2.brpl is missing"}`), 0o644)
	if qs, err = ReadRecording(path); err != nil || len(qs) != 2 || len(qs[1]) != 1 || qs[1][0].Name != "mem" {
		t.Errorf("fixture pair: %v %+v", err, qs)
	}
}

// TestInfluxDB runs the guide's query once against a real influxd.
func TestInfluxDB(t *testing.T) {
	srv := influxtest.Start(t)
	now := time.Now().UTC().Truncate(time.Minute)
	var lines []string
	for i := 1; i <= 3; i++ {
		ts := now.Add(-time.Duration(i) * time.Minute).UnixNano()
		lines = append(lines,
			"cpu,cpu=cpu0,host=a usage_idle=20 "+itoa(ts),
			"cpu,cpu=cpu1,host=a usage_idle=95 "+itoa(ts))
	}
	srv.Write(t, "telegraf", strings.Join(lines, "\n"))
	c, err := client.NewHTTPClient(client.HTTPConfig{Addr: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	spec := pipeline.Query{Node: "query1", Text: `SELECT mean(usage_idle) FROM "telegraf"."autogen"."cpu"`,
		Period: 5 * time.Minute, Every: 5 * time.Minute, GroupBy: []string{"", "cpu"}, GroupByTime: &pipeline.TimeDim{Length: time.Minute}}
	var got []pipeline.Batch
	st := pipeline.NewNodeStats(1, "batches_queried", "points_queried")
	r, err := NewRunner([]pipeline.Query{spec}, c, slog.New(slog.NewTextHandler(io.Discard, nil)), []*pipeline.NodeStats{st},
		func(i int, b *pipeline.Batch) { got = append(got, *b) })
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Tick(context.Background(), 0, now); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d batches: %+v", len(got), got)
	}
	b := got[0]
	if b.Name != "cpu" || len(b.Tags) != 1 || b.Tags[0] != (pipeline.Tag{Key: "cpu", Value: "cpu0"}) || b.TMax != now.UnixNano() {
		t.Errorf("batch %+v", b)
	}
	// 5 one-minute buckets, the 3 with data (fill null leaves no fields in the others).
	if len(b.Points) != 3 {
		t.Fatalf("points %+v", b.Points)
	}
	if v, _ := b.Points[0].Field("mean"); v != pipeline.FloatValue(20) {
		t.Errorf("mean %+v", v)
	}
	if n := st.Counter("batches_queried").Load(); n != 2 {
		t.Errorf("batches_queried %d", n)
	}
	// A failing query is counted and reported, not fatal.
	bad := pipeline.Query{Node: "query1", Text: `SELECT mean(usage_idle) FROM "nodb"."autogen"."cpu"`, Every: time.Minute, Period: time.Minute}
	r, _ = NewRunner([]pipeline.Query{bad}, c, slog.New(slog.NewTextHandler(io.Discard, nil)), []*pipeline.NodeStats{st}, func(int, *pipeline.Batch) {})
	if err := r.Tick(context.Background(), 0, now); err == nil || st.Errors.Load() != 1 {
		t.Errorf("bad query: err %v, errors %d", err, st.Errors.Load())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
