package format

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/parser"
)

// TestCommentsAnywhere puts comments, line breaks and blank lines at random
// token boundaries of every test script and checks each variant that still
// parses with the same checks as the fuzz target. STRESS_ROUNDS (variants
// per script, default 200) and STRESS_SEED make a longer or different run.
func TestCommentsAnywhere(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.tick")
	conf, _ := filepath.Glob(conformanceGlob)
	files = append(files, conf...)
	rounds := 200
	if n, err := strconv.Atoi(os.Getenv("STRESS_ROUNDS")); err == nil {
		rounds = n
	}
	if testing.Short() {
		rounds = 20
	}
	seed, _ := strconv.ParseInt(os.Getenv("STRESS_SEED"), 10, 64)
	rng := rand.New(rand.NewSource(1 + seed))
	tried, parsed := 0, 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		prog, diags := parser.ParseFile(f, src)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		offs := boundaries(prog)
		all := gaps(prog, src)
		for r := 0; r < rounds; r++ {
			at := offs
			if r%2 == 1 {
				at = all
			}
			variant := insertRandom(rng, src, at)
			tried++
			_, diags := parser.ParseFile(f, variant)
			if diags.HasErrors() {
				continue
			}
			parsed++
			if err := checkRoundTrip(f, variant); err != nil {
				t.Fatalf("variant %d of %s:\n%s\n\ninput:\n%s", r, f, err, variant)
			}
		}
	}
	t.Logf("%d variants, %d parsed", tried, parsed)
}

// boundaries lists the offsets where a token starts or ends, as far as the
// tree records them.
func boundaries(prog *ast.Program) []int {
	set := map[int]bool{}
	add := func(ps ...ast.Pos) {
		for _, p := range ps {
			if p.IsValid() {
				set[p.Offset] = true
			}
		}
	}
	var walk func(x ast.Expr)
	walk = func(x ast.Expr) {
		sp := x.Span()
		add(sp.Start, sp.End)
		switch x := x.(type) {
		case *ast.List:
			add(x.Lbrack, x.Rbrack)
			for _, i := range x.Items {
				walk(i)
			}
		case *ast.Lambda:
			walk(x.Body)
		case *ast.BinaryExpr:
			add(x.OpPos)
			walk(x.X)
			walk(x.Y)
		case *ast.UnaryExpr:
			add(x.OpPos)
			walk(x.X)
		case *ast.ParenExpr:
			add(x.Lparen, x.Rparen)
			walk(x.X)
		case *ast.Call:
			walk(x.Name)
			add(x.Lparen, x.Rparen)
			for _, a := range x.Args {
				walk(a)
			}
		case *ast.Chain:
			add(x.OpPos)
			walk(x.X)
			walk(x.Call)
		}
	}
	for _, s := range prog.Stmts {
		sp := s.Span()
		add(sp.Start, sp.End)
		switch s := s.(type) {
		case *ast.VarDecl:
			walk(s.Name)
			walk(s.Value)
		case *ast.TypeDecl:
			walk(s.Name)
			walk(s.Type)
		case *ast.DBRP:
			walk(s.DB)
			walk(s.RP)
		case *ast.ExprStmt:
			walk(s.X)
		}
	}
	for _, c := range prog.Comments {
		add(c.Pos)
	}
	var offs []int
	for o := range set {
		offs = append(offs, o)
	}
	sort.Ints(offs)
	return offs
}

// gaps lists every offset of src that is not inside a token or comment,
// including those next to the commas, '=' and '.' the tree does not record.
func gaps(prog *ast.Program, src []byte) []int {
	inside := make([]bool, len(src)+1) // inside[i]: a token spans both i-1 and i
	cover := func(start, end int) {
		for i := start + 1; i < end && i <= len(src); i++ {
			inside[i] = true
		}
	}
	var walk func(x ast.Expr)
	walk = func(x ast.Expr) {
		switch x := x.(type) {
		case *ast.Ident:
			cover(x.Span().Start.Offset, x.Span().End.Offset)
		case *ast.Reference, *ast.StringLit, *ast.NumberLit, *ast.DurationLit, *ast.RegexLit, *ast.BoolLit, *ast.Star:
			cover(x.Span().Start.Offset, x.Span().End.Offset)
		case *ast.List:
			for _, i := range x.Items {
				walk(i)
			}
		case *ast.Lambda:
			cover(x.Lambda.Offset, x.Lambda.Offset+len("lambda:"))
			walk(x.Body)
		case *ast.BinaryExpr:
			cover(x.OpPos.Offset, x.OpPos.Offset+len(x.Op.String()))
			walk(x.X)
			walk(x.Y)
		case *ast.UnaryExpr:
			walk(x.X)
		case *ast.ParenExpr:
			walk(x.X)
		case *ast.Call:
			walk(x.Name)
			for _, a := range x.Args {
				walk(a)
			}
		case *ast.Chain:
			walk(x.X)
			walk(x.Call)
		}
	}
	for _, s := range prog.Stmts {
		switch s := s.(type) {
		case *ast.VarDecl:
			cover(s.Var.Offset, s.Var.Offset+3)
			walk(s.Name)
			walk(s.Value)
		case *ast.TypeDecl:
			cover(s.Var.Offset, s.Var.Offset+3)
			walk(s.Name)
			walk(s.Type)
		case *ast.DBRP:
			cover(s.Dbrp.Offset, s.Dbrp.Offset+4)
			walk(s.DB)
			walk(s.RP)
		case *ast.ExprStmt:
			walk(s.X)
		}
	}
	for _, c := range prog.Comments {
		end := c.Pos.Offset
		for end < len(src) && src[end] != '\n' {
			end++
		}
		cover(c.Pos.Offset, end+1)
	}
	var offs []int
	for i := 0; i <= len(src); i++ {
		if !inside[i] {
			offs = append(offs, i)
		}
	}
	return offs
}

// insertRandom inserts a few comments, line breaks or blank lines at some
// of the offsets.
func insertRandom(rng *rand.Rand, src []byte, offs []int) []byte {
	n := 1 + rng.Intn(4)
	picked := map[int]string{}
	for i := 0; i < n && len(offs) > 0; i++ {
		o := offs[rng.Intn(len(offs))]
		var s string
		switch rng.Intn(5) {
		case 0, 1:
			s = fmt.Sprintf(" // c%d\n", i)
		case 2:
			s = fmt.Sprintf("\n// c%d\n", i)
		case 3:
			s = "\n"
		case 4:
			s = fmt.Sprintf("\n\n//c%d\n\n", i)
		}
		picked[o] += s
	}
	var out []byte
	last := 0
	for _, o := range offs {
		if s, ok := picked[o]; ok && o <= len(src) {
			out = append(out, src[last:o]...)
			out = append(out, s...)
			last = o
		}
	}
	return append(out, src[last:]...)
}
