package httpout

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/tickc/tickc/runtime/pipeline"
)

func cacheJSON(t *testing.T, c *Cache) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCache(t *testing.T) {
	groups := pipeline.NewGroups()
	point := func(host string, tm int64, v float64) *pipeline.Point {
		p := &pipeline.Point{Name: "cpu", Time: tm * 1e9, Tags: []pipeline.Tag{{Key: "host", Value: host}},
			Fields: []pipeline.Field{{Key: "v", Value: pipeline.FloatValue(v)}}}
		p.Group = groups.By(p, []string{"host"}, false)
		return p
	}
	row := func(host string, tm string, v string) string {
		return `{"name":"cpu","tags":{"host":"` + host + `"},"columns":["time","v"],"values":[["1970-01-01T00:00:` + tm + `Z",` + v + `]]}`
	}
	var c Cache
	if got := cacheJSON(t, &c); got != `{"series":null}` {
		t.Errorf("empty: %s", got)
	}
	// Groups b and a are created in that order in the registry, but reach
	// the node in the order a, b: the node's order counts.
	pb := point("b", 1, 1)
	c.SetPoint(point("a", 2, 2))
	c.SetPoint(pb)
	c.SetPoint(point("a", 3, 3.5))
	if got, want := cacheJSON(t, &c), `{"series":[`+row("a", "03", "3.5")+","+row("b", "01", "1")+`]}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if c.Len() != 2 {
		t.Errorf("Len %d", c.Len())
	}

	// A batch replaces a point of the same group.
	c.SetBatch(&pipeline.Batch{Name: "cpu", Group: pb.Group, Tags: pb.Group.Tags})
	if got, want := cacheJSON(t, &c), `{"series":[`+row("a", "03", "3.5")+`,{"name":"cpu","tags":{"host":"b"}}]}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// Points without a group have a series of their own.
	c.SetPoint(&pipeline.Point{Name: "x"})
	c.DeleteGroup(point("a", 0, 0).Group)
	c.DeleteGroup(point("zzz", 0, 0).Group) // no series: nothing happens
	if got, want := cacheJSON(t, &c), `{"series":[{"name":"cpu","tags":{"host":"b"}},{"name":"x","columns":["time"],"values":[["1970-01-01T00:00:00Z"]]}]}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	c.SetPoint(point("a", 4, 4))
	c.DeleteGroup(nil)
	c.SetPoint(point("b", 5, 5))
	if got, want := cacheJSON(t, &c), `{"series":[`+row("b", "05", "5")+","+row("a", "04", "4")+`]}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	c.DeleteGroup(pb.Group)
	c.DeleteGroup(point("a", 0, 0).Group)
	if got := cacheJSON(t, &c); got != `{"series":[]}` {
		t.Errorf("all deleted: %s", got)
	}
}

func TestCacheEncodingError(t *testing.T) {
	var c Cache
	g := pipeline.NewGroups().Root()
	c.SetPoint(&pipeline.Point{Group: g, Fields: []pipeline.Field{{Key: "f", Value: pipeline.FloatValue(math.NaN())}}})
	var b bytes.Buffer
	err := c.WriteJSON(&b)
	_, jerr := json.Marshal(math.NaN())
	if err == nil || err.Error() != jerr.Error() || b.Len() != 0 {
		t.Errorf("got %q %v, want the error %v", b.String(), err, jerr)
	}
	// The next point of the group repairs it.
	c.SetPoint(&pipeline.Point{Group: g, Fields: []pipeline.Field{{Key: "f", Value: pipeline.FloatValue(1)}}})
	if got := cacheJSON(t, &c); got != `{"series":[{"columns":["time","f"],"values":[["1970-01-01T00:00:00Z",1]]}]}` {
		t.Errorf("got %s", got)
	}
}

func TestCacheConcurrentReads(t *testing.T) {
	var c Cache
	groups := pipeline.NewGroups()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				var b bytes.Buffer
				if err := c.WriteJSON(&b); err != nil {
					t.Error(err)
					return
				}
				var v struct{ Series []json.RawMessage }
				if err := json.Unmarshal(b.Bytes(), &v); err != nil {
					t.Errorf("%v: %s", err, b.String())
					return
				}
			}
		})
	}
	p := &pipeline.Point{Name: "cpu", Fields: []pipeline.Field{{Key: "v", Value: pipeline.IntValue(0)}}}
	for i := range 20000 {
		p.Tags = []pipeline.Tag{{Key: "host", Value: strings.Repeat("h", i%7)}}
		p.Group = groups.By(p, []string{"host"}, false)
		p.Fields[0].Value.I = int64(i)
		c.SetPoint(p)
	}
	close(stop)
	wg.Wait()
}

func TestCacheAllocs(t *testing.T) {
	var c Cache
	groups := pipeline.NewGroups()
	var ps []*pipeline.Point
	for _, h := range []string{"a", "b", "c"} {
		p := &pipeline.Point{Name: "cpu", Tags: []pipeline.Tag{{Key: "host", Value: h}},
			Fields: []pipeline.Field{{Key: "v", Value: pipeline.FloatValue(1.25)}}}
		p.Group = groups.By(p, []string{"host"}, false)
		ps = append(ps, p)
	}
	i := 0
	set := func() {
		p := ps[i%3]
		p.Time += 1e9
		c.SetPoint(p)
		i++
	}
	for range 10 {
		set()
	}
	if a := testing.AllocsPerRun(1000, set); a != 0 {
		t.Errorf("%v allocations per point", a)
	}
}
