package server_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/server/servertest"
	"github.com/tickc/tickc/runtime/timer"
)

// looper is a task that keeps what it receives and loops points back, as a
// kapacitorLoopback node does, to its to database and retention policy,
// renamed "looped" and tagged with the task's ID: the points of
// measurement "cpu", and the points with an integer field ttl above 0,
// with ttl one less (so that tests can build cycles that end).
type looper struct {
	id    string
	env   *pipeline.Env
	to    pipeline.DBRP
	gate  chan struct{} // when set, Point waits until it is closed
	stats []*pipeline.NodeStats

	mu    sync.Mutex
	got   []pipeline.Point
	fired bool // the timer of timerPoints fired
}

// looperOptions: timerPoints, when not 0, makes the looper also loop back
// that many points from a timer 1 ms after it starts (as a stats node's).
type looperOptions struct {
	gate        chan struct{}
	timerPoints int
}

func (l *looper) Point(p *pipeline.Point) {
	if l.gate != nil {
		<-l.gate
	}
	l.mu.Lock()
	l.got = append(l.got, p.Clone())
	l.mu.Unlock()
	ttl, hasTTL := p.Field("ttl")
	if p.Name != "cpu" && (!hasTTL || ttl.I <= 0) {
		return
	}
	q := p.Clone()
	q.DB, q.RP, q.Name, q.Group = l.to.DB, l.to.RP, "looped", nil
	q.SetTag("from", l.id)
	if hasTTL {
		q.SetField("ttl", pipeline.IntValue(ttl.I-1))
	}
	l.env.Loopback(&q)
}

func (l *looper) Stats() []*pipeline.NodeStats   { return l.stats }
func (l *looper) HTTPOut(string, io.Writer) bool { return false }
func (l *looper) Close() error                   { return nil }

func (l *looper) points() []pipeline.Point {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]pipeline.Point(nil), l.got...)
}

func (l *looper) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.got)
}

// countTTL is how many points with ttl = v the looper received.
func (l *looper) countTTL(v int64) int {
	n := 0
	for _, p := range l.points() {
		if f, ok := p.Field("ttl"); ok && f.I == v {
			n++
		}
	}
	return n
}

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// startLooper starts a looper task reading dbrps, with the Loopback its
// Env.Loopback writes to, and, for timerPoints, its timers.
func startLooper(t *testing.T, id string, to pipeline.DBRP, o looperOptions, dbrps ...pipeline.DBRP) (*server.Task, *looper, *server.Loopback, *timer.Schedule) {
	t.Helper()
	prog := servertest.New(id, false).Program
	prog.DBRPs = dbrps
	var inst *looper
	prog.New = func(env *pipeline.Env) (pipeline.Instance, error) {
		inst = &looper{id: id, env: env, to: to, gate: o.gate, stats: []*pipeline.NodeStats{
			pipeline.NewNodeStats(1), pipeline.NewNodeStats(1), pipeline.NewNodeStats(0)}}
		if o.timerPoints > 0 {
			env.Timers.After(time.Millisecond, func(now time.Time) {
				for i := range o.timerPoints {
					p := pipeline.Point{DB: to.DB, RP: to.RP, Name: "looped", Time: now.UnixNano() + int64(i),
						Fields: []pipeline.Field{{Key: "i", Value: pipeline.IntValue(int64(i))}}}
					env.Loopback(&p)
				}
				inst.mu.Lock()
				inst.fired = true
				inst.mu.Unlock()
			})
		}
		return inst, nil
	}
	loop := server.NewLoopback(discardLog)
	sched := timer.New(time.Now())
	if _, err := prog.New(&pipeline.Env{Loopback: loop.Write, Timers: sched}); err != nil {
		t.Fatal(err)
	}
	return server.NewTask(&prog, inst), inst, loop, sched
}

func dbrp(db, rp string) pipeline.DBRP { return pipeline.DBRP{DB: db, RP: rp} }

