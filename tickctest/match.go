package tickctest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Match compares got with the expectation want, as the test files do:
// a map in want compares only the keys it has (recursively), a list
// compares every element in order, numbers compare as float64, times
// (YAML timestamps or RFC 3339 strings) compare as instants, and a
// duration string ("30s") matches a number of nanoseconds. It returns ""
// if they match, else a diff (-want +got) of want against the parts of
// got it names.
func Match(want, got any) string {
	w, g := project(want, got)
	return cmp.Diff(w, g)
}

// project returns want normalized and got restricted to the shape of want.
func project(want, got any) (any, any) {
	want, got = normalize(want), normalize(got)
	switch w := want.(type) {
	case map[string]any:
		gm, ok := got.(map[string]any)
		if !ok {
			return w, got
		}
		pw, pg := map[string]any{}, map[string]any{}
		for k, wv := range w {
			gv, ok := gm[k]
			if !ok {
				pw[k] = wv
				continue
			}
			pw[k], pg[k] = project(wv, gv)
		}
		return pw, pg
	case []any:
		gl, ok := got.([]any)
		if !ok {
			return w, got
		}
		pw, pg := []any{}, []any{}
		for i := range max(len(w), len(gl)) {
			switch {
			case i < len(w) && i < len(gl):
				a, b := project(w[i], gl[i])
				pw, pg = append(pw, a), append(pg, b)
			case i < len(w):
				pw = append(pw, w[i])
			default:
				pg = append(pg, gl[i])
			}
		}
		return pw, pg
	case string:
		switch g := got.(type) {
		case string:
			wt, err1 := time.Parse(time.RFC3339Nano, w)
			gt, err2 := time.Parse(time.RFC3339Nano, g)
			if err1 == nil && err2 == nil && wt.Equal(gt) {
				return g, g
			}
		case float64:
			if d, err := time.ParseDuration(w); err == nil {
				return d.String(), time.Duration(int64(g)).String()
			}
		}
	}
	return want, got
}

// normalize turns YAML's and JSON's values into one form: float64 numbers,
// RFC 3339 strings for times, map[string]any and []any.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case time.Duration:
		return x.String()
	case Event:
		return map[string]any(x)
	case map[any]any:
		m := map[string]any{}
		for k, v := range x {
			m[fmt.Sprint(k)] = v
		}
		return m
	}
	return v
}

// eventValues converts events for Match.
func eventValues(events []Event) []any {
	out := make([]any, len(events))
	for i, e := range events {
		out[i] = map[string]any(e)
	}
	return out
}

// seriesValues converts an httpOut result into the form of the test
// files: a list of {name, tags, rows}, rows being maps from column to
// value.
func seriesValues(r HTTPOutResult) []any {
	out := make([]any, len(r.Series))
	for i, s := range r.Series {
		m := map[string]any{"name": s.Name}
		if len(s.Tags) > 0 {
			tags := map[string]any{}
			for k, v := range s.Tags {
				tags[k] = v
			}
			m["tags"] = tags
		}
		rows := []any{}
		for _, r := range s.Rows() {
			rows = append(rows, r)
		}
		m["rows"] = rows
		out[i] = m
	}
	return out
}

// eventKeyOrder is the order of the keys -update writes; details, the
// template data as escaped JSON, is left out (data holds the same).
var eventKeyOrder = []string{"id", "level", "time", "message", "previousLevel", "duration", "recoverable", "data"}

// sortedKeys returns the keys of m in eventKeyOrder, then the others sorted.
func sortedKeys(m map[string]any, skip ...string) []string {
	var keys []string
	for _, k := range eventKeyOrder {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(eventKeyOrder, k) && !slices.Contains(skip, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(keys, rest...)
}

// indent indents each line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}
