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

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
)

// udfScript runs a moving average on a stream and an outlier filter on
// windows, both done by the UDF test agent of runtime/udf.
const udfScript = `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('cpu')
        .groupBy('host')

data
    @movingAvg()
        .field('value')
        .size(2)
        .as('avg')
    |httpOut('avg')

data
    |window()
        .period(10s)
        .every(10s)
    @outliers()
        .field('value')
        .scale(1.5)
    |httpOut('outliers')
`

const udfInput = `cpu,host=a value=10 0
cpu,host=b value=5 0
cpu,host=a value=11 1
cpu,host=b value=7 1
cpu,host=a value=12 2
cpu,host=a value=11 3
cpu,host=a value=10 4
cpu,host=a value=95 5
cpu,host=a value=12 6
cpu,host=a value=11 7
cpu,host=a value=10 10
`

// TestUDFReplay builds a task with two @name() nodes whose agents are
// described by their info responses at build time (the config declares no
// options), replays points through it and checks what the agents' output
// left in the httpOut nodes.
func TestUDFReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("this test builds a task program and needs the go command")
	}
	dir := t.TempDir()
	agent := filepath.Join(dir, "agent")
	if out, err := exec.Command("go", "build", "-o", agent, "../../runtime/udf/testdata/agent").CombinedOutput(); err != nil {
		t.Fatalf("building the test agent: %v\n%s", err, out)
	}
	conf := filepath.Join(dir, "udf.conf")
	writeFile(t, conf, fmt.Sprintf(`[udf.functions.movingAvg]
  prog = %[1]q
  timeout = "10s"
[udf.functions.outliers]
  prog = %[1]q
  args = ["-mode", "outliers"]
`, agent))
	udfs, err := compiler.LoadUDFs(conf)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildTask(ctx, t, dir, "udf", udfScript, compiler.Options{UDFs: udfs})
	in := filepath.Join(dir, "input.txt")
	writeFile(t, in, udfInput)
	outDir := filepath.Join(dir, "httpout")
	cmd := exec.CommandContext(ctx, bin, "replay", "--config", conf, "--rec-time", "--precision", "s", "--httpout", outDir, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.Bytes())
	}
	for name, want := range map[string]string{
		// The last average of each group: (11+10)/2 at 10s for a, (5+7)/2 at 1s for b.
		"avg": `{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","avg"],"values":[["1970-01-01T00:00:10Z",10.5]]},` +
			`{"name":"cpu","tags":{"host":"b"},"columns":["time","avg"],"values":[["1970-01-01T00:00:01Z",6]]}]}`,
		// a's window [0s, 10s) has one value outside its widened interquartile range.
		"outliers": `{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["1970-01-01T00:00:05Z",95]]}]}`,
	} {
		got, err := os.ReadFile(filepath.Join(outDir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(compactJSON(t, []byte(want)), compactJSON(t, got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return buf.String()
}

// TestGoUDFReplay builds a task using the Go functions and node types of
// a --udf package, linked into the binary, and replays points through it:
// the second point makes safeSqrt fail, which is logged.
func TestGoUDFReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("this test builds a task program and needs the go command")
	}
	u, err := compiler.LoadGoUDFs("../testdata/goudf")
	if err != nil {
		t.Fatal(err)
	}
	script := `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('temp')

data
    |eval(lambda: celsius("f"), lambda: label('room-', "n"), lambda: safeSqrt("f" - 50.0), lambda: within(duration("n", 1s), 1s))
        .as('c', 'label', 'root', 'quick')
    |httpOut('out')

data
    @scale()
        .field('f')
        .by(2.0)
    |httpOut('scaled')

data
    |window()
        .period(10s)
        .every(10s)
    @first()
        .n(1)
    |httpOut('first')
`
	task, diags := compiler.Check("goudf.tick", []byte(script), compiler.Options{GoUDFs: []*compiler.GoUDFs{u}})
	if task == nil {
		t.Fatalf("check: %v", diags)
	}
	files, err := Generate(task, "goudf.tick", []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"goudf.Celsius(", "t.scale4Node.Point(p, t.scale4Out)", "&goudf.Scale{\n\t\tBy:    2.0,\n\t\tField: \"f\",\n\t}"} {
		if !bytes.Contains(files["goudf.go"], []byte(call)) {
			t.Errorf("the generated code has no %s:\n%s", call, files["goudf.go"])
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "goudf")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opts := build.Options{Output: bin, CacheDir: filepath.Join(dir, "cache"), Modules: []build.Module{{Path: u.Module, Dir: u.ModuleDir}}}
	if err := build.Build(ctx, files, opts); err != nil {
		t.Fatalf("build: %v", err)
	}
	in := filepath.Join(dir, "input.txt")
	writeFile(t, in, "temp f=212,n=1i 0\ntemp f=32,n=2i 1\ntemp f=50,n=3i 10\n")
	outDir := filepath.Join(dir, "httpout")
	cmd := exec.CommandContext(ctx, bin, "replay", "--rec-time", "--precision", "s", "--httpout", outDir, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.Bytes())
	}
	for name, want := range map[string]string{
		"out":    `{"series":[{"name":"temp","columns":["time","c","label","quick","root"],"values":[["1970-01-01T00:00:10Z",10,"room-3",false,0]]}]}`,
		"scaled": `{"series":[{"name":"temp","columns":["time","f","n"],"values":[["1970-01-01T00:00:10Z",100,3]]}]}`,
		"first":  `{"series":[{"name":"temp","columns":["time","f","n"],"values":[["1970-01-01T00:00:00Z",212,1]]}]}`,
	} {
		got, err := os.ReadFile(filepath.Join(outDir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(compactJSON(t, []byte(want)), compactJSON(t, got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if !bytes.Contains(stderr.Bytes(), []byte("SafeSqrt of a negative number")) {
		t.Errorf("the error of safeSqrt is not logged:\n%s", stderr.Bytes())
	}
}