// closeWithin closes r, failing the test if that takes 10 s (a deadlock).
func closeWithin(t *testing.T, r *server.Router) {
	t.Helper()
	closed := make(chan error, 1)
	go func() { closed <- r.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return within 10 s")
	}
}

// What a task loops back reaches the other tasks that read its database
// and retention policy, with the loopback's name, tags, fields and the
// point's time, and no other task: not one of another retention policy,
// and not the task itself even if it read that database.
func TestRouterLoopbackReachesReaders(t *testing.T) {
	derived := dbrp("derived", "autogen")
	// a reads what it loops back into, which the compiler refuses: the
	// router must not send a's points back to a all the same.
	a, instA, loopA, _ := startLooper(t, "a", derived, looperOptions{}, dbrp("telegraf", "autogen"), derived)
	b, instB, loopB, _ := startLooper(t, "b", dbrp("nowhere", "autogen"), looperOptions{}, derived)
	c, instC, loopC, _ := startLooper(t, "c", dbrp("nowhere", "autogen"), looperOptions{}, dbrp("derived", "other"))
	d, instD := startFake(t, "d") // telegraf.autogen
	r := server.NewRouter([]*server.Task{a, b, c, d})
	r.ConnectLoopback(a, loopA)
	r.ConnectLoopback(b, loopB)
	r.ConnectLoopback(c, loopC)

	res := r.Write("telegraf", "autogen", []byte("cpu,host=h1 value=91 1000\ncpu,host=h2 value=3i,ok=true 2000\nmem used=5i 3000\n"), lineprotocol.Nanosecond, time.Now())
	if res.Points != 3 {
		t.Fatalf("write: %+v", res)
	}
	waitFor(t, "task b", func() bool { return instB.count() == 2 })
	waitFor(t, "task d", func() bool { return instD.Count() == 3 })
	closeWithin(t, r)

	want := []string{
		"looped,from=a,host=h1 value=float:91 1000",
		"looped,from=a,host=h2 ok=bool:true,value=int:3 2000",
	}
	if diff := cmp.Diff(want, pointTexts(instB.points())); diff != "" {
		t.Errorf("task b got (-want +got):\n%s", diff)
	}
	for _, p := range instB.points() {
		if p.DB != "derived" || p.RP != "autogen" {
			t.Errorf("task b got a point of %s.%s, want derived.autogen", p.DB, p.RP)
		}
	}
	if got := pointTexts(instA.points()); len(got) != 3 || strings.Contains(strings.Join(got, "\n"), "looped") {
		t.Errorf("task a got its own loopback:\n%s", strings.Join(got, "\n"))
	}
	if n := instC.count(); n != 0 {
		t.Errorf("task c, of derived.other, got %d points", n)
	}
	if n := instD.Count(); n != 3 {
		t.Errorf("task d got %d points, want the 3 written", n)
	}
	// b counts the 3 points written to telegraf as ignored, as it would
	// alone, and the 2 looped back as received.
	if got, want := b.Counts(), (server.Counts{Received: 2, Ignored: 3}); got != want {
		t.Errorf("task b counts %+v, want %+v", got, want)
	}
	if got := r.Counts(); got.Received != 3 {
		t.Errorf("router counts %+v: looped-back points are not written points", got)
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		if n := r.LoopbackDropped(id); n != 0 {
			t.Errorf("%d points looped back to %s dropped", n, id)
		}
	}
}

