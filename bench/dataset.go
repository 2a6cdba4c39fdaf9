// Package bench measures compiled task binaries end to end: the guide's
// cpu_alert task built by tickc, fed a million points by `replay` and over
// HTTP by `serve`, on one core (GOMAXPROCS=1).
//
// The benchmarks live in bench_test.go and run with `make bench`, or alone:
//
//	go test -run '^$' -bench . ./bench
//	TICKC_BENCH_PROFILE=/tmp/prof go test -run '^$' -bench ReplayCrit -benchtime 1x ./bench
//	go tool pprof /tmp/prof/cpu_alert /tmp/prof/ReplayCrit.prof
//
// The targets: replay ≥ 5 M points/s with no allocation per point when no
// alert fires, ≥ 1 M points/s with 14% critical points (a JSON line in the
// alert log for every critical point and every recovery), serve ≥ 3 M
// points/s, and a peak RSS under 30 MB. This file holds the data set
// generator.
package bench

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"strconv"
)

// Dataset describes a generated data set of Telegraf-like cpu points:
//
//	cpu,host=hostNNN,cpu=cpu-total usage_idle=X.XX T
//
// Hosts take turns (host000, host001, ... round robin), every Hosts points
// share one timestamp, and consecutive timestamps are Interval seconds
// apart. usage_idle is uniform over [Low, 100) in steps of 0.01.
type Dataset struct {
	Points   int
	Hosts    int
	Low      int   // lowest usage_idle, in percent: 70 for "all OK", 65 for ~14% critical
	Start    int64 // the first timestamp, in nanoseconds
	Interval int64 // seconds between timestamps
	Seed     uint64
}

// The data sets of the targets: a million points of 100 hosts, 10 s
// apart, all OK (usage_idle in [70,100)) or 14% critical ([65,100): the
// cpu_alert task's int("usage_idle") < 70 holds for 5 of 35 points).
var (
	AllOK = Dataset{Points: 1_000_000, Hosts: 100, Low: 70, Start: 1_700_000_000_000_000_000, Interval: 10, Seed: 1}
	Crit  = Dataset{Points: 1_000_000, Hosts: 100, Low: 65, Start: 1_700_000_000_000_000_000, Interval: 10, Seed: 2}
)

// Write writes the data set as line protocol, one point a line, with
// nanosecond timestamps. The output depends only on d.
func (d Dataset) Write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	rng := rand.New(rand.NewPCG(d.Seed, 0x7469636b63)) // "tickc"
	span := uint64((100 - d.Low) * 100)
	var line []byte
	for i := range d.Points {
		host := i % d.Hosts
		ts := d.Start + int64(i/d.Hosts)*d.Interval*1e9
		cents := uint64(d.Low*100) + rng.Uint64N(span)
		line = append(line[:0], "cpu,host=host"...)
		if host < 100 {
			line = append(line, '0')
		}
		if host < 10 {
			line = append(line, '0')
		}
		line = strconv.AppendInt(line, int64(host), 10)
		line = append(line, ",cpu=cpu-total usage_idle="...)
		line = strconv.AppendUint(line, cents/100, 10)
		line = append(line, '.', byte('0'+cents/10%10), byte('0'+cents%10), ' ')
		line = strconv.AppendInt(line, ts, 10)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Lines returns the data set as bodies of at most n lines each, as a client
// posting to /write in batches would send them.
func (d Dataset) Lines(n int) ([][]byte, error) {
	var all bodyWriter
	if err := d.Write(&all); err != nil {
		return nil, err
	}
	var bodies [][]byte
	data := all.b
	for len(data) > 0 {
		end, lines := 0, 0
		for end < len(data) && lines < n {
			i := bytes.IndexByte(data[end:], '\n')
			if i < 0 {
				end = len(data)
				break
			}
			end += i + 1
			lines++
		}
		bodies = append(bodies, data[:end:end])
		data = data[end:]
	}
	return bodies, nil
}

type bodyWriter struct{ b []byte }

func (w *bodyWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
