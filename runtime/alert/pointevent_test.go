package alert

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// randPoint returns a point with random tags and fields, sorted by key as
// pipeline.Point promises (unless unsorted).
func randPoint(r *rand.Rand, groups *pipeline.Groups, unsorted bool) *pipeline.Point {
	p := &pipeline.Point{Name: randString(r), Time: r.Int64N(1<<62) - 1<<61}
	if r.IntN(5) == 0 {
		p.Name = "cpu"
	}
	for n := r.IntN(6); n > 0; n-- {
		p.SetTag(randString(r)+"+'"[:r.IntN(3)], randString(r))
	}
	for n := r.IntN(6); n > 0; n-- {
		var v pipeline.Value
		switch r.IntN(6) {
		case 0:
			v = pipeline.FloatValue(randFloat(r))
			if r.IntN(10) == 0 {
				v = pipeline.FloatValue(math.NaN())
			}
		case 1:
			v = pipeline.IntValue(int64(r.Uint64()))
		case 2:
			v = pipeline.StringValue(randString(r))
		case 3:
			v = pipeline.BoolValue(r.IntN(2) == 0)
		case 4:
			v = pipeline.FloatValue(1e21)
		default:
			v = pipeline.Value{} // missing: null
		}
		p.SetField(randString(r), v)
	}
	if unsorted && len(p.Tags) > 1 {
		p.Tags[0], p.Tags[1] = p.Tags[1], p.Tags[0]
	}
	if unsorted && len(p.Fields) > 1 && r.IntN(2) == 0 {
		p.Fields = append(p.Fields, p.Fields[0]) // a duplicate key
	}
	if r.IntN(2) == 0 {
		p.Group = groups.Root()
	} else {
		p.Group = groups.By(p, []string{"host"}, false)
	}
	return p
}

// Events of points made without maps (default templates) are byte for byte
// those made with the maps and the parsed templates.
func TestPointEventsMatchMaps(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	server := ServerInfo{Hostname: "localhost"}
	fast, err := NewTemplates("cpu_alert", server, DefaultID, DefaultMessage, DefaultDetails)
	if err != nil {
		t.Fatal(err)
	}
	slow := parsedDefaults(t, server)
	var fastOut, slowOut []*Data
	fastNode, _ := NewNode(Config{}, fast, "t", handlerFunc(func(d *Data) error { fastOut = append(fastOut, d); return nil }))
	slowNode, _ := NewNode(Config{}, slow, "t", handlerFunc(func(d *Data) error { slowOut = append(slowOut, d); return nil }))
	groups := pipeline.NewGroups()
	fastPath := 0
	for i := range 20000 {
		p := randPoint(r, groups, i%10 == 0)
		ev := Event{Level: Level(r.IntN(4)), Time: time.Unix(0, p.Time).UTC(), Duration: time.Duration(r.Int64N(1 << 40))}
		if i%3 == 0 { // an event time that is not the point's (the JSON reuses the text of a time)
			ev.Time = ev.Time.Add(time.Duration(r.Int64N(1 << 40)))
		}
		in := PointInput(p)
		df, err1 := fastNode.Fire(ev, in)
		if in.point == nil && i%10 != 0 {
			t.Fatalf("%d: sorted point took the map path", i)
		}
		if df.point != nil {
			fastPath++
		}
		tags, fields := p.TagMap(), p.FieldMap()
		ds, err2 := slowNode.Fire(ev, &Input{Name: p.Name, Group: p.Group.ID, Tags: tags, Fields: fields,
			Series: PointSeries(p.Name, tags, time.Unix(0, p.Time).UTC(), fields)})
		if err1 != nil || err2 != nil {
			t.Fatalf("%d: errors %v, %v", i, err1, err2)
		}
		if df.ID != ds.ID || df.Message != ds.Message || df.Details != ds.Details || df.PreviousLevel != ds.PreviousLevel {
			t.Fatalf("%d: got %q %q %q %v\nwant %q %q %q %v", i, df.ID, df.Message, df.Details, df.PreviousLevel,
				ds.ID, ds.Message, ds.Details, ds.PreviousLevel)
		}
		jf, err1 := df.JSON()
		js, err2 := ds.JSON()
		if (err1 != nil) != (err2 != nil) || string(jf) != string(js) {
			t.Fatalf("%d: JSON\n got %s (%v)\nwant %s (%v)", i, jf, err1, js, err2)
		}
		// The maps and the series on demand.
		if !equalJSON(t, df.TagMap(), ds.Tags) || !equalJSON(t, df.FieldMap(), ds.Fields) || !equalJSON(t, df.Series(), ds.Result.Series) {
			t.Fatalf("%d: maps or series differ", i)
		}
	}
	fastNode.Close() // the handlers have run
	slowNode.Close()
	if fastPath < 15000 || len(fastOut) != 20000 || len(slowOut) != 20000 {
		t.Errorf("%d events without maps, %d and %d handled", fastPath, len(fastOut), len(slowOut))
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return (err1 != nil) == (err2 != nil)
	}
	return string(ja) == string(jb)
}

// The point is not kept: an event's data stays right when the point is
// reused.
func TestPointEventOwnsItsData(t *testing.T) {
	tmpl, _ := NewTemplates("t", ServerInfo{}, DefaultID, DefaultMessage, DefaultDetails)
	n, _ := NewNode(Config{}, tmpl, "t", handlerFunc(func(*Data) error { return nil }))
	p := &pipeline.Point{Name: "cpu", Time: t0.UnixNano(), Group: pipeline.NewGroups().Root(),
		Tags:   []pipeline.Tag{{Key: "host", Value: "a"}},
		Fields: []pipeline.Field{{Key: "v", Value: pipeline.FloatValue(1)}}}
	d, err := n.Fire(Event{Level: Critical, Time: t0}, PointInput(p))
	if err != nil {
		t.Fatal(err)
	}
	n.Close()
	before, _ := d.AppendJSON(nil)
	p.Tags[0].Value, p.Fields[0].Value = "b", pipeline.FloatValue(2)
	after, _ := d.AppendJSON(nil)
	if string(before) != string(after) {
		t.Errorf("the data changed with the point:\n%s\n%s", before, after)
	}
}
