package server

import (
	"bytes"
	"sort"
	"strconv"

	"github.com/tickc/tickc/runtime/pipeline"
)

// nodeAttr is one statistic of a node as the DOT graph shows it.
type nodeAttr struct {
	name  string
	text  string // the DOT value
	value int64  // the JSON value
}

// nodeAttrs returns the statistics of node i sorted by name: Kapacitor's
// three common ones (avg_exec_time_ns as a Go duration, errors,
// working_cardinality) and the node's own counters.
func nodeAttrs(s *pipeline.NodeStats) []nodeAttr {
	avg := s.AvgExec()
	attrs := []nodeAttr{
		{"avg_exec_time_ns", avg.String(), int64(avg)},
		{"errors", "", s.Errors.Load()},
		{"working_cardinality", "", s.Cardinality()},
	}
	for i := range s.Counters {
		c := s.Counters[i]
		attrs = append(attrs, nodeAttr{name: c.Name, value: c.Value.Load()})
	}
	for i := range attrs {
		if attrs[i].text == "" {
			attrs[i].text = strconv.FormatInt(attrs[i].value, 10)
		}
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].name < attrs[j].name })
	return attrs
}

// stats returns the task's node statistics, or zero statistics for a task
// whose instance reports none.
func (t *Task) stats() []*pipeline.NodeStats {
	stats := t.Instance.Stats()
	if len(stats) == len(t.Program.Nodes) {
		return stats
	}
	fixed := make([]*pipeline.NodeStats, len(t.Program.Nodes))
	copy(fixed, stats)
	for i, n := range t.Program.Nodes {
		if fixed[i] == nil {
			fixed[i] = pipeline.NewNodeStats(len(n.Children))
		}
	}
	return fixed
}

// out returns how many points node s sent along its j-th edge.
func out(s *pipeline.NodeStats, j int) int64 {
	if j < len(s.Out) {
		return s.Out[j].Load()
	}
	return 0
}

// Dot returns the task's graph with statistics in Kapacitor's format for an
// executing task (`kapacitor show`, the "dot" of GET /kapacitor/v1/tasks/ID).
// With labels, statistics are Graphviz labels (dot-view=labels) instead of
// attributes.
func (t *Task) Dot(labels bool) []byte {
	stats := t.stats()
	unit := "points"
	if t.Program.Type == "batch" {
		unit = "batches"
	}
	rate := strconv.FormatFloat(t.Throughput(), 'f', 2, 64)

	var b bytes.Buffer
	b.WriteString("digraph ")
	b.WriteString(t.Program.ID)
	b.WriteString(" {\n")
	if labels {
		b.WriteString(`graph [label="Throughput: ` + rate + " " + unit + `/s" forcelabels=true pad="0.8,0.5"];` + "\n")
	} else {
		b.WriteString(`graph [throughput="` + rate + " " + unit + `/s"];` + "\n")
	}
	for i, n := range t.Program.Nodes {
		b.WriteString("\n")
		b.WriteString(n.Name)
		if labels {
			b.WriteString(` [xlabel="`)
			for k, a := range nodeAttrs(stats[i]) {
				if k > 0 {
					b.WriteString(`\r`) // Graphviz: a right-justified line break
				}
				b.WriteString(a.name + "=" + a.text)
			}
			b.WriteString("\"];\n")
		} else {
			b.WriteString(" [")
			for _, a := range nodeAttrs(stats[i]) {
				b.WriteString(a.name + `="` + a.text + `" `)
			}
			b.WriteString("];\n")
		}
		for j, c := range n.Children {
			child := t.Program.Nodes[c]
			if child.Source {
				continue
			}
			processed := strconv.FormatInt(out(stats[i], j), 10)
			if labels {
				b.WriteString(n.Name + " -> " + child.Name + ` [label="processed=` + processed + "\"];\n")
			} else {
				b.WriteString(n.Name + " -> " + child.Name + ` [processed="` + processed + "\"];\n")
			}
		}
	}
	b.WriteString("}")
	return b.Bytes()
}

// StaticDot returns the graph of p without statistics, as Kapacitor shows a
// task that is not executing.
func StaticDot(p *pipeline.Program) []byte {
	var b bytes.Buffer
	b.WriteString("digraph " + p.ID + " {\n")
	for _, n := range p.Nodes {
		for _, c := range n.Children {
			if child := p.Nodes[c]; !child.Source {
				b.WriteString(n.Name + " -> " + child.Name + ";\n")
			}
		}
	}
	b.WriteString("}")
	return b.Bytes()
}

// ExecutionStats are the statistics of GET /kapacitor/v1/tasks/ID.
type ExecutionStats struct {
	TaskStats map[string]any            `json:"task-stats"`
	NodeStats map[string]map[string]any `json:"node-stats"`
}

// ExecutionStats returns the task's statistics as Kapacitor reports them:
// the throughput, and for each node its DOT statistics plus "collected"
// (points or batches received) and "emitted" (sent to children).
func (t *Task) ExecutionStats() ExecutionStats {
	stats := t.stats()
	collected, emitted := t.flows(stats)
	es := ExecutionStats{
		TaskStats: map[string]any{"throughput": t.Throughput()},
		NodeStats: make(map[string]map[string]any, len(stats)),
	}
	for i, n := range t.Program.Nodes {
		m := map[string]any{"collected": collected[i], "emitted": emitted[i]}
		for _, a := range nodeAttrs(stats[i]) {
			m[a.name] = a.value
		}
		es.NodeStats[n.Name] = m
	}
	return es
}
