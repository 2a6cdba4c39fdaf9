package join

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

const sec = int64(time.Second)

// collector records emitted points as text, e.g.
// "10s cpu [host=a] a.x=1 b.x=null".
type collector struct{ got []string }

func (c *collector) emit(p *pipeline.Point) { c.got = append(c.got, describe(p)) }

func describe(p *pipeline.Point) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s [", time.Duration(p.Time), p.Name)
	for i, t := range p.Tags {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%s", t.Key, t.Value)
	}
	b.WriteByte(']')
	for _, f := range p.Fields {
		if f.Value.Kind == pipeline.Missing {
			fmt.Fprintf(&b, " %s=null", f.Key)
		} else {
			fmt.Fprintf(&b, " %s=%v", f.Key, f.Value.Any())
		}
	}
	return b.String()
}

func check(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("emitted\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// pt makes a point of measurement name at time ts seconds with float
// fields "k=v" and tags "k=v", grouped by dims.
func pt(groups *pipeline.Groups, name string, ts float64, dims []string, tags string, fields ...string) *pipeline.Point {
	p := &pipeline.Point{Name: name, Time: int64(ts * float64(sec))}
	if tags != "" {
		for _, kv := range strings.Split(tags, ",") {
			k, v, _ := strings.Cut(kv, "=")
			p.SetTag(k, v)
		}
	}
	for _, kv := range fields {
		k, v, _ := strings.Cut(kv, "=")
		var f float64
		fmt.Sscan(v, &f)
		p.SetField(k, pipeline.FloatValue(f))
	}
	p.Group = groups.By(p, dims, false)
	return p
}

func TestJoinInnerDropsIncompleteSets(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b"}, Delimiter: "."}, gs, c.emit))
	j.Push(0, pt(gs, "cpu", 0, nil, "", "x=1"))
	j.Push(0, pt(gs, "cpu", 10, nil, "", "x=2"))
	check(t, c.got, nil) // b has not sent anything: wait
	// b at 10s: both parents are past 0s, whose set lacks b: dropped;
	// then the 10s set is complete.
	j.Push(1, pt(gs, "mem", 10, nil, "", "x=3"))
	check(t, c.got, []string{"10s cpu [] a.x=2 b.x=3"})
	if n := bufferedTimes(j, &j.byGroup[0]); n != 0 {
		t.Errorf("%d times still buffered after emitting everything", n)
	}
}

func TestJoinFillNullAndNumber(t *testing.T) {
	for _, tc := range []struct {
		cfg  JoinConfig
		want []string
	}{
		{JoinConfig{Fill: FillNull}, []string{
			"0s cpu [] a.x=1 b.x=null",
			"10s cpu [] a.x=2 b.x=3",
			// b alone: its name, and a's fields named after b's.
			"20s mem [] a.y=null b.y=4",
		}},
		{JoinConfig{Fill: FillValue, FillValue: pipeline.IntValue(0), StreamName: "j"}, []string{
			"0s j [] a.x=1 b.x=0",
			"10s j [] a.x=2 b.x=3",
			"20s j [] a.y=0 b.y=4",
		}},
	} {
		gs := pipeline.NewGroups()
		var c collector
		tc.cfg.Names, tc.cfg.Delimiter = []string{"a", "b"}, "."
		j := mustJoin(NewJoin(tc.cfg, gs, c.emit))
		j.Push(0, pt(gs, "cpu", 0, nil, "", "x=1"))
		j.Push(0, pt(gs, "cpu", 10, nil, "", "x=2"))
		j.Push(1, pt(gs, "mem", 10, nil, "", "x=3")) // emits 0s (filled) and 10s
		j.Push(1, pt(gs, "mem", 20, nil, "", "y=4")) // a is at 10s: 20s waits
		j.Push(0, pt(gs, "cpu", 40, nil, "", "x=5")) // a passed 20s but b has not: 20s is still the oldest
		j.Push(1, pt(gs, "mem", 30, nil, "", "y=6")) // now both passed 20s
		check(t, c.got, tc.want)
	}
}

func TestJoinToleranceAndGroups(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b"}, Delimiter: "_", Tolerance: time.Second}, gs, c.emit))
	host := []string{"host"}
	j.Push(0, pt(gs, "cpu", 1.4, host, "host=h1,cpu=c0", "x=1"))
	j.Push(0, pt(gs, "cpu", 1.2, host, "host=h2,cpu=c0", "x=2"))
	j.Push(1, pt(gs, "mem", 0.6, host, "host=h2", "y=3")) // rounds to 1s as well
	j.Push(1, pt(gs, "mem", 0.9, host, "host=h1", "y=4"))
	// Joined points carry the group's tags only, at the rounded time.
	check(t, c.got, []string{
		"1s cpu [host=h2] a_x=2 b_y=3",
		"1s cpu [host=h1] a_x=1 b_y=4",
	})
	if j.Cardinality() != 2 {
		t.Errorf("cardinality %d, want 2", j.Cardinality())
	}
}

func TestJoinSameParentTwiceMakesTwoSets(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b", "c"}, Delimiter: "."}, gs, c.emit))
	j.Push(0, pt(gs, "m", 5, nil, "", "v=1"))
	j.Push(0, pt(gs, "m", 5, nil, "", "v=2")) // a second set at 5s
	j.Push(1, pt(gs, "m", 5, nil, "", "v=3")) // joins the first set
	j.Push(2, pt(gs, "m", 5, nil, "", "v=4")) // completes the first set
	j.Push(2, pt(gs, "m", 5, nil, "", "v=5"))
	j.Push(1, pt(gs, "m", 5, nil, "", "v=6")) // completes the second
	check(t, c.got, []string{
		"5s m [] a.v=1 b.v=3 c.v=4",
		"5s m [] a.v=2 b.v=6 c.v=5",
	})
}

func TestJoinReadySetWaitsForOlderTime(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b"}, Delimiter: ".", Fill: FillNull}, gs, c.emit))
	j.Push(0, pt(gs, "m", 0, nil, "", "v=1"))
	j.Push(1, pt(gs, "m", 0, nil, "", "v=2")) // complete: emitted
	j.Push(0, pt(gs, "m", 10, nil, "", "v=3"))
	j.Push(0, pt(gs, "m", 20, nil, "", "v=4"))
	j.Push(1, pt(gs, "m", 20, nil, "", "v=5"))
	// Both parents are past 10s: 10s goes out filled, then the complete
	// 20s set.
	check(t, c.got, []string{
		"0s m [] a.v=1 b.v=2",
		"10s m [] a.v=3 b.v=null",
		"20s m [] a.v=4 b.v=5",
	})
}

func TestJoinOnDimensions(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"cpu", "mem"}, On: []string{"host"}, Delimiter: ".", Fill: FillNull}, gs, c.emit))
	hc, h := []string{"cpu", "host"}, []string{"host"}
	j.Push(0, pt(gs, "cpu", 0, hc, "host=h1,cpu=c0,dc=x", "u=1"))
	j.Push(0, pt(gs, "cpu", 0, hc, "host=h1,cpu=c1", "u=2"))
	j.Push(1, pt(gs, "mem", 0, h, "host=h1", "m=10")) // matches both
	j.Push(0, pt(gs, "cpu", 10, hc, "host=h1,cpu=c0", "u=3"))
	j.Push(0, pt(gs, "cpu", 20, hc, "host=h1,cpu=c0", "u=4"))
	// mem at 20s: the c0 point at 10s can no longer be matched and is
	// joined alone (filled with the names of its own fields); 20s matches.
	j.Push(1, pt(gs, "mem", 20, h, "host=h1", "m=20"))
	check(t, c.got, []string{
		"0s cpu [cpu=c0,host=h1] cpu.u=1 mem.m=10",
		"0s cpu [cpu=c1,host=h1] cpu.u=2 mem.m=10",
		"10s cpu [cpu=c0,host=h1] cpu.u=3 mem.u=null",
		"20s cpu [cpu=c0,host=h1] cpu.u=4 mem.m=20",
	})
	// Only the specific groups are join groups.
	if j.Cardinality() != 2 {
		t.Errorf("cardinality %d, want 2", j.Cardinality())
	}
}

