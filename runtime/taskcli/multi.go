package taskcli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/tickc/tickc/runtime/alert/handlers"
	"github.com/tickc/tickc/runtime/alert/store"
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/recording"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/timer"
	"github.com/urfave/cli/v2"
)

// MainMulti runs the command line of a binary built from a directory of
// tasks (tickc build DIR) and exits. The generated main is
//
//	func main() { taskcli.MainMulti(&cpu_alert.Program, &mem_alert.Program, ...) }
//
// and the binary serves every task behind one HTTP API, as one Kapacitor
// with those tasks enabled would.
func MainMulti(programs ...*pipeline.Program) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // let a second signal kill the process
	}()
	os.Exit(RunMulti(ctx, programs, os.Args, os.Stdout, os.Stderr))
}

// RunMulti is Run for a binary of several tasks.
func RunMulti(ctx context.Context, programs []*pipeline.Program, args []string, stdout, stderr io.Writer) int {
	progs := append([]*pipeline.Program(nil), programs...)
	sort.Slice(progs, func(i, j int) bool { return progs[i].ID < progs[j].ID })
	return (&multiRunner{progs: progs, stdout: stdout, stderr: stderr}).run(ctx, args)
}

// multiRunner is the command line of a binary of several tasks. Each task
// is started as a single-task binary starts its one (runner.start), with
// its own logger, clock, alert state file and statistics.
type multiRunner struct {
	progs          []*pipeline.Program // by ID
	name           string
	stdout, stderr io.Writer
	// onListen, when set, is told the address serve listens on (tests).
	onListen func(addr string)
}

// task returns the single-task runner of p, for what tasks do alone.
func (m *multiRunner) task(p *pipeline.Program) *runner {
	return &runner{p: p, name: m.name, stdout: m.stdout, stderr: m.stderr}
}

