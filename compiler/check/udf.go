package check

import (
	"fmt"
	"slices"
	"sort"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// UDF describes a user-defined function that @name() nodes may use: the
// edges it wants and provides, and the argument types of each of its
// options, as its agent's info response gives them.
type UDF struct {
	Wants, Provides catalog.Edge
	Options         map[string][]types.Type
	// Go is set for a node type of a Go UDF package, linked into the task.
	Go *ir.GoNode
}

// UDFs gives the checker the configured user-defined functions.
type UDFs interface {
	// Names lists every configured UDF, for suggestions.
	Names() []string
	// Lookup describes the UDF called name; nil, nil when there is none.
	// It may start the UDF's agent to ask for its info.
	Lookup(name string) (*UDF, error)
}

// udfNode handles `parent@name()`: a node whose work an agent does. Its
// options are checked like properties, against the UDF's declaration.
func (c *checker) udfNode(nv *nodeVal, x *ast.Chain) *value {
	name := x.Call.Name.Name
	span := ast.Span{Start: x.OpPos, End: x.Call.Span().End}
	var udf *UDF
	var err error
	if c.cfg.UDFs != nil {
		udf, err = c.cfg.UDFs.Lookup(name)
	}
	switch {
	case err != nil:
		c.errorf(span, nil, "cannot describe UDF %s: %v", name, err)
		return nil
	case udf == nil:
		var names []string
		if c.cfg.UDFs != nil {
			names = c.cfg.UDFs.Names()
		}
		notes := suggest(name, names, "@")
		if len(names) == 0 {
			notes = append(notes, "UDFs are configured in a config file under [udf.functions."+name+"], given with --config")
		}
		c.errorf(x.Call.Span(), notes, "no UDF named %s is configured", name)
		return nil
	case len(x.Call.Args) > 0:
		c.errorf(x.Call.Span(), []string{fmt.Sprintf("set options as properties: @%s().option(value)", name)}, "@%s() takes no arguments", name)
		return nil
	}
	parent := c.task.Nodes[nv.id]
	spec := &catalog.Node{Name: "@" + name, Desc: name, Wants: udf.Wants, Provides: udf.Provides, Chainable: true}
	for _, opt := range sortedOptions(udf.Options) {
		var params []catalog.Param
		for i, t := range udf.Options[opt] {
			params = append(params, catalog.Param{Name: fmt.Sprintf("value%d", i+1), Types: []types.Type{t}})
		}
		spec.Props = append(spec.Props, catalog.Property{Name: opt, Sig: catalog.Signature{Params: params}})
	}
	n := c.addNode(spec, parent, []int{nv.id}, nil, span)
	if udf.Go != nil && !slices.ContainsFunc(c.task.GoNodes, func(g ir.GoNode) bool { return g.Name == name }) {
		c.task.GoNodes = append(c.task.GoNodes, *udf.Go)
	}
	c.checkEdge(parent, n, span)
	return &value{typ: types.Node, node: &nodeVal{id: n.ID}, span: span}
}

func sortedOptions(opts map[string][]types.Type) []string {
	names := make([]string, 0, len(opts))
	for name := range opts {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// typeGoCall types a call of a Go UDF function: its arguments must have
// the Go parameters' types exactly, as for the built-in functions.
func (c *checker) typeGoCall(x *ast.Call, env lambdaEnv, gf *ir.GoFunc) *ir.Expr {
	e := &ir.Expr{Kind: ir.Call, Name: gf.Name, Type: gf.Result, Pos: x.Span()}
	for _, a := range x.Args {
		arg := c.typeExpr(a, env)
		if arg == nil {
			return nil
		}
		e.Args = append(e.Args, arg)
	}
	f := &catalog.Function{Name: gf.Name, Sigs: []catalog.FuncSig{{Params: gf.Params, Result: gf.Result}}}
	if !sigMatches(f.Sigs[0], e.Args) {
		c.errorf(x.Span(), callHint(f, e.Args), "cannot call %s(%s); %s (the Go function %s.%s)", gf.Name, argTypes(e.Args), signatures(f), gf.Package, gf.GoName)
		return nil
	}
	if !slices.ContainsFunc(c.task.GoFuncs, func(g ir.GoFunc) bool { return g.Name == gf.Name }) {
		c.task.GoFuncs = append(c.task.GoFuncs, *gf)
	}
	return e
}
