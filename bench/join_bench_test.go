//go:build unix

package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The join benchmark replays two streams of a million points each through
// a join, on one core, as the replay benchmarks do (bench_test.go):
//
//	BIN replay --rec-time --stats join.lp
//
// Target (issue 6): ≥ 2 M points/s, counting the points of both streams.

const joinScript = `dbrp "telegraf"."autogen"

var a = stream
    |from()
        .measurement('a')
        .groupBy('host')

var b = stream
    |from()
        .measurement('b')
        .groupBy('host')

a
    |join(b)
        .as('a', 'b')
        .tolerance(1s)
    |httpOut('joined')
`

// joinPoints is the number of points of each stream: joinHosts hosts, 10 s
// apart. At each time every host sends a point of a and then one of b,
// 300 ms later (the tolerance rounds both to the same time).
const (
	joinPoints = 1_000_000
	joinHosts  = 100
)

// writeJoinData writes both streams as line protocol.
func writeJoinData(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var line []byte
	for i := range joinPoints {
		host := i % joinHosts
		ts := AllOK.Start + int64(i/joinHosts)*10e9
		for _, m := range []struct {
			name   string
			offset int64
		}{{"a", 0}, {"b", 300e6}} {
			line = append(line[:0], m.name...)
			line = fmt.Appendf(line, ",host=host%03d value=", host)
			line = strconv.AppendFloat(line, float64(i%1000)/10, 'f', -1, 64)
			line = append(line, ' ')
			line = strconv.AppendInt(line, ts+m.offset, 10)
			line = append(line, '\n')
			w.Write(line)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// joinFixture builds the join task into dir and writes the data there.
func joinFixture(dir string) (*fixture, error) {
	f := &fixture{dir: dir, bin: filepath.Join(dir, "join"), alertLog: filepath.Join(dir, "alerts.log"), allOK: filepath.Join(dir, "join.lp")}
	src := []byte(joinScript)
	if err := buildTask("join.tick", src, f.bin, dir); err != nil {
		return nil, err
	}
	if err := writeJoinData(f.allOK); err != nil {
		return nil, err
	}
	return f, nil
}

// BenchmarkJoinReplay replays the two streams through a|join(b). With
// TICKC_BENCH_PROFILE=DIR it writes a CPU profile as the replay
// benchmarks do.
func BenchmarkJoinReplay(b *testing.B) {
	f, err := joinFixture(b.TempDir()) // b.Loop runs this function once
	if err != nil {
		b.Fatal(err)
	}
	var t totals
	for b.Loop() {
		t.add(f.replay(b, f.allOK, 2*joinPoints))
	}
	t.report(b)
}