func (m *multiRunner) program(id string) (*pipeline.Program, error) {
	for _, p := range m.progs {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, usageError{fmt.Errorf("no task %q in this binary (it has %s)", id, strings.Join(m.ids(), ", "))}
}

func (m *multiRunner) ids() []string {
	ids := make([]string, len(m.progs))
	for i, p := range m.progs {
		ids[i] = p.ID
	}
	return ids
}

func (m *multiRunner) run(ctx context.Context, args []string) int {
	name := "tasks"
	if len(args) > 0 {
		name = filepath.Base(args[0])
	}
	m.name = name
	app := &cli.App{
		Name:  name,
		Usage: fmt.Sprintf("%d Kapacitor tasks, compiled by tickc", len(m.progs)),
		Description: fmt.Sprintf(`This program runs %d TICKscript tasks (%s) as one Kapacitor with
those tasks enabled would, without Kapacitor. Start it with "serve" and
send it data the way you would send it to Kapacitor: each point goes to
every task that reads its database and retention policy. "list" and "show
ID" print what "kapacitor list tasks" and "kapacitor show ID" print.`, len(m.progs), strings.Join(m.ids(), ", ")),
		Writer:    m.stdout,
		ErrWriter: m.stderr,
		Commands: []*cli.Command{
			m.serveCommand(),
			m.replayCommand(),
			m.recordCommand(),
			m.listCommand(),
			m.showCommand(),
			m.configCommand(),
			m.versionCommand(),
		},
	}
	return runApp(ctx, app, args, m.stderr)
}

// started are the running tasks of serve or replay, with their state
// stores and what each loops back into the others (kapacitorLoopback):
// loops[i] is tasks[i]'s, nil if it loops nothing back; loops is nil if no
// task does, or there is no other task.
type started struct {
	tasks  []*server.Task
	stores []*store.Store
	loops  []*server.Loopback
}

// start starts each program of progs; replay says the tasks run on the
// replayed points' clock rather than the wall clock.
func (m *multiRunner) start(progs []*pipeline.Program, cfg *Config, dataDir string, log *slog.Logger, replay bool) (*started, error) {
	s := &started{}
	// The alert service (named topics, topic handlers, inhibitors) that
	// the first task using topics makes is shared by all, as in Kapacitor.
	var alerts any
	looping := false
	for _, p := range progs {
		r := m.task(p)
		env := r.env(cfg, log)
		timers := timer.New(time.Now())
		env.Timers = timers
		env.Alerts = alerts
		var loop *server.Loopback
		if len(progs) > 1 && loopsBack(p) {
			loop = server.NewLoopback(env.Log)
			env.Loopback = loop.Write
			looping = true
		}
		task, st, err := r.start(env, dataDir, log)
		if err != nil {
			s.close(nil)
			return nil, err
		}
		alerts = env.Alerts
		if replay {
			task.ReplayTimers(timers)
		} else {
			task.RunTimers(timers)
		}
		task.DefaultRP = cfg.DefaultRetentionPolicy
		s.tasks = append(s.tasks, task)
		s.stores = append(s.stores, st)
		s.loops = append(s.loops, loop)
	}
	if !looping {
		s.loops = nil
	}
	return s, nil
}

// loopsBack reports whether p has a kapacitorLoopback node.
func loopsBack(p *pipeline.Program) bool {
	for _, n := range p.Nodes {
		if strings.HasPrefix(n.Name, "kapacitor_loopback") {
			return true
		}
	}
	return false
}

// close closes the tasks (unless router, which closes them, is given) and
// then their state stores, and returns the first error.
func (s *started) close(router *server.Router) (err error) {
	if router != nil {
		err = router.Close()
	} else {
		for _, t := range s.tasks {
			if cerr := t.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
	}
	for _, st := range s.stores {
		closeState(st, &err)
	}
	return err
}

func (m *multiRunner) serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run the tasks behind Kapacitor's HTTP API until stopped",
		Description: `Starts every task and serves the part of Kapacitor's HTTP API they need:

   POST /write, POST /kapacitor/v1/write?db=DB&rp=RP&precision=n
        line protocol; each point goes to every task that reads DB and RP
   GET  /kapacitor/v1/ping
   GET  /kapacitor/v1/tasks                 the tasks, as "kapacitor list tasks" reads them
   GET  /kapacitor/v1/tasks/ID              one task, with its graph and statistics
   GET  /kapacitor/v1/tasks/ID/NAME         the result of |httpOut('NAME') of task ID

Each task runs on its own goroutine, so that a slow one does not hold up
the others; a write is answered once its points are queued for the tasks.
The points a task writes with kapacitorLoopback go to the other tasks that
read their database and retention policy, as if written to /write there;
a task whose queue is full misses them (counted in /metrics).
A task's alert state is kept in DATA_DIR/ID.db when a data directory is set.
Batch tasks run their queries on schedule against the [[influxdb]] sections
of --config. For each of those sections, serve keeps one InfluxDB
subscription (named after this binary) per database and retention policy
that a stream task reads, pointing at its own /write, as Kapacitor does.
SIGINT or SIGTERM stops the tasks once they have taken what was queued.`,
		Flags: []cli.Flag{configFlag(), httpBindFlag(), logLevelFlag(), logFormatFlag(), dataDirFlag(false), cpuProfileFlag(), statsFlag()},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usageError{fmt.Errorf("serve takes no arguments, got %q", c.Args().Slice())}
			}
			cfg, log, closeLog, err := m.task(m.progs[0]).setup(c)
			if err != nil {
				return err
			}
			defer closeLog()
			prof, err := startProfile(c, m.stderr)
			if err != nil {
				return err
			}
			defer prof.stop(0) // if the run ended early; a no-op after stop
			return m.serve(c.Context, cfg, dataDir(c, cfg, false), log, prof, nil, "", 0)
		},
	}
}

