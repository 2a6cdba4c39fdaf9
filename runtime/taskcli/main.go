// Package taskcli is the command line of a task binary built by tickc.
// The generated main is one line:
//
//	func main() { taskcli.Main(&program) }
//
// and the binary then has Kapacitor's workflow for its one task:
//
//	serve          run the task behind Kapacitor's HTTP API (write, ping, tasks, httpOut)
//	replay FILE    feed a recording (.srpl) or line protocol through the task, then exit
//	record stream  serve, and record what arrives for the task into an .srpl file
//	show           print what `kapacitor show` prints, from a running task or statically
//	config         print the default configuration (kapacitor.conf's sections and keys)
//	version        print the task and tickc versions
//
// A binary built from a directory of tasks calls MainMulti instead
// (multi.go): the same commands for all its tasks, plus list.
package taskcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/tickc/tickc/runtime/alert/handlers"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/urfave/cli/v2"
)

// Main runs the task binary's command line with the process's arguments
// and exits. SIGINT and SIGTERM stop a running command gracefully; a
// second signal kills the process.
func Main(p *pipeline.Program) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // let a second signal kill the process
	}()
	os.Exit(Run(ctx, p, os.Args, os.Stdout, os.Stderr))
}

// Run runs the command line args (args[0] is the program name) for the
// task p and returns the exit status: 0 on success, 1 when the command
// failed, 2 for bad usage. Cancelling ctx stops serve, record and replay
// gracefully.
func Run(ctx context.Context, p *pipeline.Program, args []string, stdout, stderr io.Writer) int {
	return (&runner{p: p, stdout: stdout, stderr: stderr}).run(ctx, args)
}

// runner holds what the commands share.
type runner struct {
	p              *pipeline.Program
	name           string // how the binary was called, for examples in help
	stdout, stderr io.Writer
	// onListen, when set, is told the address serve listens on (tests).
	onListen func(addr string)
}

// usageError marks errors in how the command was called.
type usageError struct{ error }

func (r *runner) run(ctx context.Context, args []string) int {
	name := "task"
	if len(args) > 0 {
		name = filepath.Base(args[0])
	}
	r.name = name
	app := &cli.App{
		Name:  name,
		Usage: fmt.Sprintf("the Kapacitor task %q, compiled by tickc", r.p.ID),
		Description: fmt.Sprintf(`This program runs one TICKscript task, %q (%s), as Kapacitor would run
it, without Kapacitor. Start it with "serve" and send it data the way you
would send it to Kapacitor (Telegraf's or InfluxDB's output to
http://127.0.0.1:9092), or test it first with "replay" on recorded data.`, r.p.ID, r.p.Type),
		Writer:    r.stdout,
		ErrWriter: r.stderr,
		Commands: []*cli.Command{
			r.serveCommand(),
			r.replayCommand(),
			r.recordCommand(),
			r.showCommand(),
			r.configCommand(),
			r.versionCommand(),
		},
	}
	return runApp(ctx, app, args, r.stderr)
}

// runApp runs a task binary's command line app and returns the exit
// status: 0 on success, 1 when the command failed, 2 for bad usage. Errors
// are printed to stderr after the program's name.
func runApp(ctx context.Context, app *cli.App, args []string, stderr io.Writer) int {
	app.HideHelpCommand = true
	app.ExitErrHandler = func(*cli.Context, error) {}
	app.OnUsageError = func(c *cli.Context, err error, _ bool) error {
		return usageError{err}
	}
	err := app.RunContext(ctx, args)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "%s: %v\n", app.Name, err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// Flags the commands share. Each command gets its own (flags keep state).

func configFlag() cli.Flag {
	return &cli.StringFlag{
		Name:      "config",
		Usage:     "read settings from the kapacitor.conf-style TOML `FILE` (see the config command)",
		TakesFile: true,
	}
}

func httpBindFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "http-bind",
		Usage: "listen on `ADDR` (default: [http] bind-address, 127.0.0.1:9092)",
	}
}

// setup loads the configuration named by --config, applies --http-bind,
// and returns it with the logger it configures (logging.go). close
// releases the log file, if any.
func (r *runner) setup(c *cli.Context) (cfg *Config, log *slog.Logger, close func(), err error) {
	cfg, err = LoadConfig(c.String("config"))
	if err != nil {
		return nil, nil, nil, err
	}
	if c.IsSet("http-bind") {
		cfg.HTTP.BindAddress = c.String("http-bind")
	}
	log, close, err = r.logger(c, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	return cfg, log, close, nil
}

// help fills in the placeholders of a command's help text: $TASK (the
// binary), $ID (the task), $DB, $RP and $DBRP (its first database and
// retention policy).
func (r *runner) help(text string) string {
	d := r.dbrp()
	return strings.NewReplacer(
		"$TASK", r.name, "$ID", r.p.ID, "$DBRP", d.String(), "$DB", d.DB, "$RP", d.RP,
	).Replace(text)
}

// env is what the task's instance gets from the binary.
func (r *runner) env(cfg *Config, log *slog.Logger) *pipeline.Env {
	return &pipeline.Env{
		Log:      log.With("task", r.p.ID),
		Hostname: cfg.Hostname,
		Config:   cfg,
		Now:      time.Now,
	}
}

// Version is tickc's version, as the module version of the tickc library
// the binary was built with ("devel" for a build from a working tree).
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	const module = "github.com/tickc/tickc"
	v := ""
	if info.Main.Path == module {
		v = info.Main.Version
	}
	for _, d := range info.Deps {
		if d.Path == module {
			v = d.Version
			if d.Replace != nil {
				v = d.Replace.Version
			}
		}
	}
	if v == "" || v == "(devel)" {
		return "devel"
	}
	return v
}

func (r *runner) versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the task's ID and the versions of tickc and Go it was built with",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(r.stdout, "task %s (%s), built by tickc %s with %s\n", r.p.ID, r.p.Type, Version(), runtime.Version())
			return nil
		},
	}
}

func (r *runner) configCommand() *cli.Command {
	return &cli.Command{
		Name:  "config",
		Usage: "print the default configuration",
		Description: `Prints the configuration the task runs with when given no --config file.
It uses kapacitor.conf's sections and keys, so you can also point --config
at an existing kapacitor.conf. To change a setting, save the output, edit
it, and pass it to serve, replay or record:

   ` + r.name + " config > task.conf\n   " + r.name + " serve --config task.conf",
		Action: func(c *cli.Context) error {
			text := DefaultConfig
			text += influxDBSection(len(r.p.Queries) > 0)
			// The sections of the alert services the task's handlers use.
			for _, s := range r.p.Services {
				if section, ok := handlers.DefaultSection(s); ok {
					text += "\n" + section
				}
			}
			_, err := io.WriteString(r.stdout, text)
			return err
		},
	}
}
