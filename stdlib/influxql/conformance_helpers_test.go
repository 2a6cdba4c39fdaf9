package influxql

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file holds the test-only plumbing for the conformance-driven tests: a
// tiny line-protocol reader for the corpus' input.lp files, a reader for the
// recorded outputs, and window helpers.

const casesDir = "../../golden/conformance"

type lpPoint struct {
	name   string
	tags   map[string]string
	fields map[string]any // float64, int64, string or bool
	time   int64
}

// readLP parses the simple line protocol of the corpus (no escapes inside
// keys; string fields without embedded quotes).
func readLP(t *testing.T, path string) []lpPoint {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pts []lpPoint
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.IndexByte(line, ' ')
		key, rest := line[:sp], line[sp+1:]
		last := strings.LastIndexByte(rest, ' ')
		fieldsText, tsText := rest[:last], rest[last+1:]
		p := lpPoint{tags: map[string]string{}, fields: map[string]any{}}
		parts := strings.Split(key, ",")
		p.name = parts[0]
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.tags[k] = v
		}
		for _, kv := range splitFields(fieldsText) {
			k, v, _ := strings.Cut(kv, "=")
			p.fields[k] = parseFieldValue(t, v)
		}
		ts, err := strconv.ParseInt(tsText, 10, 64)
		if err != nil {
			t.Fatalf("%s: bad timestamp in %q", path, line)
		}
		p.time = ts
		pts = append(pts, p)
	}
	return pts
}

func splitFields(s string) []string {
	var out []string
	inQuote, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func parseFieldValue(t *testing.T, v string) any {
	switch {
	case strings.HasPrefix(v, `"`):
		return strings.Trim(v, `"`)
	case strings.HasSuffix(v, "i"):
		n, err := strconv.ParseInt(strings.TrimSuffix(v, "i"), 10, 64)
		if err != nil {
			t.Fatalf("bad int %q", v)
		}
		return n
	case v == "t" || v == "true" || v == "T" || v == "True" || v == "TRUE":
		return true
	case v == "f" || v == "false" || v == "F" || v == "False" || v == "FALSE":
		return false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("bad float %q", v)
	}
	return f
}

// A recorded series: Kapacitor's models.Row as JSON, each cell kept raw so
// that numbers compare as the exact text Go's encoding/json printed.
type recSeries struct {
	Name    string              `json:"name"`
	Tags    map[string]string   `json:"tags"`
	Columns []string            `json:"columns"`
	Values  [][]json.RawMessage `json:"values"`
}

type recPost struct {
	Path string `json:"path"`
	Body struct {
		Series []recSeries `json:"series"`
	} `json:"body"`
}

// cell returns the raw JSON of column col in row r of s.
func (s recSeries) cell(t *testing.T, r int, col string) string {
	t.Helper()
	for i, c := range s.Columns {
		if c == col {
			return string(s.Values[r][i])
		}
	}
	t.Fatalf("series has no column %q: %v", col, s.Columns)
	return ""
}

// rowTime parses the time column of row r.
func (s recSeries) rowTime(t *testing.T, r int) int64 {
	t.Helper()
	var ts string
	if err := json.Unmarshal([]byte(s.cell(t, r, "time")), &ts); err != nil {
		t.Fatal(err)
	}
	tm, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UnixNano()
}

// readPosts returns the recorded HTTP posts of a case grouped by path, in
// order.
func readPosts(t *testing.T, name string) map[string][]recSeries {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(casesDir, name, "expected", "posts.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]recSeries{}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var p recPost
		if err := json.Unmarshal(line, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Body.Series) != 1 {
			t.Fatalf("post with %d series", len(p.Body.Series))
		}
		out[p.Path] = append(out[p.Path], p.Body.Series[0])
	}
	return out
}

// loadCase returns the points of a case, skipping the test when the corpus
// is not there.
func loadCase(t *testing.T, name string) []lpPoint {
	t.Helper()
	path := filepath.Join(casesDir, name, "input.lp")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("conformance corpus not available: %v", err)
	}
	return readLP(t, path)
}

// window returns the points of measurement name whose tags match group
// (every key of group) with times in [end-period, end), in input order. This
// is the content of the window Kapacitor emits at end for that group.
func window(pts []lpPoint, name string, group map[string]string, end int64, period time.Duration) []lpPoint {
	var out []lpPoint
	for _, p := range pts {
		if p.name != name || p.time < end-int64(period) || p.time >= end {
			continue
		}
		ok := true
		for k, v := range group {
			if p.tags[k] != v {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}

// column extracts one field of a window as typed values plus the times; a
// point without the field (or with another type) is left out, as Kapacitor
// does. idx maps each value back to its point.
func column[T any](pts []lpPoint, field string) (vals []T, times []int64, idx []int) {
	for i, p := range pts {
		v, ok := p.fields[field].(T)
		if !ok {
			continue
		}
		vals = append(vals, v)
		times = append(times, p.time)
		idx = append(idx, i)
	}
	return
}

// js is how Go's encoding/json prints v: the bar for comparing numbers.
func js(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// groupTags returns the tags of s restricted to keys.
func groupTags(s recSeries, keys ...string) map[string]string {
	g := map[string]string{}
	for _, k := range keys {
		g[k] = s.Tags[k]
	}
	return g
}

// checkOtherFields checks that every field column of row r other than the
// selector's output column holds the selected point's field.
func checkOtherFields(t *testing.T, s recSeries, r int, out string, p lpPoint) {
	t.Helper()
	for _, c := range s.Columns {
		if c == "time" || c == out {
			continue
		}
		want, ok := p.fields[c]
		if !ok {
			if tag, isTag := p.tags[c]; isTag {
				want = tag
			} else {
				t.Errorf("column %q not in the selected point %v", c, p)
				continue
			}
		}
		if got := s.cell(t, r, c); got != js(t, want) {
			t.Errorf("column %q = %s, selected point has %s", c, got, js(t, want))
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
