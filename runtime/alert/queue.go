package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"syscall"
	"time"
)

// Events reach an alert node's handlers off the task's goroutine. Each
// handler has a queue of its own, emptied in order by a goroutine of its
// own, as Kapacitor's topics buffer events for each handler: handing an
// event over costs the task a channel send, a handler that is slow or hangs
// delays only itself, and every handler sees the events in their order.
//
// A queue holds at most limits.size events. When it is full the oldest
// event is dropped to make room: what a handler is sent next is the
// freshest state of each alert, not what was current minutes before.
// (Kapacitor drops the newest instead.) A failed delivery is retried with
// exponential backoff when the error is transient (transient); an event
// given up on is counted as failed. Close gives the queues limits.drain to
// empty, then drops what is left.
//
// Topic handlers (Topics.AddHandler) get the same queues, fed by every task
// that publishes to the topic.
//
// The .log() handler runs on the task's goroutine, without a queue: it only
// appends the line to a buffer that another goroutine writes (see
// LogHandler), and the lines must be in the buffer when the host flushes
// the log files before it answers a write. A queue would not make it
// cheaper: encoding the line is most of its cost, and on one core that is
// paid on whichever goroutine runs it.

// limits are the bounds of a node's delivery.
type limits struct {
	size     int           // events a queue holds
	attempts int           // deliveries of an event, retries included
	backoff  time.Duration // before the first retry; it doubles for each next one
	drain    time.Duration // how long Close waits for the queues to empty
}

// defaultLimits: Kapacitor's 5000 events a handler; five attempts over
// 1.5 s; a stopping task waits 3 s for its handlers, less than the 5 s
// service managers usually give before they kill.
var defaultLimits = limits{size: 5000, attempts: 5, backoff: 100 * time.Millisecond, drain: 3 * time.Second}

// reportInterval is how often a handler that keeps failing, or keeps
// dropping events, is logged.
const reportInterval = time.Minute

// Delivery names an alert node's handlers and gives them their counters
// and logger (Node.Start).
type Delivery struct {
	// Node and Names name the node and its handlers, in order, in log lines
	// and counters: "alert2", "post0". A handler without a name is
	// "handlerN", N its index.
	Node  string
	Names []string
	// Counter returns the node's counter called name (the node's
	// pipeline.NodeStats.AddCounter): a handler NAME counts the events it
	// sent in NAME_sent, those it gave up on in NAME_failed, and those
	// dropped from its full queue or left in it when the task stopped in
	// NAME_dropped. Nil keeps the counts to the node.
	Counter func(name string) *atomic.Int64
	// Gauge, if set, registers the node's gauges (pipeline.NodeStats.Gauge):
	// NAME_queued, the events waiting in the queue of handler NAME.
	Gauge func(name string, read func() int64)
	// Log gets the lines about failing handlers; nil is slog.Default().
	Log *slog.Logger
}

// ContextHandler is a Handler that can be interrupted: the context is
// canceled when the task stops and gives up on the handler's queue.
type ContextHandler interface {
	Handler
	HandleContext(ctx context.Context, d *Data) error
}

// StatusError is the error of a handler whose HTTP request was answered
// with a status that is not a success. 5xx and 429 Too Many Requests are
// retried; other statuses are not.
type StatusError struct {
	URL    string // as the error should show it (without secrets)
	Status string // "503 Service Unavailable"
	Code   int
	Body   string // the start of the answer, or ""
}

