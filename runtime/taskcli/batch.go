package taskcli

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/runtime/batch"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
)

// InfluxDBConfig is one [[influxdb]] section of kapacitor.conf: a server
// (or cluster of URLs, used in turn) that batch queries run against and
// stream tasks subscribe to.
type InfluxDBConfig struct {
	Enabled  *bool    `toml:"enabled"`
	Name     string   `toml:"name"`
	Default  bool     `toml:"default"`
	URLs     []string `toml:"urls"`
	Username string   `toml:"username"`
	Password string   `toml:"password"`
	Timeout  Duration `toml:"timeout"`

	// TLS for https URLs (see batch.TLSConfig).
	SSLCA              string `toml:"ssl-ca"`
	SSLCert            string `toml:"ssl-cert"`
	SSLKey             string `toml:"ssl-key"`
	InsecureSkipVerify bool   `toml:"insecure-skip-verify"`

	// Subscription keys, read by serve for a stream task (subscriptions.go).
	DisableSubscriptions      bool     `toml:"disable-subscriptions"`
	SubscriptionMode          string   `toml:"subscription-mode"`
	SubscriptionProtocol      string   `toml:"subscription-protocol"`
	SubscriptionsSyncInterval Duration `toml:"subscriptions-sync-interval"`
	KapacitorHostname         string   `toml:"kapacitor-hostname"`
	HTTPPort                  int      `toml:"http-port"`
}

// clientConfig is how to reach the section's servers, with timeout
// instead of a timeout of 0.
func (s *InfluxDBConfig) clientConfig(timeout time.Duration) batch.ClientConfig {
	if s.Timeout > 0 {
		timeout = time.Duration(s.Timeout)
	}
	return batch.ClientConfig{
		URLs: s.URLs, Username: s.Username, Password: s.Password, Timeout: timeout,
		SSLCA: s.SSLCA, SSLCert: s.SSLCert, SSLKey: s.SSLKey, InsecureSkipVerify: s.InsecureSkipVerify,
	}
}

// influxDB returns the enabled [[influxdb]] section called cluster, or,
// when cluster is empty, the default one (marked default, else the
// first). With no section it is Kapacitor's default, http://localhost:8086.
func (c *Config) influxDB(cluster string) (InfluxDBConfig, error) {
	if len(c.InfluxDB) == 0 {
		return InfluxDBConfig{Name: "default", URLs: []string{"http://localhost:8086"}}, nil
	}
	var enabled []InfluxDBConfig
	for _, s := range c.InfluxDB {
		if s.Enabled == nil || *s.Enabled {
			enabled = append(enabled, s)
		}
	}
	for _, s := range enabled {
		if cluster != "" && s.Name == cluster || cluster == "" && s.Default {
			return s, nil
		}
	}
	if cluster == "" && len(enabled) > 0 {
		return enabled[0], nil
	}
	if cluster != "" {
		return InfluxDBConfig{}, fmt.Errorf("no enabled [[influxdb]] section named %q", cluster)
	}
	return InfluxDBConfig{}, fmt.Errorf("no enabled [[influxdb]] section")
}

// queryClient connects to the InfluxDB cluster the queries of .cluster()
// name run against ("" for the default).
func (c *Config) queryClient(cluster string) (*batch.Client, error) {
	s, err := c.influxDB(cluster)
	if err != nil {
		return nil, err
	}
	cl, err := batch.NewClient(s.clientConfig(0))
	if err != nil {
		return nil, fmt.Errorf("[[influxdb]] %q: %w", s.Name, err)
	}
	return cl, nil
}

