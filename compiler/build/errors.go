package build

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// contextLines is how many lines of a generated file are shown before and
// after the line of a compiler error.
const contextLines = 2

// compilerError matches a compiler error's position at the start of a line of
// go build's output: "./task.go:12:5: undefined: x" (the column is optional).
var compilerError = regexp.MustCompile(`^(?:\./)?([^\s:/]+\.go):(\d+)(?::(\d+))?: `)

// anyCompilerError matches a line of go build's output reporting an error in
// any Go file, generated or not.
var anyCompilerError = regexp.MustCompile(`(?m)^\S+\.go:\d+(?::\d+)?: `)

// buildError explains a failed go build whose output is out.
func buildError(err error, out string, files map[string][]byte, modCache string) error {
	if strings.Contains(out, "disabled by GOPROXY=off") {
		return fmt.Errorf("go build needs a module that is not in the Go module cache (%s).\n"+
			"tickc build works offline: it takes the modules its runtime imports from the cache, "+
			"where building tickc from source puts them. To fill it, run `go mod download` in a "+
			"tickc checkout of this version, or reinstall tickc with go install.\n%s",
			modCache, strings.TrimRight(out, "\n"))
	}
	if !anyCompilerError.MatchString(out) {
		// Not the code: the toolchain or its environment (a full disk, an
		// unwritable GOCACHE).
		return fmt.Errorf("go build: %w\n%s", err, strings.TrimRight(out, "\n"))
	}
	return &CompileError{Output: annotate(out, files)}
}

// annotate returns go build's output with the lines around each error in a
// generated file, after the error and its indented notes:
//
//	./task.go:3:9: undefined: x
//	     2 | func f() int {
//	>    3 | 	return x
//	       | 	       ^
//	     4 | }
func annotate(out string, files map[string][]byte) string {
	var b strings.Builder
	pending := "" // the context of the last error, to write after its notes
	for line := range strings.Lines(out) {
		if pending != "" && !strings.HasPrefix(line, "\t") {
			b.WriteString(pending)
			pending = ""
		}
		b.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			b.WriteByte('\n')
		}
		m := compilerError.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if src, ok := files[m[1]]; ok {
			n, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3]) // 0 when absent
			pending = sourceContext(src, n, col)
		}
	}
	b.WriteString(pending)
	return b.String()
}

// sourceContext returns the lines of src around line n (1-based), marking line n
// and, when col > 0, its byte column col; "" if src has no line n.
func sourceContext(src []byte, n, col int) string {
	lines := bytes.Split(bytes.TrimSuffix(src, []byte("\n")), []byte("\n"))
	if n < 1 || n > len(lines) {
		return ""
	}
	var b strings.Builder
	for i := max(1, n-contextLines); i <= min(len(lines), n+contextLines); i++ {
		text := strings.TrimRight(string(lines[i-1]), "\r")
		mark := " "
		if i == n {
			mark = ">"
		}
		fmt.Fprintf(&b, "%s%5d | %s\n", mark, i, text)
		if i == n && col > 0 && col <= len(text)+1 {
			// Keep tabs so that the caret lines up with the text above.
			pad := []byte(text[:col-1])
			for j, c := range pad {
				if c != '\t' {
					pad[j] = ' '
				}
			}
			fmt.Fprintf(&b, "%6s | %s^\n", "", pad)
		}
	}
	return b.String()
}
