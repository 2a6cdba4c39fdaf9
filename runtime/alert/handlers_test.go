package alert

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testData() *Data {
	return &Data{ID: "cpu:nil", Message: "cpu:nil is CRITICAL", Details: "d", Time: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC), Level: Critical, Recoverable: true,
		Result: Result{Series: []Series{PointSeries("cpu", map[string]string{"host": "a"}, time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC), map[string]interface{}{"v": 1.5})}}}
}

func TestPostHandler(t *testing.T) {
	var got []byte
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		header = r.Header
		w.WriteHeader(200)
	}))
	defer srv.Close()
	h, err := NewPostHandler(srv.URL+"/alert", map[string]string{"X-Team": "ops"}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	d := testData()
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	want, _ := d.JSON()
	if string(got) != string(want) {
		t.Errorf("body:\n got %s\nwant %s", got, want)
	}
	if header.Get("Content-Type") != "application/json" || header.Get("X-Team") != "ops" {
		t.Errorf("headers: %v", header)
	}
}

func TestPostHandlerErrorStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	h, _ := NewPostHandler(srv.URL, nil, time.Second)
	if err := h.Handle(testData()); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("want a 500 error, got %v", err)
	}
}

func TestTCPHandler(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lines := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		l, _ := bufio.NewReader(c).ReadString('\n')
		lines <- l
	}()
	h, _ := NewTCPHandler(ln.Addr().String())
	d := testData()
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	want, _ := d.JSON()
	if got := <-lines; got != string(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExecHandler(t *testing.T) {
	out := filepath.Join(t.TempDir(), "stdin.json")
	h, _ := NewExecHandler("/bin/sh", "-c", "cat > "+out)
	d := testData()
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, _ := d.JSON()
	if string(got) != string(want) {
		t.Errorf("stdin: got %s, want %s", got, want)
	}
	if err := (&ExecHandler{Prog: "/bin/false"}).Handle(d); err == nil {
		t.Error("a failing program must be an error")
	}
}
