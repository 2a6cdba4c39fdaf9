package udf

import (
	"encoding/json"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/timer"
)

// memStore is a pipeline.StateStore in memory, committed by commit.
type memStore struct {
	mu      sync.Mutex
	buckets map[string]map[string][]byte
	sources map[string][]pipeline.StateSource
}

func newMemStore() *memStore {
	return &memStore{buckets: map[string]map[string][]byte{}, sources: map[string][]pipeline.StateSource{}}
}

func (s *memStore) Load(bucket string) (map[string][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.buckets[bucket]), nil
}

func (s *memStore) Track(bucket string, src pipeline.StateSource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sources[bucket] = append(s.sources[bucket], src)
}

// commit writes the tracked sources' changes, as the bbolt store does
// every second and when it closes.
func (s *memStore) commit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for bucket, srcs := range s.sources {
		for _, src := range srcs {
			src.DrainChanges(func(key string, value []byte) {
				if s.buckets[bucket] == nil {
					s.buckets[bucket] = map[string][]byte{}
				}
				if value == nil {
					delete(s.buckets[bucket], key)
					return
				}
				s.buckets[bucket][key] = value
			})
		}
	}
}

func (s *memStore) get(bucket, key string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buckets[bucket][key]
}

// taskConfig adds a [task] section to a config.
type taskConfig struct {
	config
	task map[string]any
}

func (c taskConfig) Section(name string) (map[string]any, bool) {
	if name == "task" {
		return c.task, c.task != nil
	}
	return c.config.Section(name)
}

// persistedEnv is the env of a task with a state store and the given
// [task] snapshot-interval.
func persistedEnv(t *testing.T, st pipeline.StateStore, interval string, args ...string) *pipeline.Env {
	env := testEnv(config{"movingAvg": processFn(t, "5s", args...)})
	env.Config = taskConfig{env.Config.(config), map[string]any{"snapshot-interval": interval}}
	env.State = st
	return env
}

// averages runs points of host a, with values vals, through a movingAvg
// node of size 3 and returns the averages it emitted, once closed.
func averages(t *testing.T, env *pipeline.Env, vals ...float64) []float64 {
	t.Helper()
	groups := pipeline.NewGroups()
	n, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(3), env, groups)
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	n.OnPoint = func(p *pipeline.Point) {
		v, _ := p.Field("avg")
		got = append(got, v.F)
	}
	n.OnError = func(err error) { t.Errorf("unexpected error: %v", err) }
	for i, v := range vals {
		n.Point(point(groups, "a", int64(i), v))
	}
	if err := n.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	return got
}

// TestSnapshotRestore stops a node after some points and starts another
// with the rest: the agent's snapshot, taken at Close and given back by
// New, makes the second node continue the first's averages.
func TestSnapshotRestore(t *testing.T) {
	uninterrupted := averages(t, testEnv(config{"movingAvg": processFn(t, "5s", "-snapshot")}), 1, 3, 5, 10, 20)
	if want := []float64{3, 6, 35.0 / 3}; !cmp.Equal(want, uninterrupted) {
		t.Fatalf("uninterrupted averages %v, want %v", uninterrupted, want)
	}

	st := newMemStore()
	first := averages(t, persistedEnv(t, st, "0", "-snapshot"), 1, 3)
	st.commit()
	var windows map[string][]float64
	if err := json.Unmarshal(st.get(snapshotBucket, avgKey), &windows); err != nil {
		t.Fatalf("the stored snapshot: %v", err)
	}
	if want := map[string][]float64{"host=a": {1, 3}}; !cmp.Equal(want, windows) {
		t.Errorf("stored windows %v, want %v", windows, want)
	}
	second := averages(t, persistedEnv(t, st, "0", "-snapshot"), 5, 10, 20)
	if got := append(first, second...); !cmp.Equal(uninterrupted, got) {
		t.Errorf("averages across the restart %v, want %v as uninterrupted", got, uninterrupted)
	}

	// Without the snapshot, the second node starts from nothing.
	if got := averages(t, persistedEnv(t, newMemStore(), "0", "-snapshot"), 5, 10, 20); !cmp.Equal([]float64{35.0 / 3}, got) {
		t.Errorf("averages without a snapshot %v, want [11.67]", got)
	}
}

