//go:build unix

package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
	"github.com/tickc/tickc/compiler/gogen"
)

// The benchmarks build examples/cpu_alert.tick (with its alert log moved to
// a temporary directory) into a task binary once, write the data sets next
// to it, and run the binary on one core (GOMAXPROCS=1) as a user would:
//
//	BIN replay --rec-time --stats data.lp
//	BIN serve --http-bind 127.0.0.1:0 --stats   (fed 5000-line POST /write bodies)
//
// Each reports, per point: points/s (wall clock, whole run), ns/point (wall),
// cpu-ns/point and points/cpu-s (the task process's user+system CPU time:
// what one core costs and does, whatever else the machine runs; on a busy
// machine the wall-clock figures are worse), allocs/point (heap allocations
// while points flowed, from the binary's --stats: the few hundred of the
// first points, none per point in steady state), and peak-RSS-MB (VmHWM,
// from the binary's --stats).

var (
	tmpRoot string
	setup   = sync.OnceValues(prepare)
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{tmpRoot, batchRoot} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// fixture is what the benchmarks share: the task binary and the data sets.
type fixture struct {
	dir      string
	bin      string
	alertLog string
	allOK    string // AllOK as a line-protocol file
	crit     string // Crit as a line-protocol file
}

func prepare() (*fixture, error) {
	dir, err := os.MkdirTemp("", "tickc-bench-")
	if err != nil {
		return nil, err
	}
	tmpRoot = dir
	f := &fixture{
		dir:      dir,
		bin:      filepath.Join(dir, "cpu_alert"),
		alertLog: filepath.Join(dir, "alerts.log"),
		allOK:    filepath.Join(dir, "all_ok.lp"),
		crit:     filepath.Join(dir, "crit.lp"),
	}
	src, err := os.ReadFile("../examples/cpu_alert.tick")
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(src, []byte("'/tmp/alerts.log'")) {
		return nil, fmt.Errorf("examples/cpu_alert.tick no longer logs to /tmp/alerts.log")
	}
	src = bytes.ReplaceAll(src, []byte("'/tmp/alerts.log'"), []byte("'"+f.alertLog+"'"))
	if err := buildTask("cpu_alert.tick", src, f.bin, dir); err != nil {
		return nil, err
	}
	for path, d := range map[string]Dataset{f.allOK: AllOK, f.crit: Crit} {
		if err := writeDataset(path, d); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o755)
}

func writeDataset(path string, d Dataset) error {
	w, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := d.Write(w); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func fixtureOf(b *testing.B) *fixture {
	b.Helper()
	f, err := setup()
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// run is the outcome of one run of the task binary.
type run struct {
	points   int64
	wall     time.Duration // the measured run
	cpu      time.Duration // the task process's CPU time, start to exit
	allocs   int64         // heap allocations while points flowed
	peakRSS  int64         // KiB
	alertLen int64         // bytes in the alert log
}

// totals sums runs and reports them per point.
type totals struct{ runs []run }

func (t *totals) add(r run) { t.runs = append(t.runs, r) }

func (t *totals) report(b *testing.B) {
	var points, allocs, peak int64
	var wall, cpu time.Duration
	for _, r := range t.runs {
		points += r.points
		wall += r.wall
		cpu += r.cpu
		allocs += r.allocs
		peak = max(peak, r.peakRSS)
	}
	if points == 0 {
		b.Fatal("no points")
	}
	p := float64(points)
	b.ReportMetric(p/wall.Seconds(), "points/s")
	b.ReportMetric(float64(wall.Nanoseconds())/p, "ns/point")
	b.ReportMetric(float64(cpu.Nanoseconds())/p, "cpu-ns/point")
	b.ReportMetric(p/cpu.Seconds(), "points/cpu-s")
	b.ReportMetric(float64(allocs)/p, "allocs/point")
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
}

// taskCommand returns the task binary running args on one core. With
// TICKC_BENCH_PROFILE=DIR set, the binary writes a CPU profile of the
// benchmark's last run to DIR/NAME.prof (go tool pprof BIN DIR/NAME.prof;
// the binary is kept as DIR/cpu_alert).
func (f *fixture) taskCommand(b *testing.B, args ...string) *exec.Cmd {
	if dir := os.Getenv("TICKC_BENCH_PROFILE"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := copyFile(f.bin, filepath.Join(dir, "cpu_alert")); err != nil {
			b.Fatal(err)
		}
		prof, err := filepath.Abs(filepath.Join(dir, strings.TrimPrefix(b.Name(), "Benchmark")+".prof"))
		if err != nil {
			b.Fatal(err)
		}
		args = append(args[:1:1], append([]string{"--cpuprofile", prof}, args[1:]...)...)
	}
	cmd := exec.Command(f.bin, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	cmd.Dir = f.dir
	return cmd
}

var statsLine = regexp.MustCompile(`(?m)^stats: (.*)$`)

// parseStats reads the line the binary's --stats prints.
func parseStats(stderr string) (map[string]float64, error) {
	m := statsLine.FindStringSubmatch(stderr)
	if m == nil {
		return nil, fmt.Errorf("no stats line in the output:\n%s", stderr)
	}
	stats := map[string]float64{}
	for _, kv := range strings.Fields(m[1]) {
		k, v, _ := strings.Cut(kv, "=")
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("stats: %q: %v", kv, err)
		}
		stats[k] = x
	}
	return stats, nil
}

// cpuUsage returns the CPU time of an exited process. (Its peak RSS comes
// from --stats: wait4's maxrss of a child of a Go program starts at the
// parent's peak, as os/exec forks with CLONE_VM.)
func cpuUsage(ps *os.ProcessState) time.Duration {
	return ps.UserTime() + ps.SystemTime()
}

func (f *fixture) resetAlertLog(b *testing.B) {
	if err := os.Remove(f.alertLog); err != nil && !os.IsNotExist(err) {
		b.Fatal(err)
	}
}

func (f *fixture) alertLogSize() int64 {
	fi, err := os.Stat(f.alertLog)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// replay runs `BIN replay --rec-time --stats data` once. wall is the whole
// process, start to exit.
func (f *fixture) replay(b *testing.B, data string, want int64, extra ...string) run {
	b.Helper()
	f.resetAlertLog(b)
	args := append([]string{"replay", "--rec-time", "--stats"}, extra...)
	cmd := f.taskCommand(b, append(args, data)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("replay: %v\n%s", err, stderr.String())
	}
	stats, err := parseStats(stderr.String())
	if err != nil {
		b.Fatal(err)
	}
	if got := int64(stats["points"]); got != want {
		b.Fatalf("replayed %d points, want %d\n%s", got, want, stderr.String())
	}
	r := run{points: want, wall: wall, cpu: cpuUsage(cmd.ProcessState), allocs: int64(stats["allocs"]),
		peakRSS: int64(stats["peak-rss-kb"]), alertLen: f.alertLogSize()}
	f.resetAlertLog(b)
	return r
}

func benchmarkReplay(b *testing.B, d Dataset, path func(*fixture) string) {
	f := fixtureOf(b)
	var t totals
	for b.Loop() {
		t.add(f.replay(b, path(f), int64(d.Points)))
	}
	t.report(b)
	if d.Low < 70 && t.runs[0].alertLen == 0 {
		b.Error("no alerts were logged")
	}
	if d.Low >= 70 && t.runs[0].alertLen != 0 {
		b.Error("alerts were logged for an all-OK data set")
	}
	// Without alerts, only the first points allocate (groups, interned
	// strings): a few hundred allocations in all, however many points.
	if allocs := t.runs[0].allocs; d.Low >= 70 && allocs > 2000 {
		b.Errorf("%d allocations for %d points: points allocate in steady state", allocs, d.Points)
	}
}

// BenchmarkReplayAllOK replays a million points that raise no alert.
// Targets: ≥ 5 M points/s, 0 allocations per point, RSS under 30 MB.
func BenchmarkReplayAllOK(b *testing.B) {
	benchmarkReplay(b, AllOK, func(f *fixture) string { return f.allOK })
}

// BenchmarkReplayCrit replays a million points of which 14% are critical;
// with one (ungrouped) alert state, every critical point and every recovery
// after one fires an event: about 265,000 JSON lines in the alert log.
// Target: ≥ 1 M points/s.
func BenchmarkReplayCrit(b *testing.B) {
	benchmarkReplay(b, Crit, func(f *fixture) string { return f.crit })
}

// writePath is where the benchmarks post line protocol.
const writePath = "/write?db=telegraf&rp=autogen&precision=n"

// servingTask is a task binary started with `serve` on a free loopback
// port, whose stderr is being collected.
type servingTask struct {
	cmd     *exec.Cmd
	base    string // http://host:port
	stderr  bytes.Buffer
	drained chan struct{} // closed once stderr is read to its end
}

// startServing starts cmd, a `serve --http-bind 127.0.0.1:0` command, and
// waits until it logs the URL it serves.
func startServing(b *testing.B, cmd *exec.Cmd) *servingTask {
	b.Helper()
	pipe, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &servingTask{cmd: cmd, drained: make(chan struct{})}
	lines := bufio.NewScanner(pipe)
	for s.base == "" && lines.Scan() {
		s.stderr.WriteString(lines.Text() + "\n")
		if _, after, ok := strings.Cut(lines.Text(), "url=http://"); ok {
			host, _, _ := strings.Cut(after, "/")
			s.base = "http://" + host
		}
	}
	go func() {
		for lines.Scan() {
			s.stderr.WriteString(lines.Text() + "\n")
		}
		close(s.drained)
	}()
	if s.base == "" {
		cmd.Process.Kill()
		<-s.drained
		cmd.Wait()
		b.Fatalf("serve did not start:\n%s", s.stderr.String())
	}
	return s
}

// stop stops the task with SIGTERM and waits for it to exit; its stderr
// is then complete.
func (s *servingTask) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.drained
	return s.cmd.Wait()
}

// serveLines is the number of lines per POST /write body.
const serveLines = 5000

// serve starts `BIN serve --stats` on a free loopback port, posts bodies
// over conns keep-alive connections (in order when conns is 1), stops the
// binary with SIGTERM and returns the run. wall is from the first request
// to the last response; cpu is the server process's from start to exit.
func (f *fixture) serve(b *testing.B, bodies [][]byte, points int64, conns int) run {
	b.Helper()
	f.resetAlertLog(b)
	cmd := f.taskCommand(b, "serve", "--http-bind", "127.0.0.1:0", "--stats", "--log-level", "info")
	sv := startServing(b, cmd)
	url := sv.base + writePath

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, DisableCompression: true}}
	post := func(body []byte) error {
		res, err := client.Post(url, "text/plain", bytes.NewReader(body))
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			return fmt.Errorf("POST /write: %s", res.Status)
		}
		return nil
	}
	// Open the connections before the clock starts.
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() { post(nil) })
	}
	wg.Wait()

	next := make(chan []byte)
	errs := make(chan error, conns)
	start := time.Now()
	for range conns {
		wg.Go(func() {
			for body := range next {
				if err := post(body); err != nil {
					errs <- err
					for range next {
					}
					return
				}
			}
		})
	}
	for _, body := range bodies {
		next <- body
	}
	close(next)
	wg.Wait()
	wall := time.Since(start)
	close(errs)

	waitErr := sv.stop()
	for err := range errs {
		b.Fatalf("%v\n%s", err, sv.stderr.String())
	}
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
	r := run{points: points, wall: wall, cpu: cpuUsage(cmd.ProcessState), allocs: int64(stats["allocs"]),
		peakRSS: int64(stats["peak-rss-kb"]), alertLen: f.alertLogSize()}
	f.resetAlertLog(b)
	return r
}

