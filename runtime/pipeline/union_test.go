package pipeline

import (
	"reflect"
	"testing"
)

func TestUnionMergesInTimeOrder(t *testing.T) {
	u := NewUnion(2)
	var got []int64
	emit := func(p *Point) { got = append(got, p.Time) }
	u.Push(0, &Point{Time: 10}, emit) // parent 1 has sent nothing yet: wait
	u.Push(0, &Point{Time: 20}, emit)
	if len(got) != 0 {
		t.Fatalf("emitted %v before every parent had sent a point", got)
	}
	u.Push(1, &Point{Time: 15}, emit) // marks 10, 15: emits 10; then marks 20, 15: emits 15
	u.Push(1, &Point{Time: 30}, emit) // marks 20, 30: emits 20
	u.Push(0, &Point{Time: 40}, emit) // marks 40, 30: emits 30; 40 waits for parent 1
	want := []int64{10, 15, 20, 30}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("emitted %v, want %v (40 stays buffered)", got, want)
	}
}

// An empty parent keeps the low mark of the last value it had buffered:
// values of the others up to that time go on without waiting for it.
func TestUnionLowMarkOfEmptyParent(t *testing.T) {
	u := NewUnion(2)
	var got []int64
	emit := func(p *Point) { got = append(got, p.Time) }
	u.Push(0, &Point{Time: 10}, emit)
	u.Push(1, &Point{Time: 10}, emit) // both emitted; the marks stay 10, 10
	u.Push(0, &Point{Time: 10}, emit) // at the mark: emitted at once
	u.Push(0, &Point{Time: 11}, emit) // after parent 1's mark: waits
	want := []int64{10, 10, 10}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("emitted %v, want %v", got, want)
	}
}

func TestBatchUnionOrdersByBatchTime(t *testing.T) {
	u := NewBatchUnion(2)
	var got []string
	emit := func(b *Batch) { got = append(got, b.Name) }
	in := &Batch{Name: "a1", TMax: 60, Points: []Point{{Time: 30}}}
	u.Push(0, in, emit)
	in.Points[0].Time = 99 // the union keeps its own copy
	u.Push(0, &Batch{Name: "a2", TMax: 120}, emit)
	u.Push(1, &Batch{Name: "b1", TMax: 60}, emit)
	u.Push(1, &Batch{Name: "b2", TMax: 180}, emit)
	want := []string{"a1", "b1", "a2"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("emitted %v, want %v (b2 waits for parent 0)", got, want)
	}
	var first []Point
	u2 := NewBatchUnion(1)
	u2.Push(0, &Batch{Points: []Point{{Time: 30}}}, func(b *Batch) { first = b.Points })
	if len(first) != 1 || first[0].Time != 30 {
		t.Fatalf("one parent: emitted %+v, want its batch at once", first)
	}
}

// BenchmarkUnion merges two parents' interleaved points, the usual case.
func BenchmarkUnion(b *testing.B) {
	u := NewUnion(2)
	fields := []Field{{Key: "v", Value: FloatValue(1)}}
	tags := []Tag{{Key: "host", Value: "a"}}
	var n int
	emit := func(*Point) { n++ }
	p := Point{Name: "m", Tags: tags, Fields: fields}
	b.ReportAllocs()
	for i := range b.N {
		p.Time = int64(i)
		u.Push(i%2, &p, emit)
	}
	if n < b.N-2 {
		b.Fatalf("emitted %d of %d", n, b.N)
	}
}
