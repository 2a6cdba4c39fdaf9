package check_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/schema"
)

// The error tests work like go/types' tests: each file in testdata/errors
// is checked and its diagnostics are compared with markers written as
// TICKscript comments at the end of the line they belong to:
//
//	// ERROR "regexp"    exactly one error on this line matches regexp
//	// WARNING "regexp"  exactly one warning on this line matches regexp
//	// NOTE "regexp"     a diagnostic on this line has a note matching regexp
//
// Several markers may share one comment. A regexp is a Go string literal,
// double-quoted or `back-quoted`. Any diagnostic without a marker fails the
// test. Files in testdata/valid must check with no diagnostics at all
// (except marked warnings).
//
// A comment line `// dbrp-flag: db.rp` passes db.rp as if given with -dbrp,
// `// schema: file.json` loads a schema relative to the script, and
// `// vars: file.json` gives the template vars their values from a vars file
// relative to the script, and `// config: file.conf` reads the UDFs of a
// kapacitor.conf-style file relative to the script. Diagnostics in the vars file are matched by the
// markers on the `// vars:` line itself, after a second `//`.

var (
	markerComment = regexp.MustCompile("//\\s*((?:(?:ERROR|WARNING|NOTE)\\s+(?:\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)\\s*)+)$")
	marker        = regexp.MustCompile("(ERROR|WARNING|NOTE)\\s+(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)")
	option        = regexp.MustCompile(`^\s*//\s*(dbrp-flag|schema|vars|config):\s*(\S+)\s*(?://.*)?$`)
)

// expectation is one marker.
type expectation struct {
	line int
	kind string // ERROR, WARNING or NOTE
	re   *regexp.Regexp
}

// checkFile checks a test script with the options its comments ask for.
func checkFile(t testing.TB, path string) (*ir.Task, diag.List, []byte) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var opts compiler.Options
	varsLine := 0
	for i, line := range strings.Split(string(src), "\n") {
		m := option.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		switch m[1] {
		case "dbrp-flag":
			db, rp, ok := strings.Cut(m[2], ".")
			if !ok {
				t.Fatalf("%s: bad dbrp-flag %q", path, m[2])
			}
			opts.DBRPs = append(opts.DBRPs, ir.DBRP{DB: db, RP: rp})
		case "schema":
			s, err := schema.LoadFile(filepath.Join(filepath.Dir(path), m[2]))
			if err != nil {
				t.Fatal(err)
			}
			opts.Schema = s
		case "vars":
			vars, err := compiler.LoadVars(filepath.Join(filepath.Dir(path), m[2]))
			if err != nil {
				t.Fatal(err)
			}
			opts.Vars, varsLine = vars, i+1
		case "config":
			udfs, err := compiler.LoadUDFs(filepath.Join(filepath.Dir(path), m[2]))
			if err != nil {
				t.Fatal(err)
			}
			opts.UDFs = udfs
		}
	}
	task, diags := compiler.Check(path, src, opts)
	for i, d := range diags {
		if d.File != path {
			// A diagnostic in the vars file: its markers are on the vars line.
			diags[i].Span.Start.Line = varsLine
		}
	}
	return task, diags, src
}

func parseMarkers(t *testing.T, path string, src []byte) []expectation {
	t.Helper()
	var out []expectation
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		m := markerComment.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		for _, mm := range marker.FindAllStringSubmatch(m[1], -1) {
			pat, err := strconv.Unquote(mm[2])
			if err != nil {
				t.Fatalf("%s:%d: bad marker %s: %v", path, line, mm[2], err)
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				t.Fatalf("%s:%d: bad marker regexp %q: %v", path, line, pat, err)
			}
			out = append(out, expectation{line: line, kind: mm[1], re: re})
		}
	}
	return out
}

func severityMarker(d diag.Diagnostic) string {
	if d.Severity == diag.Warning {
		return "WARNING"
	}
	return "ERROR"
}

