package pipeline

import "time"

// Timers is how a task's wall-clock nodes (stats, barrier) ask to be
// called back. The generated newTask registers its callbacks with
// Env.Timers; the host (runtime/server.Task, driven by the serve and replay
// commands) decides what "now" is and calls every callback with the task's
// lock held, one at a time, exactly like the other Instance methods, so the
// callbacks may touch the pipeline freely. runtime/timer.Schedule is the
// implementation; a nil Env.Timers means no callback ever fires.
type Timers interface {
	// Every calls fire every d. Without align the first call is d after
	// the task starts, with now the time it is due. With align, the first
	// call is at the next multiple of d with now the start time, and the
	// next ones at the following multiples (Kapacitor's StatsNode).
	Every(d time.Duration, align bool, fire func(now time.Time))
	// After calls fire once, d from now, unless the returned timer is
	// stopped or reset first.
	After(d time.Duration, fire func(now time.Time)) Timer
}

// Timer is a one-shot callback registered with Timers.After.
type Timer interface {
	// Reset makes the timer fire d from now, whether or not it fired.
	Reset(d time.Duration)
	// Stop cancels the timer; it will not fire until Reset.
	Stop()
}

// GroupCounts counts the messages a node sent to its first child, per
// group: what a stats node watching it reports as "emitted" (Kapacitor's
// per-group collected count of the node's first out edge).
type GroupCounts struct {
	counts []int64 // by Group.Index
	groups []*Group
	order  []*Group // in the order first seen
}

// Add counts one message of group g.
func (c *GroupCounts) Add(g *Group) {
	if g.Index >= len(c.counts) {
		n := g.Index + 1
		c.counts = append(c.counts, make([]int64, n-len(c.counts))...)
		c.groups = append(c.groups, make([]*Group, n-len(c.groups))...)
	}
	if c.groups[g.Index] == nil {
		c.groups[g.Index] = g
		c.order = append(c.order, g)
	}
	c.counts[g.Index]++
}

// Each calls f with each group seen and its count, in the order the groups
// were first seen. With no group seen yet, it calls f once with nil and 0,
// as Kapacitor reports the nil group with emitted = 0.
func (c *GroupCounts) Each(f func(g *Group, n int64)) {
	if len(c.order) == 0 {
		f(nil, 0)
		return
	}
	for _, g := range c.order {
		f(g, c.counts[g.Index])
	}
}
