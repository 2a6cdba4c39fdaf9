package catalog

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/tickc/tickc/compiler/types"
)

func TestFunctionCount(t *testing.T) {
	if n := len(Functions); n != 83 {
		t.Fatalf("len(Functions) = %d, want 83", n)
	}
	var stateful []string
	for name, f := range Functions {
		if f.Name != name {
			t.Errorf("Functions[%q].Name = %q", name, f.Name)
		}
		if f.Stateful {
			stateful = append(stateful, name)
		}
		if f.Doc == "" {
			t.Errorf("%s: no Doc", name)
		}
		if len(f.Sigs) == 0 {
			t.Errorf("%s: no signatures", name)
		}
	}
	sort.Strings(stateful)
	if want := []string{"count", "rand", "sigma", "spread"}; !reflect.DeepEqual(stateful, want) {
		t.Errorf("stateful functions = %v, want %v", stateful, want)
	}
}

// TestFunctionNames checks the full list against Kapacitor's registry.
func TestFunctionNames(t *testing.T) {
	want := strings.Fields(`
		bool int float string duration
		abs acos acosh asin asinh atan atan2 atanh cbrt ceil cos cosh erf erfc exp exp2 expm1
		floor gamma hypot j0 j1 jn log log10 log1p log2 logb max min mod pow pow10 sin sinh
		sqrt tan tanh trunc y0 y1 yn
		strContains strContainsAny strCount strHasPrefix strHasSuffix strIndex strIndexAny
		strLastIndex strLastIndexAny strLength strReplace strSubstring strToLower strToUpper
		strTrim strTrimLeft strTrimPrefix strTrimRight strTrimSpace strTrimSuffix
		regexReplace isPresent unixNano minute hour weekday day month year now humanBytes if
		sigma count spread rand`)
	if len(want) != 83 {
		t.Fatalf("test list has %d names", len(want))
	}
	for _, name := range want {
		if Functions[name] == nil {
			t.Errorf("missing function %s", name)
		}
	}
}

func sigsOf(name string) []FuncSig { return Functions[name].Sigs }

func sigSet(sigs []FuncSig) map[string]types.Type {
	m := map[string]types.Type{}
	for _, s := range sigs {
		m[funcImplKeyOf("", s.Params).params] = s.Result
	}
	return m
}

func TestSignatures(t *testing.T) {
	B, I, F, S, D, T, R := types.Bool, types.Int, types.Float, types.String, types.Duration, types.Time, types.Regex
	cases := []struct {
		name string
		want []FuncSig
	}{
		{"bool", []FuncSig{{[]types.Type{B}, B}, {[]types.Type{S}, B}, {[]types.Type{I}, B}, {[]types.Type{F}, B}}},
		{"int", []FuncSig{{[]types.Type{B}, I}, {[]types.Type{S}, I}, {[]types.Type{I}, I}, {[]types.Type{F}, I}}},
		{"float", []FuncSig{{[]types.Type{B}, F}, {[]types.Type{S}, F}, {[]types.Type{I}, F}, {[]types.Type{F}, F}}},
		{"string", []FuncSig{{[]types.Type{B}, S}, {[]types.Type{S}, S}, {[]types.Type{I}, S}, {[]types.Type{F}, S}, {[]types.Type{D}, S}}},
		{"duration", []FuncSig{{[]types.Type{D}, D}, {[]types.Type{I, D}, D}, {[]types.Type{F, D}, D}, {[]types.Type{S, D}, D}}},
		{"abs", []FuncSig{{[]types.Type{F}, F}}},
		{"pow", []FuncSig{{[]types.Type{F, F}, F}}},
		{"mod", []FuncSig{{[]types.Type{F, F}, F}}},
		{"pow10", []FuncSig{{[]types.Type{I}, F}}},
		{"jn", []FuncSig{{[]types.Type{I, F}, F}}},
		{"yn", []FuncSig{{[]types.Type{I, F}, F}}},
		{"strContains", []FuncSig{{[]types.Type{S, S}, B}}},
		{"strIndex", []FuncSig{{[]types.Type{S, S}, I}}},
		{"strLength", []FuncSig{{[]types.Type{S}, I}}},
		{"strReplace", []FuncSig{{[]types.Type{S, S, S, I}, S}}},
		{"strSubstring", []FuncSig{{[]types.Type{S, I, I}, S}}},
		{"strTrim", []FuncSig{{[]types.Type{S, S}, S}}},
		{"strTrimSpace", []FuncSig{{[]types.Type{S}, S}}},
		{"regexReplace", []FuncSig{{[]types.Type{R, S, S}, S}}},
		{"isPresent", []FuncSig{{[]types.Type{types.Missing}, B}, {[]types.Type{B}, B}, {[]types.Type{S}, B}, {[]types.Type{I}, B}, {[]types.Type{F}, B}}},
		{"unixNano", []FuncSig{{[]types.Type{T}, I}}},
		{"weekday", []FuncSig{{[]types.Type{T}, I}}},
		{"now", []FuncSig{{nil, T}}},
		{"humanBytes", []FuncSig{{[]types.Type{F}, S}, {[]types.Type{I}, S}}},
		{"sigma", []FuncSig{{[]types.Type{F}, F}}},
		{"count", []FuncSig{{nil, I}}},
		{"spread", []FuncSig{{[]types.Type{F}, F}}},
		{"rand", []FuncSig{{nil, I}, {[]types.Type{I}, I}}},
	}
	for _, c := range cases {
		if got, want := sigSet(sigsOf(c.name)), sigSet(c.want); !reflect.DeepEqual(got, want) {
			t.Errorf("%s signatures = %v, want %v", c.name, got, want)
		}
	}

	// if: (bool, T, T) -> T for exactly these seven T.
	ifWant := map[string]types.Type{}
	for _, typ := range []types.Type{F, I, S, B, R, T, D} {
		ifWant["bool,"+typ.String()+","+typ.String()] = typ
	}
	if got := sigSet(sigsOf("if")); !reflect.DeepEqual(got, ifWant) {
		t.Errorf("if signatures = %v, want %v", got, ifWant)
	}

	// Quirks that the checker relies on.
	rejected := []struct {
		name   string
		params []types.Type
	}{
		{"int", []types.Type{D}},      // int(10s)
		{"duration", []types.Type{S}}, // duration('5m') without a unit
		{"duration", []types.Type{I}}, // duration(5) without a unit
		{"abs", []types.Type{I}},      // no int to float coercion
		{"pow", []types.Type{I, I}},
		{"pow10", []types.Type{F}},
		{"float", []types.Type{D}},
		{"bool", []types.Type{D}},
		{"isPresent", []types.Type{D}},
		{"isPresent", []types.Type{T}},
		{"if", []types.Type{B, I, F}}, // branches must match
		{"if", []types.Type{B, types.Missing, types.Missing}},
		{"humanBytes", []types.Type{S}},
		{"hour", []types.Type{I}},
		{"sigma", []types.Type{I}},
	}
	for _, r := range rejected {
		if hasSig(Functions[r.name], r.params) {
			t.Errorf("%s%v must be rejected", r.name, r.params)
		}
	}

	// Every math function of one argument takes a float and returns one.
	for _, name := range strings.Fields("abs acos acosh asin asinh atan atanh cbrt ceil cos cosh erf erfc exp exp2 expm1 floor gamma j0 j1 log log10 log1p log2 logb sin sinh sqrt tan tanh trunc y0 y1") {
		if got := sigSet(sigsOf(name)); !reflect.DeepEqual(got, map[string]types.Type{"float": F}) {
			t.Errorf("%s signatures = %v, want (float) float", name, got)
		}
	}
	for _, name := range strings.Fields("minute hour weekday day month year unixNano") {
		if got := sigSet(sigsOf(name)); !reflect.DeepEqual(got, map[string]types.Type{"time": I}) {
			t.Errorf("%s signatures = %v, want (time) int", name, got)
		}
	}
}

