package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/tickctest"
)

func testCommand() *cli.Command {
	return &cli.Command{
		Name:      "test",
		Usage:     "run the tests of tasks written in YAML test files",
		ArgsUsage: "[DIR|FILE...]",
		Description: `Runs test files, like 'promtool test rules': each names a script, the
points to replay through it and the alert events and httpOut results
expected. A DIR means its *_test.yaml files (default: the current
directory). Each script is built once; .log() paths are redirected to
temporary files. Prints ok or FAIL per test, with a diff for each failure,
and exits with status 1 if a test failed. No InfluxDB or server is needed.

The format is documented in the package github.com/tickc/tickc/tickctest
and in README.md ("tickc test").`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "update", Usage: "rewrite the expectations of the test files from the actual results"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or junit (JUnit XML on stdout)"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "junit" {
				return fmt.Errorf("unknown --format %q: want text or junit", format)
			}
			files, err := tickctest.FindFiles(c.Args().Slice())
			if err != nil {
				return err
			}
			r := &tickctest.Runner{Update: c.Bool("update")}
			defer r.Close()
			var all []tickctest.CaseResult
			for _, f := range files {
				results, err := r.RunFile(c.Context, f)
				if err != nil {
					results = append(results, tickctest.CaseResult{File: f, Name: "(file)", Failure: err.Error()})
				}
				if format == "text" {
					tickctest.WriteText(c.App.Writer, results)
				}
				all = append(all, results...)
			}
			failed := 0
			for _, r := range all {
				if r.Failed() {
					failed++
				}
			}
			if format == "junit" {
				if err := tickctest.WriteJUnit(c.App.Writer, all); err != nil {
					return err
				}
			} else if c.Bool("update") && failed == 0 {
				fmt.Fprintf(c.App.Writer, "updated %d test files\n", len(files))
			}
			if failed > 0 {
				if format == "text" {
					fmt.Fprintf(c.App.ErrWriter, "FAIL: %d of %d tests failed\n", failed, len(all))
				}
				return exitError(1)
			}
			return nil
		},
	}
}
