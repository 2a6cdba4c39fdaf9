package taskcli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

func logLevelFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "log-level",
		Usage: "log messages of `LEVEL` and above: debug, info, warn, error or off (default: [logging] level, info)",
	}
}

func logFormatFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "log-format",
		Usage: "write logs as `FORMAT`: text (key=value) or json, one object a line (default: [logging] format, text)",
	}
}

// logger makes the logger of a command from the [logging] section of cfg,
// overridden by --log-level and --log-format: structured records (log/slog)
// as text or JSON lines, to stderr, stdout or a file appended to. close
// releases the log file, if any.
func (r *runner) logger(c *cli.Context, cfg *Config) (log *slog.Logger, close func(), err error) {
	if c.IsSet("log-level") {
		cfg.Logging.Level = c.String("log-level")
	}
	if c.IsSet("log-format") {
		cfg.Logging.Format = c.String("log-format")
	}
	level, err := parseLevel(cfg.Logging.Level)
	if err != nil {
		return nil, nil, usageError{err}
	}
	newHandler, err := logFormat(cfg.Logging.Format)
	if err != nil {
		return nil, nil, usageError{err}
	}
	var w io.Writer
	close = func() {}
	switch cfg.Logging.File {
	case "", "STDERR":
		w = r.stderr
	case "STDOUT":
		w = r.stdout
	default:
		f, err := os.OpenFile(cfg.Logging.File, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("opening the log file: %w", err)
		}
		w = f
		close = func() { f.Close() }
	}
	return slog.New(newHandler(w, &slog.HandlerOptions{Level: level})), close, nil
}

// levelNames maps log level names, in any case, to slog levels; "off" is
// above every level used.
var levelNames = map[string]slog.Level{
	"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "warning": slog.LevelWarn,
	"error": slog.LevelError, "off": slog.LevelError + 1000,
}

// parseLevel reads a log level name.
func parseLevel(s string) (slog.Level, error) {
	if l, ok := levelNames[strings.ToLower(s)]; ok {
		return l, nil
	}
	return 0, fmt.Errorf("unknown log level %q (want debug, info, warn, error or off)", s)
}

// logFormat returns the slog handler constructor of a log format name.
func logFormat(s string) (func(io.Writer, *slog.HandlerOptions) slog.Handler, error) {
	switch strings.ToLower(s) {
	case "", "text":
		return func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, o) }, nil
	case "json":
		return func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) }, nil
	}
	return nil, fmt.Errorf("unknown log format %q (want text or json)", s)
}
