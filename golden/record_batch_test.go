package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/internal/influxtest"
	"github.com/tickc/tickc/runtime/batch"
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/recording"
)

// recordScript is the batch task of these tests: the mean idle CPU per cpu
// over each period, warning below 80 and critical below 70, logged on
// state changes only so that the live run and the replay log the same.
const recordScript = `dbrp "telegraf"."autogen"

batch
    |query('SELECT mean(usage_idle) FROM "telegraf"."autogen"."cpu"')
        .period(PERIOD)
        .every(EVERY)
        .groupBy('cpu')CLUSTER
    |alert()
        .warn(lambda: "mean" < 80)
        .crit(lambda: "mean" < 70)
        .stateChangesOnly()
        .log('LOG')
`

func recordTask(t *testing.T, dir, period, every, cluster string) (bin, alertLog string) {
	t.Helper()
	alertLog = filepath.Join(dir, "alerts.log")
	if cluster != "" {
		cluster = "\n        .cluster('" + cluster + "')"
	}
	script := strings.NewReplacer("PERIOD", period, "EVERY", every, "CLUSTER", cluster, "LOG", alertLog).Replace(recordScript)
	return buildProgram(t, "record_batch", []byte(script), dir), alertLog
}

// day0 is the start of the fixed data set: ten minutes of cpu0 at 40%
// idle for five minutes then 90%, cpu1 at 95% and cpu2 at 75%, every 10s.
var day0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func writeFixedData(t *testing.T, db *influxtest.Server) {
	t.Helper()
	var lp strings.Builder
	for s := 0; s < 600; s += 10 {
		ts := day0.Add(time.Duration(s) * time.Second).UnixNano()
		idle0 := 40.0
		if s >= 300 {
			idle0 = 90
		}
		fmt.Fprintf(&lp, "cpu,cpu=cpu0,host=a usage_idle=%g %d\n", idle0, ts)
		fmt.Fprintf(&lp, "cpu,cpu=cpu1,host=a usage_idle=95 %d\n", ts)
		fmt.Fprintf(&lp, "cpu,cpu=cpu2,host=a usage_idle=75 %d\n", ts)
	}
	db.Write(t, "telegraf", lp.String())
}

func influxConf(t *testing.T, dir string, sections ...string) string {
	t.Helper()
	path := filepath.Join(dir, "task.conf")
	writeFile(t, path, []byte(strings.Join(sections, "\n")))
	return path
}

func influxSection(name, url string, extra ...string) string {
	return fmt.Sprintf("[[influxdb]]\n  name = %q\n  urls = [%q]\n%s\n", name, url, strings.Join(extra, "\n"))
}

// run runs bin with args and returns its output; it fails the test if the
// exit status is not want.
func run(t *testing.T, want int, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Fatalf("%s %s: exit status %d, want %d:\n%s", filepath.Base(bin), strings.Join(args, " "), code, want, out)
	}
	return string(out)
}

