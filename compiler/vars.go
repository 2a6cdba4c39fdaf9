package compiler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/tickc/tickc/compiler/ast"
	"github.com/tickc/tickc/compiler/check"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/parser"
	"github.com/tickc/tickc/compiler/types"
)

// Var is the value of one template var.
type Var = check.Var

// Vars are the values of a template's vars, read from a vars file.
type Vars struct {
	File   string
	Src    []byte
	Values map[string]Var
	// Diags are the problems of the file itself (bad JSON, unknown types,
	// values that do not match their type). Check reports them.
	Diags diag.List
}

// LoadVars reads a vars file: Kapacitor's vars format, a JSON object of
// name → {"type": "float", "value": 90.0, "description": "..."}, or a
// Kapacitor task definition file ({"template-id": ..., "vars": {...}}).
// The error is for reading the file; its problems are in Vars.Diags.
func LoadVars(path string) (*Vars, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseVars(path, src), nil
}

// ParseVars parses the contents of a vars file.
func ParseVars(file string, src []byte) *Vars {
	p := &varsParser{file: file, src: src, vars: &Vars{File: file, Src: src, Values: map[string]Var{}}}
	fields, ok := p.object(0)
	if !ok {
		return p.vars
	}
	// A task definition file holds the vars under "vars", next to fields
	// that are not vars ("template-id", "dbrps").
	for _, f := range fields {
		if f.name == "vars" && !isVar(f.raw) {
			if fields, ok = p.object(f.at); !ok {
				return p.vars
			}
			break
		}
	}
	for _, f := range fields {
		// A var that is reported here has type Invalid: the checker
		// takes it as given, without reporting it again.
		p.vars.Values[f.name] = p.parseVar(f)
	}
	return p.vars
}

type varsParser struct {
	file string
	src  []byte
	vars *Vars
}

// field is one member of a JSON object, with the offsets of its name and
// value in the file.
type field struct {
	name       string
	nameAt, at int
	raw        json.RawMessage
}

func isVar(raw json.RawMessage) bool {
	var v struct {
		Type *string `json:"type"`
	}
	return json.Unmarshal(raw, &v) == nil && v.Type != nil
}

func (p *varsParser) errorf(off, end int, notes []string, format string, args ...any) {
	p.vars.Diags.Add(p.file, p.span(off, end), notes, format, args...)
}

// span converts byte offsets of the file to a span.
func (p *varsParser) span(off, end int) ast.Span {
	pos := func(o int) ast.Pos {
		o = min(max(o, 0), len(p.src))
		line := 1 + bytes.Count(p.src[:o], []byte("\n"))
		col := o - bytes.LastIndexByte(p.src[:o], '\n')
		return ast.Pos{Offset: o, Line: line, Col: col}
	}
	return ast.Span{Start: pos(off), End: pos(max(end, off+1))}
}

// skip returns the offset of the first byte at or after off that is not
// JSON whitespace or one of the separators in seps.
func (p *varsParser) skip(off int, seps string) int {
	for off < len(p.src) && strings.ContainsRune(" \t\r\n"+seps, rune(p.src[off])) {
		off++
	}
	return off
}

// object reads the JSON object starting at offset at.
func (p *varsParser) object(at int) ([]field, bool) {
	dec := json.NewDecoder(bytes.NewReader(p.src[at:]))
	fail := func(err error) ([]field, bool) {
		off := at + int(dec.InputOffset())
		if se, ok := err.(*json.SyntaxError); ok {
			off = at + int(se.Offset) - 1
		}
		p.errorf(off, off+1, nil, "invalid vars file: %v", err)
		return nil, false
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(err)
	}
	if tok != json.Delim('{') {
		start := p.skip(at, "")
		p.errorf(start, start+1, []string{`a vars file is a JSON object: {"name": {"type": "float", "value": 90.0}}`}, "invalid vars file: want a JSON object")
		return nil, false
	}
	var out []field
	for dec.More() {
		nameAt := p.skip(at+int(dec.InputOffset()), ",")
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		f := field{name: tok.(string), nameAt: nameAt}
		f.at = p.skip(at+int(dec.InputOffset()), ":")
		if err := dec.Decode(&f.raw); err != nil {
			return fail(err)
		}
		out = append(out, f)
	}
	if _, err := dec.Token(); err != nil {
		return fail(err)
	}
	return out, true
}

