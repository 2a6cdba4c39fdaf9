package window

import (
	"github.com/tickc/tickc/runtime/pipeline"
)

// Node is one window node of a task: its configuration, the windows of its
// groups, and the scratch memory emitted batches are built in, which all
// its windows share.
//
// Generated code either calls Node.Push, which finds the group's window
// itself, or keeps the windows in its own pipeline.PerGroup, sets new ones
// up with Node.Init, and calls Window.Push:
//
//	w, isNew := windows.Get(p.Group)
//	if isNew {
//		node.Init(w)
//	}
//	w.Push(p, emit)
type Node struct {
	cfg       Config
	windows   pipeline.PerGroup[Window]
	ungrouped *Window // the window of points without a group
	interned  interner

	batch  pipeline.Batch
	points []pipeline.Point
	tags   []pipeline.Tag
	fields []pipeline.Field
	busy   bool // an emit is in progress: the scratch is lent out
}

// NewNode returns a window node, or the error Kapacitor gives for an invalid
// configuration (see Config.Validate).
func NewNode(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Node{cfg: cfg}, nil
}

// Config returns the node's configuration.
func (n *Node) Config() Config { return n.cfg }

// New returns an empty window of this node for one group. It starts with the
// first point pushed to it.
func (n *Node) New() *Window { return &Window{node: n} }

// Init makes w, a zero Window (as pipeline.PerGroup.Get creates it), an
// empty window of this node.
func (n *Node) Init(w *Window) { *w = Window{node: n} }

// Push delivers a point to the window of its group, creating the window on
// the group's first point. A point with a nil Group goes to one window of
// its own. See Window.Push.
func (n *Node) Push(p *pipeline.Point, emit func(*pipeline.Batch)) {
	var w *Window
	if p.Group == nil {
		if n.ungrouped == nil {
			n.ungrouped = n.New()
		}
		w = n.ungrouped
	} else {
		var isNew bool
		if w, isNew = n.windows.Get(p.Group); isNew {
			n.Init(w)
		}
	}
	w.Push(p, emit)
}

// Cardinality is the number of groups the node has windows for: Kapacitor's
// working_cardinality of the window node.
func (n *Node) Cardinality() int {
	c := n.windows.Cardinality()
	if n.ungrouped != nil {
		c++
	}
	return c
}

// Buffered is the number of points the node's windows hold.
func (n *Node) Buffered() int {
	b := 0
	n.windows.Each(func(w *Window) { b += w.Buffered() })
	if n.ungrouped != nil {
		b += n.ungrouped.Buffered()
	}
	return b
}

// Window is the window of one group. Its zero value is not usable: make
// windows with Node.New or Node.Init.
//
// It is kept small: a node has one per group, and its memory per buffered
// point is the point's time and values (see store) plus the window's share.
type Window struct {
	node  *Node
	name  string // the name of the group's first point: the batch name
	group *pipeline.Group
	// nextEmit is the next emit time of a time window (Unix nanoseconds),
	// or the number of points until a count window emits next.
	nextEmit int64
	buf      ring
	started  bool
}

// Buffered is the number of points the window holds.
func (w *Window) Buffered() int { return int(w.buf.n) }

// start sets the window up on the group's first point.
func (w *Window) start(p *pipeline.Point) {
	c := &w.node.cfg
	w.started = true
	w.name = p.Name
	w.group = p.Group
	if !c.byTime() {
		w.nextEmit = c.EveryCount
		if c.FillPeriod {
			w.nextEmit = c.PeriodCount
		}
		return
	}
	if c.FillPeriod {
		w.nextEmit = p.Time + int64(c.Period)
		if c.Align {
			first := w.nextEmit
			w.nextEmit = truncate(w.nextEmit, c.Every)
			if w.nextEmit <= first {
				// Aligned emit times must come after a full period: the
				// first few points will be dropped before the first emit.
				w.nextEmit += int64(c.Every)
			}
		}
		return
	}
	w.nextEmit = p.Time + int64(c.Every)
	if c.Align {
		w.nextEmit = truncate(w.nextEmit, c.Every)
	}
}