// TestRecordBatchRange records the fixed data over a fixed range and
// checks every batch, then replays the recording and checks the alerts.
func TestRecordBatchRange(t *testing.T) {
	db := influxtest.Start(t)
	writeFixedData(t, db)
	dir := t.TempDir()
	bin, alertLog := recordTask(t, dir, "1m", "1m", "")
	conf := influxConf(t, dir, influxSection("test", db.URL))

	rec := filepath.Join(dir, "range.brpl")
	run(t, 0, bin, "record", "batch", "--config", conf, "--start", "2026-01-01T00:00:00Z", "--stop", "2026-01-01T00:10:00Z", "-o", rec)
	qs, err := batch.ReadRecording(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || len(qs[0]) != 30 {
		t.Fatalf("want 1 query of 30 batches (10 ticks × 3 cpus), got %d queries, %d batches", len(qs), len(qs[0]))
	}
	for i, b := range qs[0] {
		tick, cpu := i/3, fmt.Sprintf("cpu%d", i%3)
		start := day0.Add(time.Duration(tick) * time.Minute).UnixNano() // the tick at start+1m queries [start, start+1m)
		want := []float64{40, 95, 75}[i%3]
		if cpu == "cpu0" && tick >= 5 {
			want = 90
		}
		if v, _ := b.Points[0].Field("mean"); b.Name != "cpu" || len(b.Points) != 1 || b.Points[0].Time != start || b.TMax != start ||
			len(b.Tags) != 1 || b.Tags[0] != (pipeline.Tag{Key: "cpu", Value: cpu}) || v != pipeline.FloatValue(want) {
			t.Errorf("batch %d: %+v, want %s mean %g at %v", i, b, cpu, want, time.Unix(0, start).UTC())
		}
	}

	// The replay raises cpu0 and cpu2 at the first tick and recovers cpu0
	// at the sixth.
	run(t, 0, bin, "replay", "--rec-time", rec)
	got := alertSummary(t, alertLog)
	want := []string{"cpu:cpu=cpu0 CRITICAL 40 2026-01-01T00:00:00Z", "cpu:cpu=cpu2 WARNING 75 2026-01-01T00:00:00Z", "cpu:cpu=cpu0 OK 90 2026-01-01T00:05:00Z"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("alerts of the replay:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// record query, for a stream task: the rows as points of the query's DBRP.
	srpl := filepath.Join(dir, "q.srpl")
	run(t, 0, bin, "record", "query", "--config", conf, "--type", "stream", "-o", srpl,
		"--query", `SELECT usage_idle FROM "telegraf"."autogen"."cpu" WHERE time >= '2026-01-01T00:00:00Z' AND time < '2026-01-01T00:00:20Z' GROUP BY cpu`)
	var lines []string
	f, err := os.Open(srpl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := recording.NewReader(f, lineprotocol.Nanosecond)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		lines = append(lines, r.DB()+" "+r.RP()+" "+string(r.Point()))
	}
	if r.Err() != nil || r.Format() != recording.SRPL {
		t.Fatalf("reading %s: %v, format %v", srpl, r.Err(), r.Format())
	}
	if data, _ := os.ReadFile(srpl); !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		t.Errorf("%s is not gzip-compressed, as Kapacitor writes recordings", srpl)
	}
	var wantLines []string
	for _, c := range []string{"cpu0 usage_idle=40", "cpu1 usage_idle=95", "cpu2 usage_idle=75"} {
		for _, s := range []int64{0, 10} {
			wantLines = append(wantLines, fmt.Sprintf("telegraf autogen cpu,cpu=%s %d", c, day0.UnixNano()+s*1e9))
		}
	}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("record query --type stream:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}

	// record query, for a batch task: a series per batch.
	brpl := filepath.Join(dir, "q.brpl")
	run(t, 0, bin, "record", "query", "--config", conf, "--type", "batch", "-o", brpl,
		"--query", `SELECT mean(usage_idle) FROM "telegraf"."autogen"."cpu" WHERE time >= '2026-01-01T00:04:00Z' AND time < '2026-01-01T00:06:00Z' GROUP BY time(1m), cpu`)
	qs, err = batch.ReadRecording(brpl)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || len(qs[0]) != 3 {
		t.Fatalf("record query --type batch: %d queries, want 1 of 3 batches: %+v", len(qs), qs)
	}
	b := qs[0][0]
	if v0, _ := b.Points[0].Field("mean"); len(b.Points) != 2 || v0 != pipeline.FloatValue(40) || b.Points[1].Time != day0.Add(5*time.Minute).UnixNano() {
		t.Errorf("record query --type batch: first batch %+v", b)
	}

	// Bad usage.
	for _, args := range [][]string{
		{"record", "batch", "-o", rec},
		{"record", "batch", "--past", "1m", "--start", "2026-01-01T00:00:00Z", "-o", rec},
		{"record", "batch", "--start", "2026-01-01T00:10:00Z", "--stop", "2026-01-01T00:00:00Z", "-o", rec},
		{"record", "query", "--type", "batch", "-o", brpl, "--query", `SELECT mean(usage_idle) FROM cpu`},
		{"record", "query", "--type", "table", "-o", brpl, "--query", `SELECT usage_idle FROM "telegraf"."autogen"."cpu"`},
	} {
		run(t, 2, bin, args...)
	}
	// A query error fails the recording and leaves no file.
	bad := filepath.Join(dir, "bad.brpl")
	out := run(t, 1, bin, "record", "query", "--config", conf, "--type", "batch", "-o", bad, "--query", `SELECT mean(usage_idle) FROM "nodb"."autogen"."cpu"`)
	if !strings.Contains(out, "database not found") {
		t.Errorf("query error not reported:\n%s", out)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a failed recording left %s", bad)
	}
}

// alertSummary reads an alert log into "id level mean time" lines.
func alertSummary(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range bytes.Lines(data) {
		var a struct {
			ID, Level string
			Data      struct {
				Series []struct {
					Columns []string
					Values  [][]any
				}
			}
		}
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		s := a.Data.Series
		if len(s) != 1 || len(s[0].Values) != 1 || len(s[0].Columns) != 2 || s[0].Columns[1] != "mean" {
			t.Fatalf("unexpected alert data: %s", line)
		}
		out = append(out, fmt.Sprintf("%s %s %v %v", a.ID, a.Level, s[0].Values[0][1], s[0].Values[0][0]))
	}
	return out
}

// TestRecordBatchLive serves the task against InfluxDB, records the last
// seconds of its queries with record batch --past, and checks that the
// replay of the recording raises the alerts the live run raised.
func TestRecordBatchLive(t *testing.T) {
	db := influxtest.Start(t)
	now := time.Now().UTC()
	var lp strings.Builder
	for i := 0; i < 24; i++ { // the last two minutes
		ts := now.Add(-time.Duration(i) * 5 * time.Second).UnixNano()
		fmt.Fprintf(&lp, "cpu,cpu=cpu0 usage_idle=40 %d\ncpu,cpu=cpu1 usage_idle=95 %d\ncpu,cpu=cpu2 usage_idle=75 %d\n", ts, ts, ts)
	}
	db.Write(t, "telegraf", lp.String())
	dir := t.TempDir()
	bin, alertLog := recordTask(t, dir, "5m", "1s", "")
	conf := influxConf(t, dir, influxSection("test", db.URL))

	srv := startServer(t, bin, "serve", "--config", conf)
	deadline := time.Now().Add(20 * time.Second)
	var live []string
	for {
		if data, _ := os.ReadFile(alertLog); bytes.Count(data, []byte("\n")) >= 2 {
			live = alertSummary(t, alertLog)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no alerts from the live run after 20s:\n%s", srv.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv.stop(t)
	os.Remove(alertLog)

	rec := filepath.Join(dir, "past.brpl")
	run(t, 0, bin, "record", "batch", "--config", conf, "--past", "3s", "-o", rec)
	qs, err := batch.ReadRecording(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || len(qs[0]) < 6 || len(qs[0])%3 != 0 { // 3 ticks (2 when a second boundary is crossed), 3 cpus each
		t.Fatalf("record batch --past 3s: %d queries, %d batches", len(qs), len(qs[0]))
	}
	run(t, 0, bin, "replay", rec)
	replayed := alertSummary(t, alertLog)
	// Times differ (the live run's, the replay's now); the rest is the same.
	dropTime := func(lines []string) string {
		var out []string
		for _, l := range lines {
			out = append(out, l[:strings.LastIndexByte(l, ' ')])
		}
		return strings.Join(out, "\n")
	}
	if dropTime(replayed) != dropTime(live) || len(live) != 2 {
		t.Errorf("replayed alerts\n%s\nlive\n%s", dropTime(replayed), dropTime(live))
	}
}

// TestRecordBatchClusters checks that each query runs against the
// [[influxdb]] section its .cluster() names, over HTTPS with ssl-ca, and
// that the section's TLS settings are required.
func TestRecordBatchClusters(t *testing.T) {
	plain := influxtest.Start(t) // the default: no data
	plain.Query(t, "", `CREATE DATABASE "telegraf"`)
	secure := influxtest.StartTLS(t) // "secure": the data, over HTTPS
	writeFixedData(t, secure)
	dir := t.TempDir()
	bin, _ := recordTask(t, dir, "1m", "1m", "secure")
	args := []string{"record", "batch", "--start", "2026-01-01T00:00:00Z", "--stop", "2026-01-01T00:02:00Z"}

	conf := influxConf(t, dir,
		influxSection("plain", plain.URL, "  default = true"),
		influxSection("secure", secure.URL, fmt.Sprintf("  ssl-ca = %q", secure.CAFile)))
	rec := filepath.Join(dir, "tls.brpl")
	run(t, 0, bin, append(args, "--config", conf, "-o", rec)...)
	if qs, err := batch.ReadRecording(rec); err != nil || len(qs) != 1 || len(qs[0]) != 6 {
		t.Fatalf("recording over HTTPS: %v, %+v", err, qs)
	}
	// --cluster overrides .cluster(): the default server has no data.
	run(t, 0, bin, append(args, "--config", conf, "--cluster", "plain", "-o", rec)...)
	if qs, err := batch.ReadRecording(rec); err != nil || len(qs) != 1 || len(qs[0]) != 0 {
		t.Fatalf("recording from the plain server: %v, %+v", err, qs)
	}
	// Without ssl-ca the self-signed certificate is refused; with
	// insecure-skip-verify it is not checked.
	conf = influxConf(t, dir, influxSection("secure", secure.URL))
	if out := run(t, 1, bin, append(args, "--config", conf, "-o", rec)...); !strings.Contains(out, "certificate") {
		t.Errorf("want a certificate error, got:\n%s", out)
	}
	conf = influxConf(t, dir, influxSection("secure", secure.URL, "  insecure-skip-verify = true"))
	run(t, 0, bin, append(args, "--config", conf, "-o", rec)...)
	// A .cluster() with no section is an error.
	conf = influxConf(t, dir, influxSection("other", plain.URL))
	if out := run(t, 1, bin, append(args, "--config", conf, "-o", rec)...); !strings.Contains(out, `no enabled [[influxdb]] section named "secure"`) {
		t.Errorf("missing cluster:\n%s", out)
	}
}
