package taskcli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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

// serveMulti runs args (serve or record stream) in the background and
// returns its URL and a function that stops it and returns its result.
func serveMulti(t *testing.T, progs []*pipeline.Program, args ...string) (string, func() result) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan result, 1)
	go func() {
		done <- runMulti(t, ctx, progs, func(a string) { addr <- a }, append(args, "--http-bind", "127.0.0.1:0")...)
	}()
	select {
	case a := <-addr:
		return "http://" + a, func() result { cancel(); return <-done }
	case res := <-done:
		cancel()
		t.Fatalf("%v ended: %+v", args, res)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("%v not listening after 10s", args)
	}
	return "", nil
}

// record stream --task records what is written for that task's DBRPs,
// while every task runs.
func TestMultiRecordStream(t *testing.T) {
	a, b := multiFakes()
	progs := []*pipeline.Program{&b.Program, &a.Program}
	file := filepath.Join(t.TempDir(), "b.srpl")
	url, stop := serveMulti(t, progs, "record", "stream", "--task", b.Program.ID, "--duration", "1m", "-o", file)
	post(t, url+"/write?db=telegraf&rp=autogen", "cpu value=1 1\n")
	post(t, url+"/write?db=db&rp=rp", "cpu,host=x value=2 2\nmem used=3i 3\n")
	deadline := time.Now().Add(10 * time.Second)
	for (a.Last().Count() < 1 || b.Last().Count() < 2) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	res := stop()
	if res.code != 0 || !strings.Contains(res.stderr, "msg=recorded points=2 skipped=0") {
		t.Fatalf("record stream: %+v", res)
	}
	if a.Last().Count() != 1 {
		t.Errorf("cpu_alert got %d points while recording, want 1", a.Last().Count())
	}
	fresh := servertest.New(b.Program.ID, true)
	fresh.Program.DBRPs = b.Program.DBRPs
	rep := runMulti(t, context.Background(), []*pipeline.Program{&fresh.Program}, nil, "replay", "--rec-time", file)
	if got := pointTimes(fresh.Last().Points()); rep.code != 0 || got != "2 3" {
		t.Errorf("the recording replays points at %q, want \"2 3\": %+v", got, rep)
	}

	if res := runMulti(t, context.Background(), progs, nil, "record", "stream", "--task", "nope", "-o", file); res.code != 2 || !strings.Contains(res.stderr, `no task "nope"`) {
		t.Errorf("record stream of an unknown task: %+v", res)
	}
	if res := runMulti(t, context.Background(), progs, nil, "record", "batch", "--past", "1h", "-o", file); res.code != 2 || !strings.Contains(res.stderr, "needs --task ID") {
		t.Errorf("record batch without --task: %+v", res)
	}
	if res := runMulti(t, context.Background(), progs, nil, "record", "batch", "--task", "cpu_alert", "--past", "1h", "-o", file); res.code != 2 || !strings.Contains(res.stderr, "needs a batch task") {
		t.Errorf("record batch of a stream task: %+v", res)
	}
}

// A task defined from a template reports its template and vars as
// Kapacitor does: in the task resource and in show's Vars table.
func TestMultiTemplateTask(t *testing.T) {
	a, b := multiFakes()
	b.Program.TemplateID = "threshold"
	b.Program.Vars = []pipeline.Var{
		{Name: "crit", Type: "lambda", Value: `"value" > 90`},
		{Name: "groups", Type: "list", Value: []pipeline.Var{{Type: "string", Value: "host"}, {Type: "star"}}},
		{Name: "n", Type: "int", Value: int64(3)},
		{Name: "period", Type: "duration", Value: 90 * time.Second},
		{Name: "threshold", Type: "float", Value: 90.0},
	}
	progs := []*pipeline.Program{&b.Program, &a.Program}
	wantVars := `Vars:
Name                          Type      Value                                   
crit                          lambda    "value" > 90                            
groups                        list      [host, *]                               
n                             int       3                                       
period                        duration  1m30s                                   
threshold                     float     90                                      
DOT:
`
	url, stop := serveMulti(t, progs, "serve")
	// GET /kapacitor/v1/tasks/ID has them (Kapacitor's task list does not).
	for id, want := range map[string]string{
		"cpu_alert":  `"template-id":"","type":"stream",`,
		b.Program.ID: `"template-id":"threshold","type":"stream",`,
	} {
		if body := getCompact(t, url+"/kapacitor/v1/tasks/"+id); !strings.Contains(body, want) {
			t.Errorf("GET /kapacitor/v1/tasks/%s lacks %s in\n%s", id, want, body)
		}
	}
	wantJSON := `"vars":{"crit":{"type":"lambda","value":"\"value\" \u003e 90","description":""},` +
		`"groups":{"type":"list","value":[{"type":"string","value":"host","description":""},{"type":"star","value":null,"description":""}],"description":""},` +
		`"n":{"type":"int","value":3,"description":""},"period":{"type":"duration","value":90000000000,"description":""},` +
		`"threshold":{"type":"float","value":90,"description":""}}`
	if body := getCompact(t, url+"/kapacitor/v1/tasks/"+b.Program.ID); !strings.Contains(body, wantJSON) {
		t.Errorf("GET /kapacitor/v1/tasks/%s lacks\n%s\nin\n%s", b.Program.ID, wantJSON, body)
	}
	if body := getCompact(t, url+"/kapacitor/v1/tasks/cpu_alert"); !strings.Contains(body, `"vars":{}`) {
		t.Errorf("GET /kapacitor/v1/tasks/cpu_alert lacks \"vars\":{} in\n%s", body)
	}
	live := runMulti(t, context.Background(), progs, nil, "show", "--url", url, b.Program.ID)
	plain := runMulti(t, context.Background(), progs, nil, "show", "--url", url, "cpu_alert")
	if res := stop(); res.code != 0 {
		t.Fatalf("serve: %+v", res)
	}
	static := runMulti(t, context.Background(), progs, nil, "show", "--url", url, b.Program.ID)
	for _, res := range []result{live, static} {
		if res.code != 0 || !strings.Contains(res.stdout, "\nTemplate: threshold\n") || !strings.Contains(res.stdout, wantVars) {
			t.Errorf("show: want Template: threshold and\n%s\nin\n%s%s", wantVars, res.stdout, res.stderr)
		}
	}
	if !strings.Contains(plain.stdout, "\nTemplate: \n") || strings.Contains(plain.stdout, "Vars:") {
		t.Errorf("show of a task of its own:\n%s", plain.stdout)
	}
}

// getCompact GETs url and returns its JSON body without whitespace.
func getCompact(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	indented, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var body bytes.Buffer
	if err := json.Compact(&body, indented); err != nil {
		t.Fatalf("%v: %s", err, indented)
	}
	return body.String()
}
