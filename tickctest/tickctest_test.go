package tickctest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestMatch(t *testing.T) {
	got := []any{map[string]any{"id": "a", "level": "OK", "time": "2024-03-04T10:00:30Z", "duration": float64(30e9), "n": float64(3)}}
	var want []any
	if err := yaml.Unmarshal([]byte(`[{id: a, time: 2024-03-04T10:00:30Z, duration: 30s, n: 3}]`), &want); err != nil {
		t.Fatal(err)
	}
	if d := Match(want, got); d != "" {
		t.Errorf("want a match, got\n%s", d)
	}
	want[0].(map[string]any)["level"] = "CRITICAL"
	if d := Match(want, got); !strings.Contains(d, `"CRITICAL"`) || !strings.Contains(d, `"OK"`) {
		t.Errorf("want a diff of the levels, got\n%s", d)
	}
	if d := Match([]any{}, got); d == "" {
		t.Error("an empty list matched one event")
	}
}

const varsScript = `dbrp "telegraf"."autogen"

var threshold float
var every duration

stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |window()
        .period(every)
        .every(every)
    |mean('usage_idle')
    |alert()
        .crit(lambda: "mean" < threshold)
        .log('/nonexistent/alerts.log')
    |httpOut('means')
`

func writeScript(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "means.tick")
	if err := os.WriteFile(path, []byte(varsScript), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReplayVarsHTTPOut(t *testing.T) {
	script := writeScript(t)
	lines := `cpu,host=a usage_idle=50 1709546400000000000
cpu,host=a usage_idle=60 1709546405000000000
cpu,host=a usage_idle=90 1709546410000000000
cpu,host=a usage_idle=90 1709546425000000000
`
	res := ReplayLines(t, script, "telegraf", lines, WithVars(map[string]any{"threshold": 70.0, "every": "10s"}))
	if len(res.Alerts) != 2 || res.Alerts[0].Level() != "CRITICAL" || res.Alerts[1].Level() != "OK" {
		t.Fatalf("alerts: %v", res.Alerts)
	}
	if _, err := os.Stat("/nonexistent/alerts.log"); err == nil {
		t.Error("the script's log path was written")
	}
	out := res.HTTPOut["means"]
	if len(out.Series) != 1 || out.Series[0].Tags["host"] != "a" {
		t.Fatalf("httpOut: %+v", out)
	}
	if rows := out.Series[0].Rows(); rows[0]["mean"] != 90.0 {
		t.Errorf("rows: %v", rows)
	}
}

func TestCompileErrors(t *testing.T) {
	script := writeScript(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := Compile(ctx, script, CompileOptions{}); err == nil || !strings.Contains(err.Error(), "threshold") {
		t.Errorf("missing vars: %v", err)
	}
	if _, err := Compile(ctx, script, CompileOptions{Vars: map[string]any{"threshold": "x", "every": "10s"}}); err == nil {
		t.Error("a string for a float var was accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.tick")
	os.WriteFile(bad, []byte("stream\n    |from()\n        .flapping(0, 1)\n"), 0o644)
	var ce *CheckError
	if _, err := Compile(ctx, bad, CompileOptions{}); err == nil || !asCheckError(err, &ce) {
		t.Errorf("want a CheckError, got %v", err)
	}
}

func asCheckError(err error, target **CheckError) bool {
	ce, ok := err.(*CheckError)
	*target = ce
	return ok
}

func TestUpdate(t *testing.T) {
	script := writeScript(t)
	file := filepath.Join(filepath.Dir(script), "means_test.yaml")
	text := `# a comment that stays
script: means.tick
vars: {threshold: 70.0, every: 10s}
tests:
  - name: one window
    input:
      db: telegraf
      lines: |
        cpu,host=a usage_idle=50 1709546400000000000
        cpu,host=a usage_idle=90 1709546410000000000
    alert_count: 5
    alerts: [{level: OK}]
`
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := &Runner{}
	defer r.Close()
	res, err := r.RunFile(ctx, file)
	if err != nil || len(res) != 1 || !res[0].Failed() {
		t.Fatalf("before -update: %v %+v", err, res)
	}
	r.Update = true
	if _, err := r.RunFile(ctx, file); err != nil {
		t.Fatal(err)
	}
	r.Update = false
	res, err = r.RunFile(ctx, file)
	if err != nil || res[0].Failed() {
		t.Fatalf("after -update: %v %+v", err, res)
	}
	data, _ := os.ReadFile(file)
	for _, want := range []string{"# a comment that stays", "alert_count: 1", "level: CRITICAL", "means:", "rows:"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("updated file lacks %q:\n%s", want, data)
		}
	}
	if len(r.programs) != 1 {
		t.Errorf("built %d programs, want 1", len(r.programs))
	}
}
