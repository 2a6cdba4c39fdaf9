package alert

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Mirrors of Kapacitor's alert.Data and models.Result, encoded with
// encoding/json: the reference the hand-written encoder must match byte for
// byte.

type kRow struct {
	Name    string            `json:"name,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Columns []string          `json:"columns,omitempty"`
	Values  [][]interface{}   `json:"values,omitempty"`
}

type kResult struct {
	Series []*kRow `json:"series"`
	Err    error   `json:"error,omitempty"`
}

type kData struct {
	ID            string        `json:"id"`
	Message       string        `json:"message"`
	Details       string        `json:"details"`
	Time          time.Time     `json:"time"`
	Duration      time.Duration `json:"duration"`
	Level         Level         `json:"level"`
	Data          kResult       `json:"data"`
	PreviousLevel Level         `json:"previousLevel"`
	Recoverable   bool          `json:"recoverable"`
}

func mirror(d *Data) kData {
	k := kData{
		ID: d.ID, Message: d.Message, Details: d.Details, Time: d.Time,
		Duration: d.Duration, Level: d.Level, PreviousLevel: d.PreviousLevel,
		Recoverable: d.Recoverable,
	}
	if d.Result.Series != nil {
		k.Data.Series = []*kRow{}
		for _, s := range d.Result.Series {
			k.Data.Series = append(k.Data.Series, &kRow{Name: s.Name, Tags: s.Tags, Columns: s.Columns, Values: s.Values})
		}
	}
	return k
}

func encodeStd(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var stringPieces = []string{
	"", "a", "cpu", "host=server1", "<", ">", "&", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f",
	"\x00", "\x01", "\x1f", "\x7f", "é", "日本", "\u2028", "\u2029", "\xff", "\xc3", "💥",
	"&#34;", "{{ .ID }}", " ", "\ufffd",
}

func randString(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(6); n > 0; n-- {
		b.WriteString(stringPieces[r.IntN(len(stringPieces))])
	}
	return b.String()
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return float64(r.IntN(200)) - 100
	case 1:
		return math.Round(r.Float64()*10000) / 100
	case 2:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(60)-30))
	case 3:
		return []float64{0, math.Copysign(0, -1), 1e-6, 1e-7, 9.99e-7, 1e21, 1e20, 123456789012345678901234.0, -1e-9, math.MaxFloat64, math.SmallestNonzeroFloat64}[r.IntN(11)]
	case 4:
		return math.Float64frombits(r.Uint64())
	default:
		return r.Float64()
	}
}

func randValue(r *rand.Rand) any {
	switch r.IntN(7) {
	case 0:
		return nil
	case 1:
		f := randFloat(r)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 1.5
		}
		return f
	case 2:
		return int64(r.Uint64())
	case 3:
		return randString(r)
	case 4:
		return r.IntN(2) == 0
	case 5:
		return time.Unix(0, r.Int64N(1<<62)).UTC()
	default:
		return int64(r.IntN(1000))
	}
}

func randData(r *rand.Rand) *Data {
	d := &Data{
		ID:            randString(r),
		Message:       randString(r),
		Details:       randString(r),
		Time:          time.Unix(r.Int64N(1<<34), r.Int64N(1e9)).UTC(),
		Duration:      time.Duration(r.Int64()) - 1<<62,
		Level:         Level(r.IntN(4)),
		PreviousLevel: Level(r.IntN(4)),
		Recoverable:   r.IntN(2) == 0,
	}
	if r.IntN(8) == 0 {
		return d // nil series
	}
	for n := r.IntN(3); n >= 0; n-- {
		var s Series
		if r.IntN(4) > 0 {
			s.Name = randString(r)
		}
		if r.IntN(3) > 0 {
			s.Tags = map[string]string{}
			for k := r.IntN(4); k > 0; k-- {
				s.Tags[randString(r)] = randString(r)
			}
		}
		if r.IntN(5) > 0 {
			cols := 1 + r.IntN(4)
			s.Columns = []string{"time"}
			for c := 1; c < cols; c++ {
				s.Columns = append(s.Columns, randString(r))
			}
			for k := r.IntN(3); k >= 0; k-- {
				row := []any{time.Unix(r.Int64N(1<<34), 0).UTC()}
				for c := 1; c < cols; c++ {
					row = append(row, randValue(r))
				}
				s.Values = append(s.Values, row)
			}
		}
		d.Result.Series = append(d.Result.Series, s)
	}
	return d
}

func TestDataJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		d := randData(r)
		want := encodeStd(t, mirror(d))
		got, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
		m, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(append(m, '\n'), want) {
			t.Fatalf("case %d: json.Marshal(d):\n got %s\nwant %s", i, m, want)
		}
	}
}

func TestJSONFloatsMatchEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200000; i++ {
		f := randFloat(r)
		got, err := appendFloat(nil, f)
		want, werr := json.Marshal(f)
		if (err != nil) != (werr != nil) {
			t.Fatalf("%v: error %v, encoding/json error %v", f, err, werr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("%v: got %s, want %s", f, got, want)
		}
	}
}

func TestJSONStringsMatchEncodingJSON(t *testing.T) {
	for c := 0; c < 0x110000; c++ {
		if c > 0x3000 && (c < 0xd7f0 || c > 0xe010) && c%97 != 0 {
			continue
		}
		s := "x" + string(rune(c)) + "y"
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%U: got %s, want %s", c, got, want)
		}
	}
	for b := 0; b < 256; b++ {
		s := string([]byte{'a', byte(b), 'b'})
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("byte %#x: got %s, want %s", b, got, want)
		}
	}
}

func TestJSONErrors(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), math.Inf(-1), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		d := &Data{Result: Result{Series: []Series{{Columns: []string{"time", "v"}, Values: [][]any{{time.Unix(0, 0).UTC(), v}}}}}}
		if _, err := d.JSON(); err == nil {
			t.Errorf("%v: no error", v)
		}
		if _, err := json.Marshal(mirror(d)); err == nil {
			t.Errorf("%v: encoding/json: no error", v)
		}
	}
}

// appendTime decides what it can write from the Unix time of a UTC time:
// it agrees with encoding/json at the edges of the years 0 to 9999, and
// for other locations.
func TestAppendTimeRange(t *testing.T) {
	first := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	east := time.FixedZone("east", 3600)
	for _, tm := range []time.Time{first, first.Add(-1), end, end.Add(-1),
		first.In(east), first.Add(-1).In(east), end.In(east), end.Add(-1).In(east)} {
		want, werr := json.Marshal(tm)
		got, gerr := appendTime(nil, tm)
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%v: got %s, %v; want %s, %v", tm, got, gerr, want, werr)
		}
	}
}

// TestAlertDataExample is the example of the inventory (§4.1), which
// matches Kapacitor's TestStream_Alert.
func TestAlertDataExample(t *testing.T) {
	d := &Data{
		ID:          "kapacitor/cpu/serverA",
		Message:     "kapacitor/cpu/serverA is CRITICAL",
		Details:     "details",
		Time:        time.Date(1971, 1, 1, 0, 0, 10, 0, time.UTC),
		Level:       Critical,
		Recoverable: true,
		Result: Result{Series: []Series{PointSeries("cpu", map[string]string{"host": "serverA"},
			time.Date(1971, 1, 1, 0, 0, 10, 0, time.UTC), map[string]any{"count": 10.0})}},
	}
	want := `{"id":"kapacitor/cpu/serverA","message":"kapacitor/cpu/serverA is CRITICAL","details":"details","time":"1971-01-01T00:00:10Z","duration":0,"level":"CRITICAL","data":{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","count"],"values":[["1971-01-01T00:00:10Z",10]]}]},"previousLevel":"OK","recoverable":true}` + "\n"
	got, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestBatchSeries(t *testing.T) {
	t0 := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	s := BatchSeries("cpu", map[string]string{"host": "a"}, []BatchPoint{
		{Time: t0, Fields: map[string]any{"v": 1.0}, Tags: map[string]string{"host": "a", "cpu": "c0"}},
		{Time: t0.Add(time.Second), Fields: map[string]any{"w": int64(2)}, Tags: map[string]string{"host": "a"}},
	})
	b, err := (&Result{Series: []Series{s}}).appendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","cpu","v","w"],"values":[["2024-03-04T10:00:00Z","c0",1,null],["2024-03-04T10:00:01Z",null,null,2]]}]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	empty := BatchSeries("cpu", map[string]string{"host": "a"}, nil)
	b, _ = (&Result{Series: []Series{empty}}).appendJSON(nil)
	if want := `{"series":[{"name":"cpu","tags":{"host":"a"}}]}`; string(b) != want {
		t.Fatalf("empty batch: got %s, want %s", b, want)
	}
}
