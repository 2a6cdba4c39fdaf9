// Package influxout is the runtime of the influxDBOut node: it converts the
// task's points into InfluxDB points (measurement override, extra tags,
// precision), buffers them and writes them in batches with the InfluxDB 1.x
// client when the buffer is full or every flush interval, on a goroutine of
// its own so that a slow or failing InfluxDB never blocks the task.
//
// Memory is bounded: at most MaxPending points wait besides the batch being
// written; beyond that the oldest are dropped. A failed write is retried
// with exponential backoff, up to MaxRetries times, then dropped.
package influxout

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"

	"github.com/tickc/tickc/runtime/batch"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Writer writes a batch of points; client.Client satisfies it.
type Writer interface {
	Write(bp client.BatchPoints) error
}

// Options are the node's properties and limits.
type Options struct {
	Cluster          string
	Database         string
	RetentionPolicy  string
	Measurement      string // "" keeps the data's own
	WriteConsistency string
	Precision        string // "" is nanoseconds
	Tags             map[string]string
	Buffer           int           // points per write; 0: 1000
	FlushInterval    time.Duration // 0: 10s
	Create           bool
	// MaxPending bounds the points waiting to be written; 0: 100*Buffer.
	MaxPending int
	// MaxRetries is how often a failed write is retried; 0: 5, <0: never.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the wait between retries
	// (defaults 500ms and 30s); it doubles after each failure.
	MinBackoff, MaxBackoff time.Duration
	// The node's counters; nil ones are kept privately.
	Written, Dropped, Errors *atomic.Int64
}

