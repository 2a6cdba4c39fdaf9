package format

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/parser"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the formatter's output")

// conformanceGlob finds the real-world scripts of the shared corpus.
const conformanceGlob = "../../golden/conformance/*/task.tick"

func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.tick")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.tick inputs")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".tick")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, diags := File(in, src)
			if diags.HasErrors() {
				t.Fatalf("parse errors:\n%v", diags)
			}
			golden := strings.TrimSuffix(in, ".tick") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestGoldenFilesHaveInputs fails on goldens whose input was removed.
func TestGoldenFilesHaveInputs(t *testing.T) {
	goldens, _ := filepath.Glob("testdata/*.golden")
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".golden") + ".tick"); err != nil {
			t.Errorf("%s has no input", g)
		}
	}
}

// TestRoundTrip checks, for every test input and every conformance script,
// that formatting is idempotent, keeps the tree and keeps every comment.
func TestRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.tick")
	conf, _ := filepath.Glob(conformanceGlob)
	if len(conf) == 0 {
		t.Logf("no conformance scripts at %s", conformanceGlob)
	}
	files = append(files, conf...)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := checkRoundTrip(f, src); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestExamples(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"\n\n", ""},
		{"// only\n", "// only\n"},
		{`var x=1`, "var x = 1\n"},
		{`var x=1.50`, "var x = 1.5\n"},
		{`var x=.5`, "var x = 0.5\n"},
		{`var x=5.`, "var x = 5.0\n"},
		{`var x=0600`, "var x = 0600\n"},
		{`var x=00`, "var x = 00\n"},
		{`var x=60s`, "var x = 60s\n"},
		{`var x = - 1`, "var x = -1\n"},
		{`var x = 'it\'s'`, "var x = '''it's'''\n"},
		{`var x = 'a\\'b'`, "var x = '''a\\'b'''\n"},
		{`var x = 'a\\b'`, "var x = 'a\\\\b'\n"},
		{`var x = '''plain'''`, "var x = '''plain'''\n"},
		{`var x = ''' ends with \ '''`, "var x = ''' ends with \\ '''\n"},
		{`var x = /a\/b/`, "var x = /a\\/b/\n"},
		{`var x = "a\"b"`, "var x = \"a\\\"b\"\n"},
		{`var x float`, "var x float\n"},
		{`dbrp "db" . "rp"`, "dbrp \"db\".\"rp\"\n"},
		{`var x=stream|window().period(10s).every(10s)`,
			"var x = stream\n    |window()\n        .period(10s)\n        .every(10s)\n"},
		{`var x = [ a,'b' , * ]`, "var x = [a, 'b', *]\n"},
		{"stream|from()\n// trailing remark\n", "stream\n    |from()\n\n// trailing remark\n"},
		{"var a = 1 // one\nvar b = 2", "var a = 1 // one\n\nvar b = 2\n"},
		{"//x\n//   y  \n//\nvar a = 1", "// x\n//   y\n//\nvar a = 1\n"},
		{"var a = 1\n\n\n\nvar b = 2\nvar c = 3", "var a = 1\n\nvar b = 2\n\nvar c = 3\n"},
		{"var f = lambda: \"a\">1AND(\"b\"<2 OR \"c\"==3)", "var f = lambda: \"a\" > 1 AND (\"b\" < 2 OR \"c\" == 3)\n"},
		{"var f = lambda: \"a\" > 1 AND\n\"b\" < 2", "var f = lambda: \"a\" > 1 AND\n    \"b\" < 2\n"},
		{"var f = lambda: \"a\" > 1\nAND \"b\" < 2", "var f = lambda: \"a\" > 1 AND\n    \"b\" < 2\n"},
		{"x|alert()", "x\n    |alert()\n"},
		{"x@udf().opt(1,\n2)", "x\n    @udf()\n        .opt(\n            1,\n            2\n        )\n"},
		{"x|f(1, // one\n2)", "x\n    |f(\n        1, // one\n        2\n    )\n"},
		{"x|f(// none\n)", "x\n    |f( // none\n    )\n"},
		{"x|f(\n// none\n)", "x\n    |f(\n        // none\n    )\n"},
		{"var // c\nx = 1", "// c\nvar x = 1\n"},
		{"s|// c\nf()", "s\n    // c\n    |f()\n"},
	}
	for _, c := range cases {
		got, diags := File("t.tick", []byte(c.in))
		if diags.HasErrors() {
			t.Errorf("%q: %v", c.in, diags)
			continue
		}
		if string(got) != c.want {
			t.Errorf("format %q:\ngot:\n%s\nwant:\n%s", c.in, got, c.want)
		}
		if err := checkRoundTrip("t.tick", []byte(c.in)); err != nil {
			t.Error(err)
		}
	}
}

func TestFileReportsErrors(t *testing.T) {
	out, diags := File("bad.tick", []byte("stream|from(\n"))
	if out != nil || !diags.HasErrors() {
		t.Fatalf("File on a bad script = %q, %v; want nil and errors", out, diags)
	}
}

