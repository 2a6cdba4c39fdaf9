package compiler

import (
	"fmt"
	"go/types"
	"path/filepath"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/packages"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/check"
	"github.com/tickc/tickc/compiler/ir"
	tick "github.com/tickc/tickc/compiler/types"
)

// GoUDFs is a Go package given with --udf. Its exported functions whose
// parameters and result have TICKscript types become lambda functions,
// called by their Go name with the first letter in lower case
// (func Celsius(f float64) float64 is celsius()). A function may return an
// error after its result: a non-nil error drops the point, as a failing
// lambda does. Its exported struct types whose pointer implements
// runtime/udf's PointNode or BatchNode become @name() nodes (type Scale is
// @scale()), whose options set the exported fields of TICKscript types
// (By float64 is .by(2.0)). Other exported names are ignored. The package
// is linked into the task binary: no process boundary, no encoding.
type GoUDFs struct {
	// Package is the import path; Module and ModuleDir are the module
	// holding it, which builds use through a replace directive.
	Package, Module, ModuleDir string
	Funcs                      map[string]*ir.GoFunc
	Nodes                      map[string]*check.UDF
}

// goTypes maps the Go types a Go UDF function may take and return to
// TICKscript's.
var goTypes = map[string]tick.Type{
	"float64": tick.Float, "int64": tick.Int, "string": tick.String, "bool": tick.Bool,
	"time.Duration": tick.Duration, "time.Time": tick.Time,
}

// LoadGoUDFs loads the Go package in dir and reads its functions' types.
func LoadGoUDFs(dir string) (*GoUDFs, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedModule, Dir: abs}, ".")
	if err != nil {
		return nil, fmt.Errorf("--udf %s: %w", dir, err)
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("--udf %s: want one Go package, found %d", dir, len(pkgs))
	}
	pkg := pkgs[0]
	if len(pkg.Errors) > 0 {
		return nil, fmt.Errorf("--udf %s: %v", dir, pkg.Errors[0])
	}
	switch {
	case pkg.Name == "main":
		return nil, fmt.Errorf("--udf %s: package main cannot be imported: give a library package", dir)
	case pkg.Module == nil:
		return nil, fmt.Errorf("--udf %s: the package is not in a Go module (add a go.mod)", dir)
	}
	u := &GoUDFs{Package: pkg.PkgPath, Module: pkg.Module.Path, ModuleDir: pkg.Module.Dir, Funcs: map[string]*ir.GoFunc{}, Nodes: map[string]*check.UDF{}}
	scope := pkg.Types.Scope()
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok && tn.Exported() {
			if n := goNode(tn); n != nil {
				n.Go.Package = pkg.PkgPath
				u.Nodes[n.Go.Name] = n
			}
			continue
		}
		fn, ok := scope.Lookup(name).(*types.Func)
		if !ok || !fn.Exported() {
			continue
		}
		gf, ok := goFunc(fn)
		if !ok {
			continue
		}
		gf.Package = pkg.PkgPath
		if _, builtin := catalog.Functions[gf.Name]; builtin {
			return nil, fmt.Errorf("--udf %s: %s would hide the built-in function %s()", dir, name, gf.Name)
		}
		u.Funcs[gf.Name] = gf
	}
	if len(u.Funcs) == 0 && len(u.Nodes) == 0 {
		return nil, fmt.Errorf("--udf %s: package %s exports no function of float64, int64, string, bool, time.Duration or time.Time values, and no node type", dir, pkg.PkgPath)
	}
	return u, nil
}

// goFunc describes fn if its signature has TICKscript types.
func goFunc(fn *types.Func) (*ir.GoFunc, bool) {
	sig := fn.Signature()
	if sig.Variadic() || sig.TypeParams().Len() > 0 {
		return nil, false
	}
	gf := &ir.GoFunc{Name: lowerFirst(fn.Name()), GoName: fn.Name(), Params: []tick.Type{}}
	for i := range sig.Params().Len() {
		t, ok := goTypes[types.TypeString(sig.Params().At(i).Type(), nil)]
		if !ok {
			return nil, false
		}
		gf.Params = append(gf.Params, t)
	}
	res := sig.Results()
	switch {
	case res.Len() == 2 && types.TypeString(res.At(1).Type(), nil) == "error":
		gf.Err = true
	case res.Len() != 1:
		return nil, false
	}
	t, ok := goTypes[types.TypeString(res.At(0).Type(), nil)]
	gf.Result = t
	return gf, ok
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// The signatures of runtime/udf's PointNode and BatchNode methods.
const (
	pointMethod = "func(p *github.com/tickc/tickc/runtime/pipeline.Point, emit func(*github.com/tickc/tickc/runtime/pipeline.Point)) error"
	batchMethod = "func(b *github.com/tickc/tickc/runtime/pipeline.Batch, emit func(*github.com/tickc/tickc/runtime/pipeline.Batch)) error"
)

// goNode describes tn if it is a struct type whose pointer has a Point or
// a Batch method of runtime/udf's node interfaces.
func goNode(tn *types.TypeName) *check.UDF {
	st, ok := tn.Type().Underlying().(*types.Struct)
	if !ok || tn.IsAlias() {
		return nil
	}
	mset := types.NewMethodSet(types.NewPointer(tn.Type()))
	method := func(name, want string) bool {
		sel := mset.Lookup(tn.Pkg(), name)
		if sel == nil {
			return false
		}
		sig := sel.Obj().Type().(*types.Signature)
		// Parameter names do not matter: compare with them renamed.
		got := types.TypeString(types.NewSignatureType(nil, nil, nil, renamed(sig.Params(), "p", "emit"), sig.Results(), false), nil)
		if name == "Batch" {
			got = types.TypeString(types.NewSignatureType(nil, nil, nil, renamed(sig.Params(), "b", "emit"), sig.Results(), false), nil)
		}
		return got == want
	}
	edge := catalog.StreamEdge
	switch {
	case method("Point", pointMethod):
	case method("Batch", batchMethod):
		edge = catalog.BatchEdge
	default:
		return nil
	}
	n := &check.UDF{Wants: edge, Provides: edge, Options: map[string][]tick.Type{},
		Go: &ir.GoNode{Name: lowerFirst(tn.Name()), GoName: tn.Name(), Batch: edge == catalog.BatchEdge, Fields: map[string]string{}}}
	for i := range st.NumFields() {
		f := st.Field(i)
		t, ok := goTypes[types.TypeString(f.Type(), nil)]
		if !f.Exported() || !ok || t == tick.Time {
			continue
		}
		n.Options[lowerFirst(f.Name())] = []tick.Type{t}
		n.Go.Fields[lowerFirst(f.Name())] = f.Name()
	}
	return n
}

// renamed returns the tuple's variables with the given names, so that
// signatures compare whatever their parameters are called.
func renamed(t *types.Tuple, names ...string) *types.Tuple {
	if t.Len() != len(names) {
		return t
	}
	vars := make([]*types.Var, t.Len())
	for i := range vars {
		vars[i] = types.NewParam(0, nil, names[i], t.At(i).Type())
	}
	return types.NewTuple(vars...)
}