func hasSig(f *Function, params []types.Type) bool {
	for _, s := range f.Sigs {
		if reflect.DeepEqual(s.Params, params) {
			return true
		}
	}
	return false
}

func TestNoDuplicateSignatures(t *testing.T) {
	for name, f := range Functions {
		seen := map[string]bool{}
		for _, s := range f.Sigs {
			k := funcImplKeyOf("", s.Params).params
			if seen[k] {
				t.Errorf("%s: duplicate signature (%s)", name, k)
			}
			seen[k] = true
		}
	}
}

// TestFuncImplsExist checks every overload against the exported API of
// package stdlib, read from its source: the Go function (or method) must
// exist, take one parameter per TICKscript argument, and return an error
// exactly when FuncImpl.Err says so.
func TestFuncImplsExist(t *testing.T) {
	type goFunc struct{ params, results int }
	api := map[string]goFunc{}
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("..", "..", "stdlib", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("cannot find stdlib sources: %v", err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil {
				recv := fd.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				name = recv.(*ast.Ident).Name + "." + name
			}
			api[name] = goFunc{params: fieldCount(fd.Type.Params), results: fieldCount(fd.Type.Results)}
		}
	}

	for name, f := range Functions {
		for _, s := range f.Sigs {
			impl, ok := LookupFuncImpl(name, s.Params)
			if !ok {
				t.Errorf("%s%v: no implementation", name, s.Params)
				continue
			}
			if f.Stateful != strings.Contains(impl.Name, ".") {
				t.Errorf("%s%v: implementation %s; stateful functions, and only they, use methods", name, s.Params, impl.Name)
			}
			g, ok := api[impl.Name]
			if !ok {
				t.Errorf("%s%v: stdlib has no %s", name, s.Params, impl.Name)
				continue
			}
			wantParams := len(s.Params)
			if impl.Name == "IsPresent" {
				wantParams = 1 // takes whether the reference was found
			}
			if g.params != wantParams {
				t.Errorf("%s%v: stdlib.%s takes %d parameters, want %d", name, s.Params, impl.Name, g.params, wantParams)
			}
			wantResults := 1
			if impl.Err {
				wantResults = 2
			}
			if g.results != wantResults {
				t.Errorf("%s%v: stdlib.%s returns %d results, want %d", name, s.Params, impl.Name, g.results, wantResults)
			}
		}
	}

	if _, ok := LookupFuncImpl("int", []types.Type{types.Duration}); ok {
		t.Error("LookupFuncImpl(int, duration) must fail")
	}
	impl, ok := LookupFuncImpl("bool", []types.Type{types.Int})
	if !ok || impl != (FuncImpl{Name: "BoolFromInt", Err: true}) {
		t.Errorf("LookupFuncImpl(bool, int) = %+v, %v", impl, ok)
	}
}

func fieldCount(fl *ast.FieldList) int {
	if fl == nil {
		return 0
	}
	n := 0
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			n++
		} else {
			n += len(f.Names)
		}
	}
	return n
}
