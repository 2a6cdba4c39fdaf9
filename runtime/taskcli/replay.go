package taskcli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/recording"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/timer"
	"github.com/urfave/cli/v2"
)

func (r *runner) replayCommand() *cli.Command {
	return &cli.Command{
		Name:      "replay",
		Usage:     "feed a recording through the task, then exit",
		ArgsUsage: "FILE",
		Description: r.help(`Feeds the points of FILE through the task, as "kapacitor replay" does, and
exits when they are done and the task has flushed its output. Use it to
test a task on recorded data before serving it.

FILE is either
   a stream recording (.srpl), as made by "record stream" or by Kapacitor:
     records of three lines, database, retention policy, point; or
   line protocol, one point a line: every point goes to $DBRP.
Which it is, and whether it is gzip-compressed, is read from its content.
Points for databases or retention policies the task does not read are
skipped. Compressed recordings have nanosecond timestamps, as Kapacitor
writes them; --precision applies to plain-text files.

Times are shifted so that the first point happens now, unless --rec-time
is given. Points are fed as fast as the task takes them, unless
--real-clock is given: then they are spaced out like their timestamps.

Examples:

   $TASK replay cpu.srpl
   $TASK replay --rec-time --dot data.txt
   $TASK replay --rec-time --httpout results data.txt
   $TASK replay --precision s kapacitor/integrations/testdata/TestStream_Alert.srpl`),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "rec-time", Usage: "keep the recorded times instead of shifting them to now"},
			&cli.BoolFlag{Name: "real-clock", Usage: "wait between points as long as their timestamps are apart"},
			&cli.StringFlag{
				Name:  "precision",
				Value: "n",
				Usage: "the unit of the timestamps of a plain-text FILE: n, u, ms, s, m or h (Kapacitor's test recordings use s)",
			},
			&cli.BoolFlag{Name: "dot", Usage: "print the task's graph with statistics when done, as show would"},
			&cli.StringFlag{
				Name:      "httpout",
				TakesFile: true,
				Usage:     r.help("when done, write the result of each httpOut endpoint NAME to `DIR`/NAME.json, as GET /kapacitor/v1/tasks/$ID/NAME answers while the task serves"),
			},
			configFlag(), logLevelFlag(), logFormatFlag(), dataDirFlag(true), cpuProfileFlag(), statsFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError{fmt.Errorf("replay takes one recording FILE")}
			}
			path := c.Args().First()
			precision, ok := precisions[c.String("precision")]
			if !ok {
				return usageError{fmt.Errorf("unknown precision %q (want n, u, ms, s, m or h)", c.String("precision"))}
			}
			if r.p.Type == "batch" || strings.HasSuffix(strings.ToLower(path), ".brpl") {
				return r.replayBatchCommand(c, path)
			}
			cfg, log, closeLog, err := r.setup(c)
			if err != nil {
				return err
			}
			defer closeLog()
			prof, err := startProfile(c, r.stderr)
			if err != nil {
				return err
			}
			defer prof.stop(0) // if the run ended early; a no-op after stop
			return r.replay(c.Context, cfg, log, replayOptions{
				path:      path,
				precision: precision,
				recTime:   c.Bool("rec-time"),
				realClock: c.Bool("real-clock"),
				dot:       c.Bool("dot"),
				httpOut:   c.String("httpout"),
				prof:      prof,
				dataDir:   dataDir(c, cfg, true),
			})
		},
	}
}

// precisions are the --precision values; unlike the write endpoint, replay
// rejects a unit it does not know rather than read nanoseconds.
var precisions = map[string]lineprotocol.Precision{
	"n": lineprotocol.Nanosecond, "ns": lineprotocol.Nanosecond,
	"u": lineprotocol.Microsecond, "ms": lineprotocol.Millisecond,
	"s": lineprotocol.Second, "m": lineprotocol.Minute, "h": lineprotocol.Hour,
}

type replayOptions struct {
	path      string
	precision lineprotocol.Precision
	recTime   bool
	realClock bool
	dot       bool
	httpOut   string    // directory to write the httpOut results to, if not empty
	prof      *profiler // --cpuprofile and --stats; nil for none
	dataDir   string    // --data-dir: where the alert state persists, if not empty
}

// replayStats count what a replay did.
type replayStats struct {
	points, skipped, bad int64
}

