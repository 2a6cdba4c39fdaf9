package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/schema"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "type-check TICKscript files and report every error",
		ArgsUsage: "FILE...",
		Description: `Checks each file as Kapacitor would when the task is defined and started,
and more: edge types, node rules, lambda types and alert templates.
Exits 1 if any file has an error.

With --schema or --influxdb, references to fields and tags that do not
exist are errors, and lambdas are typed against the real field types.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "diagnostics as `text` or json"},
			&cli.BoolFlag{Name: "ir", Usage: "print the typed IR of each task as JSON"},
			&cli.StringFlag{Name: "schema", Usage: "JSON `FILE` describing measurements, fields and tags"},
			&cli.StringFlag{Name: "influxdb", Usage: "read the schema from the InfluxDB 1.x server at `URL`"},
			&cli.StringFlag{Name: "db", Usage: "database to read the schema from (with --influxdb)"},
			&cli.StringFlag{Name: "rp", Usage: "retention policy to read the schema from (with --influxdb)"},
			&cli.StringFlag{Name: "username", EnvVars: []string{"INFLUX_USERNAME"}, Usage: "InfluxDB user"},
			&cli.StringFlag{Name: "password", EnvVars: []string{"INFLUX_PASSWORD"}, Usage: "InfluxDB password"},
			&cli.StringSliceFlag{Name: "dbrp", Usage: "database.retention_policy the task reads, when the script has no dbrp statement"},
			varsFlag,
			configFlag,
			udfFlag,
		},
		Action: runCheck,
	}
}

func runCheck(c *cli.Context) error {
	if c.NArg() == 0 {
		return fmt.Errorf("check needs at least one FILE")
	}
	opts, err := checkOptions(c)
	if err != nil {
		return err
	}
	var all diag.List
	sources := diag.Sources{}
	var tasks []*ir.Task
	for _, f := range c.Args().Slice() {
		task, diags, src, err := compiler.CheckFile(f, opts)
		if err != nil {
			return err
		}
		for name, s := range opts.Sources(f, src) {
			sources[name] = s
		}
		all = append(all, diags...)
		if task != nil {
			tasks = append(tasks, task)
		}
	}
	all.Sort()
	switch c.String("format") {
	case "json":
		err = diag.WriteJSON(c.App.Writer, all)
	case "text":
		err = diag.WriteText(c.App.ErrWriter, all, sources)
	default:
		return fmt.Errorf("unknown --format %q: want text or json", c.String("format"))
	}
	if err != nil {
		return err
	}
	if c.Bool("ir") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		for _, t := range tasks {
			if err := enc.Encode(t); err != nil {
				return err
			}
		}
	}
	if all.HasErrors() {
		return exitError(1)
	}
	return nil
}

func checkOptions(c *cli.Context) (compiler.Options, error) {
	var opts compiler.Options
	for _, d := range c.StringSlice("dbrp") {
		dbrp, err := ir.ParseDBRP(d)
		if err != nil {
			return opts, err
		}
		opts.DBRPs = append(opts.DBRPs, dbrp)
	}
	for _, dir := range c.StringSlice("udf") {
		u, err := loadGoUDFs(dir)
		if err != nil {
			return opts, err
		}
		opts.GoUDFs = append(opts.GoUDFs, u)
	}
	if path := c.String("config"); path != "" {
		udfs, err := compiler.LoadUDFs(path)
		if err != nil {
			return opts, err
		}
		opts.UDFs = udfs
		if opts.Deadman, err = compiler.LoadDeadman(path); err != nil {
			return opts, err
		}
	}
	if path := c.String("vars"); path != "" {
		vars, err := compiler.LoadVars(path)
		if err != nil {
			return opts, err
		}
		opts.Vars = vars
	}
	switch {
	case c.String("schema") != "" && c.String("influxdb") != "":
		return opts, fmt.Errorf("give --schema or --influxdb, not both")
	case c.String("schema") != "":
		s, err := schema.LoadFile(c.String("schema"))
		if err != nil {
			return opts, err
		}
		opts.Schema = s
	case c.String("influxdb") != "":
		if c.String("db") == "" {
			return opts, fmt.Errorf("--influxdb needs --db, the database to read the schema from")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := schema.FromInfluxDB(ctx, c.String("influxdb"), c.String("db"), c.String("rp"), c.String("username"), c.String("password"))
		if err != nil {
			return opts, err
		}
		opts.Schema = s
	}
	return opts, nil
}
