package pipeline

import (
	"reflect"
	"testing"
)

func TestUnionMergesInTimeOrder(t *testing.T) {
	u := NewUnion(2)
	var got []int64
	emit := func(p *Point) { got = append(got, p.Time) }
	u.Push(0, &Point{Time: 10}, emit) // parent 1 has nothing yet: wait
	u.Push(0, &Point{Time: 20}, emit)
	if len(got) != 0 {
		t.Fatalf("emitted %v before every parent had a point", got)
	}
	u.Push(1, &Point{Time: 15}, emit) // mark 10: emits 10
	u.Push(1, &Point{Time: 30}, emit) // mark 15: emits 15; then 20 waits for parent 1's 30
	u.Push(0, &Point{Time: 40}, emit) // mark 20: emits 20
	want := []int64{10, 15, 20}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("emitted %v, want %v (30 and 40 stay buffered)", got, want)
	}
}