var allOKBodies = sync.OnceValues(func() ([][]byte, error) { return AllOK.Lines(serveLines) })

func benchmarkServe(b *testing.B, conns int) {
	f := fixtureOf(b)
	bodies, err := allOKBodies()
	if err != nil {
		b.Fatal(err)
	}
	var t totals
	for b.Loop() {
		t.add(f.serve(b, bodies, int64(AllOK.Points), conns))
	}
	t.report(b)
	if t.runs[0].alertLen != 0 {
		b.Error("alerts were logged for an all-OK data set")
	}
}

// BenchmarkServeAllOK posts the all-OK data set to `serve` in 5000-line
// bodies, one request at a time on one connection, as Telegraf sends.
// Target: ≥ 3 M points/s.
func BenchmarkServeAllOK(b *testing.B) { benchmarkServe(b, 1) }

// BenchmarkServeAllOK2Conns does the same over two connections, so that
// the server never waits for the client's next request.
func BenchmarkServeAllOK2Conns(b *testing.B) { benchmarkServe(b, 2) }

// buildTask checks and generates the script src, called name, and builds
// it into bin with a build cache in dir.
func buildTask(name string, src []byte, bin, dir string) error {
	task, diags := compiler.Check(name, src, compiler.Options{})
	if task == nil {
		return fmt.Errorf("%s: %v", name, diags)
	}
	files, err := gogen.Generate(task, name, src)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := build.Build(context.Background(), files, build.Options{Output: bin, CacheDir: filepath.Join(dir, "cache"), Stderr: &out}); err != nil {
		return fmt.Errorf("building %s: %w\n%s", name, err, out.String())
	}
	return nil
}
