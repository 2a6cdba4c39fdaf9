package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/alert"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// collect publishes an event with level l for id to the topic.
func collect(tp *alert.Topic, id string, l alert.Level, at time.Time, dur time.Duration) {
	tp.Collect(&alert.Data{ID: id, Level: l, Time: at, Duration: dur, Message: id + " is " + l.String()})
}

// open opens path and a topic persisted in it, as Node.Persist does.
func open(t *testing.T, path string, interval time.Duration) (*Store, *alert.Topic) {
	t.Helper()
	s, err := Open(path, Options{CommitInterval: interval})
	if err != nil {
		t.Fatal(err)
	}
	tp := alert.NewTopic("kapacitor:cpu:alert2")
	entries, err := s.Load(tp.ID())
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.Restore(entries); err != nil {
		t.Fatal(err)
	}
	s.Track(tp.ID(), tp)
	return s, tp
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "task.db")
	s, tp := open(t, path, -1)
	collect(tp, "cpu:host=a", alert.Warning, t0, 0)
	collect(tp, "cpu:host=a", alert.Critical, t0.Add(time.Minute), time.Minute)
	collect(tp, "cpu:host=b", alert.OK, t0, 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, tp = open(t, path, -1)
	defer s.Close()
	es, ok := tp.EventState("cpu:host=a")
	if !ok || es.Level != alert.Critical || !es.Time.Equal(t0.Add(time.Minute)) || es.Duration != time.Minute ||
		es.Message != "cpu:host=a is CRITICAL" {
		t.Errorf("host a: %+v %v", es, ok)
	}
	if es, ok := tp.EventState("cpu:host=b"); !ok || es.Level != alert.OK {
		t.Errorf("host b: %+v %v", es, ok)
	}
	// previousLevel continues from the stored level.
	d := &alert.Data{ID: "cpu:host=a", Level: alert.OK, Time: t0.Add(2 * time.Minute)}
	tp.Collect(d)
	if d.PreviousLevel != alert.Critical {
		t.Errorf("previousLevel %v", d.PreviousLevel)
	}
}

func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "task.db")
	s, tp := open(t, path, -1)
	defer s.Close()
	// Many events between commits make one transaction, and one write per ID.
	for i := range 10000 {
		collect(tp, fmt.Sprintf("cpu:host=%d", i%10), alert.Level(i%4), t0.Add(time.Duration(i)*time.Second), 0)
	}
	if s.Commits() != 0 {
		t.Fatalf("%d commits before Flush", s.Commits())
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil { // nothing changed: no transaction
		t.Fatal(err)
	}
	if s.Commits() != 1 {
		t.Errorf("%d commits, want 1", s.Commits())
	}
	got, err := s.Load(tp.ID())
	if err != nil || len(got) != 10 {
		t.Errorf("%d entries, %v", len(got), err)
	}
}

func TestCommitLoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "task.db")
	s, tp := open(t, path, 5*time.Millisecond)
	collect(tp, "cpu:host=a", alert.Critical, t0, 0)
	deadline := time.Now().Add(5 * time.Second)
	for s.Commits() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if s.Commits() == 0 {
		t.Fatal("the commit loop committed nothing")
	}
	// A crash after the commit keeps the committed state.
	if err := s.abandon(); err != nil {
		t.Fatal(err)
	}
	s, tp = open(t, path, -1)
	defer s.Close()
	if es, _ := tp.EventState("cpu:host=a"); es.Level != alert.Critical {
		t.Errorf("after a crash: %+v", es)
	}
}

// TestCrashBound checks what a crash loses: the changes since the last
// commit, and nothing before it.
func TestCrashBound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "task.db")
	s, tp := open(t, path, -1)
	collect(tp, "cpu:host=a", alert.Critical, t0, 0)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	collect(tp, "cpu:host=a", alert.OK, t0.Add(time.Minute), time.Minute)
	collect(tp, "cpu:host=b", alert.Warning, t0.Add(time.Minute), 0)
	if err := s.abandon(); err != nil { // no final commit
		t.Fatal(err)
	}
	s, tp = open(t, path, -1)
	if es, _ := tp.EventState("cpu:host=a"); es.Level != alert.Critical || !es.Time.Equal(t0) {
		t.Errorf("host a after a crash: %+v", es)
	}
	if _, ok := tp.EventState("cpu:host=b"); ok {
		t.Error("host b was never committed but is there")
	}
	// A graceful Close loses nothing.
	collect(tp, "cpu:host=b", alert.Warning, t0.Add(time.Minute), 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, tp = open(t, path, -1)
	defer s.Close()
	if es, _ := tp.EventState("cpu:host=b"); es.Level != alert.Warning {
		t.Errorf("host b after Close: %+v", es)
	}
}

func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "task.db")
	s, _ := open(t, path, -1)
	defer s.Close()
	if _, err := Open(path, Options{}); err == nil {
		t.Fatal("a second Open of the same file succeeded")
	}
}

// BenchmarkCollectPersisted measures the task's side of persistence: an
// event collected in a persisted topic, with commits running behind.
func BenchmarkCollectPersisted(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "task.db"), Options{CommitInterval: 10 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tp := alert.NewTopic("t")
	if err := tp.Restore(nil); err != nil {
		b.Fatal(err)
	}
	s.Track("t", tp)
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("cpu:host=%d", i)
	}
	i := 0
	for b.Loop() {
		collect(tp, ids[i%len(ids)], alert.Level(i%4), t0.Add(time.Duration(i)), 0)
		i++
	}
}
