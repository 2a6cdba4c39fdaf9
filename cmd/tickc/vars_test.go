package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const templateScript = `dbrp "telegraf"."autogen"

var measurement string
var crit lambda
var window = 5m

stream
    |from()
        .measurement(measurement)
    |window()
        .period(window)
        .every(window)
    |mean('usage_idle')
    |alert()
        .crit(crit)
        .log('/tmp/alerts.log')
`

const templateVars = `{
  "measurement": {"type": "string", "value": "cpu"},
  "crit": {"type": "lambda", "value": "\"mean\" < 12.5"},
  "window": {"type": "duration", "value": "1m"}
}
`

func TestTemplateNeedsVarsToBuild(t *testing.T) {
	path := writeScript(t, "template.tick", templateScript)
	if code, _, errOut := tickc(t, "check", path); code != 0 {
		t.Fatalf("check of a template: exit %d: %s", code, errOut)
	}
	code, _, errOut := tickc(t, "build", path, "-o", filepath.Join(t.TempDir(), "bin"))
	if code != 1 {
		t.Fatalf("build without --vars: exit %d, want 1: %s", code, errOut)
	}
	for _, want := range []string{"template var measurement needs a value", "template var crit needs a value", "--vars FILE"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("build without --vars: stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestTemplateGenWithVars(t *testing.T) {
	path := writeScript(t, "template.tick", templateScript)
	vars := writeScript(t, "vars.json", templateVars)
	dir := t.TempDir()
	code, _, errOut := tickc(t, "gen", path, "--vars", vars, "--id", "cpu_alert_web", "-o", dir)
	if code != 0 || errOut != "" {
		t.Fatalf("gen --vars: exit %d: %s", code, errOut)
	}
	src, err := os.ReadFile(filepath.Join(dir, "cpu_alert_web.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"12.5", `"cpu"`, "time.Minute"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated code lacks the var's value %s", want)
		}
	}
}

func TestTemplateVarsErrors(t *testing.T) {
	path := writeScript(t, "template.tick", templateScript)
	vars := writeScript(t, "vars.json", `{
  "measurement": {"type": "string", "value": "cpu"},
  "crit": {"type": "lambda", "value": "\"mean\" <"},
  "window": {"type": "int", "value": 60}
}
`)
	code, _, errOut := tickc(t, "check", path, "--vars", vars)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	for _, want := range []string{
		vars + `:3:39: error: invalid lambda for template var crit`,
		vars + `:4:3: error: invalid type supplied for window: want duration, got int`,
		`      "window": {"type": "int", "value": 60}`, // the vars file's line is shown
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestBuildTemplateWithVars(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	path := writeScript(t, "template.tick", templateScript)
	vars := writeScript(t, "vars.json", templateVars)
	bin := filepath.Join(t.TempDir(), "cpu_alert_web")
	code, _, errOut := tickc(t, "build", path, "--vars", vars, "--id", "cpu_alert_web", "-o", bin)
	if code != 0 {
		t.Fatalf("build --vars: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatal(err)
	}
}
