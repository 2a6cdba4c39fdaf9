package server_test

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/server/servertest"
)

// startFake starts an instance of a fake task reading dbrps.
func startFake(t *testing.T, id string, dbrps ...pipeline.DBRP) (*server.Task, *servertest.Instance) {
	t.Helper()
	fake := servertest.New(id, true)
	if len(dbrps) > 0 {
		fake.Program.DBRPs = dbrps
	}
	inst, err := fake.Program.New(&pipeline.Env{})
	if err != nil {
		t.Fatal(err)
	}
	return server.NewTask(&fake.Program, inst), fake.Last()
}

func texts(points []pipeline.Point) string {
	var out []string
	for _, p := range points {
		out = append(out, pointText(p))
	}
	return strings.Join(out, "\n")
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRouterRoutesByDBRP(t *testing.T) {
	a, instA := startFake(t, "a")
	b, instB := startFake(t, "b")
	c, instC := startFake(t, "c", pipeline.DBRP{DB: "telegraf", RP: "other"})
	r := server.NewRouter([]*server.Task{c, a, b})
	now := time.Unix(100, 0)

	res := r.Write("telegraf", "autogen", []byte("cpu,host=h1 value=91 1\ncpu,host=h2 value=1 2\nbad line\n"), lineprotocol.Nanosecond, now)
	if res.Points != 2 || res.Ignored != 0 || res.Bad != 1 {
		t.Errorf("write to autogen: %+v", res)
	}
	res = r.Write("telegraf", "other", []byte("mem used=3i 3\n"), lineprotocol.Nanosecond, now)
	if res.Points != 1 || res.Ignored != 0 {
		t.Errorf("write to other: %+v", res)
	}
	res = r.Write("nobody", "", []byte("cpu value=1 4\n"), lineprotocol.Nanosecond, now)
	if res.Points != 0 || res.Ignored != 1 {
		t.Errorf("write to nobody: %+v", res)
	}
	if err := r.Close(); err != nil { // waits for the queues
		t.Fatal(err)
	}

	want := "cpu,host=h1 value=float:91 1\ncpu,host=h2 value=float:1 2"
	for name, in := range map[string]*servertest.Instance{"a": instA, "b": instB} {
		if got := texts(in.Points()); got != want {
			t.Errorf("task %s got\n%s\nwant\n%s", name, got, want)
		}
	}
	if got := texts(instC.Points()); got != "mem used=int:3 3" {
		t.Errorf("task c got %q", got)
	}
	// Each task counts as it would alone: the points of its dbrps, the
	// others as ignored, and every bad line.
	if got, want := a.Counts(), (server.Counts{Received: 2, Ignored: 2, Rejected: 1}); got != want {
		t.Errorf("task a counts %+v, want %+v", got, want)
	}
	if got, want := c.Counts(), (server.Counts{Received: 1, Ignored: 3, Rejected: 1}); got != want {
		t.Errorf("task c counts %+v, want %+v", got, want)
	}
	if got, want := r.Counts(), (server.Counts{Received: 3, Ignored: 1, Rejected: 1}); got != want {
		t.Errorf("router counts %+v, want %+v", got, want)
	}
	if got := r.Tasks(); got[0] != a || got[1] != b || got[2] != c {
		t.Errorf("tasks not sorted by ID")
	}
}

// blocking is an instance whose Point waits until released, like a task
// whose alert handler waits on a slow service.
type blocking struct {
	release chan struct{}
	mu      sync.Mutex
	seen    int
	stats   []*pipeline.NodeStats
}

func (b *blocking) Point(*pipeline.Point) {
	<-b.release
	b.mu.Lock()
	b.seen++
	b.mu.Unlock()
}
func (b *blocking) Stats() []*pipeline.NodeStats   { return b.stats }
func (b *blocking) HTTPOut(string, io.Writer) bool { return false }
func (b *blocking) Close() error                   { return nil }

func (b *blocking) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seen
}

