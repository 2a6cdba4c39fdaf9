package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/aymanbagabas/go-udiff"
	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/format"
)

func fmtCommand() *cli.Command {
	return &cli.Command{
		Name:      "fmt",
		Usage:     "format TICKscript files canonically",
		ArgsUsage: "FILE...",
		Description: `Prints each file in canonical layout (as Kapacitor's formatter lays
scripts out: chains and properties indented by level, lambdas spaced),
keeping every comment. Formatting is idempotent and never changes meaning.
With -w, rewrites the files that change; with -d, prints a diff instead.
Exits 1 if a file does not parse.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "w", Usage: "write the result to the file instead of standard output"},
			&cli.BoolFlag{Name: "d", Usage: "print a diff of what would change"},
			&cli.BoolFlag{Name: "l", Usage: "list the files whose formatting differs"},
		},
		Action: runFmt,
	}
}

func runFmt(c *cli.Context) error {
	if c.NArg() == 0 {
		return fmt.Errorf("fmt needs at least one FILE")
	}
	failed := false
	for _, file := range c.Args().Slice() {
		src, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		out, diags := format.File(file, src)
		if diags.HasErrors() {
			failed = true
			if err := diag.WriteText(c.App.ErrWriter, diags, diag.Sources{file: src}); err != nil {
				return err
			}
			continue
		}
		changed := !bytes.Equal(src, out)
		switch {
		case c.Bool("l"):
			if changed {
				fmt.Fprintln(c.App.Writer, file)
			}
		case c.Bool("d"):
			if changed {
				fmt.Fprint(c.App.Writer, unifiedDiff(file, string(src), string(out)))
			}
		case c.Bool("w"):
			if changed {
				if err := os.WriteFile(file, out, 0o644); err != nil {
					return err
				}
			}
		default:
			if _, err := c.App.Writer.Write(out); err != nil {
				return err
			}
		}
	}
	if failed {
		return exitError(1)
	}
	return nil
}

// unifiedDiff shows what formatting would change, as `gofmt -d` does.
func unifiedDiff(file, before, after string) string {
	return udiff.Unified(file+".orig", file, before, after)
}
