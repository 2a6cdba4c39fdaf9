package join

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// batchOf makes a batch at tmax seconds of the group of its first point.
func batchOf(name string, tmax float64, g *pipeline.Group, pts ...*pipeline.Point) *pipeline.Batch {
	b := &pipeline.Batch{Name: name, TMax: int64(tmax * float64(sec)), Group: g, Tags: g.Tags}
	for _, p := range pts {
		p.Group = g
		b.Points = append(b.Points, *p)
	}
	return b
}

func describeBatch(b *pipeline.Batch) string {
	var parts []string
	for i := range b.Points {
		parts = append(parts, describe(&b.Points[i]))
	}
	return fmt.Sprintf("%s %s %v {%s}", time.Duration(b.TMax), b.Name, b.Tags, strings.Join(parts, "; "))
}

func TestJoinBatches(t *testing.T) {
	gs := pipeline.NewGroups()
	g := gs.By(pt(gs, "x", 0, nil, "host=a"), []string{"host"}, false)
	for _, tc := range []struct {
		name string
		cfg  JoinConfig
		want []string
	}{
		{"inner", JoinConfig{Names: []string{"a", "b"}, Delimiter: ".", Tolerance: time.Second},
			// 10s: both; 20s: only a; 29.6s rounds to 30s, as does b's 30.2s.
			[]string{"30s cpu [{host a}] {10s cpu [host=a] a.v=1 b.w=10; 30s cpu [host=a] a.v=3 b.w=30}"}},
		{"null", JoinConfig{Names: []string{"a", "b"}, Delimiter: "_", Tolerance: time.Second, Fill: FillNull, StreamName: "j"},
			[]string{"30s j [{host a}] {10s j [host=a] a_v=1 b_w=10; 20s j [host=a] a_v=2 b_v=null; 30s j [host=a] a_v=3 b_w=30}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			j := mustJoin(NewBatchJoin(tc.cfg, gs, func(b *pipeline.Batch) { got = append(got, describeBatch(b)) }))
			j.PushBatch(0, batchOf("cpu", 30, g,
				pt(gs, "cpu", 10, nil, "host=a", "v=1"), pt(gs, "cpu", 20, nil, "host=a", "v=2"), pt(gs, "cpu", 29.6, nil, "host=a", "v=3")))
			if len(got) != 0 {
				t.Fatalf("emitted before b: %q", got)
			}
			j.PushBatch(1, batchOf("mem", 30, g,
				pt(gs, "mem", 10, nil, "host=a", "w=10"), pt(gs, "mem", 30.2, nil, "host=a", "w=30")))
			check(t, got, tc.want)
		})
	}
}

func TestJoinBatchesMissingParent(t *testing.T) {
	gs := pipeline.NewGroups()
	g := gs.Root()
	var got []string
	j := mustJoin(NewBatchJoin(JoinConfig{Names: []string{"a", "b"}, Delimiter: ".", Fill: FillValue, FillValue: pipeline.IntValue(0)}, gs,
		func(b *pipeline.Batch) { got = append(got, describeBatch(b)) }))
	j.PushBatch(0, batchOf("cpu", 10, g, pt(gs, "cpu", 5, nil, "", "v=1")))
	// b skips 10s: once both parents are past it, a's batch is joined alone.
	j.PushBatch(0, batchOf("cpu", 20, g, pt(gs, "cpu", 15, nil, "", "v=2")))
	j.PushBatch(1, batchOf("mem", 20, g))
	check(t, got, []string{
		"10s cpu [] {5s cpu [] a.v=1 b.v=0}",
		"20s cpu [] {15s cpu [] a.v=2 b.v=0}", // b's batch is empty
	})
}

