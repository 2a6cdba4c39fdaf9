package golden

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/internal/influxtest"
)

// TestBatchTaskAgainstInfluxDB runs the guide's batch task end to end, the
// way a user deploys it: a real InfluxDB holding cpu data, the task binary
// serving with a config whose [[influxdb]] points at it, and the alert log
// receiving the critical mean. The guide's schedule (every 5m) is shortened
// to every 1s so the test takes seconds.
func TestBatchTaskAgainstInfluxDB(t *testing.T) {
	db := influxtest.Start(t)
	now := time.Now().UTC()
	var lines strings.Builder
	for i := 0; i < 20; i++ { // the last 20 s: cpu0 is busy, cpu1 idle
		ts := now.Add(-time.Duration(i) * time.Second).UnixNano()
		fmt.Fprintf(&lines, "cpu,cpu=cpu0,host=a usage_idle=40.0 %d\n", ts)
		fmt.Fprintf(&lines, "cpu,cpu=cpu1,host=a usage_idle=95.0 %d\n", ts)
	}
	db.Write(t, "telegraf", lines.String())

	dir := t.TempDir()
	logPath := filepath.Join(dir, "alerts.log")
	guide, err := os.ReadFile("../examples/batch_cpu_alert.tick")
	if err != nil {
		t.Fatal(err)
	}
	script := strings.NewReplacer(
		".period(5m)", ".period(1m)",
		".every(5m)", ".every(1s)",
		"/tmp/batch_alerts.log", logPath,
	).Replace(string(guide))
	if !strings.Contains(script, ".every(1s)") || !strings.Contains(script, logPath) {
		t.Fatalf("the guide's script changed; update this test:\n%s", guide)
	}
	bin := buildProgram(t, "batch_cpu_alert", []byte(script), dir)

	conf := filepath.Join(dir, "task.conf")
	writeFile(t, conf, []byte(fmt.Sprintf("[[influxdb]]\n  enabled = true\n  name = \"test\"\n  urls = [%q]\n", db.URL)))
	cmd := exec.Command(bin, "serve", "--config", conf, "--http-bind", "127.0.0.1:0", "--data-dir", t.TempDir())
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()

	deadline := time.Now().Add(20 * time.Second)
	for {
		log, _ := os.ReadFile(logPath)
		if strings.Contains(string(log), `"level":"CRITICAL"`) {
			if !strings.Contains(string(log), `"id":"cpu:cpu=cpu0"`) || strings.Contains(string(log), "cpu=cpu1") {
				t.Fatalf("want a critical alert for cpu0 only, got:\n%s", log)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no critical alert after 20 s; alert log %q; task output:\n%s", log, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
