package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/dot"
)

func dotCommand() *cli.Command {
	return &cli.Command{
		Name:      "dot",
		Usage:     "print a task's pipeline as a Graphviz DOT graph",
		ArgsUsage: "FILE",
		Description: `Prints the pipeline with Kapacitor's node names (stream0, from1, alert2),
as 'kapacitor show' draws a task that is not running. Render it with
'tickc dot task.tick | dot -Tpng > task.png'.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "id", Usage: "task `ID` (default: the file's base name)"},
			&cli.StringSliceFlag{Name: "dbrp", Usage: "database.retention_policy, when the script has no dbrp statement"},
			varsFlag,
			configFlag,
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("dot needs exactly one FILE")
			}
			opts, err := checkOptions(c)
			if err != nil {
				return err
			}
			opts.TaskID = c.String("id")
			task, diags, src, err := compiler.CheckFile(c.Args().First(), opts)
			if err != nil {
				return err
			}
			if err := diag.WriteText(c.App.ErrWriter, diags, opts.Sources(c.Args().First(), src)); err != nil {
				return err
			}
			if task == nil {
				return exitError(1)
			}
			_, err = fmt.Fprintf(c.App.Writer, "%s\n", dot.Static(task))
			return err
		},
	}
}