// Push adds a point to the window and calls emit if the point completes a
// window (see the package documentation for exactly when). The window copies
// what it keeps of p, so the caller may reuse p once Push returns; the
// batch passed to emit is valid only during the call.
func (w *Window) Push(p *pipeline.Point, emit func(*pipeline.Batch)) {
	if !w.started {
		w.start(p)
	}
	sh := w.buf.shapeFor(p, &w.node.interned)
	c := &w.node.cfg
	if !c.byTime() {
		w.buf.insertCount(p, sh, int(c.PeriodCount))
		w.nextEmit--
		if w.nextEmit == 0 {
			w.nextEmit = c.EveryCount
			w.send(w.build(w.buf.timeAt(int(w.buf.n)-1)), emit)
		}
		return
	}
	if c.Every == 0 {
		// Right-closed window (t-period, t], emitted on every point from
		// the emit time on.
		w.buf.insertTime(p, sh)
		if p.Time >= w.nextEmit {
			w.buf.purge(p.Time-int64(c.Period), false)
			w.nextEmit = p.Time
			w.send(w.build(p.Time), emit)
		}
		return
	}
	// Left-closed window [E-period, E): the point that reaches E is not in
	// it, since more points may come at the same time.
	var b *pipeline.Batch
	if p.Time >= w.nextEmit {
		w.buf.purge(w.nextEmit-int64(c.Period), true)
		b = w.build(w.nextEmit)
		w.nextEmit = w.next(p.Time)
	}
	w.buf.insertTime(p, sh)
	if b != nil {
		w.send(b, emit)
	}
}

// Barrier handles a barrier at time t (Unix nanoseconds) as Kapacitor does:
// a time window emits as if a point at t had arrived, without buffering
// anything; a count window ignores barriers. A window that has seen no point
// ignores them too.
func (w *Window) Barrier(t int64, emit func(*pipeline.Batch)) {
	c := &w.node.cfg
	if !w.started || !c.byTime() || t < w.nextEmit {
		return
	}
	var b *pipeline.Batch
	if c.Every == 0 {
		w.buf.purge(t-int64(c.Period), false)
		b = w.build(t)
		w.nextEmit = t
	} else {
		w.buf.purge(w.nextEmit-int64(c.Period), true)
		b = w.build(w.nextEmit)
		w.nextEmit = w.next(t)
	}
	w.send(b, emit)
}

// next is the emit time after an emit caused by a point (or barrier) at t:
// it counts from t, not from the previous emit time.
func (w *Window) next(t int64) int64 {
	c := &w.node.cfg
	e := t + int64(c.Every)
	if c.Align {
		e = truncate(e, c.Every)
	}
	return e
}

// send lends the node's scratch to emit.
func (w *Window) send(b *pipeline.Batch, emit func(*pipeline.Batch)) {
	n := w.node
	if b == &n.batch {
		n.busy = true
		emit(b)
		n.busy = false
		return
	}
	emit(b)
}

// build copies the points held into a batch with time tmax. The batch lives in the node's scratch unless that is lent out
// (an emit that leads back to this node), in which case it is freshly
// allocated.
func (w *Window) build(tmax int64) *pipeline.Batch {
	n := w.node
	var gtags []pipeline.Tag
	if w.group != nil {
		gtags = w.group.Tags
	}
	npts := int(w.buf.n)
	ntags, nfields := len(gtags), 0
	for k := range npts {
		sh := w.buf.shapeOf(w.buf.at(k))
		ntags += len(sh.tags)
		nfields += len(sh.schema.Keys)
	}

	var pts []pipeline.Point
	var tags []pipeline.Tag
	var fields []pipeline.Field
	var out *pipeline.Batch
	if n.busy {
		pts = make([]pipeline.Point, 0, npts)
		tags = make([]pipeline.Tag, 0, ntags)
		fields = make([]pipeline.Field, 0, nfields)
		out = new(pipeline.Batch)
	} else {
		n.points = reserve(n.points, npts)
		n.tags = reserve(n.tags, ntags)
		n.fields = reserve(n.fields, nfields)
		pts, tags, fields = n.points, n.tags, n.fields
		out = &n.batch
	}

	var btags []pipeline.Tag
	if gtags != nil {
		tags = append(tags, gtags...)
		btags = tags[:len(tags):len(tags)]
	}
	add := func(i int) {
		t0 := len(tags)
		tags = w.buf.shapeOf(i).appendTags(tags, w.group)
		f0 := len(fields)
		fields = w.buf.appendFields(i, fields)
		pts = append(pts, pipeline.Point{
			Name:   w.name,
			Time:   w.buf.time(i),
			Tags:   tags[t0:len(tags):len(tags)],
			Fields: fields[f0:len(fields):len(fields)],
			Group:  w.group,
		})
	}
	for k := range npts {
		add(w.buf.at(k))
	}
	if len(pts) == 0 {
		pts = nil
	}
	*out = pipeline.Batch{Name: w.name, TMax: tmax, Group: w.group, Tags: btags, Points: pts}
	return out
}

// reserve returns s emptied, with room for n elements.
func reserve[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n+n/4)
	}
	return s[:0]
}
