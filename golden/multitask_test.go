package golden

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
	"github.com/tickc/tickc/compiler/multitask"
)

// conformanceDir is the copy of the corpus recorded from Kapacitor.
const conformanceDir = "conformance"

// TestMultiTask builds the 50 conformance cases into ONE binary, serves
// it, writes every case's input, and checks that each task writes what
// Kapacitor wrote for the case alone (and so what its single-task build
// writes: the conformance runner checks those against the same files).
//
// Every case reads "telegraf"."autogen"; here each reads the retention
// policy named after it instead, and its input is written there, so that
// the router must send each write to exactly one task. The outputs do not
// depend on the retention policy.
func TestMultiTask(t *testing.T) {
	entries, err := os.ReadDir(conformanceDir)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tasksDir := filepath.Join(dir, "tasks")
	if err := os.Mkdir(tasksDir, 0o755); err != nil {
		t.Fatal(err)
	}
	type tcase struct {
		name     string
		input    []byte
		points   int
		alertLog string
		capture  *postCapture
		expected string
	}
	var cases []*tcase
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		c := &tcase{name: e.Name(), expected: filepath.Join(conformanceDir, e.Name(), "expected")}
		script, err := os.ReadFile(filepath.Join(conformanceDir, c.name, "task.tick"))
		if err != nil {
			t.Fatal(err)
		}
		if c.input, err = os.ReadFile(filepath.Join(conformanceDir, c.name, "input.lp")); err != nil {
			t.Fatal(err)
		}
		c.points = bytes.Count(c.input, []byte("\n"))
		c.alertLog = filepath.Join(dir, c.name+".alerts")
		c.capture = newPostCapture(t)
		s := string(script)
		if !strings.Contains(s, `dbrp "telegraf"."autogen"`) {
			t.Fatalf("%s: the script does not read telegraf.autogen", c.name)
		}
		s = strings.ReplaceAll(s, `dbrp "telegraf"."autogen"`, fmt.Sprintf(`dbrp "telegraf".%q`, c.name))
		s = strings.ReplaceAll(s, alertLogPlaceholder, c.alertLog)
		s = strings.ReplaceAll(s, captureURLPlaceholder, c.capture.srv.URL)
		if err := os.WriteFile(filepath.Join(tasksDir, c.name+".tick"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	if len(cases) != 50 {
		t.Fatalf("%d conformance cases, want 50", len(cases))
	}

	bin := buildDir(t, tasksDir, filepath.Join(dir, "tasks-bin"))
	srv := startMulti(t, bin)
	defer srv.stop(t)

	// Every case's input, in requests of at most 5000 lines as the
	// conformance runner sends them, all before any output is checked: the
	// tasks run at the same time.
	for _, c := range cases {
		srv.write(t, "telegraf", c.name, c.input)
	}
	var list struct {
		Tasks []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal(srv.get(t, "/kapacitor/v1/tasks?fields=status"), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Tasks) != len(cases) || list.Tasks[0].ID != cases[0].name || list.Tasks[0].Status != "enabled" {
		t.Errorf("GET /kapacitor/v1/tasks: %+v", list.Tasks)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv.waitProcessed(t, c.name, c.points, c.alertLog, c.capture)
			if want, err := os.ReadFile(filepath.Join(c.expected, "httpout.json")); err == nil {
				got := srv.get(t, "/kapacitor/v1/tasks/"+c.name+"/out")
				compareLines(t, "httpout.json", []string{canonicalJSON(t, want)}, []string{canonicalJSON(t, got)})
			}
			if want, err := os.ReadFile(filepath.Join(c.expected, "alerts.jsonl")); err == nil {
				got, _ := os.ReadFile(c.alertLog)
				compareLines(t, "alerts.jsonl", canonicalLines(t, want, canonicalAlert), canonicalLines(t, got, canonicalAlert))
			}
			if want, err := os.ReadFile(filepath.Join(c.expected, "posts.jsonl")); err == nil {
				compareLines(t, "posts.jsonl", canonicalLines(t, want, canonicalPost), c.capture.lines(t))
			}
		})
	}
}

// buildDir builds the directory of tasks into bin, as `tickc build DIR`.
func buildDir(t *testing.T, dir, bin string) string {
	t.Helper()
	d, err := multitask.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	tasks, diags, _, err := multitask.Check(d, compiler.Options{})
	if err != nil || tasks == nil {
		t.Fatalf("check: %v %v", err, diags)
	}
	files, err := multitask.Generate(tasks)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	if err := build.BuildTree(ctx, files, build.Options{Output: bin, CacheDir: buildCache()}); err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Logf("built %d tasks in %v", len(tasks), time.Since(start).Round(time.Millisecond))
	return bin
}

// multiServer is a multi-task binary serving on a free loopback port
// (startMulti's args are more flags of serve).
type multiServer struct{ *process }

var multiURL = regexp.MustCompile(`msg="serving tasks".* url=(http://\S+)/kapacitor/v1/tasks`)

func startMulti(t *testing.T, bin string, args ...string) *multiServer {
	t.Helper()
	return &multiServer{startServing(t, bin, multiURL, append([]string{"serve", "--http-bind", "127.0.0.1:0"}, args...)...)}
}

func (s *multiServer) write(t *testing.T, db, rp string, lp []byte) {
	t.Helper()
	lines := bytes.SplitAfter(lp, []byte("\n"))
	for i := 0; i < len(lines); i += 5000 {
		body := bytes.Join(lines[i:min(i+5000, len(lines))], nil)
		resp, err := http.Post(s.url+"/kapacitor/v1/write?db="+db+"&rp="+rp+"&precision=n", "text/plain; charset=utf-8", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("write: %s %s", resp.Status, msg)
		}
	}
}

func (s *multiServer) get(t *testing.T, path string) []byte {
	t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", path, resp.Status, body)
	}
	return body
}