// serve runs the tasks behind the HTTP API until ctx is done, the
// duration (if not zero) has passed, or the listener fails. prof, if not
// nil, measures from when the tasks serve until they have stopped; --stats
// counts the points written that a task reads, once each. rec, if not nil,
// sees every point written for the task tapID (for any task when "").
func (m *multiRunner) serve(ctx context.Context, cfg *Config, dataDir string, log *slog.Logger, prof *profiler, rec *recorder, tapID string, duration time.Duration) (err error) {
	s, err := m.start(m.progs, cfg, dataDir, log, false)
	if err != nil {
		return err
	}
	router := server.NewRouter(s.tasks)
	for i, l := range s.loops {
		if l != nil {
			router.ConnectLoopback(s.tasks[i], l)
		}
	}
	if rec != nil {
		router.SetTap(tapID, rec.write)
	}
	if prof != nil {
		prof.restart()
	}
	hs, ln, served, err := startHTTP(cfg, log, server.NewMulti(router, serverOptions(cfg, log)))
	if err != nil {
		s.close(router)
		return err
	}
	var stops []func()
	stopAll := func() {
		for _, stop := range stops {
			stop()
		}
	}
	for i, p := range m.progs {
		stop, err := m.task(p).startQueries(ctx, cfg, log, s.tasks[i])
		if err != nil {
			hs.Close()
			stopAll()
			s.close(router)
			return fmt.Errorf("task %s: %w", p.ID, err)
		}
		stops = append(stops, stop)
	}
	// One set of InfluxDB subscriptions for the stream tasks' DBRPs
	// (subscriptions.go), as one Kapacitor has for all its tasks.
	stopSubs, err := startSubscriptions(ctx, cfg, log, ln.Addr(), "tasks\x00"+m.name, streamDBRPs(m.progs...))
	if err != nil {
		hs.Close()
		stopAll()
		s.close(router)
		return err
	}
	// Stopped first: left in InfluxDB, as Kapacitor leaves them.
	stops = append([]func(){stopSubs}, stops...)
	addr := ln.Addr().String()
	log.Info("serving tasks", "tasks", len(m.progs), "url", "http://"+addr+server.BasePath+"/tasks")
	if m.onListen != nil {
		m.onListen(addr)
	}

	serveErr := serveUntilStopped(ctx, log, hs, served, duration, time.Duration(cfg.HTTP.ShutdownTimeout))
	stopAll()
	closeErr := s.close(router)
	if closeErr != nil {
		log.Error("closing the tasks", "error", closeErr)
	}
	c := router.Counts()
	var loopDropped int64
	for _, p := range m.progs {
		loopDropped += router.LoopbackDropped(p.ID)
	}
	log.Info("stopped", "points", c.Received, "ignored", c.Ignored, "rejected_lines", c.Rejected, "writes_waited", router.Waits(), "loopback_dropped", loopDropped)
	if prof != nil {
		if err := prof.stop(c.Received); err != nil && closeErr == nil {
			closeErr = err
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return closeErr
}

func (m *multiRunner) replayCommand() *cli.Command {
	return &cli.Command{
		Name:      "replay",
		Usage:     "feed a recording through the tasks, then exit",
		ArgsUsage: "FILE",
		Description: `Feeds the points of FILE (a stream recording, .srpl, or line protocol)
through every task that reads their database and retention policy, or
only through the task given by --task, and exits when they are done.
What a task writes with kapacitorLoopback goes through the other tasks
that read it, after each point (only with more than one task).
Plain line protocol goes to the first database and retention policy of
the first task (by ID) that reads one; --task changes which. A batch
recording (.brpl) replays through the batch task given by --task.

Times are shifted so that the first point happens now, unless --rec-time
is given.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "task", Usage: "replay through the task `ID` only"},
			&cli.BoolFlag{Name: "rec-time", Usage: "keep the recorded times instead of shifting them to now"},
			&cli.StringFlag{Name: "precision", Value: "n", Usage: "the unit of the timestamps of a plain-text FILE: n, u, ms, s, m or h"},
			&cli.BoolFlag{Name: "dot", Usage: "print each task's graph with statistics when done"},
			&cli.StringFlag{Name: "httpout", TakesFile: true, Usage: "when done, write the result of each httpOut endpoint NAME of task ID to `DIR`/ID/NAME.json"},
			configFlag(), logLevelFlag(), logFormatFlag(), dataDirFlag(true),
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
			progs := m.progs
			if c.IsSet("task") {
				p, err := m.program(c.String("task"))
				if err != nil {
					return err
				}
				progs = []*pipeline.Program{p}
			}
			if len(progs) == 1 && (progs[0].Type == "batch" || strings.HasSuffix(strings.ToLower(path), ".brpl")) {
				return m.task(progs[0]).replayBatchCommand(c, path)
			}
			if strings.HasSuffix(strings.ToLower(path), ".brpl") {
				return usageError{fmt.Errorf("a batch recording replays through one batch task: give --task ID")}
			}
			cfg, log, closeLog, err := m.task(progs[0]).setup(c)
			if err != nil {
				return err
			}
			defer closeLog()
			return m.replay(c.Context, cfg, log, progs, replayOptions{
				path:      path,
				precision: precision,
				recTime:   c.Bool("rec-time"),
				dot:       c.Bool("dot"),
				httpOut:   c.String("httpout"),
				dataDir:   dataDir(c, cfg, true),
			})
		},
	}
}

// replay feeds the recording through new instances of progs, each point to
// every task that reads it, in order, and closes them.
func (m *multiRunner) replay(ctx context.Context, cfg *Config, log *slog.Logger, progs []*pipeline.Program, o replayOptions) (err error) {
	f, err := os.Open(o.path)
	if err != nil {
		return err
	}
	defer f.Close()
	rec, err := recording.NewReader(f, o.precision)
	if err != nil {
		return fmt.Errorf("%s: %w", o.path, err)
	}
	s, err := m.start(progs, cfg, o.dataDir, log, true)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.close(nil); err == nil {
			err = cerr
		}
	}()

	var bad int64
	start := time.Now()
	src := &pointSource{r: rec, now: start, bad: func(e lineprotocol.Error) {
		if bad++; bad <= 10 {
			log.Warn("skipping a line that is not line protocol", "file", o.path, "line", e.Line, "error", e.Msg, "text", e.Text)
		}
	}}
	for _, p := range progs {
		if len(p.DBRPs) > 0 {
			src.db, src.rp = p.DBRPs[0].DB, p.DBRPs[0].RP
			break
		}
	}
	var (
		points, skipped int64
		shift           int64
		own             pipeline.Point // what each task gets: nodes may change it
		loopDropped     int            // looped-back points that went round a cycle of tasks
	)
	for i := 0; ; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		db, rp, p, ok := src.next()
		if !ok {
			break
		}
		if i == 0 {
			shift = start.UnixNano() - p.Time // Kapacitor: the first point happens now
		}
		if !o.recTime {
			p.Time += shift
		}
		delivered := false
		for _, t := range s.tasks {
			own.Name, own.Time, own.Group = p.Name, p.Time, nil
			own.Tags = append(own.Tags[:0], p.Tags...)
			own.Fields = append(own.Fields[:0], p.Fields...)
			if t.Deliver(db, rp, &own) {
				delivered = true
			}
		}
		if delivered {
			points++
		} else {
			skipped++
		}
		if s.loops != nil {
			loopDropped += server.DeliverLooped(s.tasks, s.loops)
		}
	}
	if err := src.err(); err != nil {
		return fmt.Errorf("%s: %w", o.path, err)
	}
	if o.httpOut != "" {
		// Before Close, which drops what the endpoints hold.
		for _, t := range s.tasks {
			if err := writeHTTPOuts(t, t.Program.HTTPOuts, filepath.Join(o.httpOut, t.Program.ID)); err != nil {
				return err
			}
		}
	}
	msg := fmt.Sprintf("replayed %d points from %s through %d tasks in %v", points, o.path, len(s.tasks), time.Since(start).Round(time.Millisecond))
	if skipped > 0 {
		msg += fmt.Sprintf("; skipped %d points no task reads", skipped)
	}
	if bad > 0 {
		msg += fmt.Sprintf("; skipped %d bad lines", bad)
	}
	if loopDropped > 0 {
		msg += fmt.Sprintf("; dropped %d points looped back round a cycle of tasks", loopDropped)
	}
	fmt.Fprintln(m.stderr, msg)
	if o.dot {
		for _, t := range s.tasks {
			fmt.Fprintf(m.stdout, "%s\n", t.Dot(false))
		}
	}
	return nil
}

func (m *multiRunner) recordCommand() *cli.Command {
	taskFlag := func(usage string) cli.Flag { return &cli.StringFlag{Name: "task", Usage: usage} }
	return &cli.Command{
		Name:  "record",
		Usage: "record the data the tasks receive, to replay it later",
		Subcommands: []*cli.Command{{
			Name:  "stream",
			Usage: "serve the tasks for a while and record the points a task receives",
			Description: `Serves the tasks as "serve" does for --duration, and writes every point
written for the databases and retention policies of the task --task ID
(of any task, without --task) to FILE, in Kapacitor's stream recording
format (.srpl), as "kapacitor record stream -task ID" does. SIGINT or
SIGTERM end the recording early; the file is still complete.`,
			Flags: append(recordStreamFlags(), taskFlag("record what task `ID` receives")),
			Action: func(c *cli.Context) error {
				id := c.String("task")
				if c.IsSet("task") {
					p, err := m.program(id)
					if err != nil {
						return err
					}
					if p.Type == "batch" {
						return usageError{fmt.Errorf("record stream needs a stream task; %s is a batch task (use record batch)", id)}
					}
				}
				return recordStream(c, m.task(m.progs[0]).setup, func(cfg *Config, log *slog.Logger, rec *recorder) error {
					return m.serve(c.Context, cfg, dataDir(c, cfg, false), log, nil, rec, id, c.Duration("duration"))
				})
			},
		}, {
			Name:  "batch",
			Usage: "run a batch task's queries over a past time range and record their results",
			Description: `Runs the queries of the batch task --task ID against InfluxDB over
--past DURATION or from --start to --stop, as "kapacitor record batch
-task ID" does, and writes Kapacitor's batch recording (.brpl) to FILE,
which "replay --task ID" reads. See the record batch of a single-task
binary for the details.`,
			Flags: append(recordBatchFlags(), taskFlag("record the queries of the batch task `ID`; required")),
			Action: func(c *cli.Context) error {
				if !c.IsSet("task") {
					return usageError{fmt.Errorf("record batch needs --task ID (one of %s)", strings.Join(m.ids(), ", "))}
				}
				p, err := m.program(c.String("task"))
				if err != nil {
					return err
				}
				return m.task(p).recordBatch(c)
			},
		}, {
			Name:  "query",
			Usage: "run one InfluxQL query and record its result",
			Description: `Runs --query (its source written "db"."rp"."m") against the default
[[influxdb]] section or --cluster, as "kapacitor record query" does, and
records the result as a stream (.srpl) or batch (.brpl) recording, by
--type.`,
			Flags:  recordQueryFlags(),
			Action: m.task(m.progs[0]).recordQuery,
		}},
	}
}

// urlFlag is the --url of list and show.
func urlFlag() cli.Flag {
	return &cli.StringFlag{Name: "url", Usage: "the `URL` of the running binary's HTTP API", EnvVars: []string{"KAPACITOR_URL"}}
}

// baseURL is the API address list and show ask: --url, $KAPACITOR_URL,
// the --config file's bind-address, or http://localhost:9092.
func baseURL(c *cli.Context) (string, error) {
	if base := c.String("url"); base != "" {
		return base, nil
	}
	if c.IsSet("config") {
		cfg, err := LoadConfig(c.String("config"))
		if err != nil {
			return "", err
		}
		return bindURL(cfg.HTTP.BindAddress), nil
	}
	return "http://localhost:9092", nil
}

func (m *multiRunner) listCommand() *cli.Command {
	return &cli.Command{
		Name:      "list",
		Usage:     "list the tasks, as `kapacitor list tasks` does",
		ArgsUsage: "[PATTERN]",
		Description: `Asks the running binary (started with "serve") at --url for its tasks and
prints them as "kapacitor list tasks" does; PATTERN selects task IDs
(* and ? as in Kapacitor). When nothing listens there, lists the tasks as
compiled: status disabled, not executing.`,
		Flags: []cli.Flag{urlFlag(), configFlag()},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageError{fmt.Errorf("list takes at most one PATTERN")}
			}
			base, err := baseURL(c)
			if err != nil {
				return err
			}
			tasks, err := fetchTasks(base, c.Args().First())
			if errors.Is(err, syscall.ECONNREFUSED) {
				tasks = m.staticList(c.Args().First())
			} else if err != nil {
				return err
			}
			printList(m.stdout, tasks)
			return nil
		},
	}
}

// listed is one task of GET /kapacitor/v1/tasks with list's fields.
type listed struct {
	ID        string        `json:"id"`
	Type      string        `json:"type"`
	Status    string        `json:"status"`
	Executing bool          `json:"executing"`
	DBRPs     []server.DBRP `json:"dbrps"`
}

// fetchTasks lists the tasks of the API at base whose IDs match pattern.
func fetchTasks(base, pattern string) ([]listed, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return nil, usageError{fmt.Errorf("invalid URL %q: it must start with http:// or https://", base)}
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + server.BasePath + "/tasks"
	q := url.Values{"fields": {"type", "status", "executing", "dbrps"}, "limit": {"100000"}}
	if pattern != "" {
		q.Set("pattern", pattern)
	}
	u.RawQuery = q.Encode()
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Get(u.String())
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	var list struct {
		Tasks []listed `json:"tasks"`
		Error string   `json:"error"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("%s: %s: invalid JSON: %w", u, res.Status, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s %s", u, res.Status, list.Error)
	}
	return list.Tasks, nil
}

// staticList lists the compiled tasks matching pattern, not running.
func (m *multiRunner) staticList(pattern string) []listed {
	var out []listed
	for _, p := range m.progs {
		if ok, _ := filepath.Match(pattern, p.ID); pattern == "" || ok {
			out = append(out, listed{ID: p.ID, Type: p.Type, Status: "disabled", DBRPs: dbrps(p)})
		}
	}
	return out
}

// printList prints tasks in the layout of `kapacitor list tasks`: the ID
// column as wide as the longest ID plus one, sorted by ID.
func printList(w io.Writer, tasks []listed) {
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].ID < tasks[j].ID })
	width := len("ID")
	for _, t := range tasks {
		width = max(width, len(t.ID))
	}
	format := fmt.Sprintf("%%-%ds%%-10v%%-10v%%-10v%%s\n", width+1)
	fmt.Fprintf(w, format, "ID", "Type", "Status", "Executing", "Databases and Retention Policies")
	for _, t := range tasks {
		fmt.Fprintf(w, format, t.ID, t.Type, t.Status, t.Executing, t.DBRPs)
	}
}

