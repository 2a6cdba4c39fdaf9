package gogen

import (
	"sort"
	"strings"
	"testing"

	"github.com/tickc/tickc/compiler"
)

// wallclockScript exercises stats, deadman and barrier, which run on the
// task's clock: in a replay, the replayed points' times, so the output is
// deterministic.
const wallclockScript = `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('m')
        .groupBy('host')

data
    |barrier()
        .idle(15s)
    |window()
        .period(1m)
        .every(1m)
    |count('x')
    |httpPost('CAPTURE_URL/barrier')

data
    |stats(10s)
        .align()
    |httpPost('CAPTURE_URL/stats')

data
    |deadman(1.0, 10s)
    |httpPost('CAPTURE_URL/deadman')

data
    |kapacitorLoopback()
        .database('loop')
        .retentionPolicy('autogen')
        .measurement('m2')
        .tag('k', 'v')
`

// wallclockInput is in seconds from 2024-03-04T10:00:00Z (1709546400):
// host a every 5s until :30, then silent until 1:10; host b once.
const wallclockInput = `m,host=a x=1.0 1709546400
m,host=b x=1.0 1709546400
m,host=a x=2.0 1709546405
m,host=a x=3.0 1709546410
m,host=a x=4.0 1709546415
m,host=a x=5.0 1709546420
m,host=a x=6.0 1709546425
m,host=a x=7.0 1709546430
m,host=a x=8.0 1709546470
m,host=a x=9.0 1709546475
`

var wallclockWant = map[string]string{
	// The idle barriers of host a fire at 0:45 and 1:00, of host b every
	// 15s from 0:00: the 1:00 barriers close the first windows.
	"/barrier": `
m host=a | 10:01:00 count=7
m host=b | 10:01:00 count=1`,
	// Kapacitor's aligned stats: the first emit comes at 0:10, stamped
	// with the start time rounded (0:00); then every 10s. The counts are
	// what from() sent to its first child (the barrier) so far.
	"/stats": `
stats host=a | 10:00:00 emitted=2
stats host=b | 10:00:00 emitted=1
stats host=a | 10:00:20 emitted=4
stats host=b | 10:00:20 emitted=1
stats host=a | 10:00:30 emitted=6
stats host=b | 10:00:30 emitted=1
stats host=a | 10:00:40 emitted=7
stats host=b | 10:00:40 emitted=1
stats host=a | 10:00:50 emitted=7
stats host=b | 10:00:50 emitted=1
stats host=a | 10:01:00 emitted=7
stats host=b | 10:01:00 emitted=1
stats host=a | 10:01:10 emitted=7
stats host=b | 10:01:10 emitted=1`,
	// deadman: the derivative of emitted per 10s; crit when <= 1, OK
	// (the recovery) when host a sends 2 per 10s.
	"/deadman": `
stats host=a | 10:00:20 emitted=1
stats host=b | 10:00:20 emitted=0
stats host=a | 10:00:30 emitted=2
stats host=b | 10:00:30 emitted=0
stats host=a | 10:00:40 emitted=1
stats host=b | 10:00:40 emitted=0
stats host=a | 10:00:50 emitted=0
stats host=b | 10:00:50 emitted=0
stats host=a | 10:01:00 emitted=0
stats host=b | 10:01:00 emitted=0
stats host=a | 10:01:10 emitted=0
stats host=b | 10:01:10 emitted=0`,
}

func TestWallClockNodes(t *testing.T) {
	posts, stdout := replayScript(t, "wallclock", wallclockScript, wallclockInput)
	if !strings.Contains(stdout, "kapacitor_loopback") || !strings.Contains(stdout, "points_written=\"10\"") {
		t.Errorf("the loopback node should have written 10 points:\n%s", stdout)
	}

	var paths []string
	for p := range wallclockWant {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		want := strings.TrimPrefix(wallclockWant[p], "\n")
		if got := strings.Join(posts[p], "\n"); got != want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", p, got, want)
		}
	}
}

func TestWallClockErrors(t *testing.T) {
	cases := []struct{ script, want string }{
		{"|kapacitorLoopback().database('telegraf').retentionPolicy('autogen')", "loop detected on dbrp: telegraf.autogen"},
		{"|kapacitorLoopback().database('telegraf')", "needs .database() and .retentionPolicy()"},
		{"|barrier()", "exactly one of .idle() and .period()"},
		{"|barrier().idle(1s).period(1s)", "exactly one of .idle() and .period()"},
	}
	for _, c := range cases {
		script := "dbrp \"telegraf\".\"autogen\"\nstream\n    |from()\n    " + c.script + "\n"
		task, diags := compiler.Check("e.tick", []byte(script), compiler.Options{})
		if task == nil {
			if diags.HasErrors() {
				t.Logf("%s: rejected by the checker: %v", c.script, diags)
				continue
			}
			t.Fatalf("%s: no task and no error", c.script)
		}
		_, err := Generate(task, "e.tick", []byte(script))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.script, err, c.want)
		}
	}
}
