package tickctest

import (
	"context"
	"testing"
	"time"
)

// Option configures Replay.
type Option func(*replayConfig)

type replayConfig struct {
	compile CompileOptions
	input   Input
	timeout time.Duration
}

// WithVars gives values to the script's template vars.
func WithVars(vars map[string]any) Option {
	return func(c *replayConfig) { c.compile.Vars = vars }
}

// WithDBRP sets the database.retention_policy pairs of a script without a
// dbrp statement.
func WithDBRP(dbrps ...string) Option {
	return func(c *replayConfig) { c.compile.DBRPs = dbrps }
}

// WithPrecision sets the unit of the timestamps of a plain-text input.
func WithPrecision(p string) Option {
	return func(c *replayConfig) { c.input.Precision = p }
}

// WithClock sets the replay clock (Recorded by default).
func WithClock(clock Clock) Option {
	return func(c *replayConfig) { c.input.Clock = clock }
}

// WithCacheDir sets compiler/build's cache directory.
func WithCacheDir(dir string) Option {
	return func(c *replayConfig) { c.compile.CacheDir = dir }
}

// WithTimeout bounds the build and the replay (default 5 minutes).
func WithTimeout(d time.Duration) Option {
	return func(c *replayConfig) { c.timeout = d }
}

// Replay compiles the script, replays the input file (a recording or line
// protocol) through it with the recorded times, and returns the alert
// events its .log() handlers wrote and the results of its httpOut
// endpoints. The .log() paths of the script are redirected to temporary
// files; the script file is not changed. Build and replay errors fail t.
func Replay(t testing.TB, script, input string, opts ...Option) *Result {
	t.Helper()
	return replay(t, script, Input{Path: input}, opts)
}

// ReplayLines is Replay with inline line protocol for the database db
// (empty: the task's own).
func ReplayLines(t testing.TB, script, db, lines string, opts ...Option) *Result {
	t.Helper()
	return replay(t, script, Input{Lines: lines, DB: db}, opts)
}

func replay(t testing.TB, script string, in Input, opts []Option) *Result {
	t.Helper()
	cfg := replayConfig{input: in, timeout: 5 * time.Minute}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.input.Path, cfg.input.Lines, cfg.input.DB = in.Path, in.Lines, in.DB
	cfg.compile.Dir = t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	p, err := Compile(ctx, script, cfg.compile)
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	res, err := p.Replay(ctx, cfg.input)
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return res
}
