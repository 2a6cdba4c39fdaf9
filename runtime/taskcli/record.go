package taskcli

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/influxdata/influxql"
	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/runtime/batch"
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/recording"
)

func (r *runner) recordCommand() *cli.Command {
	return &cli.Command{
		Name:  "record",
		Usage: "record the data the task receives, to replay it later",
		Subcommands: []*cli.Command{{
			Name:  "stream",
			Usage: "serve the task for a while and record the points it receives",
			Description: r.help(`Serves the task as "serve" does for --duration, and writes every point it
receives for its databases and retention policies ($DBRP) to FILE, in
Kapacitor's stream recording format (.srpl: gzip-compressed, nanosecond
timestamps). "kapacitor replay" and this binary's replay read it.
SIGINT or SIGTERM end the recording early; the file is still complete.

Example:

   $TASK record stream --duration 60s -o cpu.srpl
   $TASK replay cpu.srpl`),
			Flags: recordStreamFlags(),
			Action: func(c *cli.Context) error {
				return recordStream(c, r.setup, func(cfg *Config, log *slog.Logger, rec *recorder) error {
					return r.serve(c.Context, cfg, dataDir(c, cfg, false), log, rec, c.Duration("duration"), nil)
				})
			},
		}, r.recordBatchCommand(), r.recordQueryCommand()},
	}
}

func recordStreamFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "duration", Value: time.Minute, Usage: "record for `DURATION`, such as 60s or 5m"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, TakesFile: true, Usage: "write the recording to `FILE` (.srpl); required"},
		configFlag(), httpBindFlag(), logLevelFlag(), logFormatFlag(), dataDirFlag(false),
	}
}

// recordStream is the action of record stream: it checks the arguments,
// sets up with setup, and runs serve with a recorder writing to -o FILE.
func recordStream(c *cli.Context, setup func(*cli.Context) (*Config, *slog.Logger, func(), error), serve func(*Config, *slog.Logger, *recorder) error) error {
	if c.Args().Present() {
		return usageError{fmt.Errorf("record stream takes no arguments, got %q", c.Args().Slice())}
	}
	if c.String("output") == "" {
		return usageError{fmt.Errorf("record stream needs -o FILE to write the recording to")}
	}
	if c.Duration("duration") <= 0 {
		return usageError{fmt.Errorf("--duration must be positive")}
	}
	cfg, log, closeLog, err := setup(c)
	if err != nil {
		return err
	}
	defer closeLog()
	path := c.String("output")
	rec, err := newRecorder(path, func(err error) {
		log.Warn("a point could not be recorded", "error", err)
	})
	if err != nil {
		return err
	}
	err = serve(cfg, log, rec)
	if cerr := rec.close(); cerr != nil && err == nil {
		err = fmt.Errorf("writing %s: %w", path, cerr)
	}
	log.Info("recorded", "points", rec.points, "skipped", rec.skipped, "file", path)
	return err
}

func (r *runner) recordBatchCommand() *cli.Command {
	return &cli.Command{
		Name:  "batch",
		Usage: "run the task's queries over a past time range and record their results",
		Description: r.help(`Runs the queries of the batch task $ID against InfluxDB,
as "kapacitor record batch" does: each query at every tick its schedule
(.every or .cron, .align, .offset, .period) has between --start and --stop
(or over the --past DURATION until now), leaving out ticks whose query
would end in the future.
The results are written to FILE in Kapacitor's batch recording format (.brpl:
a zip archive with one entry of JSON batches per query node), which "replay"
and "kapacitor replay" read.

Each query runs against the [[influxdb]] section its .cluster() names (the
default section without one), or against --cluster for all. The first
failing query ends the recording with its error, and no file is written.

Examples:

   $TASK record batch --past 20m -o cpu.brpl
   $TASK record batch --start 2026-01-01T00:00:00Z --stop 2026-01-01T01:00:00Z -o cpu.brpl
   $TASK replay cpu.brpl`),
		Flags:  recordBatchFlags(),
		Action: r.recordBatch,
	}
}

func recordBatchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "past", Usage: "record the `DURATION` until now, such as 20m or 1d"},
		&cli.StringFlag{Name: "start", Usage: "record from `TIME` (RFC 3339, such as 2026-01-01T00:00:00Z)"},
		&cli.StringFlag{Name: "stop", Usage: "record until `TIME` (RFC 3339; default: now)"},
		&cli.StringFlag{Name: "cluster", Usage: "query the [[influxdb]] section `NAME` instead of each query's own"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, TakesFile: true, Usage: "write the recording to `FILE` (.brpl); required"},
		configFlag(), logLevelFlag(),
	}
}

