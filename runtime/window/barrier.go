package window

import "github.com/tickc/tickc/runtime/pipeline"

// Barrier passes a barrier of group g at time t (Unix nanoseconds), from an
// upstream barrier node, to the group's window (see Window.Barrier). A
// group the node has no window for ignores it.
func (n *Node) Barrier(g *pipeline.Group, t int64, emit func(*pipeline.Batch)) {
	w := n.ungrouped
	if g != nil {
		w = n.windows.Lookup(g)
	}
	if w != nil {
		w.Barrier(t, emit)
	}
}

// DeleteGroup forgets the window of group g, as Kapacitor's window does on
// the delete-group message a barrier node with .delete(true) sends.
func (n *Node) DeleteGroup(g *pipeline.Group) {
	if g == nil {
		n.ungrouped = nil
		return
	}
	n.windows.Delete(g)
}
