// Package dot prints a task's pipeline as a Graphviz graph in Kapacitor's
// layout and node naming (stream0, from1, alert2), so that `tickc dot` and
// a running task's `dot` field look like `kapacitor show`.
package dot

import (
	"bytes"
	"fmt"

	"github.com/tickc/tickc/compiler/ir"
)

// Order returns the nodes in the order Kapacitor prints them: a depth-first
// post-order from each source (sources taken last to first), reversed.
// A stats node is a source of its own: Kapacitor draws no edge from the node
// it watches.
func Order(t *ir.Task) []*ir.Node {
	var sources []*ir.Node
	for _, n := range t.Nodes {
		if IsSource(n) {
			sources = append(sources, n)
		}
	}
	done := make([]bool, len(t.Nodes))
	var post []*ir.Node
	var visit func(n *ir.Node)
	visit = func(n *ir.Node) {
		if done[n.ID] {
			return
		}
		done[n.ID] = true
		for _, c := range n.Children {
			if child := t.Nodes[c]; !IsSource(child) {
				visit(child)
			}
		}
		post = append(post, n)
	}
	for i := len(sources) - 1; i >= 0; i-- {
		visit(sources[i])
	}
	for i, j := 0, len(post)-1; i < j; i, j = i+1, j-1 {
		post[i], post[j] = post[j], post[i]
	}
	return post
}

// IsSource reports whether n starts a pipeline: stream, batch, or stats.
func IsSource(n *ir.Node) bool {
	return len(n.Parents) == 0 || n.Kind == "stats"
}

// Static returns the graph without statistics, as Kapacitor prints a task
// that is not executing.
func Static(t *ir.Task) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "digraph %s {\n", t.ID)
	for _, n := range Order(t) {
		for _, c := range n.Children {
			if child := t.Nodes[c]; !IsSource(child) {
				fmt.Fprintf(&b, "%s -> %s;\n", n.Name, child.Name)
			}
		}
	}
	b.WriteString("}")
	return b.Bytes()
}
