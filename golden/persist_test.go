package golden

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAlertStatePersists is issue 5's restart case (Kapacitor #744): a
// task replays the first half of a data set in which hosts go critical,
// stops, and replays the rest with the same --data-dir. The second run must
// send the recoveries, with the previousLevel and duration that one
// uninterrupted replay sends: its events for the second half are the same.
func TestAlertStatePersists(t *testing.T) {
	tmp := t.TempDir()
	alertLog := filepath.Join(tmp, "alerts.log")
	script := fmt.Sprintf(`dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |alert()
        .warn(lambda: "usage_idle" < 80)
        .crit(lambda: "usage_idle" < 70)
        .log('%s')
`, alertLog)
	bin := buildProgram(t, "persist", []byte(script), tmp)

	// Host a goes critical before the split and recovers after it; host
	// b warns, goes critical after the split, then recovers; c stays OK.
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const n, split = 40, 20
	var first, second, all strings.Builder
	idle := func(host string, i int) float64 {
		switch {
		case host == "a" && i >= 10 && i < 30:
			return 50
		case host == "b" && i >= 15 && i < 25:
			return 75
		case host == "b" && i >= 25 && i < 35:
			return 60
		}
		return 95
	}
	for i := range n {
		for _, h := range []string{"a", "b", "c"} {
			line := fmt.Sprintf("cpu,host=%s usage_idle=%g %d\n", h, idle(h, i), start.Add(time.Duration(i)*10*time.Second).UnixNano())
			all.WriteString(line)
			if i < split {
				first.WriteString(line)
			} else {
				second.WriteString(line)
			}
		}
	}
	splitTime := start.Add(split * 10 * time.Second)
	write := func(name, text string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	allPath, firstPath, secondPath := write("all.lp", all.String()), write("first.lp", first.String()), write("second.lp", second.String())
	lines := func() []string {
		b, err := os.ReadFile(alertLog)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	type event struct {
		ID, Level, PreviousLevel string
		Time                     time.Time
		Duration                 int64
	}
	parse := func(line string) event {
		var e event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		return e
	}

	// One uninterrupted replay.
	runReplay(t, bin, "--rec-time", allPath)
	uninterrupted := lines()
	var want []string
	for _, l := range uninterrupted {
		if !parse(l).Time.Before(splitTime) {
			want = append(want, l)
		}
	}

	// The same data in two runs sharing a data directory.
	dataDir := filepath.Join(tmp, "data")
	runReplay(t, bin, "--rec-time", "--data-dir", dataDir, firstPath)
	before := len(lines())
	if _, err := os.Stat(filepath.Join(dataDir, "persist.db")); err != nil {
		t.Fatal(err)
	}
	runReplay(t, bin, "--rec-time", "--data-dir", dataDir, secondPath)
	got := lines()[before:]
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the restarted task's events differ from an uninterrupted run's:\ngot\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	recovered := map[string]bool{}
	for _, l := range got {
		if e := parse(l); e.Level == "OK" {
			recovered[e.ID+" from "+e.PreviousLevel] = e.Duration > 0
		}
	}
	if !recovered["cpu:host=a from CRITICAL"] || !recovered["cpu:host=b from CRITICAL"] {
		t.Errorf("recoveries after the restart: %v", recovered)
	}

	// Without the data directory the restarted task knows nothing of the
	// episodes in progress (the bug this fixes): host a's first event
	// after the split has previousLevel OK and its recovery the wrong
	// duration.
	before = len(lines())
	runReplay(t, bin, "--rec-time", secondPath)
	if fresh := lines()[before:]; strings.Join(fresh, "\n") == strings.Join(want, "\n") {
		t.Error("a run without the data directory sends the same events")
	}
}
