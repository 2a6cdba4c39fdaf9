package influxout

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"

	"github.com/tickc/tickc/runtime/pipeline"
)

// fakeWriter records the line protocol of each write; it fails the first
// fail writes, or every write while failing is set.
type fakeWriter struct {
	mu      sync.Mutex
	writes  []string
	configs []client.BatchPointsConfig
	calls   []time.Time
	fail    int
	failing bool
	written chan int
}

func (f *fakeWriter) Write(bp client.BatchPoints) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, time.Now())
	if f.fail > 0 || f.failing {
		f.fail--
		return errors.New("boom")
	}
	var lines []string
	for _, p := range bp.Points() {
		lines = append(lines, p.PrecisionString(bp.Precision()))
	}
	f.writes = append(f.writes, strings.Join(lines, "\n"))
	f.configs = append(f.configs, client.BatchPointsConfig{Database: bp.Database(), RetentionPolicy: bp.RetentionPolicy(), Precision: bp.Precision(), WriteConsistency: bp.WriteConsistency()})
	if f.written != nil {
		f.written <- len(lines)
	}
	return nil
}

func (f *fakeWriter) get() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.writes...)
}

func pt(sec int64, v float64) *pipeline.Point {
	return &pipeline.Point{Name: "cpu", Time: sec * int64(time.Second),
		Tags:   []pipeline.Tag{{Key: "host", Value: "a"}},
		Fields: []pipeline.Field{{Key: "value", Value: pipeline.Value{Kind: pipeline.Float, F: v}}}}
}