// waitProcessed waits, as the conformance runner does, until the task's
// source node has collected every point and its statistics, alert log and
// captured posts have stayed the same for 300 ms.
func (s *multiServer) waitProcessed(t *testing.T, id string, points int, alertLog string, capture *postCapture) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	stable := time.Now()
	for time.Now().Before(deadline) {
		var task struct {
			Dot   string
			Stats struct {
				NodeStats map[string]map[string]any `json:"node-stats"`
			}
		}
		if err := json.Unmarshal(s.get(t, "/kapacitor/v1/tasks/"+id), &task); err != nil {
			t.Fatal(err)
		}
		size := int64(-1)
		if fi, err := os.Stat(alertLog); err == nil {
			size = fi.Size()
		}
		state := fmt.Sprint(dotTiming.ReplaceAllString(task.Dot, ""), size, capture.count())
		if state != last {
			last, stable = state, time.Now()
		}
		collected, _ := task.Stats.NodeStats["stream0"]["collected"].(float64)
		if int(collected) >= points && time.Since(stable) >= 300*time.Millisecond {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("task %s did not settle within 30s:\n%s", id, last)
}

// postCapture records the POSTs of one case, as the conformance runner's
// capture server does, and answers 200 {}.
type postCapture struct {
	srv   *httptest.Server
	mu    sync.Mutex
	posts []capturedPost
}

type capturedPost struct {
	path string
	body []byte
}

func newPostCapture(t *testing.T) *postCapture {
	c := &postCapture{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.posts = append(c.posts, capturedPost{r.URL.Path, body})
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *postCapture) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.posts)
}

// lines returns the posts as the runner compares them: one canonical
// {"body", "path"} per post, grouped by path in sorted order, in arrival
// order within a path.
func (c *postCapture) lines(t *testing.T) []string {
	c.mu.Lock()
	posts := append([]capturedPost(nil), c.posts...)
	c.mu.Unlock()
	sort.SliceStable(posts, func(i, j int) bool { return posts[i].path < posts[j].path })
	var out []string
	for _, p := range posts {
		var body any = string(p.body)
		if v, err := decodeJSON(p.body); err == nil {
			body = normalizeAlert(v)
		}
		out = append(out, encodeCanonical(t, map[string]any{"path": p.path, "body": body}))
	}
	return out
}

// canonicalLines applies canon to each non-empty line of data.
func canonicalLines(t *testing.T, data []byte, canon func(*testing.T, []byte) string) []string {
	var out []string
	for line := range bytes.Lines(data) {
		if line = bytes.TrimSpace(line); len(line) > 0 {
			out = append(out, canon(t, line))
		}
	}
	return out
}

// canonicalJSON is the runner's canonical form, in Go: numbers as written,
// keys sorted, strings compared decoded.
func canonicalJSON(t *testing.T, line []byte) string {
	v, err := decodeJSON(line)
	if err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	return encodeCanonical(t, v)
}

func canonicalAlert(t *testing.T, line []byte) string {
	v, err := decodeJSON(line)
	if err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	return encodeCanonical(t, normalizeAlert(v))
}

// canonicalPost is an expected posts.jsonl line: {"body", "path"}.
func canonicalPost(t *testing.T, line []byte) string {
	v, err := decodeJSON(line)
	if err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	if m, ok := v.(map[string]any); ok {
		m["body"] = normalizeAlert(m["body"])
	}
	return encodeCanonical(t, v)
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func encodeCanonical(t *testing.T, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // maps are encoded with sorted keys
		t.Fatal(err)
	}
	return strings.TrimSpace(b.String())
}

// normalizeAlert replaces an alert's details string, HTML-unescaped, by
// its JSON value if it is JSON, without the random ServerInfo IDs.
func normalizeAlert(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	details, ok := m["details"].(string)
	if !ok {
		return v
	}
	d, err := decodeJSON([]byte(html.UnescapeString(details)))
	if err != nil {
		return v
	}
	if dm, ok := d.(map[string]any); ok {
		if si, ok := dm["ServerInfo"].(map[string]any); ok {
			delete(si, "ClusterID")
			delete(si, "ServerID")
		}
	}
	m["details"] = d
	return m
}

func compareLines(t *testing.T, name string, want, got []string) {
	t.Helper()
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("%s differs from Kapacitor's:\n%s", name, lineDiff(strings.Join(want, "\n")+"\n", strings.Join(got, "\n")+"\n"))
	}
}
