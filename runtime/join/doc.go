// Package join is the runtime of the TICKscript nodes that merge several
// points into one: join (points of several parents at the same time),
// combine (a stream's points at the same time with each other) and
// flatten (a group's points at the same time into one point whose field
// names carry tag values).
//
// Each type reproduces the Kapacitor 1.8 node of the same name, including
// when points are emitted: a join emits a set as soon as every parent
// contributed to it, or once every parent has moved past its time; combine
// and flatten emit a time's points when the group's first point of a later
// time arrives, so a group's last time stays buffered, as in Kapacitor. On
// batch edges, a join joins whole batches by their times (and their points
// by theirs), while combine and flatten work within each batch.
//
// Times are rounded to the node's tolerance as Go's time.Time.Round does
// (pipeline.Round). Join and combine keep the points they buffer encoded in
// arrays of words, with what points of a series share (name, field keys,
// tags) kept once (sets.go, compact.go); they let go of them once they are
// emitted or can no longer be.
package join

import (
	"slices"
	"strings"

	"github.com/tickc/tickc/runtime/pipeline"
)

// zeroTime stands for Go's zero time.Time, which Kapacitor uses for "no
// time yet": it is before every time a point can have.
const zeroTime = int64(-1 << 63)

// maxNames bounds each cache of prefixed names; a cache that reaches it
// starts over, so that tag values of unbounded cardinality (flatten) do
// not make it grow forever.
const maxNames = 4096

// prefixer makes the names prefix+key and caches them, so that the field
// and tag names of joined points are made once rather than per point.
type prefixer struct {
	prefix string
	cache  map[string]string
}

func newPrefixers(names []string, delimiter string) []prefixer {
	out := make([]prefixer, len(names))
	for i, n := range names {
		out[i].prefix = n + delimiter
	}
	return out
}

func (p *prefixer) name(key string) string {
	if s, ok := p.cache[key]; ok {
		return s
	}
	if p.cache == nil || len(p.cache) >= maxNames {
		p.cache = make(map[string]string)
	}
	s := p.prefix + key
	// The key may point into a larger buffer (a parsed request): keep a
	// copy of it only.
	p.cache[strings.Clone(key)] = s
	return s
}

// sortFields sorts fields by key, keeping the last of equal keys: the
// result is what Kapacitor's map of fields holds when later writes win.
func sortFields(fs []pipeline.Field) []pipeline.Field {
	cmp := func(a, b pipeline.Field) int { return strings.Compare(a.Key, b.Key) }
	if !slices.IsSortedFunc(fs, cmp) {
		slices.SortStableFunc(fs, cmp)
	}
	out := fs[:0]
	for i := range fs {
		if i+1 < len(fs) && fs[i+1].Key == fs[i].Key {
			continue
		}
		out = append(out, fs[i])
	}
	return out
}

// sortTags is sortFields for tags.
func sortTags(ts []pipeline.Tag) []pipeline.Tag {
	cmp := func(a, b pipeline.Tag) int { return strings.Compare(a.Key, b.Key) }
	if !slices.IsSortedFunc(ts, cmp) {
		slices.SortStableFunc(ts, cmp)
	}
	out := ts[:0]
	for i := range ts {
		if i+1 < len(ts) && ts[i+1].Key == ts[i].Key {
			continue
		}
		out = append(out, ts[i])
	}
	return out
}

// isDimension reports whether key is one of the group's dimensions.
func isDimension(g *pipeline.Group, key string) bool {
	for _, t := range g.Tags {
		if t.Key == key {
			return true
		}
	}
	return false
}
