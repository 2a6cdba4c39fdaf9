package httppost

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// fakeConfig is a pipeline.Config with [[httppost]] elements.
type fakeConfig map[string][]map[string]any

func (c fakeConfig) Section(name string) (map[string]any, bool) {
	if s := c[name]; len(s) > 0 {
		return s[0], true
	}
	return nil, false
}

func (c fakeConfig) Sections(name string) []map[string]any { return c[name] }

type request struct {
	path, body, ctype, custom string
	user, pass                string
	auth                      bool
}

func recorder(t *testing.T, status int) (*httptest.Server, func() []request) {
	var mu sync.Mutex
	var got []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		u, p, ok := r.BasicAuth()
		mu.Lock()
		got = append(got, request{r.URL.Path, string(b), r.Header.Get("Content-Type"), r.Header.Get("X-Custom"), u, p, ok})
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []request {
		mu.Lock()
		defer mu.Unlock()
		return append([]request(nil), got...)
	}
}

func testPoint() *pipeline.Point {
	return &pipeline.Point{Name: "cpu", Time: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC).UnixNano(),
		Tags: []pipeline.Tag{{Key: "host", Value: "server1"}}, Fields: []pipeline.Field{{Key: "v", Value: pipeline.FloatValue(1.5)}}}
}

func TestEndpointNode(t *testing.T) {
	srv, got := recorder(t, 200)
	cfg := fakeConfig{"httppost": {
		{"endpoint": "other", "url": "http://127.0.0.1:1/nowhere"},
		{"endpoint": "plain", "url": srv.URL + "/plain", "headers": map[string]any{"X-Custom": "conf", "X-Other": "o"},
			"basic-auth": map[string]any{"username": "u", "password": "p"}},
		{"endpoint": "rows", "url": srv.URL + "/rows", "row-template": `{{.Name}} host={{index .Tags "host"}}{{range .Values}} {{index . "v"}}{{end}}`},
	}}
	n, err := NewEndpoint(cfg, "plain", map[string]string{"X-Custom": "node"}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if code := n.PostPoint(testPoint()); code != 200 {
		t.Fatalf("status %d", code)
	}
	n, err = NewEndpoint(cfg, "rows", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if code := n.PostPoint(testPoint()); code != 200 {
		t.Fatalf("status %d", code)
	}
	r := got()
	if len(r) != 2 {
		t.Fatalf("%d requests", len(r))
	}
	want := `{"series":[{"name":"cpu","tags":{"host":"server1"},"columns":["time","v"],"values":[["2024-03-04T10:00:00Z",1.5]]}]}` + "\n"
	if r[0].path != "/plain" || r[0].body != want || r[0].custom != "node" || !r[0].auth || r[0].user != "u" || r[0].pass != "p" || r[0].ctype != "application/json" {
		t.Errorf("plain endpoint: %+v", r[0])
	}
	if r[1].path != "/rows" || r[1].body != "cpu host=server1 1.5" || r[1].auth {
		t.Errorf("row template: %+v", r[1])
	}
	if _, err := NewEndpoint(cfg, "missing", nil, 0); err == nil || !strings.Contains(err.Error(), `"missing" does not exist`) {
		t.Errorf("missing endpoint: %v", err)
	}
}

func TestEndpointStatusCode(t *testing.T) {
	srv, _ := recorder(t, 503)
	cfg := fakeConfig{"httppost": {{"endpoint": "e", "url": srv.URL}}}
	n, err := NewEndpoint(cfg, "e", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var failed error
	n.OnError = func(err error) { failed = err }
	if code := n.PostPoint(testPoint()); code != 503 || failed == nil {
		t.Errorf("code %d, error %v", code, failed)
	}
}

func TestAlertEndpoint(t *testing.T) {
	srv, got := recorder(t, 200)
	cfg := fakeConfig{"httppost": {
		{"endpoint": "json", "url": srv.URL + "/json", "headers": map[string]any{"X-Custom": "c"}},
		{"endpoint": "tmpl", "url": srv.URL + "/tmpl", "basic-auth": map[string]any{"username": "u", "password": "p"},
			"alert-template": `{{.Level}} {{.ID}}: {{.Message}}{{range .Data.Series}} {{.Name}} {{index .Tags "host"}}{{range .Values}} {{index . 1}}{{end}}{{end}}`},
	}}
	d := &alert.Data{ID: "cpu:host=a", Message: "high", Level: alert.Critical, Time: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC),
		Result: alert.Result{Series: []alert.Series{{Name: "cpu", Tags: map[string]string{"host": "a"}, Columns: []string{"time", "v"},
			Values: [][]interface{}{{time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC), 99.5}}}}}}
	for _, name := range []string{"json", "tmpl"} {
		h, err := NewAlertHandler(cfg, name, nil, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Handle(d); err != nil {
			t.Fatal(err)
		}
	}
	r := got()
	wantJSON, _ := d.JSON()
	if r[0].path != "/json" || r[0].body != string(wantJSON) || r[0].custom != "c" || r[0].auth {
		t.Errorf("json: %+v", r[0])
	}
	if r[1].path != "/tmpl" || r[1].body != "CRITICAL cpu:host=a: high cpu a 99.5" || r[1].user != "u" {
		t.Errorf("template: %+v", r[1])
	}
	if _, err := NewAlertHandler(cfg, "nope", nil, 0); err == nil {
		t.Error("missing endpoint accepted")
	}
}

// A Config without Sections still finds its one [httppost] section.
type oneSection map[string]any

func (c oneSection) Section(name string) (map[string]any, bool) { return c, name == "httppost" }

func TestEndpointSingleSection(t *testing.T) {
	e, err := LookupEndpoint(oneSection{"endpoint": "x", "url": "http://h/"}, "x")
	if err != nil || e.URL != "http://h/" {
		t.Fatalf("%+v %v", e, err)
	}
}