// Points looped back from a timer, outside any write, reach the readers
// too, whether the timer fired before the router was connected or after.
func TestRouterLoopbackFromTimer(t *testing.T) {
	for _, before := range []bool{true, false} {
		name := "after connecting"
		if before {
			name = "before connecting"
		}
		t.Run(name, func(t *testing.T) {
			a, instA, loopA, sched := startLooper(t, "a", dbrp("derived", "autogen"), looperOptions{timerPoints: 3}, dbrp("telegraf", "autogen"))
			b, instB, loopB, _ := startLooper(t, "b", dbrp("nowhere", "autogen"), looperOptions{}, dbrp("derived", "autogen"))
			if before {
				a.RunTimers(sched)
				waitFor(t, "the timer", func() bool { instA.mu.Lock(); defer instA.mu.Unlock(); return instA.fired })
			}
			r := server.NewRouter([]*server.Task{a, b})
			r.ConnectLoopback(a, loopA)
			r.ConnectLoopback(b, loopB)
			if !before {
				a.RunTimers(sched)
			}
			waitFor(t, "task b", func() bool { return instB.count() == 3 })
			closeWithin(t, r)
			for i, p := range instB.points() {
				if f, _ := p.Field("i"); p.Name != "looped" || p.DB != "derived" || f.I != int64(i) {
					t.Errorf("point %d: %s of %s.%s", i, pointText(p), p.DB, p.RP)
				}
			}
		})
	}
}

// Tasks looping back into each other (a into b, b into a) never deadlock,
// even while a write holds the router waiting for a's full queue: what a
// task loops back is queued without waiting, and a task whose queue is full
// misses it, counted in LoopbackDropped, /metrics and the debug vars.
func TestRouterLoopbackCycleWithFullQueues(t *testing.T) {
	gateA, gateB := make(chan struct{}), make(chan struct{})
	a, instA, loopA, _ := startLooper(t, "a", dbrp("b", "autogen"), looperOptions{gate: gateA}, dbrp("a", "autogen"))
	b, instB, loopB, _ := startLooper(t, "b", dbrp("a", "autogen"), looperOptions{gate: gateB}, dbrp("b", "autogen"))
	r := server.NewRouter([]*server.Task{a, b})
	r.ConnectLoopback(a, loopA)
	r.ConnectLoopback(b, loopB)
	srv := httptest.NewServer(server.NewMulti(r, server.Options{Version: "test"}))
	defer srv.Close()
	released := false
	defer func() { // let a failed test end
		if !released {
			close(gateA)
			close(gateB)
		}
	}()
	write := func(db, body string) {
		if res := r.Write(db, "autogen", []byte(body), lineprotocol.Nanosecond, time.Now()); res.Points == 0 {
			t.Fatalf("write to %s: %+v", db, res)
		}
	}

	// Both tasks stuck on a first point; then a's queue full.
	write("b", "x ttl=0i 1\n")
	write("a", "x ttl=2i 1\n")
	waitFor(t, "the workers to take their first write", func() bool { return r.Queued("a") == 0 && r.Queued("b") == 0 })
	for range server.QueueLength {
		write("a", "x ttl=2i 2\n")
	}
	// Five points for b that it will loop back into a.
	write("b", "x ttl=1i 3\nx ttl=1i 3\nx ttl=1i 3\nx ttl=1i 3\nx ttl=1i 3\n")
	// A write that waits for a's queue, holding the router.
	waiting := make(chan struct{})
	go func() {
		defer close(waiting)
		r.Write("a", "autogen", []byte("x ttl=2i 4\n"), lineprotocol.Nanosecond, time.Now())
	}()
	waitFor(t, "a write to wait", func() bool { return r.Waits() == 1 })

	// b goes on, loops its five points back into a's full queue: dropped.
	close(gateB)
	waitFor(t, "b's loopback to be dropped", func() bool { return r.LoopbackDropped("a") == 5 })
	if res := do(t, "GET", srv.URL+"/metrics", nil, nil); !strings.Contains(res.body, `tickc_task_loopback_points_dropped_total{task="a"} 5`) {
		t.Errorf("/metrics has no loopback drops of a:\n%s", res.body)
	}
	if res := do(t, "GET", srv.URL+"/kapacitor/v1/debug/vars", nil, nil); !strings.Contains(res.body, `"loopback,task=a": {"name": "loopback", "tags": {"task": "a"}, "values": {"points_dropped": 5}}`) {
		t.Errorf("the debug vars have no loopback drops of a:\n%s", res.body)
	}

	// a goes on: each of its 18 points (ttl 2) loops into b (ttl 1), which
	// loops it back into a (ttl 0), unless the queue it goes to is full.
	close(gateA)
	released = true
	<-waiting
	written := server.QueueLength + 2
	waitFor(t, "a's points to go round", func() bool {
		return instB.countTTL(1)-5+int(r.LoopbackDropped("b")) == written &&
			instA.countTTL(0)+int(r.LoopbackDropped("a")) == instB.countTTL(1)
	})
	closeWithin(t, r)
	if n := instA.countTTL(2); n != written {
		t.Errorf("a got %d written points, want %d", n, written)
	}
	if n := instB.countTTL(0); n != 1 {
		t.Errorf("b got %d points with ttl 0, want the one written", n)
	}
}

