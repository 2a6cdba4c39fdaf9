package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"

	"github.com/tickc/tickc/compiler/types"
)

// fileTypes maps the field type names accepted in a schema file to types.
var fileTypes = map[string]types.Type{
	"float":   types.Float,
	"int":     types.Int,
	"integer": types.Int,
	"string":  types.String,
	"bool":    types.Bool,
	"boolean": types.Bool,
}

// LoadFile reads a schema file in the JSON format described in the package
// documentation. Every problem in the file is reported, one per line, as
// "FILE: JSON-PATH: message", e.g.
//
//	cpu.json: $.cpu.fields.usage_idle: unknown field type "double"; want float, int, string or bool
func LoadFile(path string) (*Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: path}
	var doc json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, d.syntaxError(data, err)
	}
	s := d.schema(doc)
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return s, nil
}

// decoder turns an already well-formed JSON document into a Schema,
// collecting shape errors instead of stopping at the first so that a user
// can fix a file in one go. Object keys are visited in sorted order to keep
// the error list stable.
type decoder struct {
	file string
	errs []error
}

func (d *decoder) errorf(path, format string, args ...any) {
	d.errs = append(d.errs, fmt.Errorf("%s: %s: %s", d.file, path, fmt.Sprintf(format, args...)))
}

// syntaxError reports malformed JSON with a line and column rather than the
// byte offset encoding/json gives.
func (d *decoder) syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("%s: %v", d.file, err)
	}
	// Offset counts the offending byte; at end of input, point at the last one.
	at := max(int(se.Offset)-1, 0)
	line := 1 + bytes.Count(data[:at], []byte("\n"))
	col := at - bytes.LastIndexByte(data[:at], '\n')
	return fmt.Errorf("%s:%d:%d: invalid JSON: %v", d.file, line, col, err)
}

func (d *decoder) schema(doc json.RawMessage) *Schema {
	s := &Schema{Measurements: map[string]*Measurement{}}
	obj, ok := d.object("$", doc, "an object mapping measurement names to measurements")
	if !ok {
		return s
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		if name == "" {
			d.errorf("$", "empty measurement name")
			continue
		}
		s.Measurements[name] = d.measurement(child("$", name), obj[name])
	}
	return s
}

func (d *decoder) measurement(path string, raw json.RawMessage) *Measurement {
	m := &Measurement{Fields: map[string]types.Type{}}
	obj, ok := d.object(path, raw, `an object with "fields" and "tags"`)
	if !ok {
		return m
	}
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		switch key {
		case "fields":
			d.fields(child(path, key), obj[key], m)
		case "tags":
			d.tags(child(path, key), obj[key], m)
		default:
			d.errorf(child(path, key), `unknown key %q; a measurement has only "fields" and "tags"`, key)
		}
	}
	return m
}

func (d *decoder) fields(path string, raw json.RawMessage, m *Measurement) {
	obj, ok := d.object(path, raw, "an object mapping field names to types")
	if !ok {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		if name == "" {
			d.errorf(path, "empty field name")
			continue
		}
		fpath := child(path, name)
		typeName, ok := d.string(fpath, obj[name], "a field type name")
		if !ok {
			continue
		}
		t, ok := fileTypes[typeName]
		if !ok {
			d.errorf(fpath, "unknown field type %q; want float, int, string or bool", typeName)
			continue
		}
		m.Fields[name] = t
	}
}

func (d *decoder) tags(path string, raw json.RawMessage, m *Measurement) {
	var list []json.RawMessage
	if kind(raw) != "an array" || json.Unmarshal(raw, &list) != nil {
		d.errorf(path, "want an array of tag keys, got %s", kind(raw))
		return
	}
	for i, elem := range list {
		tpath := path + "[" + strconv.Itoa(i) + "]"
		key, ok := d.string(tpath, elem, "a tag key")
		switch {
		case !ok:
		case key == "":
			d.errorf(tpath, "empty tag key")
		case m.HasTag(key):
			d.errorf(tpath, "duplicate tag key %q", key)
		default:
			m.Tags = append(m.Tags, key)
		}
	}
}

// object decodes raw as a JSON object; want describes the expected value
// in the error reported when raw is something else.
func (d *decoder) object(path string, raw json.RawMessage, want string) (map[string]json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if kind(raw) != "an object" || json.Unmarshal(raw, &obj) != nil {
		d.errorf(path, "want %s, got %s", want, kind(raw))
		return nil, false
	}
	return obj, true
}

func (d *decoder) string(path string, raw json.RawMessage, want string) (string, bool) {
	var s string
	if kind(raw) != "a string" || json.Unmarshal(raw, &s) != nil {
		d.errorf(path, "want %s (a string), got %s", want, kind(raw))
		return "", false
	}
	return s, true
}

// kind names the sort of JSON value raw holds, for error messages.
func kind(raw json.RawMessage) string {
	switch bytes.TrimSpace(raw)[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// child is the JSON path of key inside the object at path: $.cpu for plain
// names and $["cpu load"] for names that are not identifiers.
func child(path, key string) string {
	for i, r := range key {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return path + "[" + strconv.Quote(key) + "]"
		}
	}
	return path + "." + key
}
