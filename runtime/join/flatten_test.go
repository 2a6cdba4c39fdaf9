package join

import (
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

type flattenRig struct {
	gs   *pipeline.Groups
	node *Flatten
	c    collector
	errs []string
}

func newFlattenRig(cfg FlattenConfig) *flattenRig {
	r := &flattenRig{gs: pipeline.NewGroups()}
	if cfg.Delimiter == "" {
		cfg.Delimiter = "."
	}
	r.node = NewFlatten(cfg, r.c.emit, func(err error) { r.errs = append(r.errs, err.Error()) })
	return r
}

func TestFlattenPerGroup(t *testing.T) {
	r := newFlattenRig(FlattenConfig{On: []string{"cpu"}, Tolerance: time.Second})
	host := []string{"host"}
	r.node.Push(pt(r.gs, "cpu", 0.2, host, "host=h1,cpu=c0,dc=x", "idle=1", "user=2"))
	r.node.Push(pt(r.gs, "cpu", 0.1, host, "host=h2,cpu=c0", "idle=5"))
	r.node.Push(pt(r.gs, "cpu", -0.3, host, "host=h1,cpu=c1", "idle=3"))
	r.node.Push(pt(r.gs, "other", 0, host, "host=h1,cpu=c0", "idle=4")) // overwrites c0.idle
	check(t, r.c.got, nil)
	r.node.Push(pt(r.gs, "cpu", 10, host, "host=h1,cpu=c0", "idle=6"))
	// The group's first name and its tags, at the rounded time.
	check(t, r.c.got, []string{"0s cpu [host=h1] c0.idle=4 c0.user=2 c1.idle=3"})
	if r.node.Cardinality() != 2 {
		t.Errorf("cardinality %d, want 2", r.node.Cardinality())
	}
}

func TestFlattenNames(t *testing.T) {
	for _, tc := range []struct {
		cfg  FlattenConfig
		want string
	}{
		{FlattenConfig{On: []string{"host", "cpu"}, Delimiter: "_"}, "0s m [] h_c_a=1 h_c_b=2"},
		{FlattenConfig{On: []string{"host", "cpu"}, DropOriginalFieldName: true}, "0s m [] h.c=2"},
		{FlattenConfig{}, "0s m [] a=1 b=2"},
		{FlattenConfig{DropOriginalFieldName: true}, "0s m [] =2"},
	} {
		r := newFlattenRig(tc.cfg)
		r.node.Push(pt(r.gs, "m", 0, nil, "host=h,cpu=c", "a=1", "b=2"))
		r.node.Push(pt(r.gs, "m", 1, nil, "host=h,cpu=c", "a=3"))
		check(t, r.c.got, []string{tc.want})
	}
}

func TestFlattenMissingTag(t *testing.T) {
	r := newFlattenRig(FlattenConfig{On: []string{"host", "cpu"}})
	r.node.Push(pt(r.gs, "m", 0, nil, "host=h1", "a=1"))
	r.node.Push(pt(r.gs, "m", 1, nil, "host=h2", "a=2"))
	r.node.Push(pt(r.gs, "m", 2, nil, "", "a=3"))
	// Points without a tag are left out and counted; with no field left
	// nothing is emitted.
	check(t, r.c.got, nil)
	if len(r.errs) != 2 || r.errs[1] != "point missing tag for flatten operation: tag cpu is missing from point" {
		t.Errorf("errors %q", r.errs)
	}
	// As in Kapacitor, what the points missing cpu wrote of their names
	// (h1, then h2) stays in front of the next name.
	r.node.Push(pt(r.gs, "m", 2, nil, "host=h3,cpu=c", "a=4"))
	r.node.Push(pt(r.gs, "m", 3, nil, "", "a=5"))
	check(t, r.c.got, []string{"2s m [] h1h2h3.c.a=4"})
}