// TestRestoreError: as in Kapacitor, an agent that fails to restore its
// snapshot fails the node's start.
func TestRestoreError(t *testing.T) {
	st := newMemStore()
	st.buckets[snapshotBucket] = map[string][]byte{avgKey: []byte("not json")}
	_, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(3), persistedEnv(t, st, "0", "-snapshot"), pipeline.NewGroups())
	if err == nil || !strings.Contains(err.Error(), "UDF movingAvg: error restoring snapshot: bad snapshot: invalid character") {
		t.Errorf("New: %v, want the agent's restore error", err)
	}
}

// TestNoSnapshotAnswer: an agent that ignores snapshot requests still
// stops cleanly, and nothing is stored.
func TestNoSnapshotAnswer(t *testing.T) {
	st := newMemStore()
	if got := averages(t, persistedEnv(t, st, "0"), 1, 3, 5); !cmp.Equal([]float64{3}, got) {
		t.Errorf("averages %v, want [3]", got)
	}
	st.commit()
	if b := st.get(snapshotBucket, avgKey); b != nil {
		t.Errorf("stored %q for an agent that sends no snapshot", b)
	}
}

// TestPeriodicSnapshot checks that the node asks for a snapshot every
// snapshot interval of the task's timers, without waiting for it, and
// that a snapshot of a new state replaces the stored one.
func TestPeriodicSnapshot(t *testing.T) {
	st := newMemStore()
	env := persistedEnv(t, st, "1m", "-snapshot")
	clock := time.Unix(0, 0)
	timers := timer.New(clock)
	env.Timers = timers
	groups := pipeline.NewGroups()
	n, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(3), env, groups)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	n.OnError = func(err error) { t.Errorf("unexpected error: %v", err) }
	// waitFor advances the clock by the interval and waits until the
	// stored snapshot is want.
	waitFor := func(want string) {
		t.Helper()
		clock = clock.Add(time.Minute)
		timers.Advance(clock)
		var got string
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			st.commit()
			if got = string(st.get(snapshotBucket, avgKey)); got == want {
				return
			}
		}
		t.Fatalf("stored snapshot %q, want %q", got, want)
	}
	n.Point(point(groups, "a", 0, 1))
	waitFor(`{"host=a":[1]}`)
	n.Point(point(groups, "a", 1, 2))
	n.Point(point(groups, "b", 1, 7))
	waitFor(`{"host=a":[1,2],"host=b":[7]}`)
}

func TestSnapshotInterval(t *testing.T) {
	for _, c := range []struct {
		task map[string]any
		want time.Duration
		err  string
	}{
		{nil, defaultSnapshotInterval, ""},
		{map[string]any{"snapshot-interval": "10s"}, 10 * time.Second, ""},
		{map[string]any{"snapshot-interval": "0s"}, 0, ""},
		{map[string]any{"snapshot-interval": ""}, 0, ""},
		{map[string]any{"snapshot-interval": "soon"}, 0, `[task] snapshot-interval: time: invalid duration "soon"`},
		{map[string]any{"snapshot-interval": int64(60)}, 0, "must be a duration string"},
	} {
		got, err := snapshotInterval(taskConfig{config{}, c.task})
		errOK := err == nil && c.err == "" || err != nil && c.err != "" && strings.Contains(err.Error(), c.err)
		if got != c.want || !errOK {
			t.Errorf("%v: %v, %v; want %v, error %q", c.task, got, err, c.want, c.err)
		}
	}
}

// avgKey is the snapshot key of the tests' movingAvg node.
var avgKey = snapshotKey("movingAvg2", "movingAvg", movingAvgOpts(3))

// TestSnapshotKey: a snapshot is kept under the node's name, UDF and
// options, so that a node of an edited script with other options starts
// afresh instead of getting a snapshot its agent may refuse.
func TestSnapshotKey(t *testing.T) {
	if want := `movingAvg2 @movingAvg().field("value").size(3).as("avg")`; avgKey != want {
		t.Errorf("key %s, want %s", avgKey, want)
	}
	st := newMemStore()
	st.buckets[snapshotBucket] = map[string][]byte{avgKey: []byte("not json")}
	n, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(4), persistedEnv(t, st, "0", "-snapshot"), pipeline.NewGroups())
	if err != nil {
		t.Fatalf("a node with other options was given the snapshot: %v", err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
}
