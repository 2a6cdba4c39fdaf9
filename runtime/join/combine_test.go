package join

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// groupState stands for the generated per-group state.
type groupState struct {
	combine CombineGroup
	evals   int // how often an expression ran for this group
}

type combineRig struct {
	gs     *pipeline.Groups
	states pipeline.PerGroup[groupState]
	node   *Combine[groupState]
	c      collector
	errs   []string
}

func newCombineRig(cfg CombineConfig, exprs ...func(p *pipeline.Point) (bool, error)) *combineRig {
	r := &combineRig{gs: pipeline.NewGroups()}
	if cfg.Delimiter == "" {
		cfg.Delimiter = "."
	}
	if cfg.Max == 0 {
		cfg.Max = DefaultMaxCombinations
	}
	match := func(p *pipeline.Point, g *groupState, slot int) (bool, error) {
		g.evals++
		return exprs[slot](p)
	}
	var err error
	r.node, err = NewCombine(cfg, match, r.c.emit, func(err error) { r.errs = append(r.errs, err.Error()) })
	if err != nil {
		panic(err)
	}
	return r
}

func (r *combineRig) push(p *pipeline.Point) {
	g, _ := r.states.Get(p.Group)
	r.node.Push(&g.combine, g, p)
}

func tagIs(key, value string) func(p *pipeline.Point) (bool, error) {
	return func(p *pipeline.Point) (bool, error) {
		v, ok := p.Tag(key)
		if !ok {
			return false, errors.New("no tag " + key)
		}
		return v == value, nil
	}
}

func not(f func(p *pipeline.Point) (bool, error)) func(p *pipeline.Point) (bool, error) {
	return func(p *pipeline.Point) (bool, error) {
		ok, err := f(p)
		return !ok, err
	}
}

func always(*pipeline.Point) (bool, error) { return true, nil }

func TestCombinePairsPerGroup(t *testing.T) {
	r := newCombineRig(CombineConfig{Names: []string{"total", "core"}}, tagIs("cpu", "all"), not(tagIs("cpu", "all")))
	host := []string{"host"}
	for _, h := range []string{"h1", "h2"} {
		r.push(pt(r.gs, "cpu", 0, host, "host="+h+",cpu=all,dc=x", "u=1"))
		r.push(pt(r.gs, "cpu", 0, host, "host="+h+",cpu=c0,dc=x", "u=2"))
		r.push(pt(r.gs, "cpu", 0, host, "host="+h+",cpu=c1,dc=y", "u=3"))
	}
	check(t, r.c.got, nil) // a group's time is combined when the next one starts
	r.push(pt(r.gs, "cpu", 10, host, "host=h2,cpu=all", "u=4"))
	// {0,1} and {0,2} match one point per expression, {1,2} does not.
	// Fields and the non-dimension tags are prefixed.
	check(t, r.c.got, []string{
		"0s cpu [core.cpu=c0,core.dc=x,host=h2,total.cpu=all,total.dc=x] core.u=2 total.u=1",
		"0s cpu [core.cpu=c1,core.dc=y,host=h2,total.cpu=all,total.dc=x] core.u=3 total.u=1",
	})
	g, _ := r.states.Get(r.gs.By(pt(r.gs, "cpu", 0, nil, "host=h2"), host, false))
	if g.evals != 6 || int(g.combine.n) != 1 {
		t.Errorf("h2: %d evaluations and %d buffered points, want 6 and 1", g.evals, int(g.combine.n))
	}
}

func TestCombineAllCombinationsInIndexOrder(t *testing.T) {
	r := newCombineRig(CombineConfig{Names: []string{"a", "b"}, Delimiter: "_"}, always, always)
	for _, v := range []string{"v=1", "v=2", "v=3"} {
		r.push(pt(r.gs, "m", 0, nil, "", v))
	}
	r.push(pt(r.gs, "m", 1, nil, "", "v=4"))
	check(t, r.c.got, []string{
		"0s m [] a_v=1 b_v=2",
		"0s m [] a_v=1 b_v=3",
		"0s m [] a_v=2 b_v=3",
	})
}

