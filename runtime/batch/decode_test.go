package batch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tickc/tickc/runtime/pipeline"
)

// referenceBatches decodes batches with encoding/json, as Kapacitor does
// (edge.bufferedBatchMessage's UnmarshalJSON), for comparison.
func referenceBatches(t *testing.T, text string) []Recorded {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	var out []Recorded
	for {
		var rb struct {
			Name   string
			TMax   time.Time
			ByName bool
			Tags   map[string]string
			Points []struct {
				Fields map[string]any
				Tags   map[string]string
				Time   time.Time
			}
		}
		if err := dec.Decode(&rb); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("reference: %v", err)
		}
		if len(rb.Points) == 0 {
			continue
		}
		tags := sortTags(rb.Tags)
		b := Recorded{ByName: rb.ByName, Batch: pipeline.Batch{Name: rb.Name, Tags: tags}}
		if !rb.TMax.IsZero() {
			b.TMax = rb.TMax.UnixNano()
		}
		for _, rp := range rb.Points {
			p := pipeline.Point{Name: rb.Name, Time: rp.Time.UnixNano(), Tags: tags, Fields: []pipeline.Field{}}
			if len(rp.Tags) > 0 {
				p.Tags = sortTags(rp.Tags)
			}
			for k, v := range rp.Fields {
				fv, ok, err := fieldValue(v)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					p.Fields = append(p.Fields, pipeline.Field{Key: k, Value: fv})
				}
			}
			sort.Slice(p.Fields, func(a, b int) bool { return p.Fields[a].Key < p.Fields[b].Key })
			b.Points = append(b.Points, p)
		}
		out = append(out, b)
	}
}

func sortTags(m map[string]string) []pipeline.Tag {
	tags := []pipeline.Tag{}
	for k, v := range m {
		tags = append(tags, pipeline.Tag{Key: k, Value: v})
	}
	sort.Slice(tags, func(a, b int) bool { return tags[a].Key < tags[b].Key })
	return tags
}

func decodeAll(text string) ([]Recorded, error) {
	d := NewBatchReader(strings.NewReader(text))
	var out []Recorded
	for b, ok := d.Next(); ok; b, ok = d.Next() {
		out = append(out, Recorded{Batch: b.Clone(), ByName: b.ByName})
	}
	return out, d.Err()
}

// TestBatchReader compares the reader with encoding/json on batches of
// every shape: Kapacitor's one-line records, its pretty-printed test
// fixtures, escapes, nulls, keys in any order and long lines.
func TestBatchReader(t *testing.T) {
	var long strings.Builder
	long.WriteString(`{"name":"big","tags":{"h":"a"},"points":[`)
	for i := range 30000 { // over a MB: longer than the reader's buffer
		if i > 0 {
			long.WriteByte(',')
		}
		fmt.Fprintf(&long, `{"fields":{"v":%d.5,"w":-1e-3},"tags":{"h":"a"},"time":"2020-02-29T23:59:%02d.%03dZ"}`, i, i%60, i%1000)
	}
	long.WriteString("]}\n")
	cases := map[string]string{
		"kapacitord": `{"name":"cpu","tmax":"2015-10-30T17:14:12Z","group":"cpu=cpu0","tags":{"cpu":"cpu0"},"points":[{"fields":{"mean":90.38281469458698},"tags":{"cpu":"cpu0"},"time":"2015-10-30T17:14:12Z"}]}
{"name":"cpu","tmax":"0001-01-01T00:00:00Z"}
{"name":"mem","tmax":"2015-10-30T17:14:12.123456789Z","group":"mem","byname":true,"points":[{"fields":{"v":1,"a":"x"},"tags":null,"time":"2015-10-30T17:14:12.5Z"}]}
`,
		"fixture": `{
    "name":"packets",
    "points":[
        {"fields":{"value":"bad"},"time":"2015-10-18T00:00:00Z"},
        {"fields":{"value2":"good"},"time":"2015-10-18T00:00:05Z"}
    ]
}
{
    "name":"packets",
    "tags": {"z": "1", "a": "2"},
    "points":[{"fields":{"value":true, "n": null, "f": false},"time":"2015-10-18T00:00:06+02:00"}]
}`,
		"order, escapes, several per line": `{"points":[{"time":"2015-10-18T00:00:00Z","tags":{"host":"b"},"fields":{"s":"q\"u\\o\u00e9\ud83d\ude00\n"}},{"fields":{"x":1},"tags":{},"time":"2015-10-18T00:00:01Z"}],"tags":{"host":"a\tb"},"name":"w\"x","unknown":[1,{"a":[true,null]},"s"]} {"name":"n","points":[{"fields":{"x":2},"time":"2015-10-18T00:00:02Z","extra":{"k":"v"}}]}

   {"name":"n","points":null}`,
		"long": long.String(),
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := decodeAll(text)
			if err != nil {
				t.Fatal(err)
			}
			want := referenceBatches(t, text)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("batches (-want +got):\n%s", diff)
			}
		})
	}
	for name, text := range map[string]string{
		"truncated":     `{"name":"cpu","points":[{"fields":{"v":1},"time":"2015-10-18T00:00:00Z"}`,
		"bad number":    `{"name":"cpu","points":[{"fields":{"v":1.2.3},"time":"2015-10-18T00:00:00Z"}]}`,
		"bad time":      `{"name":"cpu","points":[{"fields":{"v":1},"time":"yesterday"}]}`,
		"bad day":       `{"name":"cpu","points":[{"fields":{"v":1},"time":"2015-02-29T00:00:00Z"}]}`,
		"not an object": `["name"]`,
		"bad tag":       `{"name":"cpu","tags":{"a":1},"points":[{"fields":{"v":1},"time":"2015-10-18T00:00:00Z"}]}`,
	} {
		if got, err := decodeAll(text); err == nil {
			t.Errorf("%s: no error, got %+v", name, got)
		}
	}
}