// parseVar converts one var from Kapacitor's API format.
func (p *varsParser) parseVar(f field) Var {
	nameEnd := f.nameAt + len(f.name) + 2
	var raw struct {
		Type  string          `json:"type"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(f.raw, &raw); err != nil || raw.Type == "" {
		p.errorf(f.at, f.at+len(f.raw), []string{fmt.Sprintf(`write "%s": {"type": "float", "value": 90.0}`, f.name)}, "var %s: want an object with a type and a value", f.name)
		return Var{Type: types.Invalid, Pos: p.span(f.nameAt, nameEnd)}
	}
	t, ok := types.ByName(raw.Type)
	if !ok {
		names := "int, float, bool, string, regex, duration, lambda, list, star"
		p.errorf(f.at, f.at+len(f.raw), nil, "var %s: unknown type %q; want one of %s", f.name, raw.Type, names)
		return Var{Type: types.Invalid, Pos: p.span(f.nameAt, nameEnd)}
	}
	// The value's position: find "value" among the var's members.
	valueAt := f.at
	if members, ok := p.object(f.at); ok {
		for _, m := range members {
			if m.name == "value" {
				valueAt = m.at
			}
		}
	}
	v := Var{Type: t, Pos: p.span(f.nameAt, nameEnd)}
	val, err := convertValue(t, raw.Value)
	if err != nil {
		p.errorf(valueAt, valueAt+max(len(raw.Value), 1), nil, "var %s: invalid %s value: %v", f.name, t, err)
		return Var{Type: types.Invalid, Pos: p.span(f.nameAt, nameEnd)}
	}
	v.Value = val
	v.Value.Pos = p.span(valueAt, valueAt+max(len(raw.Value), 1))
	return v
}

// convertValue converts a JSON value to a value of type t, as Kapacitor's
// task store does for template vars.
func convertValue(t types.Type, raw json.RawMessage) (ir.Value, error) {
	out := ir.Value{Type: t}
	if t == types.Star {
		return out, nil
	}
	if len(raw) == 0 {
		return out, fmt.Errorf("the value is missing")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return out, err
	}
	switch t {
	case types.Bool:
		b, ok := x.(bool)
		if !ok {
			return out, fmt.Errorf("want true or false, got %s", raw)
		}
		out.Bool = b
	case types.Int:
		n, ok := x.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			return out, fmt.Errorf("want an integer, got %s", raw)
		}
		out.Int = i
	case types.Float:
		n, ok := x.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil {
			return out, fmt.Errorf("want a number, got %s", raw)
		}
		out.Float = f
	case types.String, types.Regex, types.Lambda:
		s, ok := x.(string)
		if !ok {
			return out, fmt.Errorf("want a string, got %s", raw)
		}
		if t == types.Regex {
			if _, err := regexp.Compile(s); err != nil {
				return out, err
			}
		}
		out.Str = s
	case types.Duration:
		switch d := x.(type) {
		case string:
			dur, err := parser.ParseDuration(d)
			if err != nil {
				return out, fmt.Errorf("%q: %v", d, err)
			}
			out.Dur = dur
		case json.Number: // nanoseconds, as Kapacitor's API returns them
			n, err := d.Int64()
			if err != nil {
				return out, fmt.Errorf("want a duration such as \"5m\", got %s", raw)
			}
			out.Dur = time.Duration(n)
		default:
			return out, fmt.Errorf("want a duration such as \"5m\", got %s", raw)
		}
	case types.List:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return out, fmt.Errorf(`want a list of vars such as [{"type": "string", "value": "host"}], got %s`, raw)
		}
		for i, item := range items {
			var s string
			if json.Unmarshal(item, &s) == nil { // a bare string, for brevity
				out.List = append(out.List, ir.Value{Type: types.String, Str: s})
				continue
			}
			var iv struct {
				Type  string          `json:"type"`
				Value json.RawMessage `json:"value"`
			}
			if err := json.Unmarshal(item, &iv); err != nil || (iv.Type != "string" && iv.Type != "star") {
				return out, fmt.Errorf(`item %d: want {"type": "string", "value": ...} or {"type": "star"}, got %s`, i+1, item)
			}
			it, _ := types.ByName(iv.Type)
			v, err := convertValue(it, iv.Value)
			if err != nil {
				return out, fmt.Errorf("item %d: %v", i+1, err)
			}
			out.List = append(out.List, v)
		}
	}
	return out, nil
}