// checkRoundTrip formats src and checks that the result parses to the same
// tree with the same comments, and formats to itself.
func checkRoundTrip(name string, src []byte) error {
	prog, diags := parser.ParseFile(name, src)
	if diags.HasErrors() {
		return fmt.Errorf("%s: input does not parse: %v", name, diags)
	}
	out := Source(prog)
	prog2, diags := parser.ParseFile(name, out)
	if diags.HasErrors() {
		return fmt.Errorf("%s: output does not parse: %v\n%s", name, diags, out)
	}
	if a, b := dumpProgram(prog), dumpProgram(prog2); a != b {
		return fmt.Errorf("%s: formatting changed the tree:\n%s\nbecame\n%s\noutput:\n%s", name, a, b, out)
	}
	if a, b := commentTexts(prog), commentTexts(prog2); a != b {
		return fmt.Errorf("%s: formatting changed the comments:\n%s\nbecame\n%s\noutput:\n%s", name, a, b, out)
	}
	out2 := Source(prog2)
	if !bytes.Equal(out, out2) {
		return fmt.Errorf("%s: not idempotent:\n--- first\n%s\n--- second\n%s", name, out, out2)
	}
	return nil
}

// commentTexts lists the comments, trimmed of the space the formatter may
// add or drop, one per line in source order.
func commentTexts(prog *ast.Program) string {
	var b strings.Builder
	for _, c := range prog.Comments {
		b.WriteString(strings.TrimSpace(c.Text))
		b.WriteByte('\n')
	}
	return b.String()
}

// dumpProgram writes the tree without positions and without the spelling
// of literals (quotes, number form), which formatting may change.
func dumpProgram(prog *ast.Program) string {
	var b strings.Builder
	for _, s := range prog.Stmts {
		switch s := s.(type) {
		case *ast.VarDecl:
			fmt.Fprintf(&b, "(var %s %s)\n", s.Name.Name, dump(s.Value))
		case *ast.TypeDecl:
			fmt.Fprintf(&b, "(vartype %s %s)\n", s.Name.Name, s.Type.Name)
		case *ast.DBRP:
			fmt.Fprintf(&b, "(dbrp %q %q)\n", s.DB.Name, s.RP.Name)
		case *ast.ExprStmt:
			fmt.Fprintf(&b, "%s\n", dump(s.X))
		default:
			fmt.Fprintf(&b, "(?stmt %T)\n", s)
		}
	}
	return b.String()
}

func dump(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.Reference:
		return fmt.Sprintf("(ref %q)", x.Name)
	case *ast.StringLit:
		return fmt.Sprintf("(str %q)", x.Value)
	case *ast.NumberLit:
		if x.IsInt {
			return fmt.Sprintf("(int %d)", x.Int)
		}
		return fmt.Sprintf("(float %v)", x.Float)
	case *ast.DurationLit:
		return fmt.Sprintf("(dur %q %d)", x.Raw, x.Value)
	case *ast.RegexLit:
		return fmt.Sprintf("(regex %q)", x.Pattern)
	case *ast.BoolLit:
		return fmt.Sprintf("(bool %v)", x.Value)
	case *ast.Star:
		return "*"
	case *ast.List:
		return "(list" + dumpList(x.Items) + ")"
	case *ast.Lambda:
		return "(lambda " + dump(x.Body) + ")"
	case *ast.BinaryExpr:
		return fmt.Sprintf("(%s %s %s)", x.Op, dump(x.X), dump(x.Y))
	case *ast.UnaryExpr:
		return fmt.Sprintf("(%s %s)", x.Op, dump(x.X))
	case *ast.ParenExpr:
		return "(paren " + dump(x.X) + ")"
	case *ast.Call:
		if !x.Lparen.IsValid() {
			return "(prop " + x.Name.Name + ")"
		}
		return "(call " + x.Name.Name + dumpList(x.Args) + ")"
	case *ast.Chain:
		return fmt.Sprintf("(%s %s %s)", x.Op, dump(x.X), dump(x.Call))
	}
	return fmt.Sprintf("(?%T)", x)
}

func dumpList(xs []ast.Expr) string {
	var b strings.Builder
	for _, x := range xs {
		b.WriteByte(' ')
		b.WriteString(dump(x))
	}
	return b.String()
}

// FuzzFormat checks that formatting never panics and, for input that
// parses, gives output that parses to the same tree and comments and
// formats to itself.
func FuzzFormat(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.tick")
	conf, _ := filepath.Glob(conformanceGlob)
	for _, s := range append(seeds, conf...) {
		if src, err := os.ReadFile(s); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		prog, diags := parser.ParseFile("fuzz.tick", src)
		Source(prog) // must not panic, even on the partial tree of a bad script
		if diags.HasErrors() {
			return
		}
		if err := checkRoundTrip("fuzz.tick", src); err != nil {
			t.Fatal(err)
		}
	})
}