// TestParseUTC checks the fast path of time parsing against time.Parse.
func TestParseUTC(t *testing.T) {
	for _, s := range []string{
		"1970-01-01T00:00:00Z", "2015-10-30T17:14:12Z", "2000-02-29T23:59:59.999999999Z", "1969-12-31T23:59:59.5Z",
		"2261-12-31T00:00:00Z", "1700-03-01T00:00:00.1Z", "2024-12-31T12:00:00.000001Z",
	} {
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := parseUTC([]byte(s)); !ok || got != want.UnixNano() {
			t.Errorf("parseUTC(%s) = %d %v, want %d", s, got, ok, want.UnixNano())
		}
	}
	for _, s := range []string{"2015-10-30T17:14:12+01:00", "2015-13-01T00:00:00Z", "2015-10-30T24:00:00Z", "2015-10-30 17:14:12Z", "2015-10-30T17:14:12.Z", "1600-01-01T00:00:00Z"} {
		if _, ok := parseUTC([]byte(s)); ok {
			t.Errorf("parseUTC(%s) took it", s)
		}
	}
}

// BenchmarkBatchReader decodes 100 batches of 3600 points, as record batch
// writes an hour of 100 hosts a second apart.
func BenchmarkBatchReader(b *testing.B) {
	var text strings.Builder
	w := NewRecordingWriter(io.Discard)
	w.StartQuery()
	w.enc = json.NewEncoder(&text)
	for h := range 100 {
		tags := []pipeline.Tag{{Key: "cpu", Value: "cpu-total"}, {Key: "host", Value: fmt.Sprintf("host%03d", h)}}
		bt := pipeline.Batch{Name: "cpu", Tags: tags, TMax: 1e18}
		for s := range 3600 {
			bt.Points = append(bt.Points, pipeline.Point{Time: 1e18 + int64(s)*1e9, Tags: tags,
				Fields: []pipeline.Field{{Key: "usage_idle", Value: pipeline.FloatValue(70 + float64(s%3000)/100)}}})
		}
		w.WriteBatch(&bt, false)
	}
	data := text.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d := NewBatchReader(strings.NewReader(data))
		n := 0
		for bt, ok := d.Next(); ok; bt, ok = d.Next() {
			n += len(bt.Points)
		}
		if n != 360000 || d.Err() != nil {
			b.Fatal(n, d.Err())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/360000, "ns/point")
}