// DeliverLooped, a replay's loopback, hands points down a chain of tasks
// (a into b into c) and ends a cycle (d into e into d) after as many rounds
// as there are tasks.
func TestDeliverLooped(t *testing.T) {
	a, _, loopA, _ := startLooper(t, "a", dbrp("b", "autogen"), looperOptions{}, dbrp("telegraf", "autogen"))
	b, instB, loopB, _ := startLooper(t, "b", dbrp("c", "autogen"), looperOptions{}, dbrp("b", "autogen"))
	c, instC, loopC, _ := startLooper(t, "c", dbrp("nowhere", "autogen"), looperOptions{}, dbrp("c", "autogen"))
	tasks, loops := []*server.Task{a, b, c}, []*server.Loopback{loopA, loopB, loopC}
	p := pipeline.Point{Name: "cpu", Time: 7, Tags: []pipeline.Tag{{Key: "host", Value: "h1"}},
		Fields: []pipeline.Field{{Key: "ttl", Value: pipeline.IntValue(2)}}}
	if !a.Deliver("telegraf", "autogen", &p) {
		t.Fatal("a did not take the point")
	}
	if dropped := server.DeliverLooped(tasks, loops); dropped != 0 {
		t.Errorf("the chain dropped %d points", dropped)
	}
	if got := pointTexts(instB.points()); !cmp.Equal(got, []string{"looped,from=a,host=h1 ttl=int:1 7"}) {
		t.Errorf("b got %q", got)
	}
	if got := pointTexts(instC.points()); !cmp.Equal(got, []string{"looped,from=b,host=h1 ttl=int:0 7"}) {
		t.Errorf("c got %q", got)
	}
	if got := instC.points(); len(got) == 1 && (got[0].DB != "c" || got[0].RP != "autogen") {
		t.Errorf("c got a point of %s.%s", got[0].DB, got[0].RP)
	}

	// A cycle of two tasks that a ttl this large never ends.
	d, instD, loopD, _ := startLooper(t, "d", dbrp("e", "autogen"), looperOptions{}, dbrp("d", "autogen"))
	e, instE, loopE, _ := startLooper(t, "e", dbrp("d", "autogen"), looperOptions{}, dbrp("e", "autogen"))
	q := pipeline.Point{Name: "x", Time: 8, Fields: []pipeline.Field{{Key: "ttl", Value: pipeline.IntValue(1 << 40)}}}
	d.Deliver("d", "autogen", &q)
	dropped := server.DeliverLooped([]*server.Task{d, e}, []*server.Loopback{loopD, loopE})
	// Two rounds, each taking the point round the cycle once (d to e, e to
	// d); what d loops back in the third is dropped.
	if dropped != 1 || instD.count() != 3 || instE.count() != 2 {
		t.Errorf("the cycle dropped %d points, with d getting %d and e %d; want 1, 3 and 2", dropped, instD.count(), instE.count())
	}
}