func (m *multiRunner) showCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "print a task's details, graph and statistics, as `kapacitor show ID` does",
		ArgsUsage: "ID",
		Description: `Asks the running binary at --url for task ID and prints it as
"kapacitor show" does. When nothing listens there, prints the task as
compiled.`,
		Flags: []cli.Flag{urlFlag(), configFlag()},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError{fmt.Errorf("show takes one task ID (one of %s)", strings.Join(m.ids(), ", "))}
			}
			p, err := m.program(c.Args().First())
			if err != nil {
				return err
			}
			base, err := baseURL(c)
			if err != nil {
				return err
			}
			info, err := fetchTask(base, p.ID)
			if errors.Is(err, syscall.ECONNREFUSED) {
				info = staticInfo(p)
			} else if err != nil {
				return err
			}
			printShow(m.stdout, info)
			return nil
		},
	}
}

func (m *multiRunner) configCommand() *cli.Command {
	return &cli.Command{
		Name:  "config",
		Usage: "print the default configuration",
		Description: `Prints the configuration the tasks run with when given no --config
file, in kapacitor.conf's sections and keys: the settings every task
shares, [[influxdb]] if a task is a batch task, and the sections of the
alert services the tasks' handlers use.`,
		Action: func(c *cli.Context) error {
			text := DefaultConfig
			services := map[string]bool{}
			batch := false
			for _, p := range m.progs {
				batch = batch || len(p.Queries) > 0
				for _, s := range p.Services {
					services[s] = true
				}
			}
			text += influxDBSection(batch)
			names := make([]string, 0, len(services))
			for s := range services {
				names = append(names, s)
			}
			sort.Strings(names)
			for _, s := range names {
				if section, ok := handlers.DefaultSection(s); ok {
					text += "\n" + section
				}
			}
			_, err := io.WriteString(m.stdout, text)
			return err
		},
	}
}

func (m *multiRunner) versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the tasks' IDs and the versions of tickc and Go they were built with",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(m.stdout, "%d tasks (%s), built by tickc %s with %s\n", len(m.progs), strings.Join(m.ids(), ", "), Version(), runtime.Version())
			return nil
		},
	}
}
