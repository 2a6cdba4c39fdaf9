// Package golden holds tickc's end-to-end golden cases, in the style of
// templ's generator tests and sqlc's endtoend tests. Each directory
// cases/<name>/ holds
//
//	task.tick            the TICKscript (task ID <name>)
//	input.lp|input.srpl  the data, replayed with --rec-time (input.brpl:
//	                     a batch recording, for batch tasks)
//	<name>.go            the generated Go program, compared byte for byte
//	alerts.jsonl         the alert log, if the script has .log('ALERTLOG')
//	posts.jsonl          the requests .post('CAPTURE_URL') made, one per line
//	k8s-requests.txt     the requests to the fake Kubernetes API, if any
//	swarm-requests.txt   the requests to the fake Docker Swarm API, if any
//	ec2-requests.txt     the requests to the fake EC2 Auto Scaling API, if any
//	httpout-<NAME>.json  GET of |httpOut('NAME') at the end of the replay
//	stats.dot            the graph with statistics (replay --dot), with the
//	                     timing attributes blanked
//
// TestGolden checks and generates each script with the compiler packages,
// builds the program with compiler/build, replays the input through it and
// compares every output with its file. `go test ./golden -update` (make
// golden) rewrites the generated Go, the expected outputs and the inputs
// (see inputs_test.go) from the code: review the diff before committing.
//
// The placeholders ALERTLOG and CAPTURE_URL are replaced before building,
// as the conformance runner does: ALERTLOG by a fresh file in the test's
// temporary directory, CAPTURE_URL by the URL of a server that records what
// is posted to it. SIDELOAD_DIR is replaced by the absolute path of the
// case's sideload/ directory, the files of its sideload() sources. A case
// may have a config.toml, the replay's --config, with CAPTURE_URL replaced
// there too, K8S_URL and SWARM_URL by the URLs of fake APIs whose
// requests go to k8s-requests.txt and swarm-requests.txt, and an [[ec2]]
// section gets a fake EC2 API whose requests go to ec2-requests.txt
// (fakeapis_test.go); UDF_AGENT and UDF_SOCKET are the UDF test agent
// (udfagent_test.go), and the [udf.functions] sections are given to the
// checker. The committed <name>.go is generated from the script as
// written, placeholders included.
package golden

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
	"github.com/tickc/tickc/compiler/gogen"
)

var update = flag.Bool("update", false, "rewrite the golden files from the code")

const casesDir = "cases"

// Placeholders in scripts.
const (
	alertLogPlaceholder    = "ALERTLOG"
	captureURLPlaceholder  = "CAPTURE_URL"
	sideloadDirPlaceholder = "SIDELOAD_DIR"
)

// buildCache is shared by every build of a test run: the runtime sources
// are written to it once, and Go's build cache keeps the compiled runtime.
var buildCache = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "tickc-golden-cache-")
	if err != nil {
		panic(err)
	}
	return dir
})

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if dir := buildCache(); dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// caseNames lists the directories under cases/.
func caseNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatal("no golden cases")
	}
	return names
}

// TestGoldenInputs checks that each committed input is what its generator
// in inputs_test.go writes.
func TestGoldenInputs(t *testing.T) {
	for _, name := range caseNames(t) {
		gen, ok := inputs[name]
		if !ok {
			t.Errorf("%s: no input generator", name)
			continue
		}
		file, text := gen()
		path := filepath.Join(casesDir, name, file)
		if *update {
			writeFile(t, path, []byte(text))
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v (run go test ./golden -update)", name, err)
			continue
		}
		if string(got) != text {
			t.Errorf("%s differs from what its generator writes (run go test ./golden -update and review)", path)
		}
	}
	for name := range inputs {
		if _, err := os.Stat(filepath.Join(casesDir, name)); err != nil {
			t.Errorf("input generator for a case that does not exist: %s", name)
		}
	}
}

func TestGolden(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil && os.Getenv("TICKC_GO") == "" {
		t.Fatal("the golden tests build task programs and need the go command")
	}
	for _, name := range caseNames(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runCase(t, name)
		})
	}
}

// outputs are the files a case's run produced, by golden file name.
type outputs map[string][]byte