// Node is a running influxDBOut node. WritePoint, WriteBatch and Close are
// called from the task's goroutine; writes happen on the node's own.
type Node struct {
	opts Options
	w    Writer
	// OnError is called on the task's goroutine (from WritePoint,
	// WriteBatch or Close) with the errors of background writes.
	OnError func(error)

	mu      sync.Mutex
	pending []entry
	errs    []error

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// New connects to the [[influxdb]] section of cfg named opts.Cluster (the
// default one when empty), creates the database when opts.Create and starts
// the node.
func New(cfg pipeline.Config, opts Options) (*Node, error) {
	c, err := Connect(cfg, opts.Cluster)
	if err != nil {
		return nil, err
	}
	if opts.Create && opts.Database != "" {
		if err := CreateDatabase(c, opts.Database, opts.RetentionPolicy); err != nil {
			c.Close()
			return nil, err
		}
	}
	return NewWithWriter(c, opts), nil
}

// NewWithWriter starts a node writing with w.
func NewWithWriter(w Writer, opts Options) *Node {
	if opts.Buffer <= 0 {
		opts.Buffer = 1000
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = 10 * time.Second
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = 100 * opts.Buffer
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 5
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(30*time.Second, opts.MinBackoff)
	}
	for _, c := range []**atomic.Int64{&opts.Written, &opts.Dropped, &opts.Errors} {
		if *c == nil {
			*c = new(atomic.Int64)
		}
	}
	n := &Node{opts: opts, w: w, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go n.run()
	return n
}

// CreateDatabase creates db and, when rp is set, the retention policy rp on
// it, as .create() does; existing ones are kept.
func CreateDatabase(c batch.Querier, db, rp string) error {
	if db == "" {
		return errors.New("create: no database")
	}
	stmts := []string{"CREATE DATABASE " + quote(db)}
	if rp != "" {
		stmts = append(stmts, "CREATE RETENTION POLICY "+quote(rp)+" ON "+quote(db)+" DURATION INF REPLICATION 1")
	}
	for _, s := range stmts {
		resp, err := c.Query(client.NewQuery(s, "", ""))
		if err == nil {
			err = resp.Error()
		}
		if err != nil && !strings.Contains(err.Error(), "already exists") {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

func quote(name string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
}

// entry is a buffered point and where it goes.
type entry struct {
	dbrp dbrp
	p    *client.Point
}

type dbrp struct{ db, rp string }

// WritePoint buffers p. Without .database() (.retentionPolicy()) it goes
// to the database (retention policy) it was written to, as in Kapacitor.
func (n *Node) WritePoint(p *pipeline.Point) {
	n.add(n.where(p.DB, p.RP), n.convert(p, p.Name, nil))
}

func (n *Node) where(db, rp string) dbrp {
	if n.opts.Database != "" {
		db = n.opts.Database
	}
	if n.opts.RetentionPolicy != "" {
		rp = n.opts.RetentionPolicy
	}
	return dbrp{db, rp}
}

// WriteBatch buffers the points of b.
func (n *Node) WriteBatch(b *pipeline.Batch) {
	pts := make([]*client.Point, 0, len(b.Points))
	for i := range b.Points {
		name := b.Points[i].Name
		if name == "" {
			name = b.Name
		}
		pts = append(pts, n.convert(&b.Points[i], name, b.Tags)...)
	}
	n.add(n.where("", ""), pts)
}

// convert makes the InfluxDB point of p; none when p cannot be written.
func (n *Node) convert(p *pipeline.Point, name string, groupTags []pipeline.Tag) []*client.Point {
	if n.opts.Measurement != "" {
		name = n.opts.Measurement
	}
	tags := make(map[string]string, len(groupTags)+len(p.Tags)+len(n.opts.Tags))
	for _, t := range groupTags {
		tags[t.Key] = t.Value
	}
	for _, t := range p.Tags {
		tags[t.Key] = t.Value
	}
	for k, v := range n.opts.Tags {
		tags[k] = v
	}
	fields := make(map[string]any, len(p.Fields))
	for _, f := range p.Fields {
		if v := f.Value.Any(); v != nil {
			fields[f.Key] = v
		}
	}
	pt, err := client.NewPoint(name, tags, fields, time.Unix(0, p.Time).UTC())
	if err != nil {
		n.opts.Dropped.Add(1)
		n.report(fmt.Errorf("cannot write point of %q: %w", name, err))
		return nil
	}
	return []*client.Point{pt}
}

func (n *Node) add(to dbrp, pts []*client.Point) {
	n.mu.Lock()
	for _, p := range pts {
		n.pending = append(n.pending, entry{to, p})
	}
	if over := len(n.pending) - n.opts.MaxPending; over > 0 {
		// Drop the oldest; copy so the array does not grow forever.
		n.opts.Dropped.Add(int64(over))
		n.pending = append([]entry(nil), n.pending[over:]...)
	}
	full := len(n.pending) >= n.opts.Buffer
	errs := n.errs
	n.errs = nil
	n.mu.Unlock()
	if full {
		select {
		case n.kick <- struct{}{}:
		default:
		}
	}
	n.deliver(errs)
}

func (n *Node) deliver(errs []error) {
	if n.OnError == nil {
		return
	}
	for _, err := range errs {
		n.OnError(err)
	}
}

// report records an error of a background write for OnError.
func (n *Node) report(err error) {
	n.mu.Lock()
	if len(n.errs) < 100 {
		n.errs = append(n.errs, err)
	}
	n.mu.Unlock()
}

func (n *Node) run() {
	defer close(n.done)
	tick := time.NewTicker(n.opts.FlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-n.stop:
			n.flush(true)
			return
		case <-n.kick:
			n.flush(false)
		case <-tick.C:
			n.flush(false)
		}
	}
}

// flush writes all the pending points, Buffer at a time.
func (n *Node) flush(closing bool) {
	for {
		n.mu.Lock()
		k := min(len(n.pending), n.opts.Buffer)
		if k == 0 {
			n.mu.Unlock()
			return
		}
		batch := n.pending[:k:k]
		n.pending = n.pending[k:]
		n.mu.Unlock()
		// One write per database and retention policy, in order.
		var order []dbrp
		by := map[dbrp][]*client.Point{}
		for _, e := range batch {
			if _, ok := by[e.dbrp]; !ok {
				order = append(order, e.dbrp)
			}
			by[e.dbrp] = append(by[e.dbrp], e.p)
		}
		for i, to := range order {
			if !n.write(to, by[to], closing) && closing {
				// InfluxDB is failing: do not hold Close for every batch.
				for _, to := range order[i+1:] {
					n.opts.Dropped.Add(int64(len(by[to])))
				}
				n.mu.Lock()
				n.opts.Dropped.Add(int64(len(n.pending)))
				n.pending = nil
				n.mu.Unlock()
				return
			}
		}
	}
}

// write writes one batch, retrying with exponential backoff; when closing
// the backoff is not waited for past the stop.
func (n *Node) write(to dbrp, pts []*client.Point, closing bool) bool {
	bp, err := client.NewBatchPoints(client.BatchPointsConfig{
		Database: to.db, RetentionPolicy: to.rp,
		Precision: n.opts.Precision, WriteConsistency: n.opts.WriteConsistency,
	})
	if err != nil {
		n.opts.Dropped.Add(int64(len(pts)))
		n.opts.Errors.Add(1)
		n.report(err)
		return false
	}
	bp.AddPoints(pts)
	wait := n.opts.MinBackoff
	for attempt := 0; ; attempt++ {
		err := n.w.Write(bp)
		if err == nil {
			n.opts.Written.Add(int64(len(pts)))
			return true
		}
		n.opts.Errors.Add(1)
		retries := n.opts.MaxRetries
		if closing {
			retries = min(retries, 2) // Close does not wait long
		}
		if attempt >= retries {
			n.opts.Dropped.Add(int64(len(pts)))
			n.report(fmt.Errorf("write %d points to %q.%q: %w (dropped after %d attempts)", len(pts), to.db, to.rp, err, attempt+1))
			return false
		}
		if closing {
			time.Sleep(wait)
		} else {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-n.stop:
				t.Stop()
				closing = true
			}
		}
		wait = min(2*wait, n.opts.MaxBackoff)
	}
}

// Pending returns how many points are buffered and not yet being written:
// the node's points_pending gauge. It is safe to call from any goroutine.
func (n *Node) Pending() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return int64(len(n.pending))
}

// Close writes what is buffered and stops the node. The errors of the
// writes since the last delivery go to OnError; without one Close returns
// them.
func (n *Node) Close() error {
	n.once.Do(func() { close(n.stop) })
	<-n.done
	if c, ok := n.w.(interface{ Close() error }); ok {
		c.Close()
	}
	n.mu.Lock()
	errs := n.errs
	n.errs = nil
	n.mu.Unlock()
	if n.OnError != nil {
		n.deliver(errs)
		return nil
	}
	return errors.Join(errs...)
}
