package taskcli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server/servertest"
)

// multiFakes are two fake tasks reading different dbrps.
func multiFakes() (a, b *servertest.Fake) {
	a = servertest.New("cpu_alert", true)
	b = servertest.New("a_much_longer_task_id_than_thirty", true)
	b.Program.DBRPs = []pipeline.DBRP{{DB: "db", RP: "rp"}}
	return a, b
}

func runMulti(t *testing.T, ctx context.Context, progs []*pipeline.Program, onListen func(string), args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &multiRunner{progs: progs, stdout: &stdout, stderr: &stderr, onListen: onListen}
	code := m.run(ctx, append([]string{"tasks"}, args...))
	return result{code, stdout.String(), stderr.String()}
}

func TestMultiServeListShow(t *testing.T) {
	a, b := multiFakes()
	progs := []*pipeline.Program{&a.Program, &b.Program} // sorted by ID
	progs[0], progs[1] = progs[1], progs[0]
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan result, 1)
	go func() {
		done <- runMulti(t, ctx, progs, func(a string) { addr <- a }, "serve", "--http-bind", "127.0.0.1:0")
	}()
	var url string
	select {
	case url = <-addr:
		url = "http://" + url
	case res := <-done:
		t.Fatalf("serve ended: %+v", res)
	}

	resp, err := http.Post(url+"/write?db=db&rp=rp", "text/plain", strings.NewReader("cpu value=95 1\ncpu value=1 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for b.Last().Count() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if a.Last().Count() != 0 || b.Last().Count() != 2 {
		t.Errorf("points: cpu_alert %d, %s %d; want 0 and 2", a.Last().Count(), b.Program.ID, b.Last().Count())
	}

	res := runMulti(t, context.Background(), progs, nil, "list", "--url", url)
	want := `ID                                Type      Status    Executing Databases and Retention Policies
a_much_longer_task_id_than_thirty stream    enabled   true      ["db"."rp"]
cpu_alert                         stream    enabled   true      ["telegraf"."autogen"]
`
	if res.code != 0 || res.stdout != want {
		t.Errorf("list: %d\n%s\nwant\n%s\n%s", res.code, res.stdout, want, res.stderr)
	}
	res = runMulti(t, context.Background(), progs, nil, "list", "--url", url, "cpu*")
	if res.code != 0 || strings.Contains(res.stdout, "a_much") || !strings.Contains(res.stdout, "cpu_alert ") {
		t.Errorf("list cpu*: %d\n%s", res.code, res.stdout)
	}

	res = runMulti(t, context.Background(), progs, nil, "show", "--url", url, b.Program.ID)
	for _, line := range []string{"ID: " + b.Program.ID, "Status: enabled", "Executing: true",
		`Databases Retention Policies: ["db"."rp"]`, `alert2 [alerts_triggered="1" `} {
		if res.code != 0 || !strings.Contains(res.stdout, line) {
			t.Errorf("show: want %q in\n%s%s", line, res.stdout, res.stderr)
		}
	}
	if res := runMulti(t, context.Background(), progs, nil, "show", "--url", url, "nope"); res.code != 2 || !strings.Contains(res.stderr, `no task "nope"`) {
		t.Errorf("show of an unknown task: %+v", res)
	}

	cancel()
	if res := <-done; res.code != 0 {
		t.Fatalf("serve: %+v", res)
	}
	// Nothing listens any more: list shows the tasks as compiled.
	res = runMulti(t, context.Background(), progs, nil, "list", "--url", url)
	want = `ID                                Type      Status    Executing Databases and Retention Policies
a_much_longer_task_id_than_thirty stream    disabled  false     ["db"."rp"]
cpu_alert                         stream    disabled  false     ["telegraf"."autogen"]
`
	if res.code != 0 || res.stdout != want {
		t.Errorf("static list: %d\n%s\nwant\n%s", res.code, res.stdout, want)
	}
}

func TestMultiReplay(t *testing.T) {
	a, b := multiFakes()
	progs := []*pipeline.Program{&b.Program, &a.Program}
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.srpl")
	srpl := "telegraf\nautogen\ncpu value=95 1\ndb\nrp\ncpu value=1 2\ntelegraf\nautogen\ncpu value=2 3\nother\nautogen\ncpu value=3 4\n"
	if err := os.WriteFile(rec, []byte(srpl), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runMulti(t, context.Background(), progs, nil, "replay", "--rec-time", rec)
	if res.code != 0 || !strings.Contains(res.stderr, "replayed 3 points") || !strings.Contains(res.stderr, "skipped 1 points") {
		t.Fatalf("replay: %+v", res)
	}
	if got := pointTimes(a.Last().Points()); got != "1 3" {
		t.Errorf("cpu_alert got points at %s, want 1 3", got)
	}
	if got := pointTimes(b.Last().Points()); got != "2" {
		t.Errorf("%s got points at %s, want 2", b.Program.ID, got)
	}

	res = runMulti(t, context.Background(), progs, nil, "replay", "--rec-time", "--task", b.Program.ID, rec)
	if res.code != 0 || len(a.Instances()) != 1 || pointTimes(b.Last().Points()) != "2" {
		t.Errorf("replay --task: %+v; cpu_alert started %d times", res, len(a.Instances()))
	}
}

func pointTimes(points []pipeline.Point) string {
	var out []string
	for _, p := range points {
		out = append(out, strconv.FormatInt(p.Time, 10))
	}
	return strings.Join(out, " ")
}

// The alert service the first task makes (topichandlers.Shared stores it
// in its Env) is given to the others.
func TestMultiSharesAlertService(t *testing.T) {
	a, b := multiFakes()
	var seen []any
	for _, f := range []*servertest.Fake{a, b} {
		newInstance := f.Program.New
		f.Program.New = func(env *pipeline.Env) (pipeline.Instance, error) {
			if env.Alerts == nil {
				env.Alerts = new(int)
			}
			seen = append(seen, env.Alerts)
			return newInstance(env)
		}
	}
	progs := []*pipeline.Program{&b.Program, &a.Program}
	rec := filepath.Join(t.TempDir(), "rec.srpl")
	if err := os.WriteFile(rec, []byte("telegraf\nautogen\ncpu value=95 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := runMulti(t, context.Background(), progs, nil, "replay", rec); res.code != 0 {
		t.Fatalf("replay: %+v", res)
	}
	if len(seen) != 2 || seen[0] != seen[1] {
		t.Errorf("the tasks got alert services %v, want one shared", seen)
	}
}
