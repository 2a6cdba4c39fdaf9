package taskcli

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"
	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/runtime/batch"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
)

// InfluxDBConfig is one [[influxdb]] section of kapacitor.conf: a server
// (or cluster of URLs) that batch queries run against.
type InfluxDBConfig struct {
	Enabled  *bool    `toml:"enabled"`
	Name     string   `toml:"name"`
	Default  bool     `toml:"default"`
	URLs     []string `toml:"urls"`
	Username string   `toml:"username"`
	Password string   `toml:"password"`
	Timeout  Duration `toml:"timeout"`

	// Subscription keys, read by serve for a stream task (subscriptions.go).
	DisableSubscriptions      bool     `toml:"disable-subscriptions"`
	SubscriptionMode          string   `toml:"subscription-mode"`
	SubscriptionProtocol      string   `toml:"subscription-protocol"`
	SubscriptionsSyncInterval Duration `toml:"subscriptions-sync-interval"`
	KapacitorHostname         string   `toml:"kapacitor-hostname"`
	HTTPPort                  int      `toml:"http-port"`
}

// influxDB returns the [[influxdb]] section called cluster, or the default
// one (marked default, else the first) when cluster is empty. With no
// section it is Kapacitor's default, http://localhost:8086.
func (c *Config) influxDB(cluster string) (InfluxDBConfig, error) {
	var enabled []InfluxDBConfig
	for _, s := range c.InfluxDB {
		if s.Enabled == nil || *s.Enabled {
			enabled = append(enabled, s)
		}
	}
	if len(c.InfluxDB) == 0 {
		return InfluxDBConfig{URLs: []string{"http://localhost:8086"}}, nil
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

// queryClient connects to the configured InfluxDB for cluster.
func (c *Config) queryClient(cluster string) (client.Client, error) {
	s, err := c.influxDB(cluster)
	if err != nil {
		return nil, err
	}
	if len(s.URLs) == 0 {
		return nil, fmt.Errorf("[[influxdb]] %q has no urls", s.Name)
	}
	return client.NewHTTPClient(client.HTTPConfig{
		Addr: s.URLs[0], Username: s.Username, Password: s.Password, Timeout: time.Duration(s.Timeout),
	})
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
	var clients []client.Client
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
	return r.replayBatch(c.Context, cfg, log, path, c.Bool("rec-time"), c.Bool("real-clock"), c.Bool("dot"), c.String("httpout"), dataDir(c, cfg, true))
}

// replayBatch feeds the batches of a recording to the task's query nodes,
// as Kapacitor's batch replay does: entry i of the recording goes to the
// i-th query node; unless recTime, point times are shifted so that each
// query's first point is now; batches are delivered in the order of their
// last point's time (waiting for it with realClock).
func (r *runner) replayBatch(ctx context.Context, cfg *Config, log *slog.Logger, path string, recTime, realClock, dot bool, httpOut, dataDir string) (err error) {
	if r.p.Type != "batch" {
		return fmt.Errorf("%s: a batch recording needs a batch task; %s is a %s task", path, r.p.ID, r.p.Type)
	}
	queries, err := batch.ReadRecording(path)
	if err != nil {
		return err
	}
	if len(queries) > len(r.p.Queries) {
		return fmt.Errorf("%s: the recording has %d queries, the task %d", path, len(queries), len(r.p.Queries))
	}
	env := r.env(cfg, log)
	task, st, err := r.start(env, dataDir, log)
	if err != nil {
		return err
	}
	defer closeState(st, &err) // after the task's Close
	start := time.Now()
	type item struct {
		query int
		at    time.Time
		b     *pipeline.Batch
	}
	var items []item
	for qi, bs := range queries {
		waits := batch.Shift(bs, start, recTime)
		for i := range bs {
			items = append(items, item{qi, waits[i], &bs[i].Batch})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].at.Before(items[j].at) })
	points := 0
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			break
		}
		if realClock {
			t := time.NewTimer(time.Until(it.at))
			select {
			case <-t.C:
			case <-ctx.Done():
			}
			t.Stop()
		}
		points += len(it.b.Points)
		task.DeliverQueryBatch(it.query, it.b)
	}
	if httpOut != "" {
		err = writeHTTPOuts(task, r.p.HTTPOuts, httpOut)
	}
	if closeErr := task.Close(); err == nil {
		err = closeErr
	}
	fmt.Fprintf(r.stderr, "replayed %d batches (%d points) from %s in %v\n", len(items), points, path, time.Since(start).Round(time.Millisecond))
	if dot {
		fmt.Fprintf(r.stdout, "%s\n", task.Dot(false))
	}
	return err
}
