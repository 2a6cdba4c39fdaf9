package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/gogen"
)

// taskFlags are the flags shared by the commands that compile a task.
func taskFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "id", Usage: "task `ID` (default: the file's base name, cpu_alert.tick → cpu_alert)"},
		&cli.StringSliceFlag{Name: "dbrp", Usage: "database.retention_policy the task reads, when the script has no dbrp statement"},
		varsFlag,
		configFlag,
		udfFlag,
	}
}

// varsFlag gives a template's vars their values, from a JSON file in
// Kapacitor's format (or a Kapacitor task definition file).
var varsFlag = &cli.StringFlag{Name: "vars", Usage: "template var values: JSON `FILE` of name → {\"type\": ..., \"value\": ...}"}

func genCommand() *cli.Command {
	return &cli.Command{
		Name:      "gen",
		Usage:     "write the Go program of a task",
		ArgsUsage: "FILE",
		Description: `Checks FILE and writes the Go source of its task program into the
directory given by -o, one file named after the task. 'tickc build' does
the same and compiles it; use gen to read or vendor the generated code.`,
		Flags: append(taskFlags(), &cli.StringFlag{Name: "o", Value: ".", Usage: "output `DIR`"}),
		Action: func(c *cli.Context) error {
			files, err := generate(c)
			if err != nil {
				return err
			}
			dir := c.String("o")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			names := make([]string, 0, len(files))
			for name := range files {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// generate checks the task file named by the command's argument and
// returns its generated Go files; diagnostics go to stderr.
func generate(c *cli.Context) (map[string][]byte, error) {
	// run passes the program's arguments after the file.
	if c.NArg() != 1 && (c.Command.Name != "run" || c.NArg() == 0) {
		return nil, fmt.Errorf("%s needs exactly one FILE", c.Command.Name)
	}
	opts, err := checkOptions(c)
	if err != nil {
		return nil, err
	}
	opts.TaskID = c.String("id")
	opts.NeedValues = true // the generated code needs every template var's value
	file := c.Args().First()
	task, diags, src, err := compiler.CheckFile(file, opts)
	if err != nil {
		return nil, err
	}
	if err := diag.WriteText(c.App.ErrWriter, diags, opts.Sources(file, src)); err != nil {
		return nil, err
	}
	if task == nil {
		return nil, exitError(1)
	}
	return gogen.Generate(task, file, src)
}
