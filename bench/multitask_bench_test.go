//go:build unix

package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
	"github.com/tickc/tickc/compiler/gogen"
	"github.com/tickc/tickc/compiler/multitask"
)

// The multi-task benchmarks compare two ways of running 50 tasks on one
// stream: one binary built from a directory of 50 copies of cpu_alert.tick
// (cpu_alert_00 ... cpu_alert_49, each with its own alert log), and 50
// single-task binaries of the same scripts. Each way is sent the same
// stream, in 5000-line bodies over one connection, each process on one
// core (GOMAXPROCS=1): the multi-task binary once, the 50 binaries one
// after another. Times run from the first request until the process has
// exited (a multi-task binary answers writes once queued). points/s counts
// stream points (task-points/s is 50 times it); the single-task binaries'
// times are summed, and peak-RSS-MB is the largest of one process.
//
//	go test -run '^$' -bench MultiTask -benchtime 1x ./bench

// multiTasks is the number of tasks of the multi-task benchmarks.
const multiTasks = 50

// The streams sent: 200,000 points of 100 hosts, all OK (the cost of
// ingest and routing shows) or ~14% critical (every task logs alerts).
var (
	MultiAllOK = Dataset{Points: 200_000, Hosts: 100, Low: 70, Start: 1_700_000_000_000_000_000, Interval: 10, Seed: 3}
	MultiCrit  = Dataset{Points: 200_000, Hosts: 100, Low: 65, Start: 1_700_000_000_000_000_000, Interval: 10, Seed: 4}
)

type multiFixture struct {
	dir     string
	multi   string   // the binary of all tasks
	singles []string // one binary per task
	logs    []string // the tasks' alert logs
}