func TestJoinOnLessSpecificFirstParent(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"b", "f"}, On: []string{"building"}, Delimiter: "."}, gs, c.emit))
	b, bf := []string{"building"}, []string{"building", "floor"}
	j.Push(0, pt(gs, "building", 0, b, "building=x", "v=100"))
	j.Push(1, pt(gs, "floor", 0, bf, "building=x,floor=1", "v=30"))
	j.Push(1, pt(gs, "floor", 0, bf, "building=x,floor=2", "v=70"))
	// The building point comes first in each set: its name, and the
	// specific point's group and tags.
	check(t, c.got, []string{
		"0s building [building=x,floor=1] b.v=100 f.v=30",
		"0s building [building=x,floor=2] b.v=100 f.v=70",
	})
}

func TestJoinOnEquallySpecificNeverJoins(t *testing.T) {
	// As in Kapacitor: with .on() equal to both parents' dimensions every
	// point is a match point, and match points only join specific ones.
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b"}, On: []string{"host"}, Delimiter: ".", Fill: FillNull}, gs, c.emit))
	h := []string{"host"}
	for i := range 3 {
		j.Push(0, pt(gs, "a", float64(i), h, "host=h", "v=1"))
		j.Push(1, pt(gs, "b", float64(i), h, "host=h", "v=2"))
	}
	check(t, c.got, nil)
}