func startBlocking(id string) (*server.Task, *blocking) {
	fake := servertest.New(id, false)
	inst := &blocking{release: make(chan struct{}), stats: []*pipeline.NodeStats{
		pipeline.NewNodeStats(1), pipeline.NewNodeStats(1), pipeline.NewNodeStats(0)}}
	return server.NewTask(&fake.Program, inst), inst
}

func TestRouterSlowTaskDoesNotDelayOthers(t *testing.T) {
	slow, blocked := startBlocking("slow")
	fast, instFast := startFake(t, "fast")
	r := server.NewRouter([]*server.Task{slow, fast})

	// While the slow task is stuck on its first point, the fast task gets
	// every write, and the writes are answered.
	for i := range 10 {
		res := r.Write("telegraf", "autogen", []byte("cpu value=1 "+strconv.Itoa(i+1)+"\n"), lineprotocol.Nanosecond, time.Now())
		if res.Points != 1 {
			t.Fatalf("write %d: %+v", i, res)
		}
	}
	waitFor(t, "the fast task", func() bool { return instFast.Count() == 10 })
	if n := blocked.count(); n != 0 {
		t.Fatalf("the slow task went on: %d points", n)
	}
	close(blocked.release)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if n := blocked.count(); n != 10 {
		t.Errorf("the slow task got %d points after it was released, want 10", n)
	}
	if r.Waits() != 0 {
		t.Errorf("%d writes waited, want none", r.Waits())
	}
}

// When a task falls QueueLength writes behind, writes wait for it (nothing
// is dropped), and the other tasks still have every write queued before.
func TestRouterFullQueueWaits(t *testing.T) {
	slow, blocked := startBlocking("slow")
	fast, instFast := startFake(t, "fast")
	r := server.NewRouter([]*server.Task{slow, fast})

	n := server.QueueLength + 3 // one taken by the blocked worker, then a full queue, then one waits
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range n {
			r.Write("telegraf", "autogen", []byte("cpu value=1 1\n"), lineprotocol.Nanosecond, time.Now())
		}
	}()
	waitFor(t, "a write to wait", func() bool { return r.Waits() > 0 })
	waitFor(t, "the fast task", func() bool { return instFast.Count() >= server.QueueLength+1 })
	select {
	case <-done:
		t.Fatal("every write was answered while the slow task's queue was full")
	default:
	}
	close(blocked.release)
	<-done
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got := blocked.count(); got != n {
		t.Errorf("the slow task got %d points, want %d", got, n)
	}
	if got := instFast.Count(); got != n {
		t.Errorf("the fast task got %d points, want %d", got, n)
	}
}

