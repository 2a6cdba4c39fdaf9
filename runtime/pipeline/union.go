package pipeline

// Union merges the points of several parents in time order, as Kapacitor's
// union node does: each parent's points are buffered, and whenever every
// parent has at least one, all buffered points at or before the earliest
// of their first times are emitted, parent by parent. Points of a parent
// that is ahead wait for the others, so the last ones may stay buffered.
type Union struct {
	sources [][]Point
}

// NewUnion returns a union of n parents.
func NewUnion(n int) *Union { return &Union{sources: make([][]Point, n)} }

// Push buffers p from parent src and emits what is ready.
func (u *Union) Push(src int, p *Point, emit func(*Point)) {
	u.sources[src] = append(u.sources[src], p.Clone())
	var mark int64
	for i, buf := range u.sources {
		if len(buf) == 0 {
			return // wait until every parent has a point
		}
		if i == 0 || buf[0].Time < mark {
			mark = buf[0].Time
		}
	}
	for i, buf := range u.sources {
		j := 0
		for ; j < len(buf) && buf[j].Time <= mark; j++ {
			emit(&buf[j])
		}
		// Shift the rest down so the buffer's array is reused.
		u.sources[i] = append(buf[:0], buf[j:]...)
	}
}