func TestJoinFlush(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b"}, Delimiter: ".", Fill: FillNull}, gs, c.emit))
	j.Push(0, pt(gs, "m", 0, nil, "", "v=1"))
	j.Push(0, pt(gs, "m", 10, nil, "", "v=2"))
	j.Flush()
	check(t, c.got, []string{"0s m [] a.v=1 b.v=null", "10s m [] a.v=2 b.v=null"})
}

func TestJoinStreamNameRegroupsByMeasurement(t *testing.T) {
	gs := pipeline.NewGroups()
	var got []*pipeline.Group
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b"}, Delimiter: ".", StreamName: "out"}, gs, func(p *pipeline.Point) { got = append(got, p.Group) }))
	p := &pipeline.Point{Name: "m", Time: 0, Fields: []pipeline.Field{{Key: "v", Value: pipeline.IntValue(1)}}}
	p.SetTag("host", "h")
	p.Group = gs.By(p, []string{"host"}, true)
	j.Push(0, p)
	j.Push(1, p)
	if len(got) != 1 || got[0].ID != "out\nhost=h" {
		t.Fatalf("groups %v, want one with ID out\\nhost=h", got)
	}
}

func TestJoinReleasesBufferedPoints(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"cpu", "mem"}, On: []string{"host"}, Delimiter: "."}, gs, func(*pipeline.Point) { c.got = append(c.got[:0], "x") }))
	hc, h := []string{"cpu", "host"}, []string{"host"}
	for i := range 10000 {
		ts := float64(i * 10)
		j.Push(0, pt(gs, "cpu", ts, hc, "host=h1,cpu=c0", "u=1"))
		j.Push(0, pt(gs, "cpu", ts, hc, "host=h1,cpu=c1", "u=1"))
		j.Push(1, pt(gs, "mem", ts, h, "host=h1", "m=1"))
	}
	for _, og := range j.onGroups {
		if len(og.matches.items) > 2 || len(og.specific.items) > 2 {
			t.Errorf("on-group buffers hold %d match and %d specific points", len(og.matches.items), len(og.specific.items))
		}
	}
	for i := range j.byGroup {
		g := &j.byGroup[i]
		if n := bufferedTimes(j, g); n > 1 {
			t.Errorf("join group %s holds %d times", g.group.ID, n)
		}
	}
}

// bufferedTimes is the number of distinct times g holds sets of.
func bufferedTimes(j *Join, g *joinGroup) int {
	n, last := 0, uint64(0)
	for i := g.start; i < len(g.words); i = g.scan(j, i, -1).end {
		if n == 0 || g.words[i] != last {
			n, last = n+1, g.words[i]
		}
	}
	return n
}

func mustJoin(j *Join, err error) *Join {
	if err != nil {
		panic(err)
	}
	return j
}

func TestNewJoinErrors(t *testing.T) {
	for _, cfg := range []JoinConfig{
		{},
		{Names: []string{"a", "b"}, Fill: FillValue, FillValue: pipeline.StringValue("x")},
		{Names: []string{"a", "b"}, Fill: 7},
	} {
		if _, err := NewJoin(cfg, nil, nil); err == nil {
			t.Errorf("NewJoin(%+v) did not fail", cfg)
		}
	}
}

// TestJoinKeepsEveryKind buffers points of every field kind, parents out
// of order and a late point of an older time, as encoded sets, and checks
// what comes out of them; the string table's slots are reused once the
// sets are emitted.
func TestJoinKeepsEveryKind(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b", "c"}, Delimiter: ".", Fill: FillNull}, gs, c.emit))
	mixed := func(ts float64, s string, i int64, b bool) *pipeline.Point {
		p := &pipeline.Point{Name: "m", Time: int64(ts * float64(sec))}
		p.SetField("f", pipeline.FloatValue(ts+0.5))
		p.SetField("i", pipeline.IntValue(i))
		p.SetField("n", pipeline.Value{}) // a null field, as a join's fill makes
		p.SetField("s", pipeline.StringValue(s))
		p.SetField("t", pipeline.BoolValue(b))
		p.Group = gs.By(p, nil, false)
		return p
	}
	j.Push(2, mixed(10, "c10", -3, true))
	j.Push(2, mixed(20, "c20", 4, false))
	j.Push(0, mixed(10, "a10", 5, false))
	j.Push(1, pt(gs, "m", 20, nil, "", "x=1")) // b's fields differ from a's and c's
	j.Push(0, mixed(0, "late", 6, true))       // older than every set: a set of its own, first
	j.Push(1, pt(gs, "m", 10, nil, "", "x=2")) // completes 10s, between a and c
	j.Push(0, mixed(20, "a20", 7, true))       // completes 20s, which waits for 10s to go
	j.Push(1, pt(gs, "m", 30, nil, "", "x=3")) // every parent is past 10s
	check(t, c.got, []string{
		"0s m [] a.f=0.5 a.i=6 a.n=null a.s=late a.t=true b.f=null b.i=null b.n=null b.s=null b.t=null c.f=null c.i=null c.n=null c.s=null c.t=null",
		"10s m [] a.f=10.5 a.i=5 a.n=null a.s=a10 a.t=false b.x=2 c.f=10.5 c.i=-3 c.n=null c.s=c10 c.t=true",
		"20s m [] a.f=20.5 a.i=7 a.n=null a.s=a20 a.t=true b.x=1 c.f=20.5 c.i=4 c.n=null c.s=c20 c.t=false",
	})
	if n := bufferedTimes(j, &j.byGroup[0]); n != 1 {
		t.Errorf("%d times buffered, want b's 30s", n)
	}
	if len(j.strs.free) != len(j.strs.items) {
		t.Errorf("%d of %d string slots free once the sets with strings are emitted", len(j.strs.free), len(j.strs.items))
	}
	j.Push(0, mixed(30, "again", 8, false))
	if len(j.strs.items) != 5 {
		t.Errorf("the string table grew to %d slots, want the 5 freed ones reused", len(j.strs.items))
	}
}

