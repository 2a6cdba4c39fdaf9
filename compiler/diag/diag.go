// Package diag holds compiler diagnostics as data and renders them.
//
// A Diagnostic names its file and span, says what is wrong, and may carry
// notes (hints such as "did you mean .crit()?"). Rendering is one consumer:
// text with the source line and a caret for people, JSON for editors and CI.
package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tickc/tickc/compiler/ast"
)

// Severity says whether a diagnostic stops compilation.
type Severity uint8

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one error or warning at a span of a file.
type Diagnostic struct {
	Severity Severity
	File     string
	Span     ast.Span
	Message  string
	Notes    []string
}

func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Span.Start.Line, d.Span.Start.Col, d.Message)
}

// List collects the diagnostics of one or more files.
type List []Diagnostic

// Add appends an error at span.
func (l *List) Add(file string, span ast.Span, notes []string, format string, args ...any) {
	*l = append(*l, Diagnostic{Severity: Error, File: file, Span: span, Message: fmt.Sprintf(format, args...), Notes: notes})
}

// Warn appends a warning at span.
func (l *List) Warn(file string, span ast.Span, notes []string, format string, args ...any) {
	*l = append(*l, Diagnostic{Severity: Warning, File: file, Span: span, Message: fmt.Sprintf(format, args...), Notes: notes})
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, position and message, and drops exact
// duplicates, so output is stable whatever order the passes found them in.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Span.Start.Offset != b.Span.Start.Offset {
			return a.Span.Start.Offset < b.Span.Start.Offset
		}
		return a.Message < b.Message
	})
	out := s[:0]
	for i, d := range s {
		if i > 0 && d.File == s[i-1].File && d.Span == s[i-1].Span && d.Message == s[i-1].Message {
			continue
		}
		out = append(out, d)
	}
	*l = out
}

// Err returns the list as an error if it holds any error, else nil.
func (l List) Err() error {
	if l.HasErrors() {
		return l
	}
	return nil
}

func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}

// Sources maps a file name to its contents, for printing source lines.
type Sources map[string][]byte

// WriteText renders each diagnostic as
//
//	file:line:col: error: message
//	    source line
//	    ^~~~
//	    note: hint
func WriteText(w io.Writer, l List, src Sources) error {
	var b strings.Builder
	for _, d := range l {
		fmt.Fprintf(&b, "%s:%d:%d: %s: %s\n", d.File, d.Span.Start.Line, d.Span.Start.Col, d.Severity, d.Message)
		if line, ok := sourceLine(src[d.File], d.Span.Start); ok {
			b.WriteString("    ")
			b.WriteString(line)
			b.WriteString("\n    ")
			b.WriteString(caret(line, d.Span))
			b.WriteByte('\n')
		}
		for _, n := range d.Notes {
			fmt.Fprintf(&b, "    note: %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sourceLine returns the text of the line holding p, without its newline.
func sourceLine(src []byte, p ast.Pos) (string, bool) {
	if src == nil || p.Offset > len(src) {
		return "", false
	}
	start := p.Offset - (p.Col - 1)
	if start < 0 {
		return "", false
	}
	end := start
	for end < len(src) && src[end] != '\n' {
		end++
	}
	return strings.TrimRight(string(src[start:end]), "\r"), true
}

// caret underlines span on line: "^" at the start, "~" for the rest of the
// span on that line. Tabs are copied so the caret lines up in a terminal.
func caret(line string, span ast.Span) string {
	var b strings.Builder
	col := span.Start.Col - 1
	for i := 0; i < col && i < len(line); i++ {
		if line[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	n := 1
	if span.End.Line == span.Start.Line {
		n = span.End.Col - span.Start.Col
	} else {
		n = len(line) - col
	}
	for i := 1; i < n; i++ {
		b.WriteByte('~')
	}
	return b.String()
}

// jsonDiagnostic is the stable JSON shape of a diagnostic.
type jsonDiagnostic struct {
	Severity  Severity `json:"severity"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"endLine"`
	EndColumn int      `json:"endColumn"`
	Message   string   `json:"message"`
	Notes     []string `json:"notes,omitempty"`
}

// WriteJSON writes the list as a JSON array (an empty array when l is empty).
func WriteJSON(w io.Writer, l List) error {
	out := make([]jsonDiagnostic, 0, len(l))
	for _, d := range l {
		out = append(out, jsonDiagnostic{
			Severity: d.Severity, File: d.File,
			Line: d.Span.Start.Line, Column: d.Span.Start.Col,
			EndLine: d.Span.End.Line, EndColumn: d.Span.End.Col,
			Message: d.Message, Notes: d.Notes,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
