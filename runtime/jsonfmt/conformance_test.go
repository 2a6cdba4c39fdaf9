package jsonfmt

import (
	"bufio"
	"bytes"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The conformance corpus holds output recorded from Kapacitor 1.8.3,
// normalized by its runner: object keys sorted, and alert details parsed
// when they are JSON. Each recorded document is rebuilt into this package's
// types, written, normalized the same way and compared. Numbers are compared
// as text, so this checks that floats and times print as Kapacitor printed
// them.
const conformanceCases = "../../golden/conformance"

func TestConformanceRecordings(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(conformanceCases, "*", "expected", "*"))
	if len(files) == 0 {
		t.Fatal("no conformance corpus at " + conformanceCases)
	}
	docs := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(filepath.Base(filepath.Dir(filepath.Dir(file))), filepath.Base(file))
		lines := bufio.NewScanner(bytes.NewReader(data))
		lines.Buffer(nil, 1<<24)
		for n := 1; lines.Scan(); n++ {
			recorded := decode(t, lines.Bytes())
			doc := recorded.(map[string]any)
			if strings.HasSuffix(file, "posts.jsonl") {
				doc, _ = doc["body"].(map[string]any)
				if doc == nil {
					continue // a body that is not JSON
				}
			}
			var out []byte
			if _, isAlert := doc["level"]; isAlert {
				a := rebuildAlert(t, doc)
				out, err = AppendAlert(nil, &a)
			} else {
				out, err = AppendResult(nil, rebuildRows(t, doc["series"]))
			}
			if err != nil {
				t.Fatalf("%s:%d: %v", name, n, err)
			}
			if diff := cmp.Diff(doc, normalize(t, out)); diff != "" {
				t.Errorf("%s:%d (-recorded +ours):\n%s", name, n, diff)
			}
			docs++
		}
	}
	t.Logf("%d recorded documents from %d files", docs, len(files))
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return v
}

// normalize decodes what we wrote as the runner decodes Kapacitor's output.
func normalize(t *testing.T, out []byte) map[string]any {
	doc := decode(t, out).(map[string]any)
	if details, ok := doc["details"].(string); ok {
		d := json.NewDecoder(strings.NewReader(html.UnescapeString(details)))
		d.UseNumber()
		var v any
		if d.Decode(&v) == nil {
			doc["details"] = v
		}
	}
	return doc
}

func rebuildAlert(t *testing.T, doc map[string]any) Alert {
	a := Alert{
		ID:            doc["id"].(string),
		Message:       doc["message"].(string),
		Time:          parseTime(t, doc["time"].(string)),
		Level:         doc["level"].(string),
		PreviousLevel: doc["previousLevel"].(string),
		Recoverable:   doc["recoverable"].(bool),
		Data:          rebuildRows(t, doc["data"].(map[string]any)["series"]),
	}
	a.Duration, _ = doc["duration"].(json.Number).Int64()
	if s, ok := doc["details"].(string); ok {
		a.Details = s
	} else {
		b, _ := json.Marshal(doc["details"])
		a.Details = string(b)
	}
	return a
}

func rebuildRows(t *testing.T, series any) []Row {
	if series == nil {
		return nil
	}
	rows := []Row{}
	for _, s := range series.([]any) {
		m := s.(map[string]any)
		var r Row
		r.Name, _ = m["name"].(string)
		if tags, ok := m["tags"].(map[string]any); ok {
			for k, v := range tags {
				r.Tags = append(r.Tags, Tag{k, v.(string)})
			}
			sort.Slice(r.Tags, func(i, j int) bool { return r.Tags[i].Key < r.Tags[j].Key })
		}
		if cols, ok := m["columns"].([]any); ok {
			for _, c := range cols {
				r.Columns = append(r.Columns, c.(string))
			}
		}
		if values, ok := m["values"].([]any); ok {
			for _, vs := range values {
				var row []Value
				for i, v := range vs.([]any) {
					row = append(row, rebuildValue(t, v, r.Columns[i] == "time"))
				}
				r.Values = append(r.Values, row)
			}
		}
		rows = append(rows, r)
	}
	return rows
}

func rebuildValue(t *testing.T, v any, isTime bool) Value {
	switch v := v.(type) {
	case nil:
		return Value{}
	case bool:
		return BoolValue(v)
	case string:
		if isTime {
			return TimeValue(parseTime(t, v))
		}
		return StringValue(v)
	case json.Number:
		// Integral numbers print the same as int64 and float64.
		if n, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
			return IntValue(n)
		}
		f, err := v.Float64()
		if err != nil {
			t.Fatal(err)
		}
		return FloatValue(f)
	}
	t.Fatalf("unexpected value %#v", v)
	return Value{}
}

func parseTime(t *testing.T, s string) int64 {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UnixNano()
}
