// Package servertest provides a hand-written compiled task for testing the
// host side of task binaries (package server and package taskcli) without
// the compiler.
//
// The fake task reads "telegraf"."autogen" and has the graph
//
//	stream0 -> from1 -> alert2
//
// from1 passes points of measurement "cpu"; alert2 counts those whose
// "value" field is above 90 as alerts_triggered (and crits_triggered), and
// the httpOut endpoint "out" shows the last point alert2 saw.
package servertest

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Script is the fake task's TICKscript.
const Script = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "value" > 90)
`

// Fake is a compiled task whose instances keep what they see.
type Fake struct {
	Program pipeline.Program
	// Keep makes instances keep a copy of every point delivered; without
	// it they only count (for benchmarks).
	Keep bool

	mu        sync.Mutex
	instances []*Instance
}

// New returns the fake task with the given ID.
func New(id string, keep bool) *Fake {
	f := &Fake{Keep: keep}
	f.Program = pipeline.Program{
		ID:     id,
		Type:   "stream",
		DBRPs:  []pipeline.DBRP{{DB: "telegraf", RP: "autogen"}},
		Script: Script,
		Nodes: []pipeline.NodeInfo{
			{Name: "stream0", Children: []int{1}, Source: true},
			{Name: "from1", Children: []int{2}},
			{Name: "alert2"},
		},
		HTTPOuts: []string{"out"},
		New:      f.newInstance,
	}
	return f
}

func (f *Fake) newInstance(env *pipeline.Env) (pipeline.Instance, error) {
	inst := &Instance{
		Env:  env,
		keep: f.Keep,
		stats: []*pipeline.NodeStats{
			pipeline.NewNodeStats(1),
			pipeline.NewNodeStats(1),
			pipeline.NewNodeStats(0, "alerts_triggered", "crits_triggered"),
		},
	}
	f.mu.Lock()
	f.instances = append(f.instances, inst)
	f.mu.Unlock()
	return inst, nil
}

// Instances returns the instances started so far.
func (f *Fake) Instances() []*Instance {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*Instance(nil), f.instances...)
}

// Last returns the latest instance, or nil.
func (f *Fake) Last() *Instance {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.instances) == 0 {
		return nil
	}
	return f.instances[len(f.instances)-1]
}

// Instance is a running fake task.
type Instance struct {
	Env *pipeline.Env

	keep   bool
	stats  []*pipeline.NodeStats
	mu     sync.Mutex
	points []pipeline.Point
	count  int
	last   *pipeline.Point
	closed bool
}

// Point implements pipeline.Instance.
func (in *Instance) Point(p *pipeline.Point) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.count++
	if in.keep {
		in.points = append(in.points, p.Clone())
	}
	s := in.stats
	s[0].Out[0].Add(1)
	if p.Name != "cpu" {
		return
	}
	s[1].Out[0].Add(1)
	s[2].AddExec(time.Microsecond)
	s[2].SetCardinality(1)
	if v, ok := p.Field("value"); ok && v.Kind == pipeline.Float && v.F > 90 {
		s[2].Counter("alerts_triggered").Add(1)
		s[2].Counter("crits_triggered").Add(1)
	}
	if in.keep {
		c := p.Clone()
		in.last = &c
	}
}

// Stats implements pipeline.Instance.
func (in *Instance) Stats() []*pipeline.NodeStats { return in.stats }

// HTTPOut implements pipeline.Instance: endpoint "out" shows the last cpu
// point as a series, or {"series":null}.
func (in *Instance) HTTPOut(name string, w io.Writer) bool {
	if name != "out" {
		return false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	type series struct {
		Name    string            `json:"name"`
		Tags    map[string]string `json:"tags,omitempty"`
		Columns []string          `json:"columns"`
		Values  [][]any           `json:"values"`
	}
	var result struct {
		Series []series `json:"series"`
	}
	if p := in.last; p != nil {
		s := series{Name: p.Name, Columns: []string{"time"}, Tags: map[string]string{}}
		row := []any{time.Unix(0, p.Time).UTC().Format(time.RFC3339Nano)}
		for _, t := range p.Tags {
			s.Tags[t.Key] = t.Value
		}
		for _, f := range p.Fields {
			s.Columns = append(s.Columns, f.Key)
			switch f.Value.Kind {
			case pipeline.Float:
				row = append(row, f.Value.F)
			case pipeline.Int:
				row = append(row, f.Value.I)
			case pipeline.String:
				row = append(row, f.Value.S)
			case pipeline.Bool:
				row = append(row, f.Value.B)
			}
		}
		s.Values = [][]any{row}
		result.Series = append(result.Series, s)
	}
	json.NewEncoder(w).Encode(result)
	return true
}

// Close implements pipeline.Instance.
func (in *Instance) Close() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.closed = true
	return nil
}

// Points returns copies of the points delivered so far (with Keep).
func (in *Instance) Points() []pipeline.Point {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]pipeline.Point(nil), in.points...)
}

// Count is the number of points delivered so far.
func (in *Instance) Count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.count
}

// Closed reports whether Close was called.
func (in *Instance) Closed() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.closed
}
