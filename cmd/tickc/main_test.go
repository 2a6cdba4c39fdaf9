package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/internal/influxtest"
)

// tickc runs the command line in-process and returns its exit status and output.
func tickc(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"tickc"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckExamplesClean(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.tick")
	if len(files) < 4 {
		t.Fatalf("found %d examples, want the guide's 4 or more", len(files))
	}
	code, out, errOut := tickc(t, append([]string{"check"}, files...)...)
	if code != 0 || out != "" || errOut != "" {
		t.Fatalf("check examples: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

const badScript = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurment('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 70)
        .flapping(0, 1)
`

func TestCheckReportsEveryErrorWithCaret(t *testing.T) {
	path := writeScript(t, "bad.tick", badScript)
	code, out, errOut := tickc(t, "check", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if out != "" {
		t.Errorf("stdout should be empty, got %q", out)
	}
	want := path + `:5:9: error: from() has no property measurment
            .measurment('cpu')
            ^~~~~~~~~~~~~~~~~~
    note: did you mean .measurement()?
` + path + `:8:19: error: argument 1 of .flapping() must be float, found int 0
            .flapping(0, 1)
                      ^
    note: TICKscript does not convert ints to floats: write 0.0
`
	if diff := cmp.Diff(want, errOut); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

func TestCheckJSON(t *testing.T) {
	path := writeScript(t, "bad.tick", badScript)
	code, out, _ := tickc(t, "check", "--format", "json", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var diags []struct {
		Severity, File, Message string
		Line, Column            int
		Notes                   []string
	}
	if err := json.Unmarshal([]byte(out), &diags); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(diags) != 2 || diags[0].Line != 5 || diags[0].Column != 9 || diags[0].Severity != "error" || diags[1].Line != 8 {
		t.Fatalf("unexpected diagnostics: %+v", diags)
	}
	if len(diags[0].Notes) != 1 || !strings.Contains(diags[0].Notes[0], ".measurement()") {
		t.Errorf("missing suggestion: %+v", diags[0].Notes)
	}
}

func TestCheckIR(t *testing.T) {
	code, out, errOut := tickc(t, "check", "--ir", "../../examples/cpu_alert.tick")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var task struct {
		ID    string
		Type  string
		DBRPs []struct{ DB, RP string }
		Nodes []struct {
			Name     string
			Kind     string
			Children []int
		}
	}
	if err := json.Unmarshal([]byte(out), &task); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var names []string
	for _, n := range task.Nodes {
		names = append(names, n.Name)
	}
	if task.ID != "cpu_alert" || task.Type != "stream" || len(task.DBRPs) != 1 || task.DBRPs[0].DB != "telegraf" {
		t.Errorf("task header: %+v", task)
	}
	if diff := cmp.Diff([]string{"stream0", "from1", "alert2"}, names); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

func TestDBRPFlagRules(t *testing.T) {
	noDBRP := writeScript(t, "t.tick", "stream|from().measurement('cpu')|alert().crit(lambda: \"x\" > 1.0)\n")
	if code, _, errOut := tickc(t, "check", noDBRP); code != 1 || !strings.Contains(errOut, "no database and retention policy") {
		t.Errorf("missing dbrp: exit %d, %s", code, errOut)
	}
	if code, _, errOut := tickc(t, "check", "--dbrp", "telegraf.autogen", noDBRP); code != 0 {
		t.Errorf("-dbrp given: exit %d, %s", code, errOut)
	}
	if code, _, errOut := tickc(t, "check", "--dbrp", "telegraf.autogen", "../../examples/cpu_alert.tick"); code != 1 || !strings.Contains(errOut, "both in the script and on the command line") {
		t.Errorf("dbrp twice: exit %d, %s", code, errOut)
	}
}

func TestDot(t *testing.T) {
	code, out, errOut := tickc(t, "dot", "../../examples/cpu_alert_percentile.tick")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `digraph cpu_alert_percentile {
stream0 -> from1;
from1 -> eval2;
eval2 -> groupby3;
groupby3 -> window4;
window4 -> percentile5;
percentile5 -> eval6;
eval6 -> alert7;
}
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("dot (-want +got):\n%s", diff)
	}
}

const gotcha = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == "server1")
    |alert()
        .crit(lambda: "usage_idle" < 70.0)
        .log('/tmp/alerts.log')
`

// TestCheckAgainstInfluxDB reads the schema from a real InfluxDB, as a user
// does with --influxdb, and catches the guide's double-quote gotcha.
func TestCheckAgainstInfluxDB(t *testing.T) {
	srv := influxtest.Start(t)
	srv.Write(t, "telegraf", "cpu,host=server1,cpu=cpu-total usage_idle=91.5,usage_user=5.5 1700000000000000000\n")
	path := writeScript(t, "gotcha.tick", gotcha)
	code, _, errOut := tickc(t, "check", "--influxdb", srv.URL, "--db", "telegraf", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	for _, want := range []string{`6:34: error: unknown field or tag "server1" in measurement cpu`, "use single quotes"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("missing %q in:\n%s", want, errOut)
		}
	}
	fixed := writeScript(t, "fixed.tick", strings.Replace(gotcha, `"server1"`, `'server1'`, 1))
	if code, _, errOut := tickc(t, "check", "--influxdb", srv.URL, "--db", "telegraf", fixed); code != 0 {
		t.Errorf("fixed script: exit %d: %s", code, errOut)
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := tickc(t, "gen", "../../examples/cpu_alert.tick", "-o", dir, "--id", "renamed")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "renamed.go")); err != nil {
		t.Fatalf("flags after the file were not applied: %v", err)
	}
}

// tickc run builds the task and passes what follows the file to it.
func TestRunPassesArguments(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a task binary")
	}
	dir := t.TempDir()
	script := writeScript(t, "run_task.tick", `dbrp "telegraf"."autogen"
stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 70.0)
        .log('`+filepath.Join(dir, "alerts.log")+`')
`)
	data := filepath.Join(dir, "data.lp")
	if err := os.WriteFile(data, []byte("cpu,host=a usage_idle=50.0 1700000000000000000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := tickc(t, "run", script, "--", "replay", "--rec-time", data)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	log, err := os.ReadFile(filepath.Join(dir, "alerts.log"))
	if err != nil || !strings.Contains(string(log), `"level":"CRITICAL"`) {
		t.Fatalf("no alert from the replay run through tickc run: %v %s", err, log)
	}
}
