package topichandlers

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// sections is a pipeline.Config of fixed sections.
type sections map[string]map[string]any

func (s sections) Section(name string) (map[string]any, bool) {
	m, ok := s[name]
	return m, ok
}

// timers records the Every callbacks, to fire them by hand.
type timers struct{ every []func(time.Time) }

func (tm *timers) Every(_ time.Duration, _ bool, fire func(time.Time)) {
	tm.every = append(tm.every, fire)
}
func (tm *timers) After(time.Duration, func(time.Time)) pipeline.Timer { return nil }

// capture is a loopback server recording the alert JSON posted to it.
type capture struct {
	mu     sync.Mutex
	bodies []map[string]any
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	c.mu.Lock()
	c.bodies = append(c.bodies, m)
	c.mu.Unlock()
}

func (c *capture) got() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.bodies {
		out = append(out, m["id"].(string)+" "+m["level"].(string)+" "+m["message"].(string))
	}
	return out
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func event(id string, l, prev alert.Level, host string, sec int) *alert.Data {
	at := time.Date(2024, 3, 4, 10, 0, sec, 0, time.UTC)
	tags := map[string]string{"host": host}
	return &alert.Data{ID: id, Message: id + " is " + l.String(), Level: l, PreviousLevel: prev, Time: at, Name: "cpu", Tags: tags,
		Result: alert.Result{Series: []alert.Series{alert.PointSeries("cpu", tags, at, map[string]any{"v": 1.0})}}}
}

func TestHandlerFiles(t *testing.T) {
	posts, summaries := &capture{}, &capture{}
	srvPosts, srvSummaries := httptest.NewServer(posts), httptest.NewServer(summaries)
	defer srvPosts.Close()
	defer srvSummaries.Close()

	dir := t.TempDir()
	// Warnings and worse of host a are posted; every event is published
	// to "all", which aggregates them into "summary", posted in turn.
	writeFile(t, filepath.Join(dir, "handlers", "post.yaml"), `
id: post-a
topic: cpu
kind: post
match: level() >= WARNING AND "host" == 'a'
options:
  url: `+srvPosts.URL+`
  headers:
    X-Team: ops
`)
	writeFile(t, filepath.Join(dir, "handlers", "publish.json"),
		`{"id": "to-all", "topic": "cpu", "kind": "publish", "options": {"topics": ["all"]}}`)
	writeFile(t, filepath.Join(dir, "handlers", "aggregate.yml"), `
id: agg
topic: all
kind: aggregate
options:
  id: cpu-summary
  topic: summary
  interval: 1m
`)
	writeFile(t, filepath.Join(dir, "handlers", "summary.yaml"), `
id: post-summary
topic: summary
kind: post
options:
  url: `+srvSummaries.URL+`
`)
	writeFile(t, filepath.Join(dir, "handlers", "README.md"), "not a handler")

	tm := &timers{}
	ts, err := New(sections{"load": {"enabled": true, "dir": dir}}, nil, tm)
	if err != nil {
		t.Fatal(err)
	}
	ts.Collect("cpu", event("a", alert.Warning, alert.OK, "a", 1))
	ts.Collect("cpu", event("b", alert.Critical, alert.OK, "b", 2))
	ts.Collect("cpu", event("a", alert.OK, alert.Warning, "a", 3))
	inhibited := event("a", alert.Critical, alert.OK, "a", 4)
	inhibited.NoExternal = true
	ts.Collect("cpu", inhibited)
	// The handlers run on queues of their own: wait for the aggregate to
	// have every event, and the post its one.
	waitSent(t, ts, "agg", 4)
	waitSent(t, ts, "post-a", 1)

	if want := []string{"a WARNING a is WARNING"}; strings.Join(posts.got(), "|") != strings.Join(want, "|") {
		t.Errorf("posted %q, want %q", posts.got(), want)
	}
	if len(tm.every) != 1 {
		t.Fatalf("%d timers, want the aggregate's", len(tm.every))
	}
	tm.every[0](time.Time{})
	tm.every[0](time.Time{}) // nothing new: no summary
	// Close waits for the summary's delivery.
	if err := ts.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"cpu-summary CRITICAL Received 4 events in the last 1m0s."}
	if strings.Join(summaries.got(), "|") != strings.Join(want, "|") {
		t.Errorf("summaries %q, want %q", summaries.got(), want)
	}
	if b := summaries.bodies[0]; b["details"] != "a is WARNING\nb is CRITICAL\na is OK\na is CRITICAL" ||
		len(b["data"].(map[string]any)["series"].([]any)) != 4 {
		t.Errorf("summary details %q, data %v", b["details"], b["data"])
	}
}

// waitSent waits until the topic handler id has sent n events.
func waitSent(t *testing.T, ts *alert.Topics, id string, n int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		for _, s := range ts.HandlerStats() {
			if s.Handler == id && s.Sent == n {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not send %d events: %+v", id, n, ts.HandlerStats())
		}
	}
}

func TestHandlerFileErrors(t *testing.T) {
	for name, c := range map[string]struct{ file, text, want string }{
		"unknown kind":   {"h.yaml", "id: x\ntopic: t\nkind: carrier-pigeon\n", `unsupported action kind "carrier-pigeon"`},
		"unknown option": {"h.yaml", "id: x\ntopic: t\nkind: tcp\noptions:\n  adress: 1.2.3.4:1\n", `unknown field "adress"`},
		"unknown key":    {"h.json", `{"id": "x", "topic": "t", "kind": "log", "opts": {}}`, `unknown field "opts"`},
		"no topic":       {"h.yaml", "id: x\nkind: log\n", "missing topic"},
		"bad match":      {"h.yaml", "id: x\ntopic: t\nkind: tcp\nmatch: level() >\noptions:\n  address: 1.2.3.4:1\n", "invalid match expression"},
	} {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "handlers", c.file), c.text)
		if _, err := New(sections{"load": {"enabled": true, "dir": dir}}, nil, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
	// A disabled [load] section loads nothing.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "handlers", "h.yaml"), "id: x\ntopic: t\nkind: carrier-pigeon\n")
	if _, err := New(sections{"load": {"enabled": false, "dir": dir}}, nil, nil); err != nil {
		t.Errorf("disabled [load]: %v", err)
	}
}

func TestServiceKindOptions(t *testing.T) {
	// Kapacitor's option names reach the service handler's options.
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &got)
	}))
	defer srv.Close()
	cfg := sections{"slack": {"enabled": true, "url": srv.URL}}
	h, err := Build(Spec{ID: "s", Topic: "t", Kind: "slack",
		Options: map[string]any{"channel": "#ops", "icon-emoji": ":fire:", "username": "kap"}}, cfg, alert.NewTopics(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event("a", alert.Critical, alert.OK, "a", 1)); err != nil {
		t.Fatal(err)
	}
	if got["channel"] != "#ops" || got["icon_emoji"] != ":fire:" || got["username"] != "kap" {
		t.Errorf("slack body %v", got)
	}
}
