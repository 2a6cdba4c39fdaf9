package taskcli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/sideload"
	"github.com/tickc/tickc/runtime/timer"
	"github.com/urfave/cli/v2"
)

func (r *runner) serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run the task behind Kapacitor's HTTP API until stopped",
		Description: r.help(`Starts the task and serves the part of Kapacitor's HTTP API it needs:

   POST /write?db=$DB&rp=$RP&precision=n
   POST /kapacitor/v1/write?db=$DB&rp=$RP&precision=n
        line protocol, as to Kapacitor or InfluxDB (precision n, u, ms, s, m or h)
   GET  /kapacitor/v1/ping
        204 when up
   GET  /kapacitor/v1/tasks/$ID
        the task, with its graph and statistics (see also the show command)
   GET  /kapacitor/v1/tasks/$ID/NAME
        the result of |httpOut('NAME')
   GET  /metrics
        the task's statistics and the process's, for Prometheus
   GET  /kapacitor/v1/debug/vars
        Kapacitor's statistics, for Telegraf's kapacitor input

Points for other databases or retention policies are accepted and ignored.
SIGINT or SIGTERM stops the task after the requests in progress, writing
what it holds (influxDBOut buffers, alert logs and state).

Example:

   $TASK serve &
   curl -XPOST 'http://127.0.0.1:9092/write?db=$DB&rp=$RP' \
       --data-binary "cpu,host=server01 usage_idle=12.5 $(date +%s)000000000"
   $TASK show`),
		Flags: []cli.Flag{configFlag(), httpBindFlag(), logLevelFlag(), logFormatFlag(), dataDirFlag(false), cpuProfileFlag(), statsFlag()},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usageError{fmt.Errorf("serve takes no arguments, got %q", c.Args().Slice())}
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
			return r.serve(c.Context, cfg, dataDir(c, cfg, false), log, nil, 0, prof)
		},
	}
}

// serve runs the task behind the HTTP API until ctx is done, the duration
// (if not zero) has passed, or the listener fails. rec, if not nil, sees
// every point delivered to the task. prof, if not nil, measures from when
// the task serves until it has stopped.
func (r *runner) serve(ctx context.Context, cfg *Config, dataDir string, log *slog.Logger, rec *recorder, duration time.Duration, prof *profiler) (err error) {
	env := r.env(cfg, log)
	timers := timer.New(time.Now()) // the stats and barrier nodes' clock
	env.Timers = timers
	task, st, err := r.start(env, dataDir, log)
	if err != nil {
		return err
	}
	// After the task's Close (deferred calls run in reverse order).
	defer closeState(st, &err)
	task.RunTimers(timers)
	task.DefaultRP = cfg.DefaultRetentionPolicy
	if rec != nil {
		task.SetTap(rec.write)
	}
	if prof != nil {
		prof.restart()
	}
	hs, ln, served, err := startHTTP(cfg, log, server.New(task, serverOptions(cfg, log)))
	if err != nil {
		task.Close()
		return err
	}
	stopQueries, err := r.startQueries(ctx, cfg, log, task)
	if err != nil {
		hs.Close()
		task.Close()
		return err
	}
	// A stream task's InfluxDB subscriptions (subscriptions.go).
	stopSubs, err := startSubscriptions(ctx, cfg, log, ln.Addr(), r.p.ID, streamDBRPs(r.p))
	if err != nil {
		hs.Close()
		stopQueries()
		task.Close()
		return err
	}

	addr := ln.Addr().String()
	log.Info("serving task", "task", r.p.ID, "type", r.p.Type, "dbrps", fmt.Sprint(dbrps(r.p)),
		"url", "http://"+addr+server.BasePath+"/tasks/"+r.p.ID)
	if r.onListen != nil {
		r.onListen(addr)
	}

	serveErr := serveUntilStopped(ctx, log, hs, served, duration, time.Duration(cfg.HTTP.ShutdownTimeout))
	stopSubs() // left in InfluxDB, as Kapacitor leaves them
	stopQueries()
	closeErr := task.Close()
	if closeErr != nil {
		log.Error("closing the task", "error", closeErr)
	}
	c := task.Counts()
	log.Info("stopped", "points", c.Received, "ignored", c.Ignored, "rejected_lines", c.Rejected)
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

// dbrp returns the task's first database and retention policy, the one
// plain line protocol goes to.
func (r *runner) dbrp() server.DBRP {
	if len(r.p.DBRPs) == 0 {
		return server.DBRP{}
	}
	return server.DBRP{DB: r.p.DBRPs[0].DB, RP: r.p.DBRPs[0].RP}
}

// serverOptions are the HTTP API's options from the configuration.
func serverOptions(cfg *Config, log *slog.Logger) server.Options {
	return server.Options{
		Log:         log,
		Version:     Version(),
		Hostname:    cfg.Hostname,
		LogRequests: cfg.HTTP.LogEnabled,
		// The sources of the tasks' sideload nodes, opened by the tasks.
		SideloadReload: sideload.ReloadAll,
	}
}

// startHTTP listens on the configured address and serves handler in the
// background; served receives the server's error once it stops serving.
func startHTTP(cfg *Config, log *slog.Logger, handler http.Handler) (hs *http.Server, ln net.Listener, served <-chan error, err error) {
	ln, err = net.Listen("tcp", cfg.HTTP.BindAddress)
	if err != nil {
		return nil, nil, nil, err
	}
	hs = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	return hs, ln, errc, nil
}

// serveUntilStopped waits until ctx is cancelled (a signal), duration has
// passed (if positive) or the HTTP server fails, then shuts the server down,
// letting requests in progress finish for up to shutdownTimeout. It returns
// the server's error, if it failed.
func serveUntilStopped(ctx context.Context, log *slog.Logger, hs *http.Server, served <-chan error, duration, shutdownTimeout time.Duration) error {
	var timeUp <-chan time.Time
	if duration > 0 {
		timer := time.NewTimer(duration)
		defer timer.Stop()
		timeUp = timer.C
	}
	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("stopping", "reason", "signal")
	case <-timeUp:
		log.Info("stopping", "reason", "duration elapsed", "duration", duration)
	case serveErr = <-served:
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(stopCtx); err != nil {
		log.Warn("requests still in progress when stopping", "error", err)
	}
	return serveErr
}
