package udf

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Kapacitor asks the UDF nodes of a running task for a snapshot of their
// agents' state every [task] snapshot-interval, and gives each node its
// last snapshot back (a RestoreRequest after the InitRequest) when the
// task starts again. Here the snapshots are kept in the task's state
// store (pipeline.Env.State, set when the task has a data directory), in
// bucket snapshotBucket under the node's name. The task does not wait for
// a snapshot: the agent's reader goroutine keeps the answer for the store.
// Unlike Kapacitor, a node also asks for one when the task stops
// gracefully, so that a restart loses nothing; a crash loses what came
// after the last one. An agent that ignores snapshot requests keeps
// nothing.

// snapshotBucket is the state store bucket of the nodes' snapshots.
const snapshotBucket = "udf"

// defaultSnapshotInterval is Kapacitor's default [task] snapshot-interval.
const defaultSnapshotInterval = time.Minute

// snapshotInterval reads [task] snapshot-interval: a duration such as
// "1m", where 0 (or "") takes no periodic snapshot, as in Kapacitor.
func snapshotInterval(cfg pipeline.Config) (time.Duration, error) {
	section, _ := cfg.Section("task")
	v, ok := section["snapshot-interval"]
	if !ok {
		return defaultSnapshotInterval, nil
	}
	s, isString := v.(string)
	if !isString {
		return 0, fmt.Errorf("[task] snapshot-interval must be a duration string such as \"1m\", got %v", v)
	}
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("[task] snapshot-interval: %w", err)
	}
	return d, nil
}

// snapshotKey is the store key of a node's snapshots: the node's name, the
// UDF's and its options, as in "movingAvg2 @movingAvg().field('v').size(3)",
// so that a snapshot is only given back to the node that took it. Kapacitor
// drops a task's snapshots when its pipeline changed; here an edited script
// whose node of that name runs another UDF, or other options, starts that
// node afresh rather than have its agent refuse a foreign snapshot.
func snapshotKey(nodeID, udf string, opts []Option) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s @%s()", nodeID, udf)
	for _, o := range opts {
		fmt.Fprintf(&b, ".%s(", o.Name)
		for i, v := range o.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			switch v.Type {
			case Bool:
				fmt.Fprint(&b, v.Bool)
			case Int:
				fmt.Fprint(&b, v.Int)
			case Double:
				fmt.Fprint(&b, v.Double)
			case String:
				fmt.Fprintf(&b, "%q", v.String)
			case Duration:
				fmt.Fprint(&b, time.Duration(v.Int))
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// latestSnapshot is the last snapshot a node's agent sent: the state store
// writes it behind (it is a pipeline.StateSource of one key, the node's
// name). The agent's reader goroutine sets it and the store's drains it.
type latestSnapshot struct {
	node  string
	mu    sync.Mutex
	data  []byte
	dirty bool
}

func (s *latestSnapshot) set(data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data, s.dirty = data, true
}

// DrainChanges puts the snapshot if a new one came since the last call.
// An empty snapshot deletes the stored one: there is nothing to restore.
func (s *latestSnapshot) DrainChanges(put func(key string, value []byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty {
		return
	}
	s.dirty = false
	if len(s.data) == 0 {
		put(s.node, nil)
		return
	}
	put(s.node, s.data)
}
