package check_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusScripts lists the project's example scripts and the conformance
// cases' scripts: real programs that must check cleanly.
func corpusScripts(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) && path == "../../examples" {
			return filepath.SkipDir // no examples yet
		}
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tick") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob("../../golden/conformance/*/task.tick")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no conformance cases in ../../golden/conformance")
	}
	return append(files, cases...)
}

// TestCorpus checks that every example and conformance script checks with
// no error and no warning. A script may ask for a schema or a dbrp flag
// with the comments the error tests use (`// schema: file.json`).
func TestCorpus(t *testing.T) {
	for _, path := range corpusScripts(t) {
		task, diags, _ := checkFile(t, path)
		for _, d := range diags {
			t.Errorf("%s:%d:%d: %s: %s", path, d.Span.Start.Line, d.Span.Start.Col, d.Severity, d.Message)
		}
		if task == nil && len(diags) == 0 {
			t.Errorf("%s: no task and no diagnostics", path)
		}
	}
}