func TestFlattenBatch(t *testing.T) {
	r := newFlattenRig(FlattenConfig{On: []string{"cpu"}, Tolerance: time.Second})
	g := r.gs.By(pt(r.gs, "x", 0, nil, "host=h"), []string{"host"}, false)
	out := r.node.PushBatch(batchOf("cpu", 20, g,
		pt(r.gs, "cpu", 10, nil, "host=h,cpu=c0", "idle=1"), pt(r.gs, "cpu", 10.2, nil, "host=h,cpu=c1", "idle=2"),
		pt(r.gs, "cpu", 11, nil, "host=h", "idle=3"), // no cpu tag: left out, and the time gives no point
		pt(r.gs, "cpu", 19.9, nil, "host=h,cpu=c0", "idle=4")))
	if got, want := describeBatch(out), "20s cpu [{host h}] {10s cpu [host=h] c0.idle=1 c1.idle=2; 20s cpu [host=h] c0.idle=4}"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if len(r.errs) != 1 || r.node.Cardinality() != 1 {
		t.Errorf("errors %q, cardinality %d", r.errs, r.node.Cardinality())
	}
	if out := r.node.PushBatch(batchOf("cpu", 30, g)); len(out.Points) != 0 || out.TMax != 30*sec {
		t.Errorf("empty batch: %s", describeBatch(out))
	}
}

func TestCombineFlushBatch(t *testing.T) {
	gs := pipeline.NewGroups()
	var c collector
	type state struct{}
	always := func(*pipeline.Point, *state, int) (bool, error) { return true, nil }
	cb, err := NewCombine(CombineConfig{Names: []string{"x", "y"}, Delimiter: ".", Max: DefaultMaxCombinations}, always, c.emit, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	var b CombineGroup
	var s state
	for _, p := range []*pipeline.Point{pt(gs, "m", 0, nil, "k=1", "v=1"), pt(gs, "m", 0, nil, "k=2", "v=2"), pt(gs, "m", 10, nil, "k=3", "v=3")} {
		cb.Push(&b, &s, p)
	}
	cb.FlushBatch(&b, &s) // the last time, 10s, has one point: no pair
	check(t, c.got, []string{"0s m [x.k=1,y.k=2] x.v=1 y.v=2"})
	cb.Push(&b, &s, pt(gs, "m", 20, nil, "k=4", "v=4"))
	cb.Push(&b, &s, pt(gs, "m", 20, nil, "k=5", "v=5"))
	cb.FlushBatch(&b, &s)
	check(t, c.got, []string{"0s m [x.k=1,y.k=2] x.v=1 y.v=2", "20s m [x.k=4,y.k=5] x.v=4 y.v=5"})
}

// With .on(), a per-cpu batch joins its host's batch of the same time,
// as a per-cpu point joins its host's point; the joined batch has the
// per-cpu batch's group and tags.
func TestJoinBatchesOn(t *testing.T) {
	gs := pipeline.NewGroups()
	perCPU := gs.By(pt(gs, "x", 0, nil, "host=a,cpu=c0"), []string{"cpu", "host"}, false)
	perHost := gs.By(pt(gs, "x", 0, nil, "host=a"), []string{"host"}, false)
	var got []string
	j := mustJoin(NewBatchJoin(JoinConfig{Names: []string{"core", "mem"}, On: []string{"host"}, Delimiter: "."}, gs,
		func(b *pipeline.Batch) { got = append(got, describeBatch(b)) }))
	j.PushBatch(0, batchOf("core", 30, perCPU, pt(gs, "core", 10, nil, "host=a,cpu=c0", "u=1"), pt(gs, "core", 20, nil, "host=a,cpu=c0", "u=2")))
	j.PushBatch(1, batchOf("mem", 30, perHost, pt(gs, "mem", 10, nil, "host=a", "m=5"), pt(gs, "mem", 20, nil, "host=a", "m=6")))
	check(t, got, []string{"30s core [{cpu c0} {host a}] {10s core [cpu=c0,host=a] core.u=1 mem.m=5; 20s core [cpu=c0,host=a] core.u=2 mem.m=6}"})
}