// TestJoinBarrier: a barrier moves its parent's time in the group as a
// point would, so that sets the other parents have passed go out.
func TestJoinBarrier(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b"}, Delimiter: ".", Fill: FillNull}, gs, c.emit))
	p := pt(gs, "m", 0, nil, "", "v=1")
	j.Push(0, p)
	j.Barrier(1, p.Group, 10*sec) // b has passed 0s, a has not
	check(t, c.got, nil)
	j.Barrier(0, p.Group, 10*sec)
	check(t, c.got, []string{"0s m [] a.v=1 b.v=null"})
}

// TestJoinDelete: a deleted group's buffered sets are dropped, not
// emitted, and its strings let go; the group starts over.
func TestJoinDelete(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	j := mustJoin(NewJoin(JoinConfig{Names: []string{"a", "b"}, Delimiter: ".", Fill: FillNull}, gs, c.emit))
	host := []string{"host"}
	p := pt(gs, "m", 0, host, "host=h1", "v=1")
	p.SetField("s", pipeline.StringValue("x"))
	j.Push(0, p)
	j.Push(0, pt(gs, "m", 0, host, "host=h2", "v=2"))
	j.Delete(1, p.Group)
	if j.Cardinality() != 1 {
		t.Errorf("cardinality %d after deleting one of two groups", j.Cardinality())
	}
	if len(j.strs.free) != len(j.strs.items) {
		t.Errorf("%d of %d string slots free after the delete", len(j.strs.free), len(j.strs.items))
	}
	j.Push(1, pt(gs, "m", 0, host, "host=h1", "v=3"))
	j.Push(1, pt(gs, "m", 0, host, "host=h2", "v=4"))
	j.Flush()
	check(t, c.got, []string{"0s m [host=h2] a.v=2 b.v=4", "0s m [host=h1] a.v=null b.v=3"})
}

// TestJoinDeleteOn: deleting an .on() group drops its waiting points and
// its parent's time there; with .deleteAll() every parent's time in every
// .on() group starts over.
func TestJoinDeleteOn(t *testing.T) {
	for _, deleteAll := range []bool{false, true} {
		gs := pipeline.NewGroups()
		var c collector
		j := mustJoin(NewJoin(JoinConfig{Names: []string{"cpu", "mem"}, On: []string{"host"}, Delimiter: ".", DeleteAll: deleteAll}, gs, c.emit))
		hc, h := []string{"cpu", "host"}, []string{"host"}
		j.Push(0, pt(gs, "cpu", 0, hc, "host=h1,cpu=c0", "u=1"))
		m := pt(gs, "mem", 0, h, "host=h1", "m=10")
		j.Push(1, pt(gs, "mem", 0, h, "host=h2", "m=20"))
		j.Push(1, m) // joins c0 at 0s
		j.Push(1, pt(gs, "mem", 10, h, "host=h1", "m=11"))
		j.Delete(1, m.Group)
		og, other := j.onGroups[m.Group.ID], j.onGroups["host=h2"]
		if len(og.matches.items) != 0 || og.lowMarks[1] != zeroTime || (og.lowMarks[0] == zeroTime) != deleteAll {
			t.Errorf("deleteAll %v: h1 holds %d matches, low marks %v", deleteAll, len(og.matches.items), og.lowMarks)
		}
		if got := other.lowMarks[1] == zeroTime; got != deleteAll {
			t.Errorf("deleteAll %v: h2's low mark of mem reset: %v", deleteAll, got)
		}
		check(t, c.got, []string{"0s cpu [cpu=c0,host=h1] cpu.u=1 mem.m=10"})
	}
}
