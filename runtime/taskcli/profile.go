package taskcli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/urfave/cli/v2"
)

// Flags of replay and serve for measuring the task binary itself.

func cpuProfileFlag() cli.Flag {
	return &cli.StringFlag{
		Name:      "cpuprofile",
		Usage:     "write a CPU profile of the run to `FILE`, for go tool pprof",
		TakesFile: true,
	}
}

func statsFlag() cli.Flag {
	return &cli.BoolFlag{
		Name:  "stats",
		Usage: "print what the run cost when done: time, CPU time, allocations and peak memory",
	}
}

// profiler measures a replay or serve run, from start to stop, for
// --cpuprofile and --stats.
type profiler struct {
	w     io.Writer // where --stats goes; nil without --stats
	file  *os.File  // the CPU profile; nil without --cpuprofile
	start time.Time
	cpu   time.Duration
	mem   runtime.MemStats
}

// startProfile starts measuring as the flags of c say.
func startProfile(c *cli.Context, stderr io.Writer) (*profiler, error) {
	p := &profiler{}
	if path := c.String("cpuprofile"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("starting the CPU profile: %w", err)
		}
		p.file = f
	}
	if c.Bool("stats") {
		p.w = stderr
	}
	p.restart()
	return p, nil
}

// restart sets the start of the measured run to now, leaving out what
// came before (setting up the task).
func (p *profiler) restart() {
	if p.w == nil {
		return
	}
	runtime.ReadMemStats(&p.mem)
	p.cpu = cpuTime()
	p.start = time.Now()
}

// stop ends the profile and, with --stats, prints one line of
// space-separated key=value pairs about the run of points points:
//
//	stats: points=1000000 seconds=0.21 cpu-seconds=0.2 allocs=12 alloc-bytes=4096 peak-rss-kb=9000 gomaxprocs=1
//
// allocs and alloc-bytes count the heap allocations made during the run.
func (p *profiler) stop(points int64) error {
	var err error
	if p.file != nil {
		pprof.StopCPUProfile()
		err = p.file.Close()
		p.file = nil
	}
	if p.w == nil {
		return err
	}
	elapsed := time.Since(p.start)
	cpu := cpuTime() - p.cpu
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	fmt.Fprintf(p.w, "stats: points=%d seconds=%.6f cpu-seconds=%.6f allocs=%d alloc-bytes=%d peak-rss-kb=%d gomaxprocs=%d\n",
		points, elapsed.Seconds(), cpu.Seconds(), mem.Mallocs-p.mem.Mallocs, mem.TotalAlloc-p.mem.TotalAlloc,
		peakRSS(), runtime.GOMAXPROCS(0))
	p.w = nil
	return err
}
