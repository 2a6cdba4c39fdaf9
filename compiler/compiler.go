// Package compiler is tickc's library API: it checks TICKscript files,
// formats them and draws their pipelines. The tickc command maps its flags
// onto these functions, and tests call them directly.
package compiler

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/tickc/tickc/compiler/check"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/parser"
	"github.com/tickc/tickc/compiler/schema"
)

// Options configure a check.
type Options struct {
	// TaskID overrides the task ID, which defaults to the file's base name
	// without .tick (cpu_alert.tick → cpu_alert).
	TaskID string
	// DBRPs are given outside the script (the -dbrp flag).
	DBRPs []ir.DBRP
	// Schema makes unknown fields errors and types lambdas exactly.
	Schema *schema.Schema
	// Vars are the values of a template's vars (the --vars file). With
	// them, every template declaration must have a value, and the task
	// holds the values as constants.
	Vars *Vars
	// NeedValues makes template vars without a value errors: a task is
	// built from a template only with every var given.
	NeedValues bool
	// UDFs are the user-defined functions of the --config file (udf.go).
	UDFs *UDFs
	// GoUDFs are the Go packages of --udf, whose functions lambdas may
	// call (gofuncs.go).
	GoUDFs []*GoUDFs
	// Deadman is the [deadman] section of the --config file (deadman.go).
	Deadman *check.Deadman
}

// TaskID returns the task ID of a script file: its base name without .tick.
func TaskID(filename string) string {
	return strings.TrimSuffix(filepath.Base(filename), ".tick")
}

// Check parses and checks one script. The task is nil if there are errors;
// the diagnostics may hold warnings either way.
func Check(filename string, src []byte, opts Options) (*ir.Task, diag.List) {
	prog, errs, complete := parser.Parse(filename, src)
	if !complete {
		errs.Sort()
		return nil, errs
	}
	id := opts.TaskID
	if id == "" {
		id = TaskID(filename)
	}
	cfg := check.Config{TaskID: id, DBRPs: opts.DBRPs, Schema: opts.Schema, NeedValues: opts.NeedValues, Deadman: opts.Deadman}
	cfg.UDFs = opts.udfs()
	for _, u := range opts.GoUDFs {
		if cfg.GoFuncs == nil {
			cfg.GoFuncs = map[string]*ir.GoFunc{}
		}
		for name, f := range u.Funcs {
			cfg.GoFuncs[name] = f
		}
	}
	if opts.Vars != nil {
		cfg.Vars, cfg.VarsFile = opts.Vars.Values, opts.Vars.File
		errs = append(errs, opts.Vars.Diags...)
	}
	task, checkErrs := check.Check(prog, cfg)
	all := append(errs, checkErrs...)
	all.Sort()
	if all.HasErrors() {
		// Errors the parser recovered from still make the script invalid.
		return nil, all
	}
	return task, all
}

// Sources are the files diagnostics may point into: the script, and the vars
// file when one is given.
func (o Options) Sources(filename string, src []byte) diag.Sources {
	s := diag.Sources{filename: src}
	if o.Vars != nil {
		s[o.Vars.File] = o.Vars.Src
	}
	return s
}

// CheckFile reads and checks a script file.
func CheckFile(filename string, opts Options) (*ir.Task, diag.List, []byte, error) {
	src, err := os.ReadFile(filename)
	if err != nil {
		return nil, nil, nil, err
	}
	task, diags := Check(filename, src, opts)
	return task, diags, src, nil
}
