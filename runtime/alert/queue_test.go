package alert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// endpoint is a loopback HTTP server that records the events posted to it,
// in arrival order, and answers as answer says (200 when nil).
type endpoint struct {
	*httptest.Server
	answer func(n int, r *http.Request) int // n counts requests from 1

	mu       sync.Mutex
	requests int
	times    []time.Time // of the events received
}

func newEndpoint(t *testing.T, answer func(n int, r *http.Request) int) *endpoint {
	e := &endpoint{answer: answer}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ Time time.Time }
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("posted %q: %v", body, err)
		}
		e.mu.Lock()
		e.requests++
		n := e.requests
		e.mu.Unlock()
		code := 200
		if e.answer != nil {
			code = e.answer(n, r)
		}
		if code == 200 {
			e.mu.Lock()
			e.times = append(e.times, ev.Time)
			e.mu.Unlock()
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(e.Close)
	return e
}

// received returns the indexes (eventTime) of the events accepted so far
// and the number of requests.
func (e *endpoint) received() ([]int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var idx []int
	for _, tm := range e.times {
		idx = append(idx, int(tm.Sub(t0)/time.Second))
	}
	return idx, e.requests
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// deliveryNode is an alert node with handlers, its counters by name and
// its log.
type deliveryNode struct {
	*Node
	counters map[string]*atomic.Int64
	log      *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newDeliveryNode starts a node whose handlers are named names, with
// limits lim.
func newDeliveryNode(t *testing.T, lim limits, names []string, handlers ...Handler) *deliveryNode {
	t.Helper()
	tmpl, err := NewTemplates("task", ServerInfo{Hostname: "localhost"}, DefaultID, DefaultMessage, DefaultDetails)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNode(Config{History: DefaultHistory}, tmpl, "kapacitor:task:alert2", handlers...)
	if err != nil {
		t.Fatal(err)
	}
	dn := &deliveryNode{Node: n, counters: map[string]*atomic.Int64{}, log: &syncBuffer{}}
	n.limits = lim
	n.Start(Delivery{Node: "alert2", Names: names, Log: slog.New(slog.NewTextHandler(dn.log, nil)),
		Counter: func(name string) *atomic.Int64 {
			c := new(atomic.Int64)
			dn.counters[name] = c
			return c
		}})
	t.Cleanup(func() { n.Close() })
	return dn
}

// fire fires the critical event of index i (its time is t0 + i seconds).
func (n *deliveryNode) fire(t *testing.T, i int) {
	t.Helper()
	tags := map[string]string{"host": "a"}
	fields := map[string]any{"v": float64(i)}
	tm := t0.Add(time.Duration(i) * time.Second)
	in := &Input{Name: "cpu", Tags: tags, Fields: fields, Series: PointSeries("cpu", tags, tm, fields)}
	if _, err := n.Fire(Event{Level: Critical, Time: tm}, in); err != nil {
		t.Fatal(err)
	}
}

// count returns the counter called name.
func (n *deliveryNode) count(name string) int64 { return n.counters[name].Load() }

func (n *deliveryNode) counts(handler string) string {
	return fmt.Sprintf("sent %d failed %d dropped %d",
		n.count(handler+"_sent"), n.count(handler+"_failed"), n.count(handler+"_dropped"))
}

func upTo(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

var quickLimits = limits{size: 1000, attempts: 3, backoff: 10 * time.Millisecond, drain: 5 * time.Second}

// An endpoint that never answers delays neither the task nor the node's
// other handlers; when the task stops, its events are dropped after the
// drain time and counted.
func TestHangingHandlerBlocksNothing(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hung := newEndpoint(t, func(_ int, r *http.Request) int {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return 200
	})
	fast := newEndpoint(t, nil)
	hungPost, _ := NewPostHandler(hung.URL, nil, 0) // no timeout, as in Kapacitor
	fastPost, _ := NewPostHandler(fast.URL, nil, 0)
	lim := quickLimits
	lim.drain = 200 * time.Millisecond
	n := newDeliveryNode(t, lim, []string{"post0", "post1"}, hungPost, fastPost)

	start := time.Now()
	for i := range 200 {
		n.fire(t, i)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("200 events took the task %v", d)
	}
	waitFor(t, "the fast endpoint", func() bool { got, _ := fast.received(); return len(got) == 200 })
	if got, _ := fast.received(); fmt.Sprint(got) != fmt.Sprint(upTo(200)) {
		t.Errorf("the fast endpoint got the events out of order: %v", got)
	}

	start = time.Now()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with a drain time of %v", d, lim.drain)
	}
	// The request in flight is canceled and counted as dropped too.
	waitFor(t, "the hung handler's counts", func() bool { return n.count("post0_dropped") == 200 })
	if c := n.counts("post0"); c != "sent 0 failed 0 dropped 200" {
		t.Errorf("post0: %s", c)
	}
	if c := n.counts("post1"); c != "sent 200 failed 0 dropped 0" {
		t.Errorf("post1: %s", c)
	}
	if log := n.log.String(); !strings.Contains(log, "handler=post0 dropped=200") || strings.Contains(log, "post1") {
		t.Errorf("log:\n%s", log)
	}
}

// A handler that cannot be interrupted holds Close no longer than the
// drain time and a short grace; what it did not take is dropped.
func TestCloseGivesUpOnAHungHandler(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	var once sync.Once
	hung := handlerFunc(func(*Data) error {
		once.Do(func() { close(entered) })
		<-release
		return nil
	})
	lim := quickLimits
	lim.drain = 100 * time.Millisecond
	n := newDeliveryNode(t, lim, []string{"slack0"}, hung)
	for i := range 10 {
		n.fire(t, i)
	}
	<-entered
	start := time.Now()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	if c := n.counts("slack0"); c != "sent 0 failed 0 dropped 9" {
		t.Errorf("slack0: %s", c)
	}
}

// Transient errors (503, 429) are retried with backoff until the endpoint
// accepts the event; a rejected event (4xx) is not retried, and a handler
// that keeps failing is logged once, not once per event.
func TestRetries(t *testing.T) {
	flaky := newEndpoint(t, func(n int, _ *http.Request) int {
		switch n {
		case 1, 2:
			return http.StatusServiceUnavailable
		case 3:
			return http.StatusTooManyRequests
		}
		return 200
	})
	rejecting := newEndpoint(t, func(int, *http.Request) int { return http.StatusBadRequest })
	flakyPost, _ := NewPostHandler(flaky.URL, nil, 0)
	rejectingPost, _ := NewPostHandler(rejecting.URL, nil, 0)
	lim := quickLimits
	lim.attempts = 4
	n := newDeliveryNode(t, lim, []string{"post0", "post1"}, flakyPost, rejectingPost)
	start := time.Now()
	for i := range 3 {
		n.fire(t, i)
	}
	waitFor(t, "the deliveries", func() bool {
		return n.count("post0_sent") == 3 && n.count("post1_failed") == 3
	})
	if d := time.Since(start); d < 70*time.Millisecond {
		t.Errorf("three retries took %v, less than their backoff of 10+20+40ms", d)
	}
	if got, requests := flaky.received(); fmt.Sprint(got) != "[0 1 2]" || requests != 6 {
		t.Errorf("the flaky endpoint accepted %v in %d requests, want [0 1 2] in 6", got, requests)
	}
	if _, requests := rejecting.received(); requests != 3 {
		t.Errorf("the rejecting endpoint got %d requests for 3 events: 4xx must not be retried", requests)
	}
	if c := n.counts("post0"); c != "sent 3 failed 0 dropped 0" {
		t.Errorf("post0: %s", c)
	}
	if c := n.counts("post1"); c != "sent 0 failed 3 dropped 0" {
		t.Errorf("post1: %s", c)
	}
	log := n.log.String()
	if strings.Count(log, "alert handler failing") != 1 || !strings.Contains(log, "handler=post1") ||
		!strings.Contains(log, "400 Bad Request") || strings.Contains(log, "handler=post0") {
		t.Errorf("log:\n%s", log)
	}
}

// Retries are bounded: an endpoint that always fails costs each event the
// given number of attempts, then the event counts as failed.
func TestRetriesGiveUp(t *testing.T) {
	down := newEndpoint(t, func(int, *http.Request) int { return http.StatusBadGateway })
	post, _ := NewPostHandler(down.URL, nil, 0)
	n := newDeliveryNode(t, quickLimits, []string{"post0"}, post)
	n.fire(t, 0)
	waitFor(t, "the failure", func() bool { return n.count("post0_failed") == 1 })
	if _, requests := down.received(); requests != quickLimits.attempts {
		t.Errorf("%d requests, want %d attempts", requests, quickLimits.attempts)
	}
}

// A full queue drops its oldest events, and counts them: the handler gets
// the freshest ones.
func TestQueueOverflowDropsOldest(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	slow := newEndpoint(t, func(n int, _ *http.Request) int {
		if n == 1 {
			close(entered)
			<-release
		}
		return 200
	})
	post, _ := NewPostHandler(slow.URL, nil, 0)
	lim := quickLimits
	lim.size = 10
	n := newDeliveryNode(t, lim, []string{"post0"}, post)
	n.fire(t, 0)
	<-entered // event 0 is being delivered; the queue is empty
	for i := 1; i < 50; i++ {
		n.fire(t, i)
	}
	if c := n.counts("post0"); c != "sent 0 failed 0 dropped 39" {
		t.Errorf("before the endpoint answers: %s", c)
	}
	close(release)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	want := append([]int{0}, upTo(50)[40:]...)
	if got, _ := slow.received(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	if c := n.counts("post0"); c != "sent 11 failed 0 dropped 39" {
		t.Errorf("post0: %s", c)
	}
	if log := n.log.String(); strings.Count(log, "falling behind") != 1 {
		t.Errorf("the overflow must be logged once a minute:\n%s", log)
	}
}

// Close delivers what is queued before it returns, in order.
func TestCloseDrains(t *testing.T) {
	ep := newEndpoint(t, func(int, *http.Request) int { time.Sleep(2 * time.Millisecond); return 200 })
	post, _ := NewPostHandler(ep.URL, nil, 0)
	n := newDeliveryNode(t, quickLimits, []string{"post0"}, post)
	for i := range 100 {
		n.fire(t, i)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := ep.received(); fmt.Sprint(got) != fmt.Sprint(upTo(100)) {
		t.Errorf("delivered %v", got)
	}
	if c := n.counts("post0"); c != "sent 100 failed 0 dropped 0" {
		t.Errorf("post0: %s", c)
	}
	if log := n.log.String(); log != "" {
		t.Errorf("log:\n%s", log)
	}
}

// The .log() handler counts its events like the others; it writes on the
// task's goroutine, so its lines are in the file's buffer when Fire
// returns.
func TestLogHandlerCounts(t *testing.T) {
	path := t.TempDir() + "/alerts.log"
	lh, _ := NewLogHandler(path, 0)
	n := newDeliveryNode(t, quickLimits, []string{"log0"}, lh)
	for i := range 5 {
		n.fire(t, i)
	}
	if c := n.counts("log0"); c != "sent 5 failed 0 dropped 0" {
		t.Errorf("log0: %s", c)
	}
}

func TestTransient(t *testing.T) {
	// A refused connection, for real.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	post, _ := NewPostHandler("http://"+addr+"/", nil, 0)
	refused := post.Handle(testData())
	// A timeout, for real.
	hung := newEndpoint(t, func(_ int, r *http.Request) int { <-r.Context().Done(); return 200 })
	post, _ = NewPostHandler(hung.URL, nil, 20*time.Millisecond)
	timeout := post.Handle(testData())

	for _, c := range []struct {
		err  error
		want bool
	}{
		{refused, true},
		{timeout, true},
		{fmt.Errorf("x: %w", &StatusError{Code: 500}), true},
		{fmt.Errorf("x: %w", &StatusError{Code: 503}), true},
		{fmt.Errorf("x: %w", &StatusError{Code: 429}), true},
		{fmt.Errorf("x: %w", &StatusError{Code: 400}), false},
		{fmt.Errorf("x: %w", &StatusError{Code: 404}), false},
		{fmt.Errorf("x: %w", io.ErrUnexpectedEOF), true},
		{errors.New("failed to marshal alert data json"), false},
	} {
		if c.err == nil {
			t.Fatal("no error")
		}
		if got := transient(c.err); got != c.want {
			t.Errorf("transient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// BenchmarkFirePointPost is BenchmarkFirePoint with a .post() handler as
// well: what the hand-over to the post handler's queue adds to an event on
// the task's goroutine. (The handler's own work, on its goroutine, is not
// measured; events it cannot keep up with are dropped from its queue.)
func BenchmarkFirePointPost(b *testing.B) {
	tmpl, err := NewTemplates("cpu_alert", ServerInfo{Hostname: "localhost"}, DefaultID, DefaultMessage, DefaultDetails)
	if err != nil {
		b.Fatal(err)
	}
	lh, err := NewLogHandler(b.TempDir()+"/alerts.log", 0)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer srv.Close()
	post, _ := NewPostHandler(srv.URL, nil, 0)
	n, _ := NewNode(Config{History: DefaultHistory}, tmpl, "kapacitor:cpu_alert:alert2", lh, post)
	n.limits.drain = 0 // do not wait for the queue at the end
	n.Start(Delivery{Node: "alert2", Log: slog.New(slog.DiscardHandler)})
	p := &pipeline.Point{
		DB: "telegraf", RP: "autogen", Name: "cpu", Time: t0.UnixNano(),
		Tags:   []pipeline.Tag{{Key: "cpu", Value: "cpu-total"}, {Key: "host", Value: "host042"}},
		Fields: []pipeline.Field{{Key: "usage_idle", Value: pipeline.FloatValue(67.25)}},
		Group:  pipeline.NewGroups().Root(),
	}
	ev := Event{Level: Critical, Time: t0, Duration: time.Minute}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Fire(ev, PointInput(p)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	n.Close()
}

// Topic handlers get queues too: a hanging one holds up neither the tasks
// publishing to the topic nor the topic's other handlers, each sees the
// events in order, and HandlerStats counts them as an alert node's
// handlers are counted (an event a handler skips is neither sent nor
// failed).
func TestTopicHandlerQueues(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hung := newEndpoint(t, func(_ int, r *http.Request) int {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return 200
	})
	fast := newEndpoint(t, nil)
	rejecting := newEndpoint(t, func(int, *http.Request) int { return http.StatusBadRequest })
	log := &syncBuffer{}
	ts := NewTopics(slog.New(slog.NewTextHandler(log, nil)))
	ts.limits = quickLimits
	ts.limits.drain = 200 * time.Millisecond
	hungPost, _ := NewPostHandler(hung.URL, nil, 0)
	fastPost, _ := NewPostHandler(fast.URL, nil, 0)
	rejectingPost, _ := NewPostHandler(rejecting.URL, nil, 0)
	ts.AddHandler("cpu", "slow", hungPost)
	ts.AddHandler("cpu", "fast", fastPost)
	ts.AddHandler("cpu", "rejected", rejectingPost)
	ts.AddHandler("cpu", "odd", handlerFunc(func(d *Data) error {
		if d.Time.Sub(t0)/time.Second%2 == 0 {
			return ErrSkipped
		}
		return nil
	}))

	start := time.Now()
	for i := range 100 {
		ts.Collect("cpu", &Data{ID: "cpu:a", Level: Critical, Time: t0.Add(time.Duration(i) * time.Second)})
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("100 events took the publishing task %v", d)
	}
	waitFor(t, "the fast endpoint", func() bool { got, _ := fast.received(); return len(got) == 100 })
	if got, _ := fast.received(); fmt.Sprint(got) != fmt.Sprint(upTo(100)) {
		t.Errorf("the fast endpoint got the events out of order: %v", got)
	}
	waitFor(t, "the slow handler's queue", func() bool { return ts.HandlerStats()[0].Queued == 99 })

	start = time.Now()
	if err := ts.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with a drain time of %v", d, ts.limits.drain)
	}
	ts.Collect("cpu", &Data{ID: "cpu:a", Level: OK, Time: t0.Add(100 * time.Second)}) // after Close: dropped
	want := []TopicHandlerStats{
		{Topic: "cpu", Handler: "slow", Dropped: 101},
		{Topic: "cpu", Handler: "fast", Sent: 100, Dropped: 1},
		{Topic: "cpu", Handler: "rejected", Failed: 100, Dropped: 1},
		{Topic: "cpu", Handler: "odd", Sent: 50, Dropped: 1},
	}
	if got := ts.HandlerStats(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stats:\n got %+v\nwant %+v", got, want)
	}
	// Failures are logged once, not per event, with the topic and handler.
	l := log.String()
	if strings.Count(l, "topic=cpu handler=rejected") != 1 || !strings.Contains(l, "topic=cpu handler=slow dropped=100") {
		t.Errorf("log:\n%s", l)
	}
}

// Delivery.Gauge gets the length of each queued handler's queue, and none
// for the .log() handler, which has no queue.
func TestQueueGauges(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hung := handlerFunc(func(*Data) error {
		once.Do(func() { close(entered) })
		<-release
		return nil
	})
	logh, err := NewLogHandler(t.TempDir()+"/alerts.log", 0)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, _ := NewTemplates("task", ServerInfo{}, DefaultID, DefaultMessage, DefaultDetails)
	n, err := NewNode(Config{History: DefaultHistory}, tmpl, "kapacitor:task:alert2", logh, hung)
	if err != nil {
		t.Fatal(err)
	}
	gauges := map[string]func() int64{}
	n.Start(Delivery{Node: "alert2", Names: []string{"log0", "slack0"},
		Gauge: func(name string, read func() int64) { gauges[name] = read }})
	dn := &deliveryNode{Node: n}
	for i := range 5 {
		dn.fire(t, i)
	}
	<-entered
	if len(gauges) != 1 || gauges["slack0_queued"] == nil {
		t.Fatalf("gauges %v, want slack0_queued only", gauges)
	}
	if got := gauges["slack0_queued"](); got != 4 {
		t.Errorf("slack0_queued = %d, want 4 (one event in the handler)", got)
	}
	close(release)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if got := gauges["slack0_queued"](); got != 0 {
		t.Errorf("slack0_queued after Close = %d", got)
	}
}
