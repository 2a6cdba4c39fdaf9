package httppost

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

func TestPostPointWithURLTemplate(t *testing.T) {
	var mu sync.Mutex
	var paths, bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		paths, bodies = append(paths, r.URL.Path), append(bodies, string(b))
		mu.Unlock()
		w.Write([]byte("{}"))
	}))
	defer srv.Close()
	n, err := New(srv.URL+`/{{ index .Tags "host" }}`, nil, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline.Point{Name: "cpu", Time: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC).UnixNano(),
		Tags: []pipeline.Tag{{Key: "host", Value: "server1"}}, Fields: []pipeline.Field{{Key: "v", Value: pipeline.FloatValue(1.5)}}}
	if code := n.PostPoint(p); code != 200 {
		t.Fatalf("status %d", code)
	}
	want := `{"series":[{"name":"cpu","tags":{"host":"server1"},"columns":["time","v"],"values":[["2024-03-04T10:00:00Z",1.5]]}]}` + "\n"
	if paths[0] != "/server1" || bodies[0] != want {
		t.Errorf("got %s %q\nwant /server1 %q", paths[0], bodies[0], want)
	}
}

func TestPostFailureReportsZero(t *testing.T) {
	var got error
	n, _ := New("http://127.0.0.1:1/none", nil, time.Second)
	n.OnError = func(err error) { got = err }
	if code := n.PostPoint(&pipeline.Point{Name: "cpu"}); code != 0 || got == nil {
		t.Fatalf("code %d, err %v", code, got)
	}
}
