package httpout

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

var stringPieces = []string{"a", "Z", " ", "<", ">", "&", `"`, `\`, "\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f",
	"\xff", "\xc3", "é", "\u2028", "\u2029", "😀", "\ufffd", "=", ",", "cpu-total"}

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(6) {
		b.WriteString(stringPieces[r.IntN(len(stringPieces))])
	}
	return b.String()
}

func randomFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return math.Float64frombits(r.Uint64())
	case 1:
		return float64(r.IntN(2000)-1000) / 100
	case 2:
		return []float64{0, math.Copysign(0, -1), 1e-6, 9.99999e-7, 1e21, 9.99999e20, 1e20, -1e21, 5e-324,
			math.MaxFloat64, 1e-7, 123456789012345678, 0.1 + 0.2}[r.IntN(13)]
	case 3:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(60)-30))
	default:
		return r.Float64() * 100
	}
}

// refRow is Kapacitor's models.Row, to be encoded by encoding/json.
type refRow struct {
	Name    string            `json:"name,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Columns []string          `json:"columns,omitempty"`
	Values  [][]interface{}   `json:"values,omitempty"`
}

func tagMap(tags []pipeline.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func fieldMap(fields []pipeline.Field) map[string]interface{} {
	m := map[string]interface{}{}
	for _, f := range fields {
		m[f.Key] = f.Value.Any()
	}
	return m
}

// refPointRow is PointMessage.ToRow over maps.
func refPointRow(p *pipeline.Point) refRow {
	fields := fieldMap(p.Fields)
	row := refRow{Name: p.Name, Tags: tagMap(p.Tags), Columns: []string{"time"}}
	for k := range fields {
		row.Columns = append(row.Columns, k)
	}
	sort.Strings(row.Columns[1:])
	vals := []interface{}{time.Unix(0, p.Time).UTC()}
	for _, c := range row.Columns[1:] {
		vals = append(vals, fields[c])
	}
	row.Values = [][]interface{}{vals}
	return row
}

// refBatchRow is BufferedBatchMessage.ToRow over maps.
func refBatchRow(b *pipeline.Batch) refRow {
	btags := tagMap(b.Tags)
	row := refRow{Name: b.Name, Tags: btags}
	if len(b.Points) == 0 {
		return row
	}
	row.Columns = []string{"time"}
	for k := range fieldMap(b.Points[0].Fields) {
		row.Columns = append(row.Columns, k)
	}
	for k := range tagMap(b.Points[0].Tags) {
		if _, ok := btags[k]; !ok {
			row.Columns = append(row.Columns, k)
		}
	}
	sort.Strings(row.Columns[1:])
	for i := range b.Points {
		fields, tags := fieldMap(b.Points[i].Fields), tagMap(b.Points[i].Tags)
		vals := make([]interface{}, len(row.Columns))
		vals[0] = time.Unix(0, b.Points[i].Time).UTC()
		for j, c := range row.Columns[1:] {
			if v, ok := fields[c]; ok {
				vals[j+1] = v
			} else if v, ok := tags[c]; ok {
				vals[j+1] = v
			}
		}
		row.Values = append(row.Values, vals)
	}
	return row
}

var keyPool = []string{"a", "b", "cpu", "host", "time", "usage_idle", "x<y", "é", ""}

func randomValue(r *rand.Rand) pipeline.Value {
	switch r.IntN(9) {
	case 0:
		return pipeline.IntValue(int64(r.Uint64()))
	case 1:
		return pipeline.IntValue(int64(r.IntN(100)))
	case 2:
		return pipeline.StringValue(randomString(r))
	case 3:
		return pipeline.BoolValue(r.IntN(2) == 0)
	case 4:
		return pipeline.Value{} // missing: null
	default:
		f := randomFloat(r)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			f = 1
		}
		return pipeline.FloatValue(f)
	}
}

