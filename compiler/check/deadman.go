package check

import (
	"time"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// Deadman is the [deadman] section of Kapacitor's configuration
// (services/deadman): the id and message templates of every deadman (empty:
// Kapacitor's defaults; NODE_NAME and INTERVAL are replaced), and with
// Global a deadman of Threshold and Interval on the task's source node,
// which Kapacitor adds to every task.
type Deadman struct {
	Global      bool
	Threshold   float64
	Interval    time.Duration
	ID, Message string
}

// globalDeadman adds the [deadman] global = true deadman to the task's
// source node, after the script, as Kapacitor does when it creates the
// pipeline.
func (c *checker) globalDeadman(source *ir.Node, span ast.Span) {
	d := c.cfg.Deadman
	threshold := ir.Value{Type: types.Float, Float: d.Threshold, Pos: span}
	interval := ir.Value{Type: types.Duration, Dur: d.Interval, Pos: span}
	c.addDeadman(source, threshold, interval, nil, span)
}
