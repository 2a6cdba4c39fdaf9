package pipeline

// Union merges the points of several parents in time order, as Kapacitor's
// union node does (see merger). BatchUnion does the same with batches, by
// their time (TMax).
type Union struct{ m merger[Point] }

// NewUnion returns a union of n parents.
func NewUnion(n int) *Union { return &Union{newMerger[Point](n)} }

// Push buffers a copy of p from parent src and emits what is ready.
func (u *Union) Push(src int, p *Point, emit func(*Point)) {
	u.m.push(src, p.Clone(), p.Time, emit)
}

// BatchUnion merges the batches of several parents in time order.
type BatchUnion struct{ m merger[Batch] }

// NewBatchUnion returns a union of the batches of n parents.
func NewBatchUnion(n int) *BatchUnion { return &BatchUnion{newMerger[Batch](n)} }

// Push buffers a copy of b from parent src and emits what is ready.
func (u *BatchUnion) Push(src int, b *Batch, emit func(*Batch)) {
	u.m.push(src, b.Clone(), b.TMax, emit)
}

// merger is the ordering of Kapacitor's union: each parent's values are
// buffered, and each parent has a low mark, the time of the first value it
// had buffered when last looked at. Once every parent has a low mark, the
// values at or before the earliest mark are emitted, parent by parent, and
// again until nothing more is ready. A parent that is ahead waits for the
// others, so the last values may stay buffered. emit must not keep the
// pointer it gets: the buffer's slot is reused.
type merger[T any] struct {
	sources [][]timed[T]
	marks   []int64
	marked  []bool
}

type timed[T any] struct {
	v    T
	time int64
}

func newMerger[T any](n int) merger[T] {
	return merger[T]{sources: make([][]timed[T], n), marks: make([]int64, n), marked: make([]bool, n)}
}

func (m *merger[T]) push(src int, v T, time int64, emit func(*T)) {
	m.sources[src] = append(m.sources[src], timed[T]{v, time})
	for emitted := true; emitted; {
		emitted = false
		var mark int64
		for i, buf := range m.sources {
			if len(buf) > 0 {
				m.marks[i], m.marked[i] = buf[0].time, true
			}
			if !m.marked[i] {
				return // wait until every parent has sent something
			}
			if i == 0 || m.marks[i] < mark {
				mark = m.marks[i]
			}
		}
		for i, buf := range m.sources {
			j := 0
			for ; j < len(buf) && buf[j].time <= mark; j++ {
				emit(&buf[j].v)
				emitted = true
			}
			// Shift the rest down so the buffer's array is reused.
			n := copy(buf, buf[j:])
			clear(buf[n:])
			m.sources[i] = buf[:n]
		}
	}
}