// replay feeds the recording through a new instance of the task and closes
// it.
func (r *runner) replay(ctx context.Context, cfg *Config, log *slog.Logger, o replayOptions) (err error) {
	f, err := os.Open(o.path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	counter := &countingReader{r: f}
	rec, err := recording.NewReader(counter, o.precision)
	if err != nil {
		return fmt.Errorf("%s: %w", o.path, err)
	}

	env := r.env(cfg, log)
	timers := timer.New(time.Now()) // the stats and barrier nodes' clock
	env.Timers = timers
	task, st, err := r.start(env, o.dataDir, log)
	if err != nil {
		return err
	}
	defer closeState(st, &err) // after the task's Close
	task.ReplayTimers(timers)
	task.DefaultRP = cfg.DefaultRetentionPolicy

	var stats replayStats
	const maxLogged = 10
	bad := func(e lineprotocol.Error) {
		stats.bad++
		if stats.bad <= maxLogged {
			log.Warn("skipping a line that is not line protocol", "file", o.path, "line", e.Line, "error", e.Msg, "text", e.Text)
		}
		if stats.bad == maxLogged {
			log.Warn("further bad lines are skipped without a message", "file", o.path)
		}
	}
	start := time.Now()
	d := r.dbrp()
	src := &pointSource{r: rec, db: d.DB, rp: d.RP, now: start, bad: bad}

	bar := startProgress(r.stderr, filepath.Base(o.path), fi.Size(), counter)
	if o.prof != nil {
		o.prof.restart()
	}
	err = feed(ctx, task, src, o, start, &stats, bar)
	bar.stop()
	if err == nil && o.httpOut != "" {
		// Before Close: a served task answers while it runs, and Close
		// drops what the endpoints hold.
		err = writeHTTPOuts(task, r.p.HTTPOuts, o.httpOut)
	}
	closeErr := task.Close()
	if err == nil {
		err = closeErr
	}
	if o.prof != nil {
		if perr := o.prof.stop(stats.points); err == nil {
			err = perr
		}
	}

	msg := fmt.Sprintf("replayed %d points from %s in %v", stats.points, o.path, time.Since(start).Round(time.Millisecond))
	if stats.skipped > 0 {
		msg += fmt.Sprintf("; skipped %d points of other databases or retention policies (the task reads %s)", stats.skipped, dbrpList(r))
	}
	if stats.bad > 0 {
		msg += fmt.Sprintf("; skipped %d bad lines", stats.bad)
	}
	fmt.Fprintln(r.stderr, msg)
	if o.dot {
		fmt.Fprintf(r.stdout, "%s\n", task.Dot(false))
	}
	return err
}

// feed delivers the points of src to task, shifting their times and pacing
// them as o says.
func feed(ctx context.Context, task *server.Task, src *pointSource, o replayOptions, start time.Time, stats *replayStats, bar *progress) error {
	var first, shift int64
	i := 0
	// next returns the next point, its time shifted as o says.
	next := func() (db, rp string, p *pipeline.Point, ok bool) {
		db, rp, p, ok = src.next()
		if !ok {
			return
		}
		if i == 0 {
			first = p.Time
			shift = start.UnixNano() - first // Kapacitor: the first point happens now
		}
		i++
		if !o.recTime {
			p.Time += shift
		}
		return
	}
	count := func(delivered bool) {
		if delivered {
			stats.points++
		} else {
			stats.skipped++
		}
	}
	if o.realClock {
		for {
			db, rp, p, ok := next()
			if !ok {
				break
			}
			at := p.Time
			if !o.recTime {
				at -= shift
			}
			if wait := time.Duration(at-first) - time.Since(start); wait > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
				}
			}
			count(task.Deliver(db, rp, p))
			bar.points.Store(stats.points)
		}
	} else {
		// As fast as the task takes them: in batches, each under one
		// acquisition of the task's lock.
		const batch = 1024
		done := false
		fill := func(b *server.Batch) {
			for range batch {
				db, rp, p, ok := next()
				if !ok {
					done = true
					return
				}
				count(b.Deliver(db, rp, p))
			}
		}
		for !done {
			if err := ctx.Err(); err != nil {
				return err
			}
			task.DeliverBatch(fill)
			bar.points.Store(stats.points)
		}
	}
	if err := src.err(); err != nil {
		return fmt.Errorf("%s: %w", o.path, err)
	}
	return nil
}

// writeHTTPOuts writes the current result of each httpOut endpoint to
// dir/NAME.json.
func writeHTTPOuts(task *server.Task, names []string, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		var b bytes.Buffer
		if !task.HTTPOut(name, &b) {
			return fmt.Errorf("httpOut %q: no such endpoint", name)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func dbrpList(r *runner) string {
	var s []string
	for _, d := range dbrps(r.p) {
		s = append(s, d.String())
	}
	return strings.Join(s, ", ")
}

// progress draws a progress bar on a terminal while a replay runs for more
// than a second.
type progress struct {
	points atomic.Int64
	done   chan struct{}
	wg     sync.WaitGroup
}

// startProgress starts drawing on w if it is a terminal.
func startProgress(w io.Writer, name string, size int64, read *countingReader) *progress {
	p := &progress{done: make(chan struct{})}
	if !isTerminal(w) {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		select {
		case <-p.done:
			return
		case <-time.After(time.Second):
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			p.draw(w, name, size, read.n.Load())
			select {
			case <-p.done:
				fmt.Fprint(w, "\r\033[K") // clear the line
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *progress) draw(w io.Writer, name string, size, read int64) {
	const width = 30
	frac := 1.0
	if size > 0 {
		frac = min(float64(read)/float64(size), 1)
	}
	done := int(frac * width)
	bar := strings.Repeat("=", done) + strings.Repeat(" ", width-done)
	fmt.Fprintf(w, "\rreplaying %s [%s] %3.0f%% %d points", name, bar, frac*100, p.points.Load())
}

func (p *progress) stop() {
	close(p.done)
	p.wg.Wait()
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
