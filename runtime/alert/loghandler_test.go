package alert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Handlers of the same file write its lines in the order of the events, as
// Kapacitor's open, write and close per event does.
func TestLogHandlersShareAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.log")
	a, _ := NewLogHandler(path, 0)
	b, _ := NewLogHandler(path, 0)
	var want strings.Builder
	for i := range 1000 {
		d := &Data{ID: fmt.Sprint(i), Time: t0}
		h := a
		if i%3 == 0 {
			h = b
		}
		if err := h.Handle(d); err != nil {
			t.Fatal(err)
		}
		line, _ := d.JSON()
		want.Write(line)
	}
	if err := Flush(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != want.String() {
		t.Fatalf("%d bytes logged, want %d, or out of order", len(got), want.Len())
	}
	a.Close()
	b.Close()
}

// Without Flush, the background writer writes the lines soon; a handler
// never holds more than logBufferSize bytes.
func TestLogHandlerBackgroundWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.log")
	h, _ := NewLogHandler(path, 0)
	defer h.Close()
	d := &Data{ID: "a", Message: strings.Repeat("x", 1000), Time: t0}
	line, _ := d.JSON()
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _ := os.ReadFile(path); string(got) == string(line) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the line was not written in 10s")
		}
		time.Sleep(time.Millisecond)
	}
	// The buffer limit, whether or not the background writer runs.
	for range 2 * logBufferSize / len(line) {
		if err := h.Handle(d); err != nil {
			t.Fatal(err)
		}
		h.file.mu.Lock()
		n := len(h.file.pending)
		h.file.mu.Unlock()
		if n >= logBufferSize {
			t.Fatalf("%d bytes pending", n)
		}
	}
}