// randomPoint makes a point whose tags and fields are usually sorted and
// unique, and sometimes not.
func randomPoint(r *rand.Rand) pipeline.Point {
	p := pipeline.Point{Time: int64(r.Uint64() >> 2)}
	if r.IntN(4) > 0 {
		p.Name = randomString(r)
	}
	for range r.IntN(4) {
		p.Tags = append(p.Tags, pipeline.Tag{Key: keyPool[r.IntN(len(keyPool))], Value: randomString(r)})
	}
	for range r.IntN(5) {
		p.Fields = append(p.Fields, pipeline.Field{Key: keyPool[r.IntN(len(keyPool))], Value: randomValue(r)})
	}
	if r.IntN(5) > 0 {
		sort.SliceStable(p.Tags, func(i, j int) bool { return p.Tags[i].Key < p.Tags[j].Key })
		sort.SliceStable(p.Fields, func(i, j int) bool { return p.Fields[i].Key < p.Fields[j].Key })
	}
	return p
}

func TestRowsMatchKapacitor(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var e Encoder
	for range 20000 {
		p := randomPoint(r)
		want, err := json.Marshal(refPointRow(&p))
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.AppendPointRow([]byte("prefix"), &p)
		if err != nil || string(got) != "prefix"+string(want) {
			t.Fatalf("point %+v:\n got %s %v\nwant %s", p, got, err, want)
		}

		b := pipeline.Batch{Name: randomString(r), TMax: p.Time}
		for range r.IntN(3) {
			b.Tags = append(b.Tags, pipeline.Tag{Key: keyPool[r.IntN(len(keyPool))], Value: randomString(r)})
		}
		for range r.IntN(4) {
			b.Points = append(b.Points, randomPoint(r))
		}
		want, err = json.Marshal(refBatchRow(&b))
		if err != nil {
			t.Fatal(err)
		}
		got, err = e.AppendBatchRow(nil, &b)
		if err != nil || string(got) != string(want) {
			t.Fatalf("batch %+v:\n got %s %v\nwant %s", b, got, err, want)
		}
	}
}

func TestRowExamples(t *testing.T) {
	tags := func(kv ...string) []pipeline.Tag {
		var ts []pipeline.Tag
		for i := 0; i < len(kv); i += 2 {
			ts = append(ts, pipeline.Tag{Key: kv[i], Value: kv[i+1]})
		}
		return ts
	}
	const t0 = 1709546400000000000
	tests := []struct {
		name string
		got  func() ([]byte, error)
		want string
	}{
		{"point", func() ([]byte, error) {
			return AppendPointRow(nil, &pipeline.Point{Name: "cpu", Time: t0, Tags: tags("host", "a"), Fields: []pipeline.Field{
				{Key: "f", Value: pipeline.FloatValue(2)}, {Key: "i", Value: pipeline.IntValue(3)}, {Key: "s", Value: pipeline.StringValue("<x>")}}})
		}, `{"name":"cpu","tags":{"host":"a"},"columns":["time","f","i","s"],"values":[["2024-03-04T10:00:00Z",2,3,"\u003cx\u003e"]]}`},
		{"point without name, tags or fields", func() ([]byte, error) {
			return AppendPointRow(nil, &pipeline.Point{Time: t0 + 1500})
		}, `{"columns":["time"],"values":[["2024-03-04T10:00:00.0000015Z"]]}`},
		{"empty batch", func() ([]byte, error) {
			return AppendBatchRow(nil, &pipeline.Batch{Name: "cpu", Tags: tags("host", "a")})
		}, `{"name":"cpu","tags":{"host":"a"}}`},
		{"empty batch without name", func() ([]byte, error) {
			return AppendBatchRow(nil, &pipeline.Batch{})
		}, `{}`},
		{"batch columns from the first point only", func() ([]byte, error) {
			return AppendBatchRow(nil, &pipeline.Batch{Name: "cpu", Tags: tags("host", "a"), Points: []pipeline.Point{
				{Time: t0, Tags: tags("cpu", "cpu0", "host", "a"), Fields: []pipeline.Field{{Key: "v", Value: pipeline.IntValue(1)}}},
				{Time: t0 + 1e9, Tags: tags("host", "a"), Fields: []pipeline.Field{{Key: "extra", Value: pipeline.IntValue(9)}}},
			}})
		}, `{"name":"cpu","tags":{"host":"a"},"columns":["time","cpu","v"],"values":[["2024-03-04T10:00:00Z","cpu0",1],["2024-03-04T10:00:01Z",null,null]]}`},
		{"field and tag of one name", func() ([]byte, error) {
			return AppendBatchRow(nil, &pipeline.Batch{Points: []pipeline.Point{
				{Time: t0, Tags: tags("x", "tag"), Fields: []pipeline.Field{{Key: "x", Value: pipeline.BoolValue(true)}}},
				{Time: t0, Tags: tags("x", "tag")},
			}})
		}, `{"columns":["time","x","x"],"values":[["2024-03-04T10:00:00Z",true,true],["2024-03-04T10:00:00Z","tag","tag"]]}`},
		{"unsorted and repeated keys", func() ([]byte, error) {
			return AppendPointRow(nil, &pipeline.Point{Time: t0, Tags: tags("b", "1", "a", "2", "b", "3"), Fields: []pipeline.Field{
				{Key: "z", Value: pipeline.IntValue(1)}, {Key: "y", Value: pipeline.IntValue(2)}, {Key: "z", Value: pipeline.IntValue(3)}}})
		}, `{"tags":{"a":"2","b":"3"},"columns":["time","y","z"],"values":[["2024-03-04T10:00:00Z",2,3]]}`},
	}
	for _, tc := range tests {
		got, err := tc.got()
		if err != nil || string(got) != tc.want {
			t.Errorf("%s:\n got %s %v\nwant %s", tc.name, got, err, tc.want)
		}
	}
}

