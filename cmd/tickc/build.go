package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
)

func buildCommand() *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "compile a task into a standalone binary",
		ArgsUsage: "FILE|DIR",
		Description: `Checks FILE, generates the Go program of its task and compiles it with
the Go toolchain into one binary (default: the task ID, in the current
directory). The binary serves Kapacitor's write API, replays recordings
and prints its pipeline: run it with --help.

Given a directory, builds every task in it into one binary (default: the
directory's name) that serves them all on one listener: a flat directory
of .tick files, or Kapacitor's load directory (tasks/*.tick, and
tasks/ID.yaml|yml|json task definitions of templates/*.tick). Each task's
ID is its file's base name.

Builds are offline and reproducible: the runtime's sources are carried by
tickc, and third-party modules come from the local Go module cache.`,
		Flags: append(append(taskFlags(), systemdFlags()...), &cli.StringFlag{Name: "o", Usage: "output `BIN` (default: ./ID)"}),
		Action: func(c *cli.Context) error {
			bin, err := buildTask(c)
			if err != nil {
				return err
			}
			return writeSystemdUnit(c, bin) // systemd.go
		},
	}
}

// buildTask generates and compiles the task named by the command's
// argument and returns the binary's path.
func buildTask(c *cli.Context) (string, error) {
	if fi, err := os.Stat(c.Args().First()); err == nil && fi.IsDir() && c.NArg() == 1 {
		return buildDir(c)
	}
	files, err := generate(c)
	if err != nil {
		return "", err
	}
	out := c.String("o")
	if out == "" {
		id := c.String("id")
		if id == "" {
			id = compiler.TaskID(c.Args().First())
		}
		out = "./" + id
	}
	if err := build.Build(c.Context, files, build.Options{Output: out, Modules: udfModules(c)}); err != nil {
		return "", err
	}
	return out, nil
}

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "compile a task and run its binary",
		ArgsUsage: "FILE [-- ARGS...]",
		Description: `Builds FILE like 'tickc build' into a temporary directory and runs the
binary with ARGS, e.g. 'tickc run cpu_alert.tick -- replay data.srpl'.`,
		Flags: taskFlags(),
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if len(args) == 0 {
				return fmt.Errorf("run needs a FILE")
			}
			dir, err := os.MkdirTemp("", "tickc-run-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			files, err := generate(c)
			if err != nil {
				return err
			}
			bin := filepath.Join(dir, "task")
			if err := build.Build(c.Context, files, build.Options{Output: bin, Modules: udfModules(c)}); err != nil {
				return err
			}
			rest := args[1:]
			if len(rest) > 0 && rest[0] == "--" {
				rest = rest[1:]
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			cmd := exec.CommandContext(ctx, bin, rest...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, c.App.Writer, c.App.ErrWriter
			cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
			if err := cmd.Run(); err != nil {
				if ee, ok := err.(*exec.ExitError); ok {
					return exitError(ee.ExitCode())
				}
				return err
			}
			return nil
		},
	}
}
