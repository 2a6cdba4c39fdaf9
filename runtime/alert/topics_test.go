package alert

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// recorder is a handler that keeps "ID LEVEL prev=PREVIOUS" per event.
type recorder struct{ got []string }

func (r *recorder) Handle(d *Data) error {
	r.got = append(r.got, fmt.Sprintf("%s %s prev=%s", d.ID, d.Level, d.PreviousLevel))
	return nil
}

// topicNode returns a node of task "task" whose ID is the host tag, with
// routing r and one recording handler (none if rec is nil).
func topicNode(t *testing.T, name string, r Routing, rec *recorder) *Node {
	t.Helper()
	tmpl, err := NewTemplates("task", ServerInfo{}, `{{ index .Tags "host" }}`, DefaultMessage, DefaultDetails)
	if err != nil {
		t.Fatal(err)
	}
	var hs []Handler
	if rec != nil {
		hs = append(hs, rec)
	}
	n, err := NewNode(Config{Tests: Levels(Critical), History: DefaultHistory}, tmpl, "kapacitor:task:"+name, hs...)
	if err != nil {
		t.Fatal(err)
	}
	n.Routing = r
	return n
}

// step sends one point of host at second s with level l through node n
// and its group state s, firing as generated code does.
func step(t *testing.T, n *Node, st *State, host string, sec int, l Level) {
	t.Helper()
	tags := map[string]string{"host": host}
	if st.history == nil {
		if err := n.InitGroup(st, "cpu", "host="+host, tags, at(sec)); err != nil {
			t.Fatal(err)
		}
	}
	fire, ev := st.Update(l, at(sec), &n.Config)
	if !fire {
		return
	}
	in := &Input{Name: "cpu", Group: "host=" + host, Tags: tags, Fields: map[string]any{"v": 1.0},
		Series: PointSeries("cpu", tags, at(sec), map[string]any{"v": 1.0})}
	if _, err := n.Fire(ev, in); err != nil {
		t.Fatal(err)
	}
}

