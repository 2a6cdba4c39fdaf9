package build

import (
	"context"
	"strings"
	"testing"
)

func TestTreeFileNames(t *testing.T) {
	for _, name := range []string{"main.go", "tasks/cpu/cpu.go", "a/b/c.go"} {
		if err := checkFileNames(map[string][]byte{name: nil}, true); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
	for _, name := range []string{"", "../a.go", "a/../../b.go", "/abs/a.go", "a//b.go", "./a.go", "tasks/_x/a.go",
		"tasks/.x/a.go", "testdata/a.go", "tasks/a_test.go", "tasks/a.txt", `tasks\a.go`} {
		err := BuildTree(context.Background(), map[string][]byte{name: nil}, Options{Output: "x"})
		if err == nil || !strings.Contains(err.Error(), "bad generated file name") {
			t.Errorf("%q: got %v", name, err)
		}
	}
}
