package pipeline

// Group identifies the group a point belongs to, as Kapacitor's group ID
// does: the measurement (when grouped by it) and the dimension tags.
// Groups are interned per task, so they compare by pointer, and each has a
// dense index for per-group state slices.
type Group struct {
	ID     string // "host=server1,cpu=cpu0"; "" when not grouped
	Name   string // measurement, when ByName
	ByName bool
	Tags   []Tag // the dimension tags, sorted by key
	Index  int   // dense index within the task's Groups
}

// Groups interns the groups of one task.
type Groups struct {
	byKey map[string]*Group
	list  []*Group
	key   []byte // scratch for lookups without allocation
	tags  []Tag
}

// NewGroups returns a registry holding the ungrouped group at index 0.
func NewGroups() *Groups {
	r := &Groups{byKey: map[string]*Group{}}
	r.intern("", "", false, nil)
	return r
}

// Root is the group of points that are not grouped.
func (r *Groups) Root() *Group { return r.list[0] }

// Len is the number of groups so far.
func (r *Groups) Len() int { return len(r.list) }

func (r *Groups) intern(key, name string, byName bool, tags []Tag) *Group {
	g := &Group{ID: key, Name: name, ByName: byName, Tags: tags, Index: len(r.list)}
	r.byKey[key] = g
	r.list = append(r.list, g)
	return g
}

// By returns the group of p for the dimensions dims (sorted tag keys). A
// missing tag is an empty value, as in Kapacitor.
func (r *Groups) By(p *Point, dims []string, byName bool) *Group {
	r.key = r.key[:0]
	r.tags = r.tags[:0]
	if byName {
		r.key = append(r.key, p.Name...)
		r.key = append(r.key, '\n')
	}
	for i, d := range dims {
		v, _ := p.Tag(d)
		if i > 0 {
			r.key = append(r.key, ',')
		}
		r.key = append(r.key, d...)
		r.key = append(r.key, '=')
		r.key = append(r.key, v...)
		r.tags = append(r.tags, Tag{Key: d, Value: v})
	}
	return r.lookup(p.Name, byName)
}

// ByAll returns the group of p for groupBy(*): every tag except excluded.
func (r *Groups) ByAll(p *Point, exclude []string, byName bool) *Group {
	r.key = r.key[:0]
	r.tags = r.tags[:0]
	if byName {
		r.key = append(r.key, p.Name...)
		r.key = append(r.key, '\n')
	}
	for _, t := range p.Tags {
		if contains(exclude, t.Key) {
			continue
		}
		if len(r.tags) > 0 {
			r.key = append(r.key, ',')
		}
		r.key = append(r.key, t.Key...)
		r.key = append(r.key, '=')
		r.key = append(r.key, t.Value...)
		r.tags = append(r.tags, t)
	}
	return r.lookup(p.Name, byName)
}

func (r *Groups) lookup(name string, byName bool) *Group {
	if g, ok := r.byKey[string(r.key)]; ok { // no allocation on a hit
		return g
	}
	if !byName {
		name = ""
	}
	return r.intern(string(r.key), name, byName, append([]Tag(nil), r.tags...))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// PerGroup holds one node's state for each group, indexed by Group.Index.
type PerGroup[T any] struct {
	states []*T
	count  int
}

// Get returns the state of g; isNew reports that it was just created (as
// the zero T), so the caller can initialise it.
func (s *PerGroup[T]) Get(g *Group) (st *T, isNew bool) {
	if g.Index < len(s.states) {
		if st := s.states[g.Index]; st != nil {
			return st, false
		}
	} else {
		s.states = append(s.states, make([]*T, g.Index+1-len(s.states))...)
	}
	st = new(T)
	s.states[g.Index] = st
	s.count++
	return st, true
}

// Each calls f for every group's state in order of group creation.
func (s *PerGroup[T]) Each(f func(*T)) {
	for _, st := range s.states {
		if st != nil {
			f(st)
		}
	}
}

// Cardinality is the number of groups with state: Kapacitor's
// working_cardinality statistic.
func (s *PerGroup[T]) Cardinality() int { return s.count }

// Dim returns the value of the group's dimension key, and whether it has
// one; a nil group (points that are not grouped) has none.
func (g *Group) Dim(key string) (string, bool) {
	if g == nil {
		return "", false
	}
	for _, t := range g.Tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}
