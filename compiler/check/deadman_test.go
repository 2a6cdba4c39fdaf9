package check_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/ir"
)

func TestGlobalDeadman(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "kapacitor.conf")
	if err := os.WriteFile(conf, []byte(`[deadman]
  global = true
  threshold = 2.5
  interval = "30s"
  id = "dead NODE_NAME of {{ .TaskName }}"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := compiler.LoadDeadman(conf)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Global || d.Threshold != 2.5 || d.Interval != 30*time.Second {
		t.Fatalf("loaded %+v", d)
	}
	src := "dbrp \"telegraf\".\"autogen\"\nstream\n    |from()\n        .measurement('cpu')\n    |deadman(1.0, 1m)\n"
	task, diags := compiler.Check("cpu.tick", []byte(src), compiler.Options{Deadman: d})
	if task == nil {
		t.Fatal(diags)
	}
	// The script's deadman watches from1; the global one stream0, after it.
	var ids []string
	var watched []string
	for _, n := range task.Nodes {
		switch n.Kind {
		case "alert":
			ids = append(ids, n.Lookup("id").Args[0].Str+" <= "+crit(n))
		case "stats":
			watched = append(watched, task.Nodes[n.Parents[0]].Name)
		}
	}
	want := []string{"dead from1 of {{ .TaskName }} <= 1", "dead stream0 of {{ .TaskName }} <= 2.5"}
	if strings.Join(ids, "|") != strings.Join(want, "|") {
		t.Errorf("deadman alerts %q, want %q", ids, want)
	}
	if strings.Join(watched, ",") != "from1,stream0" {
		t.Errorf("stats watch %v", watched)
	}

	// Without global, no deadman is added; with no [deadman], nothing loads.
	d.Global = false
	if task, _ := compiler.Check("cpu.tick", []byte(src), compiler.Options{Deadman: d}); task == nil || len(task.Nodes) != 5 {
		t.Errorf("global = false: %d nodes, want 5", len(task.Nodes))
	}
	if err := os.WriteFile(conf, []byte("[smtp]\n  enabled = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := compiler.LoadDeadman(conf); d != nil || err != nil {
		t.Errorf("no [deadman]: %v, %v", d, err)
	}
}

// crit returns the threshold of a deadman's crit lambda.
func crit(n *ir.Node) string {
	l := n.Lookup("crit").Args[0].Lambda
	return strconv.FormatFloat(l.Args[1].Lit.Float, 'g', -1, 64)
}