// prepareMulti writes the 50 scripts and builds either the multi-task
// binary or, with singles, the 50 single-task binaries, in a directory
// removed when b ends.
func prepareMulti(b *testing.B, singles bool) *multiFixture {
	b.Helper()
	dir := b.TempDir()
	f := &multiFixture{dir: dir, multi: filepath.Join(dir, "all_tasks")}
	src, err := os.ReadFile("../examples/cpu_alert.tick")
	if err != nil {
		b.Fatal(err)
	}
	tasksDir := filepath.Join(dir, "tasks")
	if err := os.Mkdir(tasksDir, 0o755); err != nil {
		b.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	for i := range multiTasks {
		id := fmt.Sprintf("cpu_alert_%02d", i)
		log := filepath.Join(dir, id+".log")
		script := bytes.ReplaceAll(src, []byte("'/tmp/alerts.log'"), []byte("'"+log+"'"))
		if err := os.WriteFile(filepath.Join(tasksDir, id+".tick"), script, 0o644); err != nil {
			b.Fatal(err)
		}
		f.logs = append(f.logs, log)
		f.singles = append(f.singles, filepath.Join(dir, id))
	}
	if singles {
		buildSingles(b, tasksDir, f.singles, cache)
		return f
	}
	d, err := multitask.LoadDir(tasksDir)
	if err != nil {
		b.Fatal(err)
	}
	checked, diags, _, err := multitask.Check(d, compiler.Options{})
	if err != nil || checked == nil {
		b.Fatalf("check: %v %v", err, diags)
	}
	files, err := multitask.Generate(checked)
	if err != nil {
		b.Fatal(err)
	}
	if err := build.BuildTree(context.Background(), files, build.Options{Output: f.multi, CacheDir: cache}); err != nil {
		b.Fatal(err)
	}
	return f
}

// buildSingles builds each script of dir into its binary in bins, two at
// a time (the machine's cores).
func buildSingles(b *testing.B, dir string, bins []string, cache string) {
	errs := make(chan error, len(bins))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, bin := range bins {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			file := filepath.Join(dir, filepath.Base(bin)+".tick")
			task, diags, script, err := compiler.CheckFile(file, compiler.Options{})
			if err == nil && task == nil {
				err = fmt.Errorf("%s: %v", file, diags)
			}
			var files map[string][]byte
			if err == nil {
				files, err = gogen.Generate(task, file, script)
			}
			if err == nil {
				err = build.Build(context.Background(), files, build.Options{Output: bin, CacheDir: cache})
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// logSizes sums the sizes of the alert logs and removes them.
func (f *multiFixture) logSizes() int64 {
	var n int64
	for _, l := range f.logs {
		if fi, err := os.Stat(l); err == nil {
			n += fi.Size()
		}
		os.Remove(l)
	}
	return n
}

// serveBin runs `bin serve --stats` on one core, posts the bodies in order
// on one connection, stops it with SIGTERM (which waits for every task to
// take what was queued) and returns the run; wall ends when the process
// has exited, so that it includes the queued work of a multi-task binary.
func serveBin(b *testing.B, bin string, bodies [][]byte, points int64) run {
	b.Helper()
	cmd := exec.Command(bin, "serve", "--http-bind", "127.0.0.1:0", "--stats", "--log-level", "info")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	sv := startServing(b, cmd)
	url := sv.base + writePath
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	start := time.Now()
	for _, body := range bodies {
		res, err := client.Post(url, "text/plain", bytes.NewReader(body))
		if err != nil {
			cmd.Process.Kill()
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			cmd.Process.Kill()
			b.Fatalf("POST /write: %s", res.Status)
		}
	}
	waitErr := sv.stop()
	wall := time.Since(start)
	if waitErr != nil {
		b.Fatalf("serve: %v\n%s", waitErr, sv.stderr.String())
	}
	stats, err := parseStats(sv.stderr.String())
	if err != nil {
		b.Fatal(err)
	}
	if got := int64(stats["points"]); got != points {
		b.Fatalf("served %d points, want %d\n%s", got, points, sv.stderr.String())
	}
	return run{points: points, wall: wall, cpu: cpuUsage(cmd.ProcessState), allocs: int64(stats["allocs"]), peakRSS: int64(stats["peak-rss-kb"])}
}

// reportMulti reports t, and task-points/s, and checks that the runs
// logged the same alerts, and some exactly when d has critical points.
func reportMulti(b *testing.B, t *totals, d Dataset, logBytes []int64) {
	t.report(b)
	var wall time.Duration
	var points int64
	for _, r := range t.runs {
		wall += r.wall
		points += r.points
	}
	b.ReportMetric(float64(points*multiTasks)/wall.Seconds(), "task-points/s")
	for _, n := range logBytes {
		if (n == 0) != (d.Low >= 70) || n != logBytes[0] {
			b.Fatalf("alert log bytes per run: %v", logBytes)
		}
	}
}

// benchmarkMulti sends d to the binary of all tasks or, with singles, to
// each of the 50 single-task binaries in turn (one op is all 50).
func benchmarkMulti(b *testing.B, d Dataset, singles bool) {
	f := prepareMulti(b, singles)
	bodies, err := d.Lines(serveLines)
	if err != nil {
		b.Fatal(err)
	}
	bins := []string{f.multi}
	if singles {
		bins = f.singles
	}
	var all totals
	var logBytes []int64
	for b.Loop() {
		var sum run
		for _, bin := range bins {
			r := serveBin(b, bin, bodies, int64(d.Points))
			sum.wall += r.wall
			sum.cpu += r.cpu
			sum.allocs += r.allocs
			sum.peakRSS = max(sum.peakRSS, r.peakRSS)
		}
		sum.points = int64(d.Points)
		all.add(sum)
		logBytes = append(logBytes, f.logSizes())
	}
	reportMulti(b, &all, d, logBytes)
}

func BenchmarkMultiTaskServeAllOK(b *testing.B)    { benchmarkMulti(b, MultiAllOK, false) }
func BenchmarkMultiTaskSeparateAllOK(b *testing.B) { benchmarkMulti(b, MultiAllOK, true) }
func BenchmarkMultiTaskServeCrit(b *testing.B)     { benchmarkMulti(b, MultiCrit, false) }
func BenchmarkMultiTaskSeparateCrit(b *testing.B)  { benchmarkMulti(b, MultiCrit, true) }
