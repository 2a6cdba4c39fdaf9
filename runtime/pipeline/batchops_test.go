package pipeline

import (
	"fmt"
	"reflect"
	"testing"
)

// queryBatch is a batch as a query returns it: its points share its tags.
func queryBatch(groups *Groups, tmax int64, tags []Tag, values ...float64) *Batch {
	b := &Batch{Name: "cpu", TMax: tmax, Tags: tags}
	for i, v := range values {
		b.Points = append(b.Points, Point{Name: "cpu", Time: tmax - int64(len(values)-1-i), Tags: tags, Fields: []Field{{Key: "v", Value: FloatValue(v)}}})
	}
	b.SetGroup(groups.ByTags(b.Name, tags, false))
	return b
}

// summary describes an emitted batch: group, time and point values.
func summary(b *Batch) string {
	s := fmt.Sprintf("%s@%d:", b.Group.ID, b.TMax)
	for _, p := range b.Points {
		v, _ := p.Field("v")
		host, _ := p.Tag("host")
		s += fmt.Sprintf(" %s/%d=%g", host, p.Time, v.F)
		if p.Group != b.Group {
			s += "(wrong group)"
		}
	}
	return s
}

func TestBatchGroupByMergesBatchesOfOneTime(t *testing.T) {
	groups := NewGroups()
	r := NewBatchGroupBy([]string{"dc"}, false, nil, false)
	var got []string
	emit := func(b *Batch) { got = append(got, summary(b)) }
	tags := func(host, dc string) []Tag { return []Tag{{"dc", dc}, {"host", host}} }

	r.Push(groups, queryBatch(groups, 100, tags("a", "east"), 1, 2), emit)
	r.Push(groups, queryBatch(groups, 100, tags("b", "west"), 3), emit)
	r.Push(groups, queryBatch(groups, 100, tags("c", "east"), 4, 5, 6), emit)
	if len(got) != 0 || r.Pending() != 2 {
		t.Fatalf("emitted %v with %d pending before the time changed; want nothing and 2", got, r.Pending())
	}
	r.Push(groups, &Batch{Name: "cpu", TMax: 200, Group: groups.Root()}, emit) // empty: emits the previous time only
	want := []string{
		"dc=east@100: c/98=4 a/99=1 c/99=5 a/100=2 c/100=6", // sorted by time, stable
		"dc=west@100: b/100=3",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("emitted\n%q\nwant\n%q", got, want)
	}
	got = nil
	r.Push(groups, queryBatch(groups, 300, tags("a", "east"), 7), emit)
	if len(got) != 0 || r.Pending() != 1 {
		t.Fatalf("the empty batch at 200 emitted %v or left %d pending", got, r.Pending())
	}
}

func TestBatchGroupByStarAndMeasurement(t *testing.T) {
	groups := NewGroups()
	r := NewBatchGroupBy(nil, true, []string{"host"}, true)
	var got []*Group
	emit := func(b *Batch) { got = append(got, b.Group) }
	r.Push(groups, queryBatch(groups, 1, []Tag{{"cpu", "cpu0"}, {"host", "a"}}, 1), emit)
	r.Push(groups, queryBatch(groups, 2, nil, 1), emit)
	if len(got) != 1 || got[0].ID != "cpu\ncpu=cpu0" || !got[0].ByName {
		t.Fatalf("groups %+v, want cpu\\ncpu=cpu0 by measurement", got)
	}
}

func TestBatchGroupByKeepsCopies(t *testing.T) {
	groups := NewGroups()
	r := NewBatchGroupBy([]string{"host"}, false, nil, false)
	b := queryBatch(groups, 1, []Tag{{"host", "a"}}, 1)
	r.Push(groups, b, func(*Batch) {})
	// The input batch is only lent: its owner reuses it.
	b.Points[0].Fields[0].Value = FloatValue(99)
	b.Points[0].Tags[0].Value = "z"
	var got string
	r.Push(groups, queryBatch(groups, 2, nil), func(b *Batch) { got = summary(b) })
	if got != "host=a@1: a/1=1" {
		t.Fatalf("emitted %q, want the values as pushed", got)
	}
}

