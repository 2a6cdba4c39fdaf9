package lineprotocol

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/influxdata/influxdb1-client/models"
)

var encodeCases = []struct {
	name   string
	tags   []Tag
	fields []Field
	t      int64
}{
	{"cpu", []Tag{{[]byte("cpu"), []byte("cpu-total")}, {[]byte("host"), []byte("server01")}},
		[]Field{{Key: []byte("usage_idle"), Kind: Float, Float: 87.5}}, 1709546400000000000},
	{"m e,a s", []Tag{{[]byte("k ,="), []byte("v ,=\"")}},
		[]Field{
			{Key: []byte("b"), Kind: Bool, Bool: true},
			{Key: []byte("f ,=\""), Kind: Float, Float: -1e-300},
			{Key: []byte("i"), Kind: Int, Int: math.MinInt64},
			{Key: []byte("s"), Kind: String, Str: []byte("say \"hi\" \\o/\nnext, =")},
			{Key: []byte("z"), Kind: Float, Float: 1e300},
		}, -5},
	{"empty-tag", []Tag{{[]byte("a"), []byte("")}, {[]byte("b"), []byte("x")}},
		[]Field{{Key: []byte("f"), Kind: Float, Float: 0.1}, {Key: []byte("g"), Kind: Float, Float: 123456789}}, 0},
	{"=\"", nil, []Field{{Key: []byte("v"), Kind: Bool}, {Key: []byte("w"), Kind: String, Str: []byte{}}}, math.MaxInt64 - 1},
}

// AppendPoint writes what InfluxDB's Point.String writes for the same point.
func TestAppendPointMatchesInfluxDB(t *testing.T) {
	for _, c := range encodeCases {
		tags := map[string]string{}
		for _, tag := range c.tags {
			tags[string(tag.Key)] = string(tag.Value)
		}
		fields := models.Fields{}
		for _, f := range c.fields {
			fields[string(f.Key)] = map[Kind]any{Float: f.Float, Int: f.Int, String: string(f.Str), Bool: f.Bool}[f.Kind]
		}
		mp, err := models.NewPoint(c.name, models.NewTags(tags), fields, time.Unix(0, c.t))
		if err != nil {
			t.Fatal(err)
		}
		got := string(AppendPoint(nil, []byte(c.name), c.tags, c.fields, c.t))
		if want := mp.String(); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

// What AppendPoint writes, Parser reads back.
func TestAppendPointRoundTrip(t *testing.T) {
	for _, c := range encodeCases {
		line := AppendPoint(nil, []byte(c.name), c.tags, c.fields, c.t)
		var p Parser
		p.Reset(line, Nanosecond, time.Time{})
		if !p.Next() {
			t.Fatalf("%s: %v", line, p.Errors())
		}
		var tags []Tag
		for _, tag := range c.tags {
			if len(tag.Value) > 0 {
				tags = append(tags, tag)
			}
		}
		if diff := cmp.Diff(c.name, string(p.Measurement())); diff != "" {
			t.Errorf("%s: measurement (-want +got):\n%s", line, diff)
		}
		if diff := cmp.Diff(tags, p.Tags()); diff != "" {
			t.Errorf("%s: tags (-want +got):\n%s", line, diff)
		}
		if diff := cmp.Diff(c.fields, p.Fields()); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", line, diff)
		}
		if p.Time() != c.t {
			t.Errorf("%s: time %d", line, p.Time())
		}
	}
}