func (e *StatusError) Error() string {
	msg := e.URL + " answered " + e.Status
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// ErrSkipped is what a handler returns for an event it leaves alone, such
// as a topic handler whose match expression rejects the event: the event
// is counted neither as sent nor as failed.
var ErrSkipped = errors.New("alert: event skipped by the handler")

// transient reports whether err may go away if the delivery is tried
// again: a refused or reset connection, a timeout, a server error or a
// request to slow down. A canceled delivery, a rejected request (4xx) or
// any other error is final.
func transient(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code >= 500 || se.Code == http.StatusTooManyRequests
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	for _, e := range []error{context.DeadlineExceeded, syscall.ECONNREFUSED, syscall.ECONNRESET,
		syscall.EPIPE, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// queue delivers the events of one handler.
type queue struct {
	h   Handler
	lim limits
	log *slog.Logger
	// who names the handler in log lines: "node", "alert2", "handler",
	// "post0", or "topic", "cpu", "handler", "slack-ops".
	who []any

	sent, failed, dropped *atomic.Int64

	// events is nil for a handler that runs on the task's goroutine.
	events chan *Data
	ctx    context.Context // canceled when Close gives up on the queue
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker returns

	// Rate-limited reports: drops are counted on the task's goroutine,
	// failures on the one running the handler.
	drops, failures   int64 // since the last line about them
	lastDropReport    time.Time
	lastFailureReport time.Time
	failureReported   bool // a "failing" line without its "delivering again"
}

// newQueue makes the queue of handler h, counting in counter(name+"_sent")
// and the like, and starts its goroutine, unless h runs inline.
func newQueue(h Handler, name string, who []any, counter func(string) *atomic.Int64, log *slog.Logger, lim limits) *queue {
	q := &queue{h: h, lim: lim, log: log, who: who}
	q.sent, q.failed, q.dropped = counter(name+"_sent"), counter(name+"_failed"), counter(name+"_dropped")
	q.ctx, q.cancel = context.WithCancel(context.Background())
	if inline(h) {
		q.lim.attempts = 1 // a retry would wait on the task's goroutine
		return q
	}
	q.events = make(chan *Data, lim.size)
	q.done = make(chan struct{})
	go q.run()
	return q
}

// Wrapper is a handler that passes events on to another, such as a topic
// handler behind its match expression.
type Wrapper interface {
	Unwrap() Handler
}

// inline reports whether h is a .log() handler, perhaps wrapped, which
// runs without a queue.
func inline(h Handler) bool {
	for {
		switch w := h.(type) {
		case *LogHandler:
			return true
		case Wrapper:
			h = w.Unwrap()
		default:
			return false
		}
	}
}

// queued returns how many events wait in the queue.
func (q *queue) queued() int64 { return int64(len(q.events)) }

// put hands d over to the handler, dropping the oldest queued event if the
// queue is full. d must not change afterwards.
func (q *queue) put(d *Data) {
	if q.events == nil {
		q.deliver(d)
		return
	}
	for {
		select {
		case q.events <- d:
			return
		default:
		}
		select {
		case <-q.events:
			q.dropped.Add(1)
			q.reportDrop()
		default: // the handler took one meanwhile
		}
	}
}

func (q *queue) run() {
	defer close(q.done)
	for d := range q.events {
		if q.ctx.Err() != nil { // Close gave up
			q.dropped.Add(1)
			continue
		}
		q.deliver(d)
	}
}

// deliver runs the handler on d, retrying transient errors with backoff.
func (q *queue) deliver(d *Data) {
	wait := q.lim.backoff
	for attempt := 1; ; attempt++ {
		var err error
		if h, ok := q.h.(ContextHandler); ok {
			err = h.HandleContext(q.ctx, d)
		} else {
			err = q.h.Handle(d)
		}
		switch {
		case err == nil:
			q.sent.Add(1)
			q.reportSuccess()
			return
		case errors.Is(err, ErrSkipped):
			return
		case q.ctx.Err() != nil:
			q.dropped.Add(1)
			return
		case attempt >= q.lim.attempts || !transient(err):
			q.failed.Add(1)
			q.reportFailure(err, attempt)
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-q.ctx.Done():
			t.Stop()
			q.dropped.Add(1)
			return
		}
		wait *= 2
	}
}

// stop tells the worker that no more events come.
func (q *queue) stop() {
	if q.events != nil {
		close(q.events)
	}
}

// wait waits until the worker has delivered every queued event or the
// deadline passes. Then it interrupts the handler, has the worker drop the
// events left, and says so.
func (q *queue) wait(deadline time.Time) {
	defer q.cancel()
	if q.events == nil {
		return
	}
	select {
	case <-q.done:
		return
	default:
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-q.done:
		return
	case <-t.C:
	}
	before := q.dropped.Load()
	q.cancel()
	t.Reset(cancelGrace)
	select {
	case <-q.done:
	case <-t.C: // the handler ignores the cancelation: drop the rest here
		for range q.events {
			q.dropped.Add(1)
		}
	}
	q.log.Warn("alert handler stopped before it delivered every event: the rest are dropped",
		q.attrs("dropped", q.dropped.Load()-before, "waited", q.lim.drain)...)
}

// cancelGrace is how long a canceled handler has to return.
const cancelGrace = 100 * time.Millisecond

// reportDrop logs, at most once per reportInterval, that the queue
// overflows.
func (q *queue) reportDrop() {
	q.drops++
	now := time.Now()
	if now.Sub(q.lastDropReport) < reportInterval {
		return
	}
	q.log.Warn("alert handler falling behind: its oldest queued events are dropped",
		q.attrs("dropped", q.drops, "queue", q.lim.size)...)
	q.drops, q.lastDropReport = 0, now
}

// reportFailure logs, at most once per reportInterval, that the handler
// fails.
func (q *queue) reportFailure(err error, attempts int) {
	q.failures++
	now := time.Now()
	if now.Sub(q.lastFailureReport) < reportInterval {
		return
	}
	q.log.Error("alert handler failing: events are not delivered",
		q.attrs("failed", q.failures, "attempts", attempts, "err", err)...)
	q.failures, q.lastFailureReport, q.failureReported = 0, now, true
}

// reportSuccess logs that a handler reported failing delivers again.
func (q *queue) reportSuccess() {
	if !q.failureReported {
		return
	}
	q.log.Info("alert handler delivering again", q.attrs("failed", q.failures)...)
	q.failures, q.failureReported = 0, false
}

// attrs are the attributes of a log line about the handler: who, then kv.
func (q *queue) attrs(kv ...any) []any {
	return append(slices.Clip(q.who), kv...)
}

// freeze prepares d for the handlers that read it on their own goroutines:
// after it nothing writes d. The event of a stream point makes its JSON
// line, and its tags, fields and series, on first use and keeps them
// (pointevent.go); they are made here, on the task's goroutine, when a
// queued handler may read them. The built-in handlers need none: they
// encode the JSON themselves (jsonLine), and only for the events they send,
// not for those dropped from a full queue.
func freeze(d *Data, queues []*queue) {
	for _, q := range queues {
		if q.events == nil {
			continue
		}
		switch q.h.(type) {
		case *PostHandler, *TCPHandler, *ExecHandler:
		default:
			_, _ = d.JSON() // an error is the handler's to report
			d.Series()      // and the tags and fields
			return
		}
	}
}

// handlerName is the name of the i-th handler of d.
func (d *Delivery) handlerName(i int) string {
	if i < len(d.Names) {
		return d.Names[i]
	}
	return fmt.Sprintf("handler%d", i)
}
