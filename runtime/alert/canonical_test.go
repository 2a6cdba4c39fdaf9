package alert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"sort"
	"strconv"
	"strings"
)

// This file reproduces the conformance runner's normalisation
// (/work/shared/conformance/run: loads_raw, dumps_canonical,
// normalize_alert): JSON with number tokens kept as written, object keys
// sorted, no insignificant whitespace, strings as Python's
// json.dumps(ensure_ascii=False) writes them; an alert's details string is
// HTML-unescaped and, if it is JSON, replaced by its value without
// ServerInfo.ClusterID and ServerInfo.ServerID.

// loadsRaw parses one JSON value, keeping numbers as json.Number.
func loadsRaw(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

// dumpsCanonical writes v as the runner's dumps_canonical.
func dumpsCanonical(v any) string {
	var b bytes.Buffer
	writeCanonical(&b, v)
	return b.String()
}

func writeCanonical(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		b.WriteString(string(v))
	case string:
		writePyString(b, v)
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, x)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writePyString(b, k)
			b.WriteByte(':')
			writeCanonical(b, v[k])
		}
		b.WriteByte('}')
	default:
		panic(fmt.Sprintf("unexpected JSON value %T", v))
	}
}

// writePyString writes s as Python's json.dumps(s, ensure_ascii=False).
func writePyString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// normalizeAlert applies the runner's normalize_alert to a parsed alert.
func normalizeAlert(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	details, ok := obj["details"].(string)
	if !ok {
		return v
	}
	d, err := loadsRaw(html.UnescapeString(details))
	if err != nil {
		return v
	}
	switch d := d.(type) {
	case map[string]any:
		if si, ok := d["ServerInfo"].(map[string]any); ok {
			delete(si, "ClusterID")
			delete(si, "ServerID")
		}
		obj["details"] = d
	case []any:
		obj["details"] = d
	}
	return obj
}

// normalizeAlertLines normalises an alert log as the runner does.
func normalizeAlertLines(data []byte) ([]string, error) {
	var out []string
	for n, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		v, err := loadsRaw(line)
		if err != nil {
			return nil, fmt.Errorf("alert log line %d is not JSON: %v", n+1, err)
		}
		out = append(out, dumpsCanonical(normalizeAlert(v)))
	}
	return out, nil
}

// normalizePost normalises one captured POST as the runner does.
func normalizePost(path string, body []byte) string {
	var obj any
	v, err := loadsRaw(string(body))
	if err != nil {
		obj = string(body)
	} else {
		if m, ok := v.(map[string]any); ok {
			_, hasID := m["id"]
			_, hasLevel := m["level"]
			_, hasDetails := m["details"]
			if hasID && hasLevel && hasDetails {
				v = normalizeAlert(v)
			}
		}
		obj = v
	}
	return dumpsCanonical(map[string]any{"path": path, "body": obj})
}
