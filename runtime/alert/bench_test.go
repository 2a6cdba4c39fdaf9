package alert

import (
	"testing"
	"time"
)

// benchNode stands for a generated alert node: the Tester is the node
// itself, holding the current point's value.
type benchNode struct {
	cfg   Config
	value float64
}

func (n *benchNode) Test(l Level) (bool, error) {
	switch l {
	case Critical:
		return n.value < 70, nil
	case Warning:
		return n.value < 80, nil
	}
	return n.value < 90, nil
}

func (n *benchNode) Reset(l Level) (bool, error) { return n.value > 92, nil }

func newBenchNode() *benchNode {
	return &benchNode{cfg: Config{
		Tests:   Levels(Info, Warning, Critical),
		Resets:  Levels(Info, Warning, Critical),
		History: DefaultHistory,
	}, value: 95}
}

// TestHotPathAllocs checks that an OK point that fires nothing allocates
// nothing (after the group's first point).
func TestHotPathAllocs(t *testing.T) {
	n := newBenchNode()
	var s State
	s.Update(OK, t0, &n.cfg)
	tm := t0
	allocs := testing.AllocsPerRun(1000, func() {
		tm = tm.Add(time.Second)
		l := DetermineLevel(&n.cfg, s.Level(), n)
		if fire, _ := s.Update(l, tm, &n.cfg); fire {
			t.Fatal("fired")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per OK point", allocs)
	}
	// With flapping detection and stateChangesOnly as well.
	n.cfg.Flapping, n.cfg.FlapLow, n.cfg.FlapHigh = true, 0.25, 0.5
	n.cfg.StateChangesOnly, n.cfg.StateChangesOnlyDuration = true, time.Hour
	allocs = testing.AllocsPerRun(1000, func() {
		tm = tm.Add(time.Second)
		s.Update(DetermineLevel(&n.cfg, s.Level(), n), tm, &n.cfg)
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per OK point with flapping", allocs)
	}
}

func BenchmarkUpdateOK(b *testing.B) {
	cfg := &Config{History: DefaultHistory}
	var s State
	tm := t0
	b.ReportAllocs()
	for b.Loop() {
		tm = tm.Add(time.Second)
		s.Update(OK, tm, cfg)
	}
}

func BenchmarkDetermineAndUpdateOK(b *testing.B) {
	n := newBenchNode()
	var s State
	tm := t0
	b.ReportAllocs()
	for b.Loop() {
		tm = tm.Add(time.Second)
		s.Update(DetermineLevel(&n.cfg, s.Level(), n), tm, &n.cfg)
	}
}

func BenchmarkUpdateOKFlapping(b *testing.B) {
	cfg := &Config{History: DefaultHistory, Flapping: true, FlapLow: 0.25, FlapHigh: 0.5}
	var s State
	tm := t0
	b.ReportAllocs()
	for b.Loop() {
		tm = tm.Add(time.Second)
		s.Update(OK, tm, cfg)
	}
}

// BenchmarkFire is the cost of one event on the task's goroutine:
// templates (default id, message and details), topic, the JSON line and
// the hand-over to the handler's queue.
func BenchmarkFire(b *testing.B) {
	tmpl, err := NewTemplates("cpu_alert", ServerInfo{Hostname: "localhost"}, DefaultID, DefaultMessage, DefaultDetails)
	if err != nil {
		b.Fatal(err)
	}
	var sink []byte
	n, _ := NewNode(Config{History: DefaultHistory}, tmpl, "t", handlerFunc(func(d *Data) error {
		sink, err = d.JSON()
		return err
	}))
	tags := map[string]string{"cpu": "cpu-total", "host": "server1", "datacenter": "us-east", "service": "web"}
	fields := map[string]any{"usage_idle": 47.33, "usage_system": 13.54, "usage_user": 39.13}
	in := &Input{Name: "cpu", Group: "host=server1", Tags: tags, Fields: fields,
		Series: PointSeries("cpu", tags, t0, fields)}
	ev := Event{Level: Critical, Time: t0, Duration: time.Minute}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Fire(ev, in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	n.Close()
	_ = sink
}

func BenchmarkDataJSON(b *testing.B) {
	tags := map[string]string{"cpu": "cpu-total", "host": "server1", "datacenter": "us-east", "service": "web"}
	fields := map[string]any{"usage_idle": 47.33, "usage_system": 13.54, "usage_user": 39.13}
	d := &Data{ID: "cpu:host=server1", Message: "cpu:host=server1 is CRITICAL", Details: "{&#34;Name&#34;:&#34;cpu&#34;}\n",
		Time: t0, Level: Critical, Result: Result{Series: []Series{PointSeries("cpu", tags, t0, fields)}}}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = d.AppendJSON(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
