package check_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the IR goldens in testdata/ir")

// TestIR compares the IR of each testdata/ir/*.tick, as `tickc check --ir`
// prints it, with the .json file next to it. Run with -update to rewrite
// the goldens after a deliberate change, then review the diff.
func TestIR(t *testing.T) {
	for _, path := range testScripts(t, "testdata/ir/*.tick") {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".tick"), func(t *testing.T) {
			task, diags, _ := checkFile(t, path)
			for _, d := range diags {
				t.Errorf("%s:%d:%d: %s: %s", path, d.Span.Start.Line, d.Span.Start.Col, d.Severity, d.Message)
			}
			if task == nil {
				t.Fatal("no task")
			}
			got, err := json.MarshalIndent(task, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(path, ".tick") + ".json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("IR of %s differs from %s (-want +got; run go test -update and review the diff):\n%s", path, golden, cmp.Diff(string(want), string(got)))
			}
		})
	}
}
