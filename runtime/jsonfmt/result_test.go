package jsonfmt

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// Mirrors of Kapacitor's types, marshalled by encoding/json as Kapacitor
// marshals them (models/result.go and alert/types.go of Kapacitor 1.8).

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

type kLevel int

func (l kLevel) MarshalText() ([]byte, error) {
	return []byte([]string{"OK", "INFO", "WARNING", "CRITICAL"}[l]), nil
}

type kAlertData struct {
	ID            string        `json:"id"`
	Message       string        `json:"message"`
	Details       string        `json:"details"`
	Time          time.Time     `json:"time"`
	Duration      time.Duration `json:"duration"`
	Level         kLevel        `json:"level"`
	Data          kResult       `json:"data"`
	PreviousLevel kLevel        `json:"previousLevel"`
	Recoverable   bool          `json:"recoverable"`
}

var levels = []string{"OK", "INFO", "WARNING", "CRITICAL"}

func toKResult(rows []Row) kResult {
	if rows == nil {
		return kResult{}
	}
	res := kResult{Series: []*kRow{}}
	for _, r := range rows {
		kr := &kRow{Name: r.Name, Columns: r.Columns}
		if r.Tags != nil {
			kr.Tags = map[string]string{}
			for _, t := range r.Tags {
				kr.Tags[t.Key] = t.Value
			}
		}
		if r.Values != nil {
			kr.Values = [][]interface{}{}
		}
		for _, vs := range r.Values {
			var row []interface{}
			if vs != nil {
				row = []interface{}{}
			}
			for _, v := range vs {
				row = append(row, toInterface(v))
			}
			kr.Values = append(kr.Values, row)
		}
		res.Series = append(res.Series, kr)
	}
	return res
}

func toInterface(v Value) interface{} {
	switch v.Kind {
	case Float:
		return v.Float
	case Int:
		return v.Int
	case String:
		return v.Str
	case Bool:
		return v.Bool
	case Time:
		return time.Unix(0, v.Int).UTC()
	}
	return nil
}

// randomRows makes rows covering every kind of value and every empty member.
func randomRows(r *rand.Rand) []Row {
	if r.IntN(8) == 0 {
		return nil
	}
	rows := make([]Row, r.IntN(4))
	strs := []string{"", "cpu", "host=a,b", "<&>", "é\u2028", "time", "usage_idle"}
	for i := range rows {
		row := &rows[i]
		row.Name = strs[r.IntN(len(strs))]
		if n := r.IntN(4); n > 0 {
			for k := range n {
				row.Tags = append(row.Tags, Tag{fmt.Sprintf("k%d%s", k, strs[r.IntN(len(strs))]), strs[r.IntN(len(strs))]})
			}
		} else if r.IntN(2) == 0 {
			row.Tags = []Tag{}
		}
		if n := r.IntN(5); n > 0 {
			row.Columns = append(row.Columns, strs[:n]...)
		}
		for range r.IntN(4) {
			if r.IntN(10) == 0 {
				row.Values = append(row.Values, nil)
				continue
			}
			vs := []Value{}
			for range r.IntN(6) {
				vs = append(vs, []Value{
					{},
					FloatValue(r.NormFloat64() * math.Pow(10, float64(r.IntN(50)-25))),
					IntValue(int64(r.Uint64())),
					StringValue(strs[r.IntN(len(strs))]),
					BoolValue(r.IntN(2) == 0),
					TimeValue(r.Int64N(4e18)),
				}[r.IntN(6)])
			}
			row.Values = append(row.Values, vs)
		}
	}
	return rows
}

func TestAppendResultMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		rows := randomRows(r)
		want := marshal(t, toKResult(rows))
		got, err := AppendResult([]byte("prefix"), rows)
		if err != nil || string(got) != "prefix"+want {
			t.Fatalf("rows %+v:\ngot  %s (%v)\nwant prefix%s", rows, got, err, want)
		}
	}
}

func TestAppendAlertMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		a := Alert{
			ID:            "cpu:host=server1",
			Message:       "cpu:host=server1 is <CRITICAL> & more",
			Details:       `{"Name":"cpu","Tags":{"host":"server1"}}` + "\n\u2028",
			Time:          r.Int64N(4e18),
			Duration:      r.Int64N(1e12),
			Level:         levels[r.IntN(4)],
			Data:          randomRows(r),
			PreviousLevel: levels[r.IntN(4)],
			Recoverable:   r.IntN(2) == 0,
		}
		k := kAlertData{
			ID: a.ID, Message: a.Message, Details: a.Details,
			Time: time.Unix(0, a.Time).UTC(), Duration: time.Duration(a.Duration),
			Data: toKResult(a.Data), Recoverable: a.Recoverable,
		}
		for i, l := range levels {
			if l == a.Level {
				k.Level = kLevel(i)
			}
			if l == a.PreviousLevel {
				k.PreviousLevel = kLevel(i)
			}
		}
		want := marshal(t, k)
		got, err := AppendAlert(nil, &a)
		if err != nil || string(got) != want {
			t.Fatalf("got  %s (%v)\nwant %s", got, err, want)
		}
	}
}

// The example of alert.Data in the Kapacitor inventory (§4.1), which matches
// TestStream_Alert's expectations.
func TestAppendAlertInventoryExample(t *testing.T) {
	a := Alert{
		ID: "kapacitor/cpu/serverA", Message: "kapacitor/cpu/serverA is CRITICAL", Details: "details",
		Time: 31536010e9, Level: "CRITICAL", PreviousLevel: "OK", Recoverable: true,
		Data: []Row{{
			Name: "cpu", Tags: []Tag{{"host", "serverA"}}, Columns: []string{"time", "count"},
			Values: [][]Value{{TimeValue(31536010e9), FloatValue(10)}},
		}},
	}
	want := `{"id":"kapacitor/cpu/serverA","message":"kapacitor/cpu/serverA is CRITICAL","details":"details","time":"1971-01-01T00:00:10Z","duration":0,"level":"CRITICAL","data":{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","count"],"values":[["1971-01-01T00:00:10Z",10]]}]},"previousLevel":"OK","recoverable":true}`
	got, err := AppendAlert(nil, &a)
	if err != nil || string(got) != want {
		t.Errorf("got  %s (%v)\nwant %s", got, err, want)
	}
}

func TestEncodersRejectNaN(t *testing.T) {
	rows := []Row{{Name: "cpu", Values: [][]Value{{FloatValue(1), FloatValue(math.NaN())}}}}
	_, want := json.Marshal(toKResult(rows))
	if got, err := AppendResult([]byte("x"), rows); err == nil || string(got) != "x" || err.Error() != want.Error() {
		t.Errorf("AppendResult: %q, %v; want error %v", got, err, want)
	}
	a := Alert{Data: rows}
	if got, err := AppendAlert([]byte("x"), &a); err == nil || string(got) != "x" {
		t.Errorf("AppendAlert: %q, %v", got, err)
	}
}

func TestEncodersDoNotAllocate(t *testing.T) {
	a := benchAlert()
	rows := benchRows()
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		out, _ := AppendAlert(buf[:0], &a)
		_, _ = AppendResult(out, rows)
	})
	if allocs != 0 {
		t.Errorf("%v allocations", allocs)
	}
}
