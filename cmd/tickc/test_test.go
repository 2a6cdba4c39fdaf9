package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTestExamples runs the YAML tests next to the examples.
func TestTestExamples(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"tickc", "test", "../../examples"}, &stdout, &stderr); code != 0 {
		t.Fatalf("tickc test examples: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "ok   ../../examples/cpu_alert_test.yaml") {
		t.Errorf("unexpected output:\n%s", stdout.String())
	}
}

func TestTestFailureAndJUnit(t *testing.T) {
	dir := t.TempDir()
	script, err := filepath.Abs("../../examples/cpu_alert.tick")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "bad_test.yaml")
	os.WriteFile(file, []byte(`script: `+script+`
tests:
  - name: wrong level
    input:
      lines: |
        cpu,host=server1 usage_idle=60 1709546400000000000
    alerts:
      - {level: WARNING}
`), 0o644)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"tickc", "test", file}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"FAIL " + file + ": wrong level", `-`, `"WARNING"`, `+`, `"CRITICAL"`} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	stdout.Reset()
	if code := run([]string{"tickc", "test", "--format", "junit", file}, &stdout, &stderr); code != 1 {
		t.Fatalf("junit: exit %d, want 1", code)
	}
	if !strings.Contains(stdout.String(), `<testsuites tests="1" failures="1">`) {
		t.Errorf("junit output:\n%s", stdout.String())
	}
}
