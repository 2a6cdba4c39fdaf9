package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/diag"
)

// addSeeds adds the project's scripts to the fuzz corpus: the checker's
// test scripts and the conformance cases. The regression seeds found by
// fuzzing live in testdata/fuzz.
func addSeeds(f *testing.F) {
	for _, pattern := range []string{
		"../check/testdata/*/*.tick",
		"../../golden/conformance/*/task.tick",
	} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(src))
		}
	}
}

// FuzzLex checks that the lexer always ends, makes progress with every
// token and keeps positions consistent with the source.
func FuzzLex(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		lx := newLexer(src)
		prev := ast.Pos{Line: 1, Col: 1}
		for n := 0; ; n++ {
			if n > len(src)+1 {
				t.Fatalf("no end after %d tokens of a %d-byte source", n, len(src))
			}
			tok := lx.next()
			if tok.Pos.Offset < prev.Offset || tok.End.Offset < tok.Pos.Offset || tok.End.Offset > len(src) {
				t.Fatalf("token %v spans %d..%d after offset %d in a %d-byte source", tok.Kind, tok.Pos.Offset, tok.End.Offset, prev.Offset, len(src))
			}
			checkPos(t, src, tok.Pos)
			checkPos(t, src, tok.End)
			if tok.Kind == tokEOF {
				if tok.Pos.Offset != len(src) {
					t.Fatalf("end of file at offset %d of %d", tok.Pos.Offset, len(src))
				}
				return
			}
			if tok.End.Offset == tok.Pos.Offset {
				t.Fatalf("empty %v token at %v", tok.Kind, tok.Pos)
			}
			prev = tok.End
		}
	})
}

// checkPos checks that a position's line and column agree with its offset.
func checkPos(t *testing.T, src string, p ast.Pos) {
	t.Helper()
	line, col := 1, 1
	for i := 0; i < p.Offset; i++ {
		if src[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if p.Line != line || p.Col != col {
		t.Fatalf("offset %d is %d:%d, not %d:%d", p.Offset, line, col, p.Line, p.Col)
	}
}

// FuzzParse checks that the parser never panics and that every diagnostic
// and statement lies within the source.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		prog, errs, complete := Parse("fuzz.tick", []byte(src))
		for _, d := range errs {
			// The only errors Parse recovers from in place.
			if complete && d.Severity == diag.Error && !strings.HasPrefix(d.Message, "missing parentheses") {
				t.Fatalf("complete program with error %q", d.Message)
			}
			checkSpan(t, src, d.Span)
		}
		for _, s := range prog.Stmts {
			checkSpan(t, src, s.Span())
		}
		x, errs := ParseLambda("fuzz", src)
		for _, d := range errs {
			checkSpan(t, src, d.Span)
		}
		if x != nil && !errs.HasErrors() {
			checkSpan(t, src, x.Span())
		}
	})
}

func checkSpan(t *testing.T, src string, s ast.Span) {
	t.Helper()
	if s.Start.Offset < 0 || s.Start.Offset > s.End.Offset || s.End.Offset > len(src) {
		t.Fatalf("span %d..%d outside the %d-byte source", s.Start.Offset, s.End.Offset, len(src))
	}
	checkPos(t, src, s.Start)
	checkPos(t, src, s.End)
}
