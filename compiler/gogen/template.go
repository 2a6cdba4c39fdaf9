package gogen

import (
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// templateFields are the Program fields of a task defined from a template
// (Options.TemplateID and Vars), which Kapacitor reports for it; none for
// a task of its own, whose program stays as it was.
func (g *gen) templateFields() []jen.Code {
	var fields []jen.Code
	if g.opts.TemplateID != "" {
		fields = append(fields, jen.Id("TemplateID").Op(":").Lit(g.opts.TemplateID))
	}
	if len(g.opts.Vars) == 0 {
		return fields
	}
	names := make([]string, 0, len(g.opts.Vars))
	for name := range g.opts.Vars {
		names = append(names, name)
	}
	sort.Strings(names)
	var vars []jen.Code
	for _, name := range names {
		vars = append(vars, varValue(name, g.opts.Vars[name]))
	}
	return append(fields, jen.Id("Vars").Op(":").Index().Qual(pipelinePkg, "Var").Values(vars...))
}

// varValue is the pipeline.Var literal of a template var's value (see its
// documentation for the Go type of each var type).
func varValue(name string, v ir.Value) jen.Code {
	d := jen.Dict{jen.Id("Type"): jen.Lit(v.Type.String())}
	if name != "" {
		d[jen.Id("Name")] = jen.Lit(name)
	}
	switch v.Type {
	case types.Bool:
		d[jen.Id("Value")] = jen.Lit(v.Bool)
	case types.Int:
		d[jen.Id("Value")] = jen.Lit(v.Int)
	case types.Float:
		d[jen.Id("Value")] = jen.Lit(v.Float)
	case types.String, types.Regex, types.Lambda:
		d[jen.Id("Value")] = jen.Lit(v.Str)
	case types.Duration:
		d[jen.Id("Value")] = durationLit(v.Dur)
	case types.List:
		var items []jen.Code
		for _, item := range v.List {
			items = append(items, varValue("", item))
		}
		d[jen.Id("Value")] = jen.Index().Qual(pipelinePkg, "Var").Values(items...)
	}
	return jen.Values(d)
}
