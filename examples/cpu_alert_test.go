// Package examples_test shows tickctest in a Go test: it replays the
// bundled recording through the guide's cpu_alert task.
package examples_test

import (
	"testing"

	"github.com/tickc/tickc/tickctest"
)

func TestCPUAlert(t *testing.T) {
	res := tickctest.Replay(t, "cpu_alert.tick", "cpu.srpl")
	if len(res.Alerts) != 38 {
		t.Fatalf("got %d alerts, want 38", len(res.Alerts))
	}
	first := res.Alerts[0]
	if first.Level() != "CRITICAL" || first.Time().Format("15:04:05") != "10:00:30" {
		t.Errorf("first alert: %s at %v, want CRITICAL at 10:00:30", first.Level(), first.Time())
	}
	// Partial matching, as in the YAML test files.
	want := []any{map[string]any{"id": "cpu:nil", "level": "CRITICAL", "time": "2024-03-04T10:00:30Z"}}
	if d := tickctest.Match(want, []any{map[string]any(first)}); d != "" {
		t.Errorf("first alert (-want +got):\n%s", d)
	}
}