func TestBatchGroupByAllocatesNothingOnceWarm(t *testing.T) {
	groups := NewGroups()
	r := NewBatchGroupBy([]string{"dc"}, false, nil, false)
	batches := []*Batch{
		queryBatch(groups, 0, []Tag{{"dc", "east"}, {"host", "a"}}, 1, 2, 3),
		queryBatch(groups, 0, []Tag{{"dc", "west"}, {"host", "b"}}, 4, 5, 6),
	}
	emit := func(*Batch) {}
	tm := int64(0)
	run := func() {
		tm++
		for _, b := range batches {
			b.TMax = tm
			r.Push(groups, b, emit)
		}
	}
	run()
	run()
	if allocs := testing.AllocsPerRun(100, run); allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
}

func TestWithTagAndWithoutTagCopy(t *testing.T) {
	shared := []Tag{{"cpu", ""}, {"host", "a"}}
	p := Point{Tags: shared}
	p.Tags = WithTag(p.Tags, "cpu", "cpu0")
	p.Tags = WithTag(p.Tags, "dc", "east")
	if want := []Tag{{"cpu", ""}, {"host", "a"}}; !reflect.DeepEqual(shared, want) {
		t.Fatalf("WithTag changed the shared tags: %v", shared)
	}
	if want := []Tag{{"cpu", "cpu0"}, {"dc", "east"}, {"host", "a"}}; !reflect.DeepEqual(p.Tags, want) {
		t.Fatalf("tags %v, want %v", p.Tags, want)
	}
	tags, ok := WithoutTag(shared, "cpu")
	if !ok || !reflect.DeepEqual(tags, []Tag{{"host", "a"}}) || shared[0].Key != "cpu" {
		t.Fatalf("WithoutTag: %v %v, shared now %v", tags, ok, shared)
	}
	if tags, ok := WithoutTag(shared, "dc"); ok || len(tags) != 2 {
		t.Fatalf("WithoutTag of an absent tag: %v %v", tags, ok)
	}
}

func TestLikeUsesTheGroupsDimensions(t *testing.T) {
	groups := NewGroups()
	g := groups.By(&Point{Name: "cpu", Tags: []Tag{{"host", "a"}}}, []string{"host"}, true)
	p := &Point{Name: "cpu", Tags: []Tag{{"cpu", "cpu1"}, {"host", "b"}}}
	got := groups.Like(p, g)
	if got.ID != "cpu\nhost=b" || !got.ByName || !reflect.DeepEqual(got.Tags, []Tag{{"host", "b"}}) {
		t.Fatalf("group %+v, want cpu\\nhost=b by measurement", got)
	}
	if again := groups.Like(p, g); again != got {
		t.Fatal("Like did not intern the group")
	}
}

// BenchmarkBatchGroupBy regroups batches of 100 points (10 series of
// 10 points, into 5 groups) and reports the cost per point.
func BenchmarkBatchGroupBy(b *testing.B) {
	groups := NewGroups()
	r := NewBatchGroupBy([]string{"dc"}, false, nil, false)
	var batches []*Batch
	for s := range 10 {
		tags := []Tag{{"cpu", "cpu-total"}, {"dc", fmt.Sprintf("dc%d", s%5)}, {"host", fmt.Sprintf("h%d", s)}}
		batches = append(batches, queryBatch(groups, 0, tags, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
	}
	emit := func(*Batch) {}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		for _, x := range batches {
			x.TMax = int64(i)
			r.Push(groups, x, emit)
		}
	}
	points := float64(b.N) * 100
	b.ReportMetric(b.Elapsed().Seconds()*1e9/points, "ns/point")
	b.ReportMetric(points/b.Elapsed().Seconds(), "points/s")
}

func TestWithoutLeavesTheDeletedDimensions(t *testing.T) {
	groups := NewGroups()
	g := groups.By(&Point{Tags: []Tag{{"cpu", "cpu0"}, {"host", "a"}}}, []string{"cpu", "host"}, false)
	p := &Point{Tags: []Tag{{"host", "a"}}} // cpu deleted
	if got := groups.Without(g, p, []string{"dc"}); got != g {
		t.Fatalf("deleting a tag that is no dimension changed the group to %q", got.ID)
	}
	got := groups.Without(g, p, []string{"cpu", "dc"})
	if got.ID != "host=a" || !reflect.DeepEqual(got.Tags, []Tag{{"host", "a"}}) {
		t.Fatalf("group %+v, want host=a", got)
	}
}