// startQueries runs a batch task's queries on their schedules until ctx is
// done or stop is called; stop waits for a query in progress.
func (r *runner) startQueries(ctx context.Context, cfg *Config, log *slog.Logger, task *server.Task) (stop func(), err error) {
	if len(r.p.Queries) == 0 {
		return func() {}, nil
	}
	stats := task.Instance.Stats()
	pos := map[string]int{}
	for i, n := range r.p.Nodes {
		pos[n.Name] = i
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var clients []*batch.Client
	closeAll := func() {
		for _, c := range clients {
			c.Close()
		}
	}
	for i, q := range r.p.Queries {
		c, err := cfg.queryClient(q.Cluster)
		if err != nil {
			cancel()
			closeAll()
			return nil, fmt.Errorf("%s: %w", q.Node, err)
		}
		clients = append(clients, c)
		var st []*pipeline.NodeStats
		if p, ok := pos[q.Node]; ok && p < len(stats) {
			st = []*pipeline.NodeStats{stats[p]}
		}
		idx := i
		runner, err := batch.NewRunner([]pipeline.Query{q}, c, log, st, func(_ int, b *pipeline.Batch) {
			task.DeliverQueryBatch(idx, b)
		})
		if err != nil {
			cancel()
			closeAll()
			return nil, err
		}
		log.Info("scheduling batch query", "node", q.Node, "every", q.Every, "cron", q.Cron, "period", q.Period)
		wg.Add(1)
		go func() {
			defer wg.Done()
			runner.Run(ctx)
		}()
	}
	return func() {
		cancel()
		wg.Wait()
		closeAll()
	}, nil
}

// replayBatchCommand replays a batch recording (.brpl) through the task.
func (r *runner) replayBatchCommand(c *cli.Context, path string) error {
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
	return r.replayBatch(c.Context, cfg, log, path, replayOptions{
		recTime:   c.Bool("rec-time"),
		realClock: c.Bool("real-clock"),
		dot:       c.Bool("dot"),
		httpOut:   c.String("httpout"),
		prof:      prof,
		dataDir:   dataDir(c, cfg, true),
	})
}

// replayBatch feeds the batches of a recording to the task's query nodes,
// as Kapacitor's batch replay does: entry i of the recording goes to the
// i-th query node; unless o.recTime, point times are shifted so that each
// query's first point is now; each query's batches come in the
// recording's order, and the queries' are merged in the order of their
// last point's time (waited for with o.realClock). The recording is read
// as it is replayed, a batch per query at a time. --stats and
// --cpuprofile measure the whole replay, reading the recording included.
func (r *runner) replayBatch(ctx context.Context, cfg *Config, log *slog.Logger, path string, o replayOptions) (err error) {
	if r.p.Type != "batch" {
		return fmt.Errorf("%s: a batch recording needs a batch task; %s is a %s task", path, r.p.ID, r.p.Type)
	}
	env := r.env(cfg, log)
	task, st, err := r.start(env, o.dataDir, log)
	if err != nil {
		return err
	}
	defer closeState(st, &err) // after the task's Close
	start := time.Now()
	if o.prof != nil {
		o.prof.restart()
	}
	rec, err := batch.OpenRecording(path)
	if err == nil && len(rec.Queries) > len(r.p.Queries) {
		rec.Close()
		err = fmt.Errorf("%s: the recording has %d queries, the task %d", path, len(rec.Queries), len(r.p.Queries))
	}
	if err != nil {
		task.Close()
		return err
	}
	defer rec.Close()
	// The next batch of each query, delivered in the order of their times:
	// a merge of the queries' batches, each query's in the recording's order.
	type head struct {
		b     batch.Recorded
		at    int64
		shift *batch.Shifter
		ok    bool
	}
	heads := make([]head, len(rec.Queries))
	advance := func(i int) {
		h := &heads[i]
		if h.b, h.ok = rec.Queries[i].Next(); h.ok {
			h.at = h.shift.Shift(&h.b.Batch)
		}
	}
	for i := range heads {
		heads[i].shift = batch.NewShifter(start, o.recTime)
		advance(i)
	}
	var batches, points int64
	for ctx.Err() == nil {
		next := -1
		for i := range heads {
			if heads[i].ok && (next < 0 || heads[i].at < heads[next].at) {
				next = i
			}
		}
		if next < 0 {
			break
		}
		h := &heads[next]
		if o.realClock {
			t := time.NewTimer(time.Until(time.Unix(0, h.at)))
			select {
			case <-t.C:
			case <-ctx.Done():
			}
			t.Stop()
		}
		batches++
		points += int64(len(h.b.Points))
		task.DeliverQueryBatch(next, &h.b.Batch)
		advance(next)
	}
	for i, q := range rec.Queries {
		if qerr := q.Err(); qerr != nil && err == nil {
			err = fmt.Errorf("%s, query %d: %w", path, i, qerr)
		}
	}
	if err == nil && o.httpOut != "" {
		err = writeHTTPOuts(task, r.p.HTTPOuts, o.httpOut)
	}
	if closeErr := task.Close(); err == nil {
		err = closeErr
	}
	if o.prof != nil {
		if perr := o.prof.stop(points); err == nil {
			err = perr
		}
	}
	fmt.Fprintf(r.stderr, "replayed %d batches (%d points) from %s in %v\n", batches, points, path, time.Since(start).Round(time.Millisecond))
	if o.dot {
		fmt.Fprintf(r.stdout, "%s\n", task.Dot(false))
	}
	return err
}
