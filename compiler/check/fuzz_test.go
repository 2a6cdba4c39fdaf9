package check_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/schema"
)

// FuzzCheck checks that the checker never panics, that its diagnostics lie
// within the source, and that any task it builds is well formed and
// prints as JSON (as `tickc check --ir` does).
func FuzzCheck(f *testing.F) {
	for _, pattern := range []string{"testdata/*/*.tick", "../../golden/conformance/*/task.tick"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(src), false)
			f.Add(string(src), true)
		}
	}
	sch, err := schema.LoadFile("testdata/errors/schema.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string, withSchema bool) {
		var opts compiler.Options
		if withSchema {
			opts.Schema = sch
		}
		task, diags := compiler.Check("fuzz.tick", []byte(src), opts)
		for _, d := range diags {
			if !inSource(src, d.Span) {
				t.Fatalf("diagnostic %q at %d..%d outside the %d-byte source", d.Message, d.Span.Start.Offset, d.Span.End.Offset, len(src))
			}
		}
		if task == nil {
			if !diags.HasErrors() {
				t.Fatal("no task and no error")
			}
			return
		}
		for i, n := range task.Nodes {
			if n.ID != i {
				t.Fatalf("node %d has ID %d", i, n.ID)
			}
			for _, p := range n.Parents {
				if !slices.Contains(task.Nodes[p].Children, i) {
					t.Fatalf("node %d has parent %d, which does not list it as a child", i, p)
				}
			}
			for _, c := range n.Children {
				if !slices.Contains(task.Nodes[c].Parents, i) {
					t.Fatalf("node %d has child %d, which does not list it as a parent", i, c)
				}
			}
		}
		if _, err := json.Marshal(task); err != nil {
			t.Fatalf("task does not print as JSON: %v", err)
		}
	})
}

func inSource(src string, s ast.Span) bool {
	return s.Start.Offset >= 0 && s.Start.Offset <= s.End.Offset && s.End.Offset <= len(src)
}
