package main

import (
	"github.com/urfave/cli/v2"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
)

// configFlag names a kapacitor.conf-style file whose [udf.functions.NAME]
// sections declare the UDFs that @name() nodes may use.
var configFlag = &cli.StringFlag{Name: "config", Usage: "kapacitor.conf-style `FILE` whose [udf.functions.NAME] sections configure the @name() UDFs and whose [deadman] section the deadmen (global = true adds one to every task)"}

// udfFlag names Go UDF packages, whose exported functions lambdas may call.
var udfFlag = &cli.StringSliceFlag{Name: "udf", Usage: "Go package `DIR` whose exported functions become lambda functions (Celsius → celsius()) and node types @name() nodes (Scale → @scale()), linked into the binary"}

// goUDFs caches the packages loaded for --udf: checking and building a
// task both need them.
var goUDFs = map[string]*compiler.GoUDFs{}

func loadGoUDFs(dir string) (*compiler.GoUDFs, error) {
	if u, ok := goUDFs[dir]; ok {
		return u, nil
	}
	u, err := compiler.LoadGoUDFs(dir)
	if err != nil {
		return nil, err
	}
	goUDFs[dir] = u
	return u, nil
}

// udfModules are the modules of the --udf packages, which the build links.
func udfModules(c *cli.Context) []build.Module {
	var mods []build.Module
	seen := map[string]bool{}
	for _, dir := range c.StringSlice("udf") {
		u, err := loadGoUDFs(dir) // loaded by the check before, without error
		if err != nil || seen[u.Module] {
			continue
		}
		seen[u.Module] = true
		mods = append(mods, build.Module{Path: u.Module, Dir: u.ModuleDir})
	}
	return mods
}
