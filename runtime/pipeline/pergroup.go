package pipeline

// Lookup returns the state of g, or nil if it has none (unlike Get, it
// creates nothing).
func (s *PerGroup[T]) Lookup(g *Group) *T {
	if g.Index < len(s.states) {
		return s.states[g.Index]
	}
	return nil
}

// Delete forgets the state of g, as a barrier's .delete(true) does.
func (s *PerGroup[T]) Delete(g *Group) {
	if g.Index < len(s.states) && s.states[g.Index] != nil {
		s.states[g.Index] = nil
		s.count--
	}
}
