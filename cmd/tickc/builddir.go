package main

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/compiler/build"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/multitask"
)

// buildDir builds every task of the directory named by the command's
// argument into one binary and returns its path. Every script's errors are
// reported, as check does, before anything is built.
func buildDir(c *cli.Context) (string, error) {
	for _, flag := range []string{"id", "dbrp", "vars"} {
		if c.IsSet(flag) {
			return "", fmt.Errorf("--%s applies to one FILE; a directory's tasks take their IDs from their file names and their dbrps and vars from their scripts and task definition files", flag)
		}
	}
	dir := c.Args().First()
	d, err := multitask.LoadDir(dir)
	if err != nil {
		return "", err
	}
	opts, err := checkOptions(c) // --schema, --udf, ...
	if err != nil {
		return "", err
	}
	tasks, diags, sources, err := multitask.Check(d, opts)
	if err != nil {
		return "", err
	}
	if err := diag.WriteText(c.App.ErrWriter, diags, sources); err != nil {
		return "", err
	}
	if tasks == nil {
		return "", exitError(1)
	}
	files, err := multitask.Generate(tasks)
	if err != nil {
		return "", err
	}
	out := c.String("o")
	if out == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", err
		}
		out = "./" + filepath.Base(abs)
	}
	if err := build.BuildTree(c.Context, files, build.Options{Output: out, Modules: udfModules(c)}); err != nil {
		return "", err
	}
	return out, nil
}