func TestBatchingAndConversion(t *testing.T) {
	w := &fakeWriter{written: make(chan int, 10)}
	n := NewWithWriter(w, Options{Database: "db", RetentionPolicy: "rp", Measurement: "m", Precision: "s",
		WriteConsistency: "all", Tags: map[string]string{"k": "v", "host": "x"}, Buffer: 2, FlushInterval: time.Hour})
	n.WritePoint(pt(1, 1))
	select {
	case <-w.written:
		t.Fatal("wrote before the buffer was full")
	case <-time.After(50 * time.Millisecond):
	}
	n.WritePoint(pt(2, 2))
	select {
	case k := <-w.written:
		if k != 2 {
			t.Fatalf("wrote %d points, want 2", k)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("full buffer not written")
	}
	n.WriteBatch(&pipeline.Batch{Name: "cpu", Points: []pipeline.Point{*pt(3, 3)}})
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(w.get(), "\n")
	want := "m,host=x,k=v value=1 1\nm,host=x,k=v value=2 2\nm,host=x,k=v value=3 3"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if c := w.configs[0]; c.Database != "db" || c.RetentionPolicy != "rp" || c.Precision != "s" || c.WriteConsistency != "all" {
		t.Errorf("config %+v", c)
	}
	if v := n.opts.Written.Load(); v != 3 {
		t.Errorf("points_written %d, want 3", v)
	}
}

func TestFlushInterval(t *testing.T) {
	w := &fakeWriter{written: make(chan int, 10)}
	n := NewWithWriter(w, Options{Database: "db", Buffer: 100, FlushInterval: 50 * time.Millisecond})
	defer n.Close()
	start := time.Now()
	n.WritePoint(pt(1, 1))
	select {
	case k := <-w.written:
		if k != 1 {
			t.Fatalf("wrote %d points", k)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("flushed after %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("not flushed on the interval")
	}
}

func TestRetryBackoff(t *testing.T) {
	w := &fakeWriter{fail: 3, written: make(chan int, 10)}
	var errs atomic.Int64
	n := NewWithWriter(w, Options{Database: "db", Buffer: 1, FlushInterval: time.Hour,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Errors: &errs})
	var reported []error
	n.OnError = func(err error) { reported = append(reported, err) }
	n.WritePoint(pt(1, 1))
	select {
	case <-w.written:
	case <-time.After(5 * time.Second):
		t.Fatal("not written after retries")
	}
	n.Close()
	if errs.Load() != 3 {
		t.Errorf("write_errors %d, want 3", errs.Load())
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.calls) != 4 {
		t.Fatalf("%d calls, want 4", len(w.calls))
	}
	// Waits of 20, 40, 50 (capped) ms.
	for i, min := range []time.Duration{20, 40, 50} {
		if d := w.calls[i+1].Sub(w.calls[i]); d < min*time.Millisecond {
			t.Errorf("wait %d: %v, want >= %vms", i, d, min)
		}
	}
	if len(reported) != 0 {
		t.Errorf("reported %v for a write that succeeded", reported)
	}
}

func TestGiveUpAndBound(t *testing.T) {
	w := &fakeWriter{failing: true}
	var dropped, written atomic.Int64
	n := NewWithWriter(w, Options{Database: "db", Buffer: 2, MaxPending: 5, FlushInterval: time.Hour,
		MaxRetries: 1, MinBackoff: time.Millisecond, Dropped: &dropped, Written: &written})
	var reported []error
	n.OnError = func(err error) { reported = append(reported, err) }
	// The writer keeps failing: at most 5 points wait, the rest go.
	for i := 0; i < 100; i++ {
		n.WritePoint(pt(int64(i), float64(i)))
	}
	n.mu.Lock()
	if len(n.pending) > 5 {
		t.Errorf("%d points pending, bound 5", len(n.pending))
	}
	n.mu.Unlock()
	err := n.Close()
	if dropped.Load() != 100 || written.Load() != 0 {
		t.Errorf("dropped %d written %d, want 100 and 0", dropped.Load(), written.Load())
	}
	if err == nil && len(reported) == 0 {
		t.Error("no error reported")
	}
}

func TestDropOldest(t *testing.T) {
	w := &fakeWriter{}
	var dropped atomic.Int64
	// A buffer larger than the bound: nothing is written until Close.
	n := NewWithWriter(w, Options{Database: "db", Buffer: 100, MaxPending: 3, FlushInterval: time.Hour, Dropped: &dropped})
	for i := 0; i < 10; i++ {
		n.WritePoint(pt(int64(i), float64(i)))
	}
	if p := n.Pending(); p != 3 {
		t.Errorf("Pending() = %d, want the bound, 3", p)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if p := n.Pending(); p != 0 {
		t.Errorf("Pending() after Close = %d", p)
	}
	if dropped.Load() != 7 {
		t.Errorf("points_dropped %d, want 7", dropped.Load())
	}
	want := "cpu,host=a value=7 7000000000\ncpu,host=a value=8 8000000000\ncpu,host=a value=9 9000000000"
	if got := strings.Join(w.get(), "\n"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestConnectConfig(t *testing.T) {
	cfg := fakeConfig{"influxdb": {
		{"name": "a", "urls": []any{"http://a:8086"}},
		{"name": "b", "default": true, "urls": []any{"http://b:8086"}, "timeout": "5s"},
	}}
	if _, err := Connect(cfg, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := Connect(cfg, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := Connect(cfg, "nope"); err == nil {
		t.Error("no error for an unknown cluster")
	}
	if _, err := Connect(fakeConfig{}, ""); err != nil {
		t.Errorf("default: %v", err)
	}
}

type fakeConfig map[string][]map[string]any

func (c fakeConfig) Section(name string) (map[string]any, bool) {
	if s := c[name]; len(s) > 0 {
		return s[0], true
	}
	return nil, false
}

func (c fakeConfig) Sections(name string) []map[string]any { return c[name] }

func TestPointDBRP(t *testing.T) {
	w := &fakeWriter{}
	n := NewWithWriter(w, Options{RetentionPolicy: "rp", FlushInterval: time.Hour})
	a, b := pt(1, 1), pt(2, 2)
	a.DB, a.RP, b.DB, b.RP = "one", "x", "two", "y"
	n.WritePoint(a)
	n.WritePoint(b)
	n.WritePoint(a)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range w.configs {
		got = append(got, c.Database+"."+c.RetentionPolicy)
	}
	if s := strings.Join(got, " "); s != "one.rp two.rp" {
		t.Errorf("writes to %s, want one.rp two.rp", s)
	}
	if w := w.get(); len(w) != 2 || strings.Count(w[0], "\n") != 1 {
		t.Errorf("writes %q", w)
	}
}

func TestCloseWhileFailing(t *testing.T) {
	w := &fakeWriter{failing: true}
	var dropped atomic.Int64
	n := NewWithWriter(w, Options{Database: "db", Buffer: 10, MaxPending: 1000, FlushInterval: time.Hour,
		MinBackoff: 10 * time.Millisecond, Dropped: &dropped})
	for i := 0; i < 500; i++ {
		n.WritePoint(pt(int64(i), 1))
	}
	start := time.Now()
	err := n.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err == nil {
		t.Error("Close returned no error")
	}
	if dropped.Load() != 500 {
		t.Errorf("points_dropped %d, want 500", dropped.Load())
	}
}
