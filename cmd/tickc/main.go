// Command tickc compiles TICKscript tasks into Go programs.
//
// The commands are thin: each maps its flags onto the compiler package.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// exitError carries an exit status without printing anything more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run executes tickc with args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	app := &cli.App{
		Name:      "tickc",
		Usage:     "compile Kapacitor TICKscript tasks into Go programs",
		Writer:    stdout,
		ErrWriter: stderr,
		Commands: []*cli.Command{
			checkCommand(),
			fmtCommand(),
			dotCommand(),
			genCommand(),
			buildCommand(),
			runCommand(),
			testCommand(),
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	if err := app.Run(permuteArgs(app, args)); err != nil {
		if code, ok := err.(exitError); ok {
			return int(code)
		}
		fmt.Fprintln(stderr, "tickc:", err)
		return 2
	}
	return 0
}
