package gogen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
)

// udfScript runs a moving average on a stream and an outlier filter on
// windows, both done by the UDF test agent of runtime/udf.
const udfScript = `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('cpu')
        .groupBy('host')

data
    @movingAvg()
        .field('value')
        .size(2)
        .as('avg')
    |httpOut('avg')

data
    |window()
        .period(10s)
        .every(10s)
    @outliers()
        .field('value')
        .scale(1.5)
    |httpOut('outliers')
`

const udfInput = `cpu,host=a value=10 0
cpu,host=b value=5 0
cpu,host=a value=11 1
cpu,host=b value=7 1
cpu,host=a value=12 2
cpu,host=a value=11 3
cpu,host=a value=10 4
cpu,host=a value=95 5
cpu,host=a value=12 6
cpu,host=a value=11 7
cpu,host=a value=10 10
`

// buildTestAgent builds the UDF test agent (runtime/udf/testdata/agent)
// into a temporary directory, which it returns with the agent's path.
func buildTestAgent(t *testing.T) (dir, agent string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("this test builds a task program and needs the go command")
	}
	dir = t.TempDir()
	agent = filepath.Join(dir, "agent")
	if out, err := exec.Command("go", "build", "-o", agent, "../../runtime/udf/testdata/agent").CombinedOutput(); err != nil {
		t.Fatalf("building the test agent: %v\n%s", err, out)
	}
	return dir, agent
}