func TestRowErrors(t *testing.T) {
	p := pipeline.Point{Name: "m", Fields: []pipeline.Field{{Key: "f", Value: pipeline.FloatValue(math.NaN())}}}
	got, err := AppendPointRow([]byte("x"), &p)
	if err == nil || err.Error() != "json: unsupported value: NaN" || string(got) != "x" {
		t.Errorf("point: %q %v", got, err)
	}
	var e Encoder
	got, err = e.AppendPointResult([]byte("x"), &p)
	if err == nil || string(got) != "x" {
		t.Errorf("point result: %q %v", got, err)
	}
	b := pipeline.Batch{Points: []pipeline.Point{{Fields: []pipeline.Field{{Key: "f", Value: pipeline.FloatValue(math.Inf(-1))}}}}}
	got, err = e.AppendBatchResult([]byte("x"), &b)
	if err == nil || err.Error() != "json: unsupported value: -Inf" || string(got) != "x" {
		t.Errorf("batch: %q %v", got, err)
	}
}

func TestResults(t *testing.T) {
	var e Encoder
	p := pipeline.Point{Name: "m", Time: 0, Fields: []pipeline.Field{{Key: "v", Value: pipeline.IntValue(1)}}}
	got, err := e.AppendPointResult(nil, &p)
	if want := `{"series":[{"name":"m","columns":["time","v"],"values":[["1970-01-01T00:00:00Z",1]]}]}`; err != nil || string(got) != want {
		t.Errorf("point: %s %v", got, err)
	}
	b := pipeline.Batch{Name: "m", Points: []pipeline.Point{p}}
	got, err = e.AppendBatchResult(nil, &b)
	if want := `{"series":[{"name":"m","columns":["time","v"],"values":[["1970-01-01T00:00:00Z",1]]}]}`; err != nil || string(got) != want {
		t.Errorf("batch: %s %v", got, err)
	}
}

func TestEncoderAllocs(t *testing.T) {
	var e Encoder
	var buf []byte
	p := pipeline.Point{Name: "cpu", Time: 1709546400000000000,
		Tags:   []pipeline.Tag{{Key: "cpu", Value: "cpu0"}, {Key: "host", Value: "a"}},
		Fields: []pipeline.Field{{Key: "usage_idle", Value: pipeline.FloatValue(91.5)}, {Key: "usage_user", Value: pipeline.FloatValue(3.25)}}}
	b := pipeline.Batch{Name: "cpu", Tags: []pipeline.Tag{{Key: "host", Value: "a"}}, Points: []pipeline.Point{p, p, p}}
	f := func() {
		buf, _ = e.AppendPointRow(buf[:0], &p)
		buf, _ = e.AppendBatchRow(buf[:0], &b)
	}
	f()
	if a := testing.AllocsPerRun(1000, f); a != 0 {
		t.Errorf("%v allocations", a)
	}
}