func TestCombineFirstMatchingPointPerSlot(t *testing.T) {
	// Slot 0 takes any point, slot 1 only x. As in Kapacitor, each slot
	// takes the first matching point of the combination that is left, so
	// for {x, y} slot 0 takes x and slot 1 finds nothing: no point, though
	// giving y to slot 0 would have matched.
	r := newCombineRig(CombineConfig{Names: []string{"any", "x"}}, always, tagIs("k", "x"))
	r.push(pt(r.gs, "m", 0, nil, "k=x", "v=1"))
	r.push(pt(r.gs, "m", 0, nil, "k=y", "v=2"))
	r.push(pt(r.gs, "m", 5, nil, "k=y", "v=3"))
	check(t, r.c.got, nil)
}

func TestCombineMaxAndErrors(t *testing.T) {
	r := newCombineRig(CombineConfig{Names: []string{"a", "b"}, Max: 2}, always, tagIs("k", "x"))
	r.push(pt(r.gs, "m", 0, nil, "k=x", "v=1"))
	r.push(pt(r.gs, "m", 0, nil, "k=x", "v=2"))
	r.push(pt(r.gs, "m", 0, nil, "k=x", "v=3"))
	r.push(pt(r.gs, "m", 10, nil, "", "v=4")) // 3 choose 2 > 2
	r.push(pt(r.gs, "m", 10, nil, "k=x", "v=5"))
	r.push(pt(r.gs, "m", 20, nil, "", "v=6")) // the first point has no tag k: an error, no match
	check(t, r.c.got, []string{"10s m [b.k=x] a.v=4 b.v=5"})
	want := []string{
		"refusing to perform combination as total combinations 3 exceeds max combinations 2",
		"no tag k",
	}
	if len(r.errs) != 2 || r.errs[0] != want[0] || r.errs[1] != want[1] {
		t.Errorf("errors %q, want %q", r.errs, want)
	}
}

func TestCombineTolerance(t *testing.T) {
	r := newCombineRig(CombineConfig{Names: []string{"a", "b"}, Tolerance: time.Second}, always, always)
	r.push(pt(r.gs, "m", 0.8, nil, "", "v=1")) // rounds to 1s
	r.push(pt(r.gs, "m", 1.3, nil, "", "v=2"))
	r.push(pt(r.gs, "m", 1.6, nil, "", "v=3")) // 2s
	check(t, r.c.got, []string{"1s m [] a.v=1 b.v=2"})
}

func TestCombineMoreExpressionsThanPoints(t *testing.T) {
	r := newCombineRig(CombineConfig{Names: []string{"a", "b", "c"}}, always, always, always)
	r.push(pt(r.gs, "m", 0, nil, "", "v=1"))
	r.push(pt(r.gs, "m", 0, nil, "", "v=2"))
	r.push(pt(r.gs, "m", 1, nil, "", "v=3"))
	check(t, r.c.got, nil)
	if len(r.errs) != 0 {
		t.Errorf("errors %q", r.errs)
	}
}

// The buffer keeps every field kind, and points of one group with other
// shapes, as they were.
func TestCombineKeepsValueKinds(t *testing.T) {
	r := newCombineRig(CombineConfig{Names: []string{"a", "b"}}, tagIs("cpu", "c0"), tagIs("cpu", "c1"))
	host := []string{"host"}
	p0 := pt(r.gs, "cpu", 0, host, "host=h,cpu=c0")
	p0.SetField("s", pipeline.Value{Kind: pipeline.String, S: "x"})
	p0.SetField("i", pipeline.IntValue(-3))
	p0.SetField("ok", pipeline.Value{Kind: pipeline.Bool, B: true})
	p1 := pt(r.gs, "cpu", 0, host, "host=h,cpu=c1", "f=1.5")
	p1.SetField("t", pipeline.Value{Kind: pipeline.String, S: "y"})
	r.push(p0)
	r.push(p1)
	r.push(pt(r.gs, "cpu", 10, host, "host=h,cpu=c9", "f=0"))
	if len(r.c.got) != 1 {
		t.Fatalf("got %q", r.c.got)
	}
	got := r.c.got[0]
	for _, want := range []string{"a.s=", "x", "a.i=-3", "a.ok=true", "b.f=1.5", "y", "a.cpu=c0", "b.cpu=c1", "host=h"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}
