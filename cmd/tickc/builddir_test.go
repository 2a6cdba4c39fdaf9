package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tickc build DIR reports the errors of every script, and builds nothing.
func TestBuildDirReportsEveryFile(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../../examples/cpu_alert.tick")
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"bad.tick": badScript, "good.tick": string(good), "worse.tick": "stream\n    |nope()\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "bin")
	code, stdout, stderr := tickc(t, "build", dir, "-o", out)
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	for _, want := range []string{"bad.tick:5:9: error:", "bad.tick:8:19: error:", "worse.tick:2:5: error:"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("no %q in\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "good.tick") {
		t.Errorf("errors reported for good.tick:\n%s", stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a binary was built")
	}
	if code, _, stderr := tickc(t, "build", dir, "--id", "x"); code == 0 || !strings.Contains(stderr, "--id applies to one FILE") {
		t.Errorf("--id with a directory: exit %d\n%s", code, stderr)
	}
}
