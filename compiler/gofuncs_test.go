package compiler_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/check"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

func TestLoadGoUDFs(t *testing.T) {
	u, err := compiler.LoadGoUDFs("testdata/goudf")
	if err != nil {
		t.Fatal(err)
	}
	if u.Package != "example.com/goudf" || u.Module != "example.com/goudf" || !strings.HasSuffix(u.ModuleDir, "testdata/goudf") {
		t.Errorf("package %s of module %s in %s", u.Package, u.Module, u.ModuleDir)
	}
	fn := func(name, goName string, err bool, res types.Type, params ...types.Type) *ir.GoFunc {
		return &ir.GoFunc{Name: name, Package: "example.com/goudf", GoName: goName, Params: params, Result: res, Err: err}
	}
	want := map[string]*ir.GoFunc{ // Sum takes a slice: not a lambda function
		"celsius":  fn("celsius", "Celsius", false, types.Float, types.Float),
		"label":    fn("label", "Label", false, types.String, types.String, types.Int),
		"safeSqrt": fn("safeSqrt", "SafeSqrt", true, types.Float, types.Float),
		"within":   fn("within", "Within", false, types.Bool, types.Duration, types.Duration),
	}
	if diff := cmp.Diff(want, u.Funcs); diff != "" {
		t.Errorf("functions (-want +got):\n%s", diff)
	}
	wantNodes := map[string]*check.UDF{ // Other's Point method has another signature
		"scale": {Wants: catalog.StreamEdge, Provides: catalog.StreamEdge,
			Options: map[string][]types.Type{"field": {types.String}, "by": {types.Float}, "unit": {types.Duration}},
			Go:      &ir.GoNode{Name: "scale", Package: "example.com/goudf", GoName: "Scale", Fields: map[string]string{"field": "Field", "by": "By", "unit": "Unit"}}},
		"first": {Wants: catalog.BatchEdge, Provides: catalog.BatchEdge,
			Options: map[string][]types.Type{"n": {types.Int}},
			Go:      &ir.GoNode{Name: "first", Package: "example.com/goudf", GoName: "First", Batch: true, Fields: map[string]string{"n": "N"}}},
	}
	if diff := cmp.Diff(wantNodes, u.Nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

func TestGoUDFCallErrors(t *testing.T) {
	u, err := compiler.LoadGoUDFs("testdata/goudf")
	if err != nil {
		t.Fatal(err)
	}
	src := `dbrp "telegraf"."autogen"
stream
    |from()
        .measurement('temp')
    |eval(lambda: celsius(212), lambda: label('room', 1.5), lambda: within(5s, 10s), lambda: celsiuss("f"))
        .as('c', 'l', 'w', 'x')
`
	_, diags := compiler.Check("goudf.tick", []byte(src), compiler.Options{GoUDFs: []*compiler.GoUDFs{u}})
	var got []string
	for _, d := range diags {
		got = append(got, d.Error()+" "+strings.Join(d.Notes, "; "))
	}
	for _, want := range []string{
		"goudf.tick:5:19: cannot call celsius(int); want celsius(float) float (the Go function example.com/goudf.Celsius)",
		"goudf.tick:5:41: cannot call label(string, float); want label(string, int) string (the Go function example.com/goudf.Label)",
		"goudf.tick:5:94: undefined function celsiuss() in lambda did you mean celsius?",
	} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("no diagnostic %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if len(got) != 3 {
		t.Errorf("%d diagnostics, want 3 (within(5s, 10s) is fine):\n%s", len(got), strings.Join(got, "\n"))
	}
}
