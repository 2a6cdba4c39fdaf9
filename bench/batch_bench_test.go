//go:build unix

package bench

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tickc/tickc/runtime/batch"
	"github.com/tickc/tickc/runtime/pipeline"
)

// The batch benchmark replays the result of a batch task's query: one
// hour of 100 hosts' usage_idle, a point a second each (360,000 points),
// as the .brpl `record batch` writes, through query |alert() on one core:
//
//	BIN replay --rec-time --stats query.brpl
//
// It reports what the stream benchmarks report (bench_test.go), reading
// and decoding the recording included.

// batchScript is the task: the guide's alert on the points of the query.
const batchScript = `dbrp "telegraf"."autogen"

batch
    |query('SELECT usage_idle FROM "telegraf"."autogen"."cpu"')
        .period(1h)
        .every(1h)
        .groupBy('host', 'cpu')
    |alert()
        .crit(lambda: "usage_idle" < 70)
        .log('LOG')
`

// BatchHour is the recorded query result: hosts × seconds points,
// usage_idle uniform over [Low, 100) in steps of 0.01, as in Dataset.
type batchHour struct {
	Hosts, Seconds, Low int
	Start               int64
	Seed                uint64
}

var (
	batchAllOK = batchHour{Hosts: 100, Seconds: 3600, Low: 70, Start: 1_700_000_000_000_000_000, Seed: 3}
	batchCrit  = batchHour{Hosts: 100, Seconds: 3600, Low: 65, Start: 1_700_000_000_000_000_000, Seed: 4}
)

func (d batchHour) points() int { return d.Hosts * d.Seconds }

// write writes the data set as a batch recording of one query: a batch per
// host, as InfluxDB returns one series per group.
func (d batchHour) write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := batch.NewRecordingWriter(f)
	err = w.StartQuery()
	rng := rand.New(rand.NewPCG(d.Seed, 0x7469636b63))
	span := uint64((100 - d.Low) * 100)
	for h := 0; h < d.Hosts && err == nil; h++ {
		tags := []pipeline.Tag{{Key: "cpu", Value: "cpu-total"}, {Key: "host", Value: fmt.Sprintf("host%03d", h)}}
		b := pipeline.Batch{Name: "cpu", Tags: tags, Points: make([]pipeline.Point, d.Seconds)}
		for s := range b.Points {
			cents := uint64(d.Low*100) + rng.Uint64N(span)
			b.Points[s] = pipeline.Point{Name: "cpu", Time: d.Start + int64(s)*1e9, Tags: tags,
				Fields: []pipeline.Field{{Key: "usage_idle", Value: pipeline.FloatValue(float64(cents) / 100)}}}
		}
		b.TMax = b.Points[len(b.Points)-1].Time
		err = w.WriteBatch(&b, false)
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

type batchFixture struct {
	fixture
	allOK, crit string // the recordings
}

// batchRoot is the batch fixture's directory, which TestMain removes.
var batchRoot string

var batchSetup = sync.OnceValues(func() (*batchFixture, error) {
	dir, err := os.MkdirTemp("", "tickc-bench-batch-")
	if err != nil {
		return nil, err
	}
	batchRoot = dir
	f := &batchFixture{
		fixture: fixture{dir: dir, bin: filepath.Join(dir, "batch_alert"), alertLog: filepath.Join(dir, "alerts.log")},
		allOK:   filepath.Join(dir, "all_ok.brpl"),
		crit:    filepath.Join(dir, "crit.brpl"),
	}
	src := []byte(strings.ReplaceAll(batchScript, "LOG", f.alertLog))
	if err := buildTask("batch_alert.tick", src, f.bin, dir); err != nil {
		return nil, err
	}
	for path, d := range map[string]batchHour{f.allOK: batchAllOK, f.crit: batchCrit} {
		if err := d.write(path); err != nil {
			return nil, err
		}
	}
	return f, nil
})

func benchmarkBatchReplay(b *testing.B, d batchHour, path func(*batchFixture) string) {
	f, err := batchSetup()
	if err != nil {
		b.Fatal(err)
	}
	var t totals
	for b.Loop() {
		t.add(f.replay(b, path(f), int64(d.points())))
	}
	t.report(b)
	if fi, err := os.Stat(path(f)); err == nil {
		b.ReportMetric(float64(fi.Size())/float64(d.points()), "file-bytes/point")
	}
	if crit := d.Low < 70; crit != (t.runs[0].alertLen != 0) {
		b.Errorf("%d bytes of alerts logged, want alerts: %v", t.runs[0].alertLen, crit)
	}
}

// BenchmarkBatchReplayAllOK replays the hour of 360,000 points that raise
// no alert. Target: ≥ 2 M points/s.
func BenchmarkBatchReplayAllOK(b *testing.B) {
	benchmarkBatchReplay(b, batchAllOK, func(f *batchFixture) string { return f.allOK })
}

// BenchmarkBatchReplayCrit replays an hour of which 14% of the points are
// critical (a JSON line in the alert log for each, and for each recovery).
func BenchmarkBatchReplayCrit(b *testing.B) {
	benchmarkBatchReplay(b, batchCrit, func(f *batchFixture) string { return f.crit })
}
