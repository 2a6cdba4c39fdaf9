package gogen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/internal/influxtest"
)

const influxOutScript = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
    |eval(lambda: "value" * 2.0)
        .as('double')
        .keep('value', 'double')
    |influxDBOut()
        .database('out')
        .retentionPolicy('rp1')
        .create()
        .measurement('m')
        .tag('k', 'v')
        .precision('s')
        .buffer(2)
        .flushInterval(1h)
`

const influxOutInput = `cpu,host=a value=1 1709546400
cpu,host=b value=2 1709546410
cpu,host=a value=3 1709546420
`

// TestInfluxDBOut replays points through a task writing to a real influxd
// and reads them back: two in a full buffer, the last one flushed by Close.
func TestInfluxDBOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	if _, err := exec.LookPath("go"); err != nil && os.Getenv("TICKC_GO") == "" {
		t.Fatal("this test builds a task program and needs the go command")
	}
	srv := influxtest.Start(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "task.conf")
	conf := fmt.Sprintf("[[influxdb]]\n  name = \"local\"\n  urls = [%q]\n", srv.URL)
	if err := os.WriteFile(config, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildTask(ctx, t, dir, "influxout", influxOutScript, compiler.Options{})
	input := filepath.Join(dir, "input.txt")
	if err := os.WriteFile(input, []byte(influxOutInput), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "replay", "--config", config, "--rec-time", "--precision", "s", input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.Bytes())
	}
	res := srv.Query(t, "out", `SELECT "value", "double", "host", "k" FROM "rp1"."m"`)
	got, _ := json.Marshal(res[0].Series)
	want := `[{"name":"m","columns":["time","value","double","host","k"],"values":[` +
		`["2024-03-04T10:00:00Z",1,2,"a","v"],["2024-03-04T10:00:10Z",2,4,"b","v"],["2024-03-04T10:00:20Z",3,6,"a","v"]]}]`
	if string(got) != want {
		t.Errorf("read back:\n%s\nwant:\n%s\nstderr:\n%s", got, want, stderr.Bytes())
	}
}
