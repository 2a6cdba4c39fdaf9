package gogen

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestBarriersReachEveryNode puts every node kind allowed after a batch
// edge behind a barrier with .delete(TRUE), so that barriers and group
// deletions reach each of them, and vets the program: whatever a node does
// with them must compile.
func TestBarriersReachEveryNode(t *testing.T) {
	prelude := strings.ReplaceAll(batchPrelude, ".groupBy('host', 'cpu')", ".groupBy('host', 'cpu')\n    |barrier()\n        .idle(1m)\n        .delete(TRUE)")
	var branches []string
	for _, kind := range slices.Sorted(maps.Keys(batchExamples)) {
		branches = append(branches, "data\n    "+batchExamples[kind]+"\n")
	}
	files := generateScript(t, "all", prelude+"\n"+strings.Join(branches, "\n"))
	src := string(files["all.go"])
	// Some nodes heed barriers (windows are not after a batch edge): the
	// join, the httpOuts, the nodes with per-group state.
	for _, want := range []string{`\.Barrier\(src, g, at\)`, `Cache\.DeleteGroup\(g\)`, `Groups\.Delete\(g\)`} {
		if !regexp.MustCompile(want).MatchString(src) {
			t.Errorf("no barrier code %s in the program", want)
		}
	}
	vetProgram(t, files)
}

// TestBarriersStop: barriers pass where() to the window behind it, but not
// groupBy(), whose groups are others, nor a UDF.
func TestBarriersStop(t *testing.T) {
	script := `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('m')
        .groupBy('host')
    |barrier()
        .idle(1m)

data
    |where(lambda: "v" > 0)
    |window()
        .period(1m)
        .every(1m)
    |httpOut('kept')

data
    |groupBy('cpu')
    |window()
        .period(1m)
        .every(1m)
    |httpOut('regrouped')
`
	src := string(generateScript(t, "stop", script)["stop.go"])
	got := regexp.MustCompile(`func \(t \*task\) (\w+)Barrier\(`).FindAllStringSubmatch(src, -1)
	var names []string
	for _, m := range got {
		names = append(names, m[1])
	}
	if want := []string{"barrier2", "where3", "window4", "http_out5"}; !slices.Equal(names, want) {
		t.Errorf("barrier methods of %v, want %v", names, want)
	}
}