// TestUDFReplay builds a task with two @name() nodes whose agents are
// described by their info responses at build time (the config declares no
// options), replays points through it and checks what the agents' output
// left in the httpOut nodes.
func TestUDFReplay(t *testing.T) {
	dir, agent := buildTestAgent(t)
	conf := filepath.Join(dir, "udf.conf")
	writeFile(t, conf, fmt.Sprintf(`[udf.functions.movingAvg]
  prog = %[1]q
  timeout = "10s"
[udf.functions.outliers]
  prog = %[1]q
  args = ["-mode", "outliers"]
`, agent))
	udfs, err := compiler.LoadUDFs(conf)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildTask(ctx, t, dir, "udf", udfScript, compiler.Options{UDFs: udfs})
	in := filepath.Join(dir, "input.txt")
	writeFile(t, in, udfInput)
	outDir := filepath.Join(dir, "httpout")
	cmd := exec.CommandContext(ctx, bin, "replay", "--config", conf, "--rec-time", "--precision", "s", "--httpout", outDir, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.Bytes())
	}
	for name, want := range map[string]string{
		// The last average of each group: (11+10)/2 at 10s for a, (5+7)/2 at 1s for b.
		"avg": `{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","avg"],"values":[["1970-01-01T00:00:10Z",10.5]]},` +
			`{"name":"cpu","tags":{"host":"b"},"columns":["time","avg"],"values":[["1970-01-01T00:00:01Z",6]]}]}`,
		// a's window [0s, 10s) has one value outside its widened interquartile range.
		"outliers": `{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["1970-01-01T00:00:05Z",95]]}]}`,
	} {
		got, err := os.ReadFile(filepath.Join(outDir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(compactJSON(t, []byte(want)), compactJSON(t, got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return buf.String()
}

// TestGoUDFReplay builds a task using the Go functions and node types of
// a --udf package, linked into the binary, and replays points through it:
// the second point makes safeSqrt fail, which is logged.
func TestGoUDFReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("this test builds a task program and needs the go command")
	}
	u, err := compiler.LoadGoUDFs("../testdata/goudf")
	if err != nil {
		t.Fatal(err)
	}
	script := `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('temp')

data
    |eval(lambda: celsius("f"), lambda: label('room-', "n"), lambda: safeSqrt("f" - 50.0), lambda: within(duration("n", 1s), 1s))
        .as('c', 'label', 'root', 'quick')
    |httpOut('out')

data
    @scale()
        .field('f')
        .by(2.0)
    |httpOut('scaled')

data
    |window()
        .period(10s)
        .every(10s)
    @first()
        .n(1)
    |httpOut('first')
`
	task, diags := compiler.Check("goudf.tick", []byte(script), compiler.Options{GoUDFs: []*compiler.GoUDFs{u}})
	if task == nil {
		t.Fatalf("check: %v", diags)
	}
	files, err := Generate(task, "goudf.tick", []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"goudf.Celsius(", "t.scale4Node.Point(p, t.scale4Out)", "&goudf.Scale{\n\t\tBy:    2.0,\n\t\tField: \"f\",\n\t}"} {
		if !bytes.Contains(files["goudf.go"], []byte(call)) {
			t.Errorf("the generated code has no %s:\n%s", call, files["goudf.go"])
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "goudf")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opts := build.Options{Output: bin, CacheDir: filepath.Join(dir, "cache"), Modules: []build.Module{{Path: u.Module, Dir: u.ModuleDir}}}
	if err := build.Build(ctx, files, opts); err != nil {
		t.Fatalf("build: %v", err)
	}
	in := filepath.Join(dir, "input.txt")
	writeFile(t, in, "temp f=212,n=1i 0\ntemp f=32,n=2i 1\ntemp f=50,n=3i 10\n")
	outDir := filepath.Join(dir, "httpout")
	cmd := exec.CommandContext(ctx, bin, "replay", "--rec-time", "--precision", "s", "--httpout", outDir, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.Bytes())
	}
	for name, want := range map[string]string{
		"out":    `{"series":[{"name":"temp","columns":["time","c","label","quick","root"],"values":[["1970-01-01T00:00:10Z",10,"room-3",false,0]]}]}`,
		"scaled": `{"series":[{"name":"temp","columns":["time","f","n"],"values":[["1970-01-01T00:00:10Z",100,3]]}]}`,
		"first":  `{"series":[{"name":"temp","columns":["time","f","n"],"values":[["1970-01-01T00:00:00Z",212,1]]}]}`,
	} {
		got, err := os.ReadFile(filepath.Join(outDir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(compactJSON(t, []byte(want)), compactJSON(t, got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if !bytes.Contains(stderr.Bytes(), []byte("SafeSqrt of a negative number")) {
		t.Errorf("the error of safeSqrt is not logged:\n%s", stderr.Bytes())
	}
}

// snapshotScript averages each host's last three values with the test
// agent, whose snapshots hold its windows, and posts each average.
const snapshotScript = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    @movingAvg()
        .field('value')
        .size(3)
        .as('avg')
    |httpPost('POST_URL')
`

// The input of TestUDFSnapshotRestart, in two parts: the task is stopped
// after the first, when each host's window holds three values.
const (
	snapshotPart1 = `cpu,host=a value=1 1
cpu,host=b value=10 1
cpu,host=a value=2 2
cpu,host=b value=20 2
cpu,host=a value=3 3
cpu,host=b value=30 3
`
	snapshotPart2 = `cpu,host=a value=5 4
cpu,host=b value=50 4
cpu,host=a value=8 5
cpu,host=b value=80 5
cpu,host=a value=13 6
cpu,host=b value=130 6
`
)

// TestUDFSnapshotRestart serves a task whose agent answers snapshot
// requests, stops it with SIGTERM between two parts of its input and
// serves it again with the second: with --data-dir, the agent is given
// back its snapshot and the task posts what one uninterrupted run posts;
// without, the restarted agent starts from nothing, and nothing is
// written.
func TestUDFSnapshotRestart(t *testing.T) {
	dir, agent := buildTestAgent(t)
	conf := filepath.Join(dir, "udf.conf")
	writeFile(t, conf, fmt.Sprintf(`[udf.functions.movingAvg]
  prog = %q
  args = ["-snapshot"]
  timeout = "10s"
`, agent))
	udfs, err := compiler.LoadUDFs(conf)
	if err != nil {
		t.Fatal(err)
	}
	posts := &postLog{}
	srv := httptest.NewServer(posts)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildTask(ctx, t, dir, "udfsnap", strings.Replace(snapshotScript, "POST_URL", srv.URL, 1), compiler.Options{UDFs: udfs})

	// Each run's working directory, to see that nothing is written there.
	work := t.TempDir()
	serve := func(input string, args ...string) {
		t.Helper()
		serveInput(ctx, t, bin, work, input, append([]string{"--config", conf}, args...)...)
	}
	serve(snapshotPart1 + snapshotPart2)
	uninterrupted := posts.take()
	if len(uninterrupted) != 8 {
		t.Fatalf("the uninterrupted run posted %d averages, want 8 (4 a host):\n%s", len(uninterrupted), strings.Join(uninterrupted, "\n"))
	}

	dataDir := filepath.Join(t.TempDir(), "data")
	serve(snapshotPart1, "--data-dir", dataDir)
	if _, err := os.Stat(filepath.Join(dataDir, "udfsnap.db")); err != nil {
		t.Errorf("the first run kept no state: %v", err)
	}
	serve(snapshotPart2, "--data-dir", dataDir)
	if diff := cmp.Diff(uninterrupted, posts.take()); diff != "" {
		t.Errorf("posted across a restart with --data-dir (-uninterrupted +got):\n%s", diff)
	}

	serve(snapshotPart1)
	serve(snapshotPart2)
	// Each host's first two averages come before the restart; after it,
	// only the last, once the new agent has seen three values again.
	if got, want := posts.take(), []string{uninterrupted[0], uninterrupted[1], uninterrupted[6], uninterrupted[7]}; !cmp.Equal(want, got) {
		t.Errorf("posted across a restart without --data-dir:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if entries, err := os.ReadDir(work); err != nil || len(entries) != 0 {
		t.Errorf("the runs wrote %v in their working directory (%v)", entries, err)
	}
}

// postLog records the bodies posted to it, in order.
type postLog struct {
	mu     sync.Mutex
	bodies []string
}

func (l *postLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	l.mu.Lock()
	l.bodies = append(l.bodies, string(body))
	l.mu.Unlock()
}

// take returns the bodies posted since the last call.
func (l *postLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	bodies := l.bodies
	l.bodies = nil
	return bodies
}

// serveAddr finds the address in the "serving task" log line.
var serveAddr = regexp.MustCompile(`msg="serving task".* url=(http://[^/\s]+)/`)

// serveInput serves the task in dir with args, writes it the line
// protocol input (precision s), stops it with SIGTERM and checks that it
// stopped gracefully.
func serveInput(ctx context.Context, t *testing.T, bin, dir, input string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "--http-bind", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	lines := bufio.NewScanner(pipe)
	var url string
	for url == "" && lines.Scan() {
		stderr.WriteString(lines.Text() + "\n")
		if m := serveAddr.FindStringSubmatch(lines.Text()); m != nil {
			url = m[1]
		}
	}
	rest := make(chan struct{})
	go func() {
		for lines.Scan() {
			stderr.WriteString(lines.Text() + "\n")
		}
		close(rest)
	}()
	if url == "" {
		<-rest
		cmd.Wait()
		t.Fatalf("serve %v did not serve:\n%s", args, stderr.Bytes())
	}
	resp, err := http.Post(url+"/write?db=telegraf&rp=autogen&precision=s", "text/plain", strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("write: %s", resp.Status)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	<-rest
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve %v: %v\n%s", args, err, stderr.Bytes())
	}
}