// matchMarkers compares diagnostics with markers and returns one message
// per mismatch.
func matchMarkers(path string, diags diag.List, want []expectation) []string {
	var problems []string
	used := make([]bool, len(diags))
	// Identical markers on one line expect that many diagnostics.
	type key struct {
		line int
		kind string
		re   string
	}
	count := map[key]int{}
	var keys []key
	for _, e := range want {
		k := key{e.line, e.kind, e.re.String()}
		if count[k] == 0 {
			keys = append(keys, k)
		}
		count[k]++
	}
	for _, k := range keys {
		re := regexp.MustCompile(k.re)
		if k.kind == "NOTE" {
			found := false
			for _, d := range diags {
				for _, n := range d.Notes {
					if d.Span.Start.Line == k.line && re.MatchString(n) {
						found = true
					}
				}
			}
			if !found {
				problems = append(problems, fmt.Sprintf("%s:%d: no diagnostic with a note matching %q; notes here: %s", path, k.line, k.re, notesOn(diags, k.line)))
			}
			continue
		}
		var hits []int
		for i, d := range diags {
			if d.Span.Start.Line == k.line && severityMarker(d) == k.kind && re.MatchString(d.Message) && !used[i] {
				hits = append(hits, i)
			}
		}
		if len(hits) != count[k] {
			problems = append(problems, fmt.Sprintf("%s:%d: want %d %s matching %q, got %d; diagnostics here: %s", path, k.line, count[k], k.kind, k.re, len(hits), messagesOn(diags, k.line)))
		}
		for _, i := range hits {
			used[i] = true
		}
	}
	for i, d := range diags {
		if !used[i] {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: unexpected %s: %s (notes: %q)", path, d.Span.Start.Line, d.Span.Start.Col, d.Severity, d.Message, d.Notes))
		}
	}
	return problems
}

func messagesOn(diags diag.List, line int) string {
	var s []string
	for _, d := range diags {
		if d.Span.Start.Line == line {
			s = append(s, fmt.Sprintf("%s %q", d.Severity, d.Message))
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, "; ")
}

func notesOn(diags diag.List, line int) string {
	var s []string
	for _, d := range diags {
		if d.Span.Start.Line == line {
			s = append(s, d.Notes...)
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strconv.Quote(strings.Join(s, " | "))
}

func testScripts(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	return files
}

func TestErrors(t *testing.T) {
	for _, path := range testScripts(t, "testdata/errors/*.tick") {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".tick"), func(t *testing.T) {
			_, diags, src := checkFile(t, path)
			want := parseMarkers(t, path, src)
			if len(want) == 0 {
				t.Fatalf("%s has no ERROR or WARNING markers", path)
			}
			for _, p := range matchMarkers(path, diags, want) {
				t.Error(p)
			}
		})
	}
}

// TestNoTaskOnError checks compiler.Check's contract: no task when any
// diagnostic is an error, whichever pass found it.
func TestNoTaskOnError(t *testing.T) {
	for _, path := range testScripts(t, "testdata/errors/*.tick") {
		task, diags, _ := checkFile(t, path)
		if diags.HasErrors() && task != nil {
			t.Errorf("%s: compiler.Check built a task despite errors (the parser's recovered errors must drop the task too)", path)
		}
	}
}

func TestValid(t *testing.T) {
	for _, path := range testScripts(t, "testdata/valid/*.tick") {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".tick"), func(t *testing.T) {
			task, diags, src := checkFile(t, path)
			want := parseMarkers(t, path, src)
			for _, e := range want {
				if e.kind == "ERROR" {
					t.Fatalf("%s:%d: valid scripts cannot expect errors", path, e.line)
				}
			}
			for _, p := range matchMarkers(path, diags, want) {
				t.Error(p)
			}
			if task == nil {
				t.Errorf("%s: no task built", path)
			}
		})
	}
}