func TestMultiServerAPI(t *testing.T) {
	a, _ := startFake(t, "a")
	b, _ := startFake(t, "b", pipeline.DBRP{DB: "db", RP: "rp"})
	r := server.NewRouter([]*server.Task{b, a})
	srv := httptest.NewServer(server.NewMulti(r, server.Options{Version: "test"}))
	defer func() {
		srv.Close()
		r.Close()
	}()

	if res := post(t, srv.URL+"/write?db=db&rp=rp", "cpu value=95 1\n"); res.code != 204 {
		t.Fatalf("write: %d %s", res.code, res.body)
	}
	waitFor(t, "task b", func() bool { return b.Counts().Received == 1 })

	res := do(t, "GET", srv.URL+"/kapacitor/v1/tasks?fields=type&fields=dbrps", nil, nil)
	want := `{
    "tasks": [
        {
            "dbrps": [
                {
                    "db": "telegraf",
                    "rp": "autogen"
                }
            ],
            "id": "a",
            "link": {
                "rel": "self",
                "href": "/kapacitor/v1/tasks/a"
            },
            "type": "stream"
        },
        {
            "dbrps": [
                {
                    "db": "db",
                    "rp": "rp"
                }
            ],
            "id": "b",
            "link": {
                "rel": "self",
                "href": "/kapacitor/v1/tasks/b"
            },
            "type": "stream"
        }
    ]
}`
	if res.code != 200 || res.body != want {
		t.Errorf("list: %d\n%s\nwant\n%s", res.code, res.body, want)
	}
	res = do(t, "GET", srv.URL+"/kapacitor/v1/tasks?fields=id&pattern=b*&offset=0&limit=1", nil, nil)
	if !strings.Contains(res.body, `"id": "b"`) || strings.Contains(res.body, `"id": "a"`) {
		t.Errorf("pattern b*: %s", res.body)
	}
	res = do(t, "GET", srv.URL+"/kapacitor/v1/tasks?fields=id&offset=1", nil, nil)
	if !strings.Contains(res.body, `"id": "b"`) || strings.Contains(res.body, `"id": "a"`) {
		t.Errorf("offset 1: %s", res.body)
	}

	res = do(t, "GET", srv.URL+"/kapacitor/v1/tasks/b", nil, nil)
	var info server.TaskInfo
	if err := json.Unmarshal([]byte(res.body), &info); err != nil || res.code != 200 {
		t.Fatalf("task b: %d %s", res.code, res.body)
	}
	if info.ID != "b" || !strings.Contains(info.Dot, `alert2 [alerts_triggered="1"`) {
		t.Errorf("task b: %+v", info)
	}
	if res := do(t, "GET", srv.URL+"/kapacitor/v1/tasks/b/out", nil, nil); res.code != 200 || !strings.Contains(res.body, `"value"`) {
		t.Errorf("httpOut of b: %d %s", res.code, res.body)
	}
	if res := do(t, "GET", srv.URL+"/kapacitor/v1/tasks/a/out", nil, nil); res.code != 200 || res.body != "{\"series\":null}\n" {
		t.Errorf("httpOut of a: %d %q", res.code, res.body)
	}
	if res := do(t, "GET", srv.URL+"/kapacitor/v1/tasks/c", nil, nil); res.code != 404 {
		t.Errorf("unknown task: %d %s", res.code, res.body)
	}
}

// In steady state a write allocates nothing: the parsed points are reused
// once every task has taken them.
func TestRouterWriteDoesNotAllocate(t *testing.T) {
	var tasks []*server.Task
	for _, id := range []string{"a", "b", "c"} {
		fake := servertest.New(id, false)
		inst, err := fake.Program.New(&pipeline.Env{})
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, server.NewTask(&fake.Program, inst))
	}
	r := server.NewRouter(tasks)
	defer r.Close()
	body := []byte(strings.Repeat("cpu,host=h1,cpu=cpu-total value=91.5 1\nmem,host=h2 used=3i 2\n", 100))
	now := time.Now()
	var want int64
	write := func() {
		r.Write("telegraf", "autogen", body, lineprotocol.Nanosecond, now)
		want += 200
		// Wait for the tasks, so that the write goes back to the pool.
		for _, task := range tasks {
			for task.Counts().Received < want {
				runtime.Gosched()
			}
		}
	}
	for range 10 {
		write()
	}
	if allocs := testing.AllocsPerRun(100, write); allocs > 1 {
		t.Errorf("%.1f allocations per write of 200 points", allocs)
	}
}

// Close while a write waits for a full queue: the write gives up on the
// stopping task, and writes after Close are ignored rather than panicking.
func TestRouterCloseWhileWriteWaits(t *testing.T) {
	slow, blocked := startBlocking("slow")
	r := server.NewRouter([]*server.Task{slow})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range server.QueueLength + 3 {
			r.Write("telegraf", "autogen", []byte("cpu value=1 1\n"), lineprotocol.Nanosecond, time.Now())
		}
	}()
	waitFor(t, "a write to wait", func() bool { return r.Waits() > 0 })
	closed := make(chan error)
	go func() { closed <- r.Close() }()
	<-done // the waiting write gave up
	close(blocked.release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if got := blocked.count(); got != server.QueueLength+1 {
		t.Errorf("the task got %d points, want the %d it had taken or queued", got, server.QueueLength+1)
	}
	if res := r.Write("telegraf", "autogen", []byte("cpu value=1 1\n"), lineprotocol.Nanosecond, time.Now()); res.Points != 0 || res.Ignored != 1 {
		t.Errorf("write after Close: %+v", res)
	}
}
