package gogen

import (
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
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/check"
)

// topicsScript: a host alert inhibits the cpu alerts of its host; the cpu
// alert publishes to the topic 'cpu', whose handler file posts level
// changes; [slack] global = true adds slack to both alerts, and its
// state-changes-only = true makes both .stateChangesOnly().
const topicsScript = `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('cpu')
        .groupBy('host')

data
    |alert()
        .id('host/{{ index .Tags "host" }}')
        .crit(lambda: "usage_idle" < 10.0)
        .inhibit('cpu', 'host')

data
    |alert()
        .id('cpu/{{ index .Tags "host" }}')
        .category('cpu')
        .warn(lambda: "usage_idle" < 70.0)
        .crit(lambda: "usage_idle" < 50.0)
        .topic('cpu')
        .post('CAPTURE_URL/own')
`

const topicsInput = `cpu,host=a usage_idle=90 0
cpu,host=a usage_idle=60 10
cpu,host=a usage_idle=62 20
cpu,host=a usage_idle=5 30
cpu,host=a usage_idle=60 40
cpu,host=a usage_idle=90 50
`

func TestTopicsInhibitGlobals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	var mu sync.Mutex
	posts := map[string][]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("%s: %v", r.URL.Path, err)
		}
		var s string
		if r.URL.Path == "/slack" { // the message is the attachment's text
			s, _ = m["attachments"].([]any)[0].(map[string]any)["text"].(string)
		} else {
			s = m["id"].(string) + " " + m["level"].(string) + " prev=" + m["previousLevel"].(string)
		}
		mu.Lock()
		posts[r.URL.Path] = append(posts[r.URL.Path], s)
		mu.Unlock()
	}))
	defer srv.Close()

	dir := t.TempDir()
	handler := "id: changes\ntopic: cpu\nkind: post\nmatch: changed()\noptions:\n  url: " + srv.URL + "/topic\n"
	if err := os.MkdirAll(filepath.Join(dir, "load", "handlers"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "load", "handlers", "changes.yaml"), []byte(handler), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "task.conf")
	if err := os.WriteFile(conf, []byte(`[load]
  enabled = true
  dir = "`+filepath.Join(dir, "load")+`"

[slack]
  enabled = true
  global = true
  state-changes-only = true
  url = "`+srv.URL+`/slack"
`), 0o644); err != nil {
		t.Fatal(err)
	}

	dot := runWithConfig(t, "topics", strings.ReplaceAll(topicsScript, "CAPTURE_URL", srv.URL), compiler.Options{}, conf, topicsInput)

	mu.Lock()
	defer mu.Unlock()
	// The CRITICAL at 30s is inhibited: neither the node's handlers nor
	// the topic's post see it, but the topic's state does (prev=CRITICAL
	// at 40s). The unchanged WARNING at 20s is not sent at all
	// (state-changes-only).
	for path, want := range map[string][]string{
		"/own":   {"cpu/a WARNING prev=OK", "cpu/a WARNING prev=CRITICAL", "cpu/a OK prev=WARNING"},
		"/topic": {"cpu/a WARNING prev=OK", "cpu/a WARNING prev=CRITICAL", "cpu/a OK prev=WARNING"},
		"/slack": {"cpu/a is OK", "cpu/a is WARNING", "cpu/a is WARNING", "host/a is CRITICAL", "host/a is OK"},
	} {
		got := posts[path]
		if path == "/slack" { // two alert nodes, each with its own queue
			slices.Sort(got)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", path, got, want)
		}
	}
	// The global slack handlers are named and counted in their nodes'
	// statistics.
	for _, want := range []string{`slack_global0_dropped="0" slack_global0_failed="0" slack_global0_sent="3"`,
		`slack_global0_dropped="0" slack_global0_failed="0" slack_global0_sent="2"`} {
		if !strings.Contains(dot, want) {
			t.Errorf("stats lack %s:\n%s", want, dot)
		}
	}
}

// runWithConfig checks, generates and builds script with opts, replays
// input (line protocol in seconds) with --config conf, and returns the
// graph with statistics.
func runWithConfig(t *testing.T, name, script string, opts compiler.Options, conf, input string) string {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildTask(ctx, t, dir, name, script, opts)
	in := filepath.Join(dir, "input.txt")
	if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "replay", "--config", conf, "--rec-time", "--precision", "s", "--dot", in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.Bytes())
	}
	return stdout.String()
}

// TestGlobalDeadmanAndSlack: [deadman] global = true (a compile-time
// option, from tickc's --config) watches the task's source; [slack]
// global = true sends its events.
func TestGlobalDeadmanAndSlack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	var mu sync.Mutex
	var texts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ Attachments []struct{ Text string } }
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil || len(m.Attachments) != 1 {
			t.Errorf("slack body %s: %v", b, err)
			return
		}
		mu.Lock()
		texts = append(texts, m.Attachments[0].Text)
		mu.Unlock()
	}))
	defer srv.Close()
	conf := filepath.Join(t.TempDir(), "task.conf")
	if err := os.WriteFile(conf, []byte("[slack]\n  enabled = true\n  global = true\n  url = \""+srv.URL+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "dbrp \"telegraf\".\"autogen\"\nstream\n    |from()\n        .measurement('cpu')\n    |httpOut('cpu')\n"
	var input strings.Builder
	for _, s := range []int{0, 10, 20, 30, 40, 50, 60, 70, 80, 150, 160, 170, 180} { // silent from 90s to 150s
		fmt.Fprintf(&input, "cpu,host=a usage_idle=50 %d\n", s)
	}
	dm := &check.Deadman{Global: true, Interval: 30 * time.Second, ID: "stream NODE_NAME"}
	runWithConfig(t, "globaldeadman", script, compiler.Options{Deadman: dm}, conf, input.String())
	mu.Lock()
	defer mu.Unlock()
	want := []string{"stream stream0 is dead: 0.000 points/30s.", "stream stream0 is dead: 0.000 points/30s.", "stream stream0 is alive: 3.000 points/30s."}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("slack got\n%q\nwant\n%q", texts, want)
	}
}