// recordBatch is the action of record batch for the task of r.
func (r *runner) recordBatch(c *cli.Context) error {
	if c.Args().Present() {
		return usageError{fmt.Errorf("record batch takes no arguments, got %q", c.Args().Slice())}
	}
	if r.p.Type != "batch" {
		return usageError{fmt.Errorf("record batch needs a batch task; %s is a %s task (use record stream)", r.p.ID, r.p.Type)}
	}
	path := c.String("output")
	if path == "" {
		return usageError{fmt.Errorf("record batch needs -o FILE to write the recording to")}
	}
	now := time.Now()
	start, stop, err := recordRange(c.String("past"), c.String("start"), c.String("stop"), now)
	if err != nil {
		return usageError{err}
	}
	cfg, log, closeLog, err := r.setup(c)
	if err != nil {
		return err
	}
	defer closeLog()
	var clients []batch.Querier
	for _, q := range r.p.Queries {
		cluster := q.Cluster
		if c.IsSet("cluster") {
			cluster = c.String("cluster")
		}
		cl, err := cfg.queryClient(cluster)
		if err != nil {
			return fmt.Errorf("%s: %w", q.Node, err)
		}
		defer cl.Close()
		clients = append(clients, cl)
	}
	st, err := writeBatchRecording(path, func(w *batch.RecordingWriter) (batch.RecordStats, error) {
		return batch.Record(c.Context, clients, r.p.Queries, start, stop, now, w)
	})
	if err != nil {
		return err
	}
	log.Info("recorded", "queries", st.Queries, "batches", st.Batches, "points", st.Points, "start", start, "stop", stop, "file", path)
	return nil
}

// recordRange is the time range of record batch: --past until now, or
// --start until --stop (default now).
func recordRange(past, start, stop string, now time.Time) (time.Time, time.Time, error) {
	var from, to time.Time
	switch {
	case past != "" && start != "":
		return from, to, fmt.Errorf("give either --past or --start, not both")
	case past != "":
		d, err := influxql.ParseDuration(past)
		if err != nil || d <= 0 {
			return from, to, fmt.Errorf("--past %q: want a positive duration such as 20m", past)
		}
		from = now.Add(-d)
	case start != "":
		t, err := time.Parse(time.RFC3339, start)
		if err != nil {
			return from, to, fmt.Errorf("--start: %w", err)
		}
		from = t
	default:
		return from, to, fmt.Errorf("record batch needs --past DURATION or --start TIME")
	}
	to = now
	if stop != "" {
		if past != "" {
			return from, to, fmt.Errorf("--stop goes with --start, not --past")
		}
		t, err := time.Parse(time.RFC3339, stop)
		if err != nil {
			return from, to, fmt.Errorf("--stop: %w", err)
		}
		to = t
	}
	if !to.After(from) {
		return from, to, fmt.Errorf("the range is empty: --stop %s is not after the start %s", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	return from, to, nil
}

func (r *runner) recordQueryCommand() *cli.Command {
	return &cli.Command{
		Name:  "query",
		Usage: "run one InfluxQL query and record its result",
		Description: r.help(`Runs --query against InfluxDB, as "kapacitor record query" does, and records
the result for a task of --type:

   stream  an .srpl stream recording: each row of the result becomes a point
           of the query's database and retention policy, numbers as floats
   batch   a .brpl batch recording of one query node: each series of the
           result becomes a batch

The query must name its database and retention policy ("db"."rp"."m").
It runs against the default [[influxdb]] section, or --cluster.

Examples:

   $TASK record query --type stream -o cpu.srpl \
      --query 'SELECT usage_idle FROM "telegraf"."autogen"."cpu" WHERE time > now() - 1h'
   $TASK record query --type batch -o cpu.brpl \
      --query 'SELECT mean(usage_idle) FROM "telegraf"."autogen"."cpu" WHERE time > now() - 1h GROUP BY time(1m), host'`),
		Flags:  recordQueryFlags(),
		Action: r.recordQuery,
	}
}

func recordQueryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "query", Usage: "the InfluxQL `SELECT` statement to run; required"},
		&cli.StringFlag{Name: "type", Usage: "record for a `TYPE` of task: stream or batch; required"},
		&cli.StringFlag{Name: "cluster", Usage: "query the [[influxdb]] section `NAME` instead of the default"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, TakesFile: true, Usage: "write the recording to `FILE`; required"},
		configFlag(), logLevelFlag(),
	}
}

