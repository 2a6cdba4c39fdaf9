package sideload

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tickc/tickc/runtime/pipeline"
)

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func testDir(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, "default.yml", "threshold: 90\nseverity: warn\ncount: 3\nratio: 0.5\n")
	write(t, dir, "host/h1.yml", "threshold: 50\n")
	write(t, dir, "host/h2.json", `{"threshold": 70.5, "severity": "crit", "enabled": "true", "count": 7, "ratio": "0.25"}`)
	write(t, dir, "host/h3.json", `{"count": 7.5, "enabled": 1}`)
	write(t, dir, "README", "not values")
	return dir
}

func point(host string) *pipeline.Point {
	p := &pipeline.Point{Name: "cpu", Fields: []pipeline.Field{{Key: "value", Value: pipeline.FloatValue(1)}}}
	if host != "" {
		p.SetTag("host", host)
	}
	return p
}

func newNode(t *testing.T, dir string, errs *[]error) *Node {
	t.Helper()
	n, err := New("file://"+dir, []string{"host/{{.host}}.yml", "host/{{.host}}.json", "default.yml"},
		[]Field{
			{"threshold", pipeline.FloatValue(0)},
			{"enabled", pipeline.BoolValue(false)},
			{"count", pipeline.IntValue(1)},
			{"ratio", pipeline.FloatValue(1)},
		},
		[]Field{{"severity", pipeline.StringValue("info")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	n.OnError = func(err error) { *errs = append(*errs, err) }
	return n
}

func check(t *testing.T, p *pipeline.Point, field string, want pipeline.Value) {
	t.Helper()
	if got, _ := p.Field(field); got != want {
		t.Errorf("%s: got %+v, want %+v", field, got, want)
	}
}

func TestHierarchy(t *testing.T) {
	var errs []error
	n := newNode(t, testDir(t), &errs)

	p := point("h1") // host/h1.yml, then default.yml
	n.Apply(p)
	check(t, p, "threshold", pipeline.FloatValue(50)) // YAML int to the float default
	check(t, p, "enabled", pipeline.BoolValue(false)) // nowhere: the default
	check(t, p, "count", pipeline.IntValue(3))
	check(t, p, "ratio", pipeline.FloatValue(0.5))
	check(t, p, "value", pipeline.FloatValue(1))
	if v, _ := p.Tag("severity"); v != "warn" {
		t.Errorf("severity %q", v)
	}

	p = point("h2") // host/h2.yml is missing: host/h2.json
	n.Apply(p)
	check(t, p, "threshold", pipeline.FloatValue(70.5))
	check(t, p, "enabled", pipeline.BoolValue(true)) // "true" parsed
	check(t, p, "count", pipeline.IntValue(7))
	check(t, p, "ratio", pipeline.FloatValue(0.25)) // "0.25" parsed
	if v, _ := p.Tag("severity"); v != "crit" {
		t.Errorf("severity %q", v)
	}

	p = point("nohost") // only default.yml
	n.Apply(p)
	check(t, p, "threshold", pipeline.FloatValue(90))
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}

	p = point("h3") // 7.5 is no int, 1 no bool: the defaults, and errors
	n.Apply(p)
	check(t, p, "count", pipeline.IntValue(1))
	check(t, p, "enabled", pipeline.BoolValue(false))
	if len(errs) != 2 {
		t.Errorf("errors: %v", errs)
	}

	p = point("") // no host tag: the template renders "<no value>"
	n.Apply(p)
	check(t, p, "threshold", pipeline.FloatValue(90))
}

func TestTagsFromNumbers(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.yml", "n: 5\nf: 2.5\nb: true\n")
	n, err := New("file://"+dir, []string{"a.yml"}, nil,
		[]Field{{"n", pipeline.StringValue("")}, {"f", pipeline.StringValue("")}, {"b", pipeline.StringValue("")}, {"x", pipeline.StringValue("dflt")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	p := point("h")
	n.Apply(p)
	for k, want := range map[string]string{"n": "5", "f": "2.5", "b": "true", "x": "dflt", "host": "h"} {
		if v, _ := p.Tag(k); v != want {
			t.Errorf("tag %s = %q, want %q", k, v, want)
		}
	}
}

func TestReload(t *testing.T) {
	dir := testDir(t)
	var errs []error
	n := newNode(t, dir, &errs)
	write(t, dir, "default.yml", "threshold: 42\n")
	p := point("x")
	n.Apply(p)
	check(t, p, "threshold", pipeline.FloatValue(90)) // loaded at start
	if err := ReloadAll(); err != nil {
		t.Fatal(err)
	}
	p = point("x")
	n.Apply(p)
	check(t, p, "threshold", pipeline.FloatValue(42))

	// A bad file fails the reload and keeps the values.
	write(t, dir, "default.yml", "threshold: [\n")
	if err := ReloadAll(); err == nil {
		t.Error("bad YAML reloaded")
	}
	p = point("x")
	n.Apply(p)
	check(t, p, "threshold", pipeline.FloatValue(42))

	// A closed node's source is not reloaded any more.
	n.Close()
	if err := ReloadAll(); err != nil {
		t.Errorf("closed source reloaded: %v", err)
	}
}

func TestSourceErrors(t *testing.T) {
	for _, src := range []string{"file:///does/not/exist", "file://relative/dir", "ftp://host/x", "noendpoint"} {
		if _, err := New(src, nil, nil, nil, nil); err == nil {
			t.Errorf("%s: no error", src)
		}
	}
	dir := t.TempDir()
	write(t, dir, "bad.json", "{")
	if _, err := New("file://"+dir, nil, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("bad JSON: %v", err)
	}
	if _, err := New("file://"+t.TempDir(), []string{"{{.host"}, nil, nil, nil); err == nil {
		t.Error("bad order template accepted")
	}
}

type fakeConfig map[string][]map[string]any

func (c fakeConfig) Section(name string) (map[string]any, bool) {
	if s := c[name]; len(s) > 0 {
		return s[0], true
	}
	return nil, false
}

func (c fakeConfig) Sections(name string) []map[string]any { return c[name] }

func TestHTTPSourceThroughEndpoint(t *testing.T) {
	var mu sync.Mutex
	body := `{"host/h1.yml": {"threshold": 10}, "default.yml": {"threshold": 20}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != "p" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		mu.Lock()
		defer mu.Unlock()
		w.Write([]byte(body))
	}))
	defer srv.Close()
	cfg := fakeConfig{"httppost": {{"endpoint": "side", "url": srv.URL, "basic-auth": map[string]any{"username": "u", "password": "p"}}}}
	n, err := New("side", []string{"host/{{.host}}.yml", "default.yml"}, []Field{{"threshold", pipeline.IntValue(0)}}, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	p := point("h1")
	n.Apply(p)
	check(t, p, "threshold", pipeline.IntValue(10))
	mu.Lock()
	body = `{"default.yml": {"threshold": 30}}`
	mu.Unlock()
	if err := ReloadAll(); err != nil {
		t.Fatal(err)
	}
	p = point("h1")
	n.Apply(p)
	check(t, p, "threshold", pipeline.IntValue(30))
	// Without the endpoint's credentials the source does not load.
	if _, err := New(srv.URL, nil, nil, nil, nil); err == nil {
		t.Error("unauthorized source loaded")
	}
}