func runCase(t *testing.T, name string) {
	dir := filepath.Join(casesDir, name)
	script, err := os.ReadFile(filepath.Join(dir, "task.tick"))
	if err != nil {
		t.Fatal(err)
	}
	input := findInput(t, dir)
	got := outputs{}

	config, err := os.ReadFile(filepath.Join(dir, "config.toml"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	// The [udf.functions] the script may use, from config.toml as
	// committed: they declare their agents' info, so that checking never
	// starts an agent.
	udfs := loadUDFs(t, dir, config)

	// The generated program, from the script as committed.
	goFile := name + ".go"
	files := generate(t, name, script, udfs)
	if len(files) != 1 || files[goFile] == nil {
		t.Fatalf("generated files %v, want only %s", slices.Sorted(maps.Keys(files)), goFile)
	}
	got[goFile] = files[goFile]

	// The program that runs, with the placeholders filled in.
	tmp := t.TempDir()
	alertLog := filepath.Join(tmp, "alerts.log")
	var capture *captureServer
	runScript := bytes.ReplaceAll(script, []byte(alertLogPlaceholder), []byte(alertLog))
	if bytes.Contains(script, []byte(captureURLPlaceholder)) || bytes.Contains(config, []byte(captureURLPlaceholder)) {
		capture = newCaptureServer(t)
		runScript = bytes.ReplaceAll(runScript, []byte(captureURLPlaceholder), []byte(capture.URL()))
		config = bytes.ReplaceAll(config, []byte(captureURLPlaceholder), []byte(capture.URL()))
	}
	fakes, config, env := startFakeAPIs(t, config)
	config = fillUDFAgents(t, config, tmp)
	if bytes.Contains(script, []byte(sideloadDirPlaceholder)) {
		sideload, err := filepath.Abs(filepath.Join(dir, "sideload"))
		if err != nil {
			t.Fatal(err)
		}
		runScript = bytes.ReplaceAll(runScript, []byte(sideloadDirPlaceholder), []byte(filepath.ToSlash(sideload)))
	}
	bin := buildGenerated(t, name, generate(t, name, runScript, udfs), tmp)

	httpDir := filepath.Join(tmp, "httpout")
	args := []string{"--rec-time", "--dot", "--httpout", httpDir}
	if config != nil {
		conf := filepath.Join(tmp, "config.toml")
		writeFile(t, conf, config)
		args = append(args, "--config", conf)
	}
	stdout := runReplayEnv(t, bin, env, append(args, input)...)
	got["stats.dot"] = normalizeDot(stdout)

	if bytes.Contains(script, []byte(alertLogPlaceholder)) {
		data, err := os.ReadFile(alertLog)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		got["alerts.jsonl"] = data
	}
	if capture != nil {
		got["posts.jsonl"] = capture.Lines()
	}
	fakes.record(got)
	entries, err := os.ReadDir(httpDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(httpDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got["httpout-"+e.Name()] = data
	}

	compareOutputs(t, dir, got)
}

// findInput returns the case's input file.
func findInput(t *testing.T, dir string) string {
	t.Helper()
	var found []string
	for _, f := range []string{"input.lp", "input.srpl", "input.brpl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: want one of input.lp, input.srpl and input.brpl, found %v", dir, found)
	}
	abs, err := filepath.Abs(filepath.Join(dir, found[0]))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// loadUDFs reads the [udf.functions.NAME] sections of the case's
// config.toml (config, nil without one); nil when it has none.
func loadUDFs(t *testing.T, dir string, config []byte) *compiler.UDFs {
	t.Helper()
	if config == nil {
		return nil
	}
	udfs, err := compiler.LoadUDFs(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(udfs.Names()) == 0 {
		return nil
	}
	return udfs
}

// generate checks the script, whose @name() nodes are the udfs (may be
// nil), and returns the generated Go files; the script must have no
// diagnostics at all.
func generate(t *testing.T, id string, script []byte, udfs *compiler.UDFs) map[string][]byte {
	t.Helper()
	task, diags := compiler.Check("task.tick", script, compiler.Options{TaskID: id, UDFs: udfs})
	if len(diags) > 0 || task == nil {
		t.Fatalf("task.tick: %v", diags)
	}
	files, err := gogen.Generate(task, "task.tick", script)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// buildProgram generates and builds the task program of script into dir.
func buildProgram(t *testing.T, id string, script []byte, dir string) string {
	t.Helper()
	return buildGenerated(t, id, generate(t, id, script, nil), dir)
}

// buildGenerated builds the generated files of task id into dir.
func buildGenerated(t *testing.T, id string, files map[string][]byte, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, id)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	if err := build.Build(ctx, files, build.Options{Output: bin, CacheDir: buildCache()}); err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Logf("built in %v", time.Since(start).Round(time.Millisecond))
	return bin
}

// runReplay runs `bin replay args...` and returns its standard output.
func runReplay(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	return runReplayEnv(t, bin, nil, args...)
}

// runReplayEnv is runReplay with env added to the environment.
func runReplayEnv(t *testing.T, bin string, env []string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"replay"}, args...)...)
	cmd.Env = append(append(os.Environ(), "TZ=UTC"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.Bytes())
	}
	if !strings.Contains(stderr.String(), "replayed ") {
		t.Errorf("replay did not report what it did:\n%s", stderr.Bytes())
	}
	return stdout.Bytes()
}

// dotTiming matches the attributes of the graph that depend on timing.
var dotTiming = regexp.MustCompile(`(avg_exec_time_ns|throughput)="[^"]*"`)

// normalizeDot blanks the timing attributes of a graph with statistics.
func normalizeDot(b []byte) []byte {
	return dotTiming.ReplaceAll(b, []byte(`$1="-"`))
}

// compareOutputs compares got with the golden files of the case in dir, or
// with -update writes them (and removes expected outputs that are no longer
// produced).
func compareOutputs(t *testing.T, dir string, got outputs) {
	t.Helper()
	expected := expectedFiles(t, dir)
	if *update {
		for name := range expected {
			if _, ok := got[name]; !ok {
				if err := os.Remove(filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
		}
		for name, data := range got {
			writeFile(t, filepath.Join(dir, name), data)
		}
		return
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		want, ok := expected[name]
		if !ok {
			t.Errorf("%s: produced but there is no golden file (run go test ./golden -update and review it)", filepath.Join(dir, name))
			continue
		}
		if !bytes.Equal(got[name], want) {
			t.Errorf("%s differs from the golden file (-want +got):\n%s", filepath.Join(dir, name), lineDiff(string(want), string(got[name])))
		}
	}
	for name := range expected {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: golden file, but the case did not produce it", filepath.Join(dir, name))
		}
	}
}

// expectedFiles reads the golden output files of a case: everything but
// the script, the input, the configuration and directories.
func expectedFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		switch n := e.Name(); {
		case e.IsDir(), n == "task.tick", n == "config.toml", strings.HasPrefix(n, "input."):
		default:
			data, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			files[n] = data
		}
	}
	return files
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineDiff is a short line diff: the lines around the first difference and
// the line counts.
func lineDiff(want, got string) string {
	w := strings.SplitAfter(want, "\n")
	g := strings.SplitAfter(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (want %d lines, got %d)\n", i+1, len(w), len(g))
	for j := i; j < len(w) && j < i+3; j++ {
		fmt.Fprintf(&b, "-%s", strings.TrimSuffix(w[j], "\n")+"\n")
	}
	for j := i; j < len(g) && j < i+3; j++ {
		fmt.Fprintf(&b, "+%s", strings.TrimSuffix(g[j], "\n")+"\n")
	}
	return b.String()
}

// captureServer records what is posted to it and answers 200 {}, as the
// conformance runner's capture server does.
type captureServer struct {
	srv   *httptest.Server
	mu    sync.Mutex
	lines bytes.Buffer
}

func newCaptureServer(t *testing.T) *captureServer {
	c := &captureServer{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// One line per request: the path, and the body as JSON if it is
		// (compacted: alert bodies are one object and a newline), else as
		// a string.
		var b any = string(body)
		if json.Valid(body) {
			b = json.RawMessage(body)
		}
		line, err := json.Marshal(struct {
			Path string `json:"path"`
			Body any    `json:"body"`
		}{r.URL.Path, b})
		if err != nil {
			panic(err)
		}
		c.mu.Lock()
		c.lines.Write(line)
		c.lines.WriteByte('\n')
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *captureServer) URL() string { return c.srv.URL }

func (c *captureServer) Lines() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.lines.Bytes())
}