// recordQuery is the action of record query.
func (r *runner) recordQuery(c *cli.Context) error {
	if c.Args().Present() {
		return usageError{fmt.Errorf("record query takes no arguments, got %q", c.Args().Slice())}
	}
	text, typ, path := c.String("query"), c.String("type"), c.String("output")
	switch {
	case text == "":
		return usageError{fmt.Errorf("record query needs --query 'SELECT ...'")}
	case typ != "stream" && typ != "batch":
		return usageError{fmt.Errorf("record query needs --type stream or --type batch, got %q", typ)}
	case path == "":
		return usageError{fmt.Errorf("record query needs -o FILE to write the recording to")}
	}
	db, rp, err := queryDBRP(text)
	if err != nil {
		return usageError{err}
	}
	cfg, log, closeLog, err := r.setup(c)
	if err != nil {
		return err
	}
	defer closeLog()
	cl, err := cfg.queryClient(c.String("cluster"))
	if err != nil {
		return err
	}
	defer cl.Close()
	var st batch.RecordStats
	if typ == "batch" {
		st, err = writeBatchRecording(path, func(w *batch.RecordingWriter) (batch.RecordStats, error) {
			return batch.RecordQuery(cl, text, w)
		})
	} else {
		st, err = recordQueryStream(cl, text, db, rp, path)
	}
	if err != nil {
		return err
	}
	log.Info("recorded", "type", typ, "batches", st.Batches, "points", st.Points, "file", path)
	return nil
}

// queryDBRP is the database and retention policy of a query's single
// source, which record query requires, as Kapacitor does.
func queryDBRP(text string) (db, rp string, err error) {
	stmt, err := influxql.ParseStatement(text)
	if err != nil {
		return "", "", fmt.Errorf("--query: %w", err)
	}
	if s, ok := stmt.(*influxql.SelectStatement); ok && len(s.Sources) == 1 {
		if m, ok := s.Sources[0].(*influxql.Measurement); ok {
			db, rp = m.Database, m.RetentionPolicy
		}
	}
	if db == "" || rp == "" {
		return "", "", fmt.Errorf("--query: could not determine the database and retention policy; write the source as \"db\".\"rp\".\"measurement\"")
	}
	return db, rp, nil
}

// writeBatchRecording creates path and writes a batch recording to it
// with record; on an error it removes the file.
func writeBatchRecording(path string, record func(*batch.RecordingWriter) (batch.RecordStats, error)) (batch.RecordStats, error) {
	var st batch.RecordStats
	err := createFile(path, func(w io.Writer) error {
		rw := batch.NewRecordingWriter(w)
		var err error
		st, err = record(rw)
		if cerr := rw.Close(); err == nil {
			err = cerr
		}
		return err
	})
	return st, err
}

// recordQueryStream writes the rows of query text's result to path as a
// stream recording of points in db and rp.
func recordQueryStream(c batch.Querier, text, db, rp, path string) (batch.RecordStats, error) {
	var st batch.RecordStats
	err := createFile(path, func(w io.Writer) error {
		bs, err := batch.QueryBatches(c, text, "", false)
		if err != nil {
			return err
		}
		rw := recording.NewWriter(w)
		var tags []lineprotocol.Tag
		var fields []lineprotocol.Field
		for _, b := range bs {
			st.Batches++
			for _, p := range b.Points {
				tags, fields = lineprotocolPoint(&p, tags[:0], fields[:0])
				if err := rw.WritePoint(db, rp, []byte(p.Name), tags, fields, p.Time); err != nil {
					return err
				}
				st.Points++
			}
		}
		return rw.Close()
	})
	return st, err
}

// lineprotocolPoint appends the tags and fields of p to tags and fields.
func lineprotocolPoint(p *pipeline.Point, tags []lineprotocol.Tag, fields []lineprotocol.Field) ([]lineprotocol.Tag, []lineprotocol.Field) {
	for _, t := range p.Tags {
		tags = append(tags, lineprotocol.Tag{Key: []byte(t.Key), Value: []byte(t.Value)})
	}
	for _, f := range p.Fields {
		lf := lineprotocol.Field{Key: []byte(f.Key)}
		switch f.Value.Kind {
		case pipeline.Float:
			lf.Kind, lf.Float = lineprotocol.Float, f.Value.F
		case pipeline.Int:
			lf.Kind, lf.Int = lineprotocol.Int, f.Value.I
		case pipeline.String:
			lf.Kind, lf.Str = lineprotocol.String, []byte(f.Value.S)
		case pipeline.Bool:
			lf.Kind, lf.Bool = lineprotocol.Bool, f.Value.B
		}
		fields = append(fields, lf)
	}
	return tags, fields
}

// createFile creates path, writes it with write through a buffer, and
// closes it; if anything fails, it removes the file.
func createFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("recording %s: %w", path, err)
	}
	return nil
}
