package golden

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The two tasks of TestMultiTaskLoopback: high_cpu loops the cpu points
// above 80 back into "derived"."autogen", which report reads.
const (
	loopbackHighCPU = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
    |where(lambda: "value" > 80)
    |kapacitorLoopback()
        .database('derived')
        .retentionPolicy('autogen')
        .measurement('cpu_high')
        .tag('source', 'high_cpu')
`
	loopbackReport = `dbrp "derived"."autogen"

stream
    |from()
        .measurement('cpu_high')
        .groupBy('host')
    |httpOut('high')
`
	loopbackInput = `cpu,host=h1 value=91 1000000000
cpu,host=h2 value=50 2000000000
cpu,host=h2 value=95 3000000000
cpu,host=h1 value=85 4000000000
mem,host=h1 used=5i 5000000000
`
	// The last point of each host that high_cpu looped back, as report's
	// httpOut shows them.
	loopbackWant = `{"series": [
	{"name": "cpu_high", "tags": {"host": "h1", "source": "high_cpu"}, "columns": ["time", "value"], "values": [["1970-01-01T00:00:04Z", 85]]},
	{"name": "cpu_high", "tags": {"host": "h2", "source": "high_cpu"}, "columns": ["time", "value"], "values": [["1970-01-01T00:00:03Z", 95]]}
]}`
)

// TestMultiTaskLoopback builds a binary of two tasks, one looping points
// back (kapacitorLoopback) into the database the other reads, and checks
// that the other gets them, as it would in Kapacitor: when served, from
// points written over HTTP, and when replayed.
func TestMultiTaskLoopback(t *testing.T) {
	dir := t.TempDir()
	tasksDir := filepath.Join(dir, "tasks")
	if err := os.Mkdir(tasksDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, script := range map[string]string{"high_cpu.tick": loopbackHighCPU, "report.tick": loopbackReport} {
		if err := os.WriteFile(filepath.Join(tasksDir, name), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := buildDir(t, tasksDir, filepath.Join(dir, "tasks-bin"))
	want := canonicalJSON(t, []byte(loopbackWant))

	t.Run("serve", func(t *testing.T) {
		srv := startMulti(t, bin)
		defer srv.stop(t)
		srv.write(t, "telegraf", "autogen", []byte(loopbackInput))
		var got string
		deadline := time.Now().Add(30 * time.Second)
		for {
			got = canonicalJSON(t, srv.get(t, "/kapacitor/v1/tasks/report/high"))
			if got == want || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got != want {
			t.Errorf("report's httpOut:\n%s\nwant\n%s", got, want)
		}
		var task struct {
			Stats struct {
				NodeStats map[string]map[string]any `json:"node-stats"`
			}
		}
		if err := json.Unmarshal(srv.get(t, "/kapacitor/v1/tasks/report"), &task); err != nil {
			t.Fatal(err)
		}
		if n := task.Stats.NodeStats["stream0"]["collected"]; n != 3.0 {
			t.Errorf("report collected %v points, want the 3 looped back", n)
		}
	})

	t.Run("replay", func(t *testing.T) {
		input := filepath.Join(dir, "input.lp")
		if err := os.WriteFile(input, []byte(loopbackInput), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "httpout")
		runReplay(t, bin, "--rec-time", "--httpout", out, input)
		got, err := os.ReadFile(filepath.Join(out, "report", "high.json"))
		if err != nil {
			t.Fatal(err)
		}
		if got := canonicalJSON(t, got); got != want {
			t.Errorf("report's httpOut after the replay:\n%s\nwant\n%s", got, want)
		}
	})
}