// closeNodes closes the nodes, which waits for their handlers' queues.
func closeNodes(t *testing.T, nodes ...*Node) {
	t.Helper()
	for _, n := range nodes {
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNamedTopicSharedByNodes(t *testing.T) {
	ts := NewTopics(nil)
	topicRec := &recorder{}
	ts.AddHandler("cpu", "h", topicRec)
	ownA, ownB := &recorder{}, &recorder{}
	a := topicNode(t, "alert2", Routing{Topics: ts, TopicName: "cpu"}, ownA)
	b := topicNode(t, "alert3", Routing{Topics: ts, TopicName: "cpu"}, ownB)

	var sa, sb State
	step(t, a, &sa, "h1", 0, Critical)
	step(t, b, &sb, "h1", 1, Critical)
	step(t, a, &sa, "h1", 2, OK)
	closeNodes(t, a, b) // the node's own handlers run on queues

	// The topic's state is shared: b's event follows a's for the same ID.
	want := []string{"h1 CRITICAL prev=OK", "h1 CRITICAL prev=CRITICAL", "h1 OK prev=CRITICAL"}
	if fmt.Sprint(topicRec.got) != fmt.Sprint(want) {
		t.Errorf("topic handler:\n got %q\nwant %q", topicRec.got, want)
	}
	// Each node's own handlers still run, with its anonymous topic's
	// state, which b's new group copied from the named topic.
	if want := []string{"h1 CRITICAL prev=OK", "h1 OK prev=CRITICAL"}; fmt.Sprint(ownA.got) != fmt.Sprint(want) {
		t.Errorf("node a's handler: got %q, want %q", ownA.got, want)
	}
	if want := []string{"h1 CRITICAL prev=CRITICAL"}; fmt.Sprint(ownB.got) != fmt.Sprint(want) {
		t.Errorf("node b's handler: got %q, want %q", ownB.got, want)
	}
	if es, ok := ts.Topic("cpu").EventState("h1"); !ok || es.Level != OK || !es.Time.Equal(at(2)) {
		t.Errorf("topic state of h1: %+v %v", es, ok)
	}
}

func TestNamedTopicSeedsNewGroups(t *testing.T) {
	// A node without handlers has no anonymous topic: its new groups start
	// from the named topic's state, which another node set.
	ts := NewTopics(nil)
	rec := &recorder{}
	ts.AddHandler("cpu", "h", rec)
	a := topicNode(t, "alert2", Routing{Topics: ts, TopicName: "cpu"}, nil)
	b := topicNode(t, "alert3", Routing{Topics: ts, TopicName: "cpu"}, nil)
	var sa, sb State
	step(t, a, &sa, "h1", 0, Critical)
	step(t, b, &sb, "h1", 1, OK) // a recovery: b's group starts CRITICAL
	closeNodes(t, a, b)          // which drains the topic handlers' queues
	want := []string{"h1 CRITICAL prev=OK", "h1 OK prev=CRITICAL"}
	if fmt.Sprint(rec.got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", rec.got, want)
	}
}

func TestInhibit(t *testing.T) {
	ts := NewTopics(nil)
	topicRec := &recorder{}
	ts.AddHandler("sys", "h", topicRec)
	// The host alert inhibits the "system" category per host.
	hostAlert := topicNode(t, "alert2", Routing{Topics: ts, Inhibits: []Inhibit{{Category: "system", Tags: []string{"host"}}}}, &recorder{})
	own := &recorder{}
	cpuAlert := topicNode(t, "alert3", Routing{Topics: ts, TopicName: "sys", Category: "system"}, own)

	var hA, hB, cA, cB State
	step(t, hostAlert, &hA, "a", 0, Critical) // inhibits host a
	step(t, hostAlert, &hB, "b", 0, OK)
	step(t, cpuAlert, &cA, "a", 1, Critical) // inhibited
	step(t, cpuAlert, &cB, "b", 1, Critical) // not inhibited
	step(t, hostAlert, &hA, "a", 2, OK)      // host a recovers
	step(t, cpuAlert, &cA, "a", 3, Critical)
	closeNodes(t, hostAlert, cpuAlert)

	want := []string{"b CRITICAL prev=OK", "a CRITICAL prev=CRITICAL"}
	if fmt.Sprint(own.got) != fmt.Sprint(want) {
		t.Errorf("handler of the inhibited alert:\n got %q\nwant %q", own.got, want)
	}
	// The topic still collects inhibited events, marked NoExternal.
	if len(topicRec.got) != 3 {
		t.Errorf("topic collected %q, want 3 events", topicRec.got)
	}
	if n, i := cpuAlert.Stats.AlertsTriggered.Load(), cpuAlert.Stats.AlertsInhibited.Load(); n != 3 || i != 1 {
		t.Errorf("alerts_triggered %d, alerts_inhibited %d; want 3 and 1", n, i)
	}
}

func TestInhibitorTagsMustAllMatch(t *testing.T) {
	ts := NewTopics(nil)
	in := ts.AddInhibitor("c", map[string]string{"host": "a", "dc": "x"})
	tags := map[string]string{"host": "a", "dc": "x", "cpu": "0"}
	if ts.IsInhibited("c", tags) {
		t.Error("an inactive inhibitor inhibits")
	}
	in.active.Store(true)
	if !ts.IsInhibited("c", tags) {
		t.Error("active inhibitor with matching tags (and extra ones) does not inhibit")
	}
	if ts.IsInhibited("other", tags) || ts.IsInhibited("c", map[string]string{"host": "a", "dc": "y"}) {
		t.Error("inhibits another category or other tag values")
	}
}

// memStore is a pipeline.StateStore in memory; commit writes what the
// tracked sources changed.
type memStore struct {
	buckets map[string]map[string][]byte
	tracked map[string]pipeline.StateSource
	tracks  int
}

func (m *memStore) Load(bucket string) (map[string][]byte, error) {
	return maps.Clone(m.buckets[bucket]), nil
}

func (m *memStore) Track(bucket string, src pipeline.StateSource) {
	m.tracked[bucket] = src
	m.tracks++
}

func (m *memStore) commit() {
	for b, src := range m.tracked {
		src.DrainChanges(func(k string, v []byte) {
			if m.buckets[b] == nil {
				m.buckets[b] = map[string][]byte{}
			}
			m.buckets[b][k] = v
		})
	}
}

func TestNamedTopicPersists(t *testing.T) {
	store := &memStore{buckets: map[string]map[string][]byte{}}
	// run starts a task of two handler-less nodes sharing the topic.
	run := func() (*Topics, *Node, *recorder) {
		store.tracked, store.tracks = map[string]pipeline.StateSource{}, 0
		ts := NewTopics(nil)
		rec := &recorder{}
		ts.AddHandler("cpu", "h", rec)
		a := topicNode(t, "alert2", Routing{Topics: ts, TopicName: "cpu"}, nil)
		b := topicNode(t, "alert3", Routing{Topics: ts, TopicName: "cpu"}, nil)
		for _, n := range []*Node{a, b} {
			if err := n.Persist(store); err != nil {
				t.Fatal(err)
			}
		}
		if store.tracks != 1 {
			t.Fatalf("the topic was tracked %d times", store.tracks)
		}
		return ts, a, rec
	}
	_, n, _ := run()
	var s State
	step(t, n, &s, "h1", 0, Critical)
	step(t, n, &s, "h1", 10, Critical)
	store.commit()

	// After a restart the recovery has the previous level, and the
	// episode its duration from before the restart.
	ts, n, rec := run()
	var s2 State
	step(t, n, &s2, "h1", 20, OK)
	closeNodes(t, n)
	if want := []string{"h1 OK prev=CRITICAL"}; fmt.Sprint(rec.got) != fmt.Sprint(want) {
		t.Errorf("after restart: %q, want %q", rec.got, want)
	}
	if es, _ := ts.Topic("cpu").EventState("h1"); es.Duration != 20*time.Second {
		t.Errorf("duration %v, want 20s", es.Duration)
	}
}

type nopHandler struct{}

func (nopHandler) Handle(*Data) error { return nil }

// BenchmarkTopicsCollect is the cost .topic() adds to an event: the copy,
// the topic's state, one topic handler.
func BenchmarkTopicsCollect(b *testing.B) {
	ts := NewTopics(nil)
	ts.AddHandler("cpu", "h", nopHandler{})
	d := &Data{ID: "cpu:nil", Level: Critical, Time: t0}
	b.ReportAllocs()
	for b.Loop() {
		ts.Collect("cpu", d)
	}
}
