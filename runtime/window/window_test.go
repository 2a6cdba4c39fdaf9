package window

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Times in these tests are in seconds; sec converts them.
const sec = int64(time.Second)

// got is an emitted batch reduced to what the tests check: its time and
// the times of its points, in seconds.
type got struct {
	tmax  int64
	times []int64
}

func (g got) String() string { return fmt.Sprintf("%d%v", g.tmax, g.times) }

// run pushes points at the given times (seconds) through one window and
// returns what it emitted.
func run(t *testing.T, cfg Config, times ...int64) []got {
	t.Helper()
	n, err := NewNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out []got
	p := &pipeline.Point{Name: "m", Fields: []pipeline.Field{{Key: "v", Value: pipeline.IntValue(0)}}}
	for _, ts := range times {
		p.Time = ts * sec
		p.Fields[0].Value.I = ts
		n.Push(p, func(b *pipeline.Batch) {
			g := got{tmax: b.TMax / sec, times: []int64{}}
			for _, q := range b.Points {
				if q.Time/sec != q.Fields[0].Value.I {
					t.Fatalf("point at %d carries the value of %d", q.Time/sec, q.Fields[0].Value.I)
				}
				g.times = append(g.times, q.Time/sec)
			}
			out = append(out, g)
		})
	}
	return out
}

func check(t *testing.T, cfg Config, times []int64, want string) {
	t.Helper()
	var parts []string
	for _, g := range run(t, cfg, times...) {
		parts = append(parts, g.String())
	}
	if s := strings.Join(parts, " "); s != want {
		t.Errorf("%+v on %v:\n got %s\nwant %s", cfg, times, s, want)
	}
}

func s(d int64) time.Duration { return time.Duration(d * sec) }

func TestTimeWindows(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		times []int64
		want  string // "tmax[point times] ..."
	}{
		{
			// The first window starts at the first point: emit times 13,
			// 23, 33. A window is [E-10, E): 13 opens the second window.
			// The partial window [33, 43) holding 35 is never emitted.
			name:  "tumbling",
			cfg:   Config{Period: s(10), Every: s(10)},
			times: []int64{3, 8, 12, 13, 22, 23, 35},
			want:  "13[3 8 12] 23[13 22] 33[23]",
		},
		{
			// align: emit times on multiples of every.
			name:  "aligned",
			cfg:   Config{Period: s(10), Every: s(10), Align: true},
			times: []int64{7, 9, 10, 19, 20, 21},
			want:  "10[7 9] 20[10 19]",
		},
		{
			// Points at the same time as the emitting one go to the next
			// window.
			name:  "same time",
			cfg:   Config{Period: s(10), Every: s(10)},
			times: []int64{0, 10, 10, 10, 20},
			want:  "10[0] 20[10 10 10]",
		},
		{
			name:  "overlapping",
			cfg:   Config{Period: s(20), Every: s(10)},
			times: []int64{0, 5, 10, 15, 20, 25, 30, 35, 40},
			want:  "10[0 5] 20[0 5 10 15] 30[10 15 20 25] 40[20 25 30 35]",
		},
		{
			// The next emit time counts from the emitting point, not from
			// the previous emit time: 10, then 14+10.
			name:  "next emit from point",
			cfg:   Config{Period: s(10), Every: s(10)},
			times: []int64{0, 14, 23, 24, 30},
			want:  "10[0] 24[14 23]",
		},
		{
			// A gap gives one batch (the previous window), not one per
			// missed period.
			name:  "gap",
			cfg:   Config{Period: s(10), Every: s(10)},
			times: []int64{0, 5, 100, 115},
			want:  "10[0 5] 110[100]",
		},
		{
			// period < every: a window can be empty, and is emitted.
			name:  "empty window",
			cfg:   Config{Period: s(5), Every: s(10)},
			times: []int64{0, 1, 10},
			want:  "10[]",
		},
		{
			// A late point is buffered and emitted with the next window;
			// the purge only drops points at the front of the buffer.
			name:  "late point",
			cfg:   Config{Period: s(10), Every: s(10)},
			times: []int64{0, 5, 12, 3, 22, 25, 32},
			want:  "10[0 5] 22[12 3] 32[22 25]",
		},
		{
			// A late point at the front is dropped by the purge.
			name:  "late point purged",
			cfg:   Config{Period: s(10), Every: s(10)},
			times: []int64{0, 15, 1, 2, 30},
			want:  "10[0] 25[15 1 2]",
		},
		{
			name:  "fill period",
			cfg:   Config{Period: s(30), Every: s(10), FillPeriod: true},
			times: []int64{0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50},
			want:  "30[0 5 10 15 20 25] 40[10 15 20 25 30 35] 50[20 25 30 35 40 45]",
		},
		{
			// 7+30 = 37, aligned down to 30, is not after 37: first emit
			// at 40, and 7 is dropped from it.
			name:  "fill period aligned",
			cfg:   Config{Period: s(30), Every: s(10), FillPeriod: true, Align: true},
			times: []int64{7, 17, 27, 37, 40, 47, 50},
			want:  "40[17 27 37] 50[27 37 40 47]",
		},
		{
			// Even an aligned first point waits one more every: 0+30 is not
			// after 30.
			name:  "fill period aligned start",
			cfg:   Config{Period: s(30), Every: s(10), FillPeriod: true, Align: true},
			times: []int64{0, 10, 20, 30, 40},
			want:  "40[10 20 30]",
		},
		{
			// every == 0: emit on every point, the window is (t-10, t].
			name:  "every zero",
			cfg:   Config{Period: s(10)},
			times: []int64{0, 5, 10, 12, 25},
			want:  "0[0] 5[0 5] 10[5 10] 12[5 10 12] 25[25]",
		},
		{
			// every == 0 with fillPeriod: nothing before t0+period.
			name:  "every zero fill period",
			cfg:   Config{Period: s(10), FillPeriod: true},
			times: []int64{0, 5, 10, 12},
			want:  "10[5 10] 12[5 10 12]",
		},
		{
			// every == 0: a point before the last emit time is buffered
			// without emitting, and survives behind newer points.
			name:  "every zero late",
			cfg:   Config{Period: s(10)},
			times: []int64{0, 5, 12, 8, 20},
			want:  "0[0] 5[0 5] 12[5 12] 20[12 8 20]",
		},
		{
			// align has no effect with every == 0.
			name:  "every zero aligned",
			cfg:   Config{Period: s(10), Align: true},
			times: []int64{3, 7},
			want:  "3[3] 7[3 7]",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.cfg, tc.times, tc.want) })
	}
}

func TestCountWindows(t *testing.T) {
	seq := func(n int64) []int64 {
		var ts []int64
		for i := int64(1); i <= n; i++ {
			ts = append(ts, i)
		}
		return ts
	}
	tests := []struct {
		name  string
		cfg   Config
		times []int64
		want  string
	}{
		{"5 every 3", Config{PeriodCount: 5, EveryCount: 3}, seq(10), "3[1 2 3] 6[2 3 4 5 6] 9[5 6 7 8 9]"},
		{"5 every 3 fill", Config{PeriodCount: 5, EveryCount: 3, FillPeriod: true}, seq(11), "5[1 2 3 4 5] 8[4 5 6 7 8] 11[7 8 9 10 11]"},
		{"2 every 3", Config{PeriodCount: 2, EveryCount: 3}, seq(6), "3[2 3] 6[5 6]"},
		{"2 every 1", Config{PeriodCount: 2, EveryCount: 1}, seq(3), "1[1] 2[1 2] 3[2 3]"},
		// TMax is the time of the newest point, not the latest time.
		{"out of order", Config{PeriodCount: 3, EveryCount: 2}, []int64{5, 3, 9, 1}, "3[5 3] 1[3 9 1]"},
		// Count windows ignore time entirely.
		{"ignores time", Config{PeriodCount: 2, EveryCount: 2, Period: 0}, []int64{100, 0, 0, 0}, "0[100 0] 0[0 0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.cfg, tc.times, tc.want) })
	}
}

// TestRingQuirks pins the cases where Kapacitor's ring buffer keeps points
// that a plain "drop from the front while too old" purge would drop, or
// drops points it would keep. TestAgainstModel covers them at random.
func TestRingQuirks(t *testing.T) {
	// An ordinary wrap-around, no quirk. The ring grows to 2, then 6
	// slots:
	//   0 1 2 | slots 0-2; emit 10 keeps >= 0: [0 1 2], next 22
	//   12-14 | slots 3-5: the ring is full
	//   22    | emit 22 keeps >= 12: [12 13 14], start = 3; 22 wraps to
	//         | slot 0
	//   9     | late, slot 1
	//   32    | keeps >= 22: slot 5 (14) is dropped, so slots 3-5 all are;
	//         | from slot 0, 22 is kept and the late 9 behind it stays
	check(t, Config{Period: s(10), Every: s(10)}, []int64{0, 1, 2, 12, 13, 14, 22, 9, 32},
		"10[0 1 2] 22[12 13 14] 32[22 9]")

	// Quirk 1, in-order data: when a purge empties the ring with its start
	// at the end of the array, the next insert wraps to slot 0 and the
	// start stays past the end. The next purge, seeing the last slot kept,
	// scans nothing: every point is kept, however old.
	//   0 1   | slots 0-1 of 2; emit 10 keeps >= 5: none, start = stop = 2
	//   10 16 | slots 0-1; start = stop = 2, the ring is full
	//   20    | keeps >= 15, but emits 10 and 16
	check(t, Config{Period: s(5), Every: s(10)}, []int64{0, 1, 10, 16, 20}, "10[] 20[10 16]")
	check(t, Config{Period: s(10), Every: s(20)}, []int64{11, 11, 54, 71, 74}, "31[] 74[54 71]")

	// Quirk 2, out-of-order data: in a wrapped ring whose last slot is to
	// be dropped, every slot from the start to the end of the array is
	// dropped unseen, even one that should be kept.
	//   0 1 2  | slots 0-2 of 6; emit 100 keeps >= 90: none, start = 3
	//   100    | slot 3 (next emit 200)
	//   195 50 | slots 4 and 5 (50 is late)
	//   150    | wraps to slot 0
	//   200    | keeps >= 190: slot 5 (50) is dropped, so slots 3-5 are,
	//          | 195 included; slot 0 (150) is dropped too
	check(t, Config{Period: s(10), Every: s(100)}, []int64{0, 1, 2, 100, 195, 50, 150, 200}, "100[] 200[]")
}

func TestBatchContents(t *testing.T) {
	groups := pipeline.NewGroups()
	n, err := NewNode(Config{Period: s(10), Every: s(10)})
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline.Point{
		Name: "cpu",
		Tags: []pipeline.Tag{{Key: "cpu", Value: "cpu0"}, {Key: "host", Value: "a"}},
		Fields: []pipeline.Field{
			{Key: "b", Value: pipeline.BoolValue(true)},
			{Key: "f", Value: pipeline.FloatValue(1.5)},
			{Key: "i", Value: pipeline.IntValue(-3)},
			{Key: "s", Value: pipeline.StringValue("x")},
		},
	}
	p.Group = groups.By(p, []string{"host"}, false)
	var batches []pipeline.Batch
	emit := func(b *pipeline.Batch) {
		// Modifying the batch must not disturb the window.
		for i := range b.Points {
			b.Points[i].SetField("zz", pipeline.IntValue(1))
			b.Points[i].Fields[0].Value.B = false
			b.Points[i].Tags[0].Value = "changed"
		}
		c := *b
		c.Points = nil
		for i := range b.Points {
			c.Points = append(c.Points, b.Points[i].Clone())
		}
		c.Tags = append([]pipeline.Tag(nil), b.Tags...)
		batches = append(batches, c)
	}
	n.Push(p, emit)
	// The caller reuses its point: the window must have copied it.
	p.Name = "other"
	p.Time = 5 * sec
	p.Tags = append(p.Tags[:0], pipeline.Tag{Key: "host", Value: "a"})
	p.Fields = append(p.Fields[:0], pipeline.Field{Key: "f", Value: pipeline.FloatValue(math.Inf(-1))})
	n.Push(p, emit)
	p.Time = 10 * sec
	n.Push(p, emit)
	p.Time = 20 * sec
	n.Push(p, emit)

	g := groups.By(&pipeline.Point{Tags: []pipeline.Tag{{Key: "host", Value: "a"}}}, []string{"host"}, false)
	want := []pipeline.Batch{
		{Name: "cpu", TMax: 10 * sec, Group: g, Tags: []pipeline.Tag{{Key: "host", Value: "a"}}, Points: []pipeline.Point{
			{Name: "cpu", Time: 0, Group: g,
				Tags: []pipeline.Tag{{Key: "cpu", Value: "changed"}, {Key: "host", Value: "a"}},
				Fields: []pipeline.Field{
					{Key: "b", Value: pipeline.BoolValue(false)},
					{Key: "f", Value: pipeline.FloatValue(1.5)},
					{Key: "i", Value: pipeline.IntValue(-3)},
					{Key: "s", Value: pipeline.StringValue("x")},
					{Key: "zz", Value: pipeline.IntValue(1)},
				}},
			{Name: "cpu", Time: 5 * sec, Group: g,
				Tags: []pipeline.Tag{{Key: "host", Value: "changed"}},
				Fields: []pipeline.Field{
					{Key: "f", Value: pipeline.FloatValue(math.Inf(-1))},
					{Key: "zz", Value: pipeline.IntValue(1)},
				}},
		}},
		{Name: "cpu", TMax: 20 * sec, Group: g, Tags: []pipeline.Tag{{Key: "host", Value: "a"}}, Points: []pipeline.Point{
			{Name: "cpu", Time: 10 * sec, Group: g,
				Tags: []pipeline.Tag{{Key: "host", Value: "changed"}},
				Fields: []pipeline.Field{
					{Key: "f", Value: pipeline.FloatValue(math.Inf(-1))},
					{Key: "zz", Value: pipeline.IntValue(1)},
				}},
		}},
	}
	if !reflect.DeepEqual(batches, want) {
		t.Errorf("got  %+v\nwant %+v", batches, want)
	}
	if g.Tags[0].Value != "a" {
		t.Errorf("the group's tags were modified through the batch")
	}
}

func TestUngroupedAndCardinality(t *testing.T) {
	n, _ := NewNode(Config{PeriodCount: 1, EveryCount: 1})
	groups := pipeline.NewGroups()
	var tags [][]pipeline.Tag
	emit := func(b *pipeline.Batch) { tags = append(tags, b.Tags) }
	p := &pipeline.Point{Name: "m", Tags: []pipeline.Tag{{Key: "host", Value: "a"}}}
	n.Push(p, emit) // no group at all
	p.Group = groups.Root()
	n.Push(p, emit)
	p.Group = groups.By(p, []string{"host"}, false)
	n.Push(p, emit)
	if n.Cardinality() != 3 {
		t.Errorf("cardinality %d, want 3", n.Cardinality())
	}
	want := [][]pipeline.Tag{nil, nil, {{Key: "host", Value: "a"}}}
	if !reflect.DeepEqual(tags, want) {
		t.Errorf("batch tags %v, want %v", tags, want)
	}
}

// TestReentrantEmit checks that an emit that leads back to the same node
// (possible only through a loop in the generated code) gets a batch of its
// own rather than the one being emitted.
func TestReentrantEmit(t *testing.T) {
	n, _ := NewNode(Config{PeriodCount: 2, EveryCount: 1})
	groups := pipeline.NewGroups()
	a := &pipeline.Point{Name: "a", Tags: []pipeline.Tag{{Key: "g", Value: "a"}}}
	a.Group = groups.By(a, []string{"g"}, false)
	b := &pipeline.Point{Name: "b", Tags: []pipeline.Tag{{Key: "g", Value: "b"}}, Time: 7}
	b.Group = groups.By(b, []string{"g"}, false)
	var inner, outer string
	n.Push(a, func(x *pipeline.Batch) {
		n.Push(b, func(y *pipeline.Batch) { inner = y.Name + y.Points[0].Tags[0].Value })
		outer = x.Name + x.Points[0].Tags[0].Value
	})
	if inner != "bb" || outer != "aa" {
		t.Errorf("inner %q outer %q, want bb aa", inner, outer)
	}
}

func TestSteadyStateAllocs(t *testing.T) {
	for _, cfg := range []Config{
		{Period: s(60), Every: s(60)},
		{Period: s(120), Every: s(30)},
		{Period: s(60)},
		{PeriodCount: 6, EveryCount: 6},
	} {
		n, _ := NewNode(cfg)
		groups := pipeline.NewGroups()
		p := &pipeline.Point{
			Name:   "cpu",
			Tags:   []pipeline.Tag{{Key: "cpu", Value: "cpu-total"}, {Key: "host", Value: "a"}},
			Fields: []pipeline.Field{{Key: "usage_idle", Value: pipeline.FloatValue(1)}, {Key: "usage_user", Value: pipeline.FloatValue(2)}},
		}
		p.Group = groups.By(p, []string{"host"}, false)
		var sum float64
		emit := func(b *pipeline.Batch) {
			for i := range b.Points {
				sum += b.Points[i].Fields[0].Value.F
			}
		}
		push := func() {
			p.Time += 10 * sec
			n.Push(p, emit)
		}
		for range 100 {
			push()
		}
		if a := testing.AllocsPerRun(1000, push); a != 0 {
			t.Errorf("%+v: %v allocations per point", cfg, a)
		}
	}
}

func TestBarrier(t *testing.T) {
	n, _ := NewNode(Config{Period: s(10), Every: s(10)})
	p := &pipeline.Point{Name: "m"}
	var out []string
	emit := func(b *pipeline.Batch) { out = append(out, fmt.Sprint(b.TMax/sec, len(b.Points))) }
	w := n.New()
	w.Barrier(100*sec, emit) // not started: ignored
	p.Time = 0
	w.Push(p, emit)
	w.Barrier(5*sec, emit)  // before the emit time
	w.Barrier(12*sec, emit) // emits [0, 10) at 10; next 22
	w.Barrier(21*sec, emit)
	w.Barrier(22*sec, emit) // emits [12, 22): empty
	if got := strings.Join(out, " "); got != "10 1 22 0" {
		t.Errorf("got %q", got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Period: s(1), Every: s(1)}, ""},
		{Config{Period: s(1)}, ""},
		{Config{PeriodCount: 1, EveryCount: 1}, ""},
		{Config{}, "window node must have either a non zero period or non zero period count"},
		{Config{Period: s(1), PeriodCount: 1, EveryCount: 1}, "cannot specify both period and periodCount"},
		{Config{PeriodCount: 1, EveryCount: 1, Align: true}, "can only align windows based off time, not count"},
		{Config{PeriodCount: 1}, "everyCount must be greater than zero"},
		{Config{PeriodCount: -1, EveryCount: 1}, "periodCount must be greater than zero"},
	}
	for _, tc := range tests {
		err := tc.cfg.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.cfg, got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	// Go truncates from its zero time (a Monday), not from the Unix epoch
	// (a Thursday): weekly windows align on Mondays.
	week := 7 * 24 * time.Hour
	if got, want := truncate(0, week), -3*24*int64(time.Hour); got != want {
		t.Errorf("truncate(0, 1w) = %d, want %d", got, want)
	}
	if got := truncate(61*sec, time.Minute); got != 60*sec {
		t.Errorf("truncate(61s, 1m) = %d", got)
	}
	if got := truncate(-1, time.Minute); got != -60*sec {
		t.Errorf("truncate(-1ns, 1m) = %d", got)
	}
	if got := truncate(7, 0); got != 7 {
		t.Errorf("truncate(7, 0) = %d", got)
	}
}

// TestMixedShapes interleaves points of several shapes in one group: tag
// sets, and fields of every kind, more of them than the first point had.
// Every emitted point must be the one pushed at its time, and once the
// shapes are known, pushing allocates nothing.
func TestMixedShapes(t *testing.T) {
	shapes := []struct {
		tags   []pipeline.Tag
		fields func(i int64) []pipeline.Field
	}{
		{[]pipeline.Tag{{Key: "cpu", Value: "cpu0"}}, func(i int64) []pipeline.Field {
			return []pipeline.Field{{Key: "f", Value: pipeline.FloatValue(float64(i) / 2)}}
		}},
		{[]pipeline.Tag{{Key: "cpu", Value: "cpu1"}}, func(i int64) []pipeline.Field {
			return []pipeline.Field{
				{Key: "b", Value: pipeline.BoolValue(i%3 == 0)},
				{Key: "f", Value: pipeline.FloatValue(-float64(i))},
				{Key: "i", Value: pipeline.IntValue(i)},
				{Key: "s", Value: pipeline.StringValue(fmt.Sprint("s", i))},
			}
		}},
		{nil, func(i int64) []pipeline.Field {
			return []pipeline.Field{
				{Key: "s", Value: pipeline.StringValue(fmt.Sprint("a", i))},
				{Key: "t", Value: pipeline.StringValue(fmt.Sprint("b", i))},
			}
		}},
	}
	groups := pipeline.NewGroups()
	group := groups.By(&pipeline.Point{}, nil, false)
	for _, cfg := range []Config{
		{Period: s(5)},
		{Period: s(7), Every: s(3)},
		{PeriodCount: 5, EveryCount: 2},
	} {
		n, _ := NewNode(cfg)
		pushed := map[int64]pipeline.Point{}
		batches := 0
		emit := func(b *pipeline.Batch) {
			batches++
			for _, q := range b.Points {
				want := pushed[q.Time]
				want.Name, want.Group = "m", group
				if len(q.Tags) == 0 {
					q.Tags = nil // an empty tag set: nil or not
				}
				if !reflect.DeepEqual(q, want) {
					t.Fatalf("%+v: got %+v, want %+v", cfg, q, want)
				}
			}
		}
		p := &pipeline.Point{Name: "m", Group: group}
		i := int64(1) // no point is all zeros
		push := func() {
			sh := shapes[(i-1)%int64(len(shapes))] // each wider than the one before
			p.Time = i * sec
			p.Tags = append(p.Tags[:0], sh.tags...)
			p.Fields = append(p.Fields[:0], sh.fields(i)...)
			pushed[p.Time] = p.Clone()
			n.Push(p, emit)
			i++
		}
		for range 60 {
			push()
		}
		if batches == 0 {
			t.Fatalf("%+v: no batches", cfg)
		}
		fields := []pipeline.Field{{Key: "f", Value: pipeline.FloatValue(1)}}
		allocs := testing.AllocsPerRun(100, func() {
			p.Time = i * sec
			p.Tags = append(p.Tags[:0], shapes[0].tags...)
			p.Fields = append(p.Fields[:0], fields...)
			n.Push(p, func(*pipeline.Batch) {})
			i++
		})
		if allocs != 0 {
			t.Errorf("%+v: %v allocations per point of a known shape", cfg, allocs)
		}
	}
}

// TestShapesSharedAcrossGroups: the windows of hosts whose points differ
// only in the group's dimension share one shape, which takes the host from
// each window's group; a tag that is not a dimension keeps its own value.
func TestShapesSharedAcrossGroups(t *testing.T) {
	groups := pipeline.NewGroups()
	n, err := NewNode(Config{Period: s(10), Every: s(10)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	emit := func(b *pipeline.Batch) {
		for _, p := range b.Points {
			got = append(got, fmt.Sprintf("%v", p.Tags))
		}
	}
	push := func(ts int64, host, cpu string) *Window {
		p := &pipeline.Point{Name: "cpu", Time: ts * sec,
			Tags:   []pipeline.Tag{{Key: "cpu", Value: cpu}, {Key: "host", Value: host}},
			Fields: []pipeline.Field{{Key: "v", Value: pipeline.FloatValue(1)}}}
		p.Group = groups.By(p, []string{"host"}, false)
		n.Push(p, emit)
		w, _ := n.windows.Get(p.Group)
		return w
	}
	a := push(0, "a", "total")
	b := push(0, "b", "total")
	c := push(0, "c", "cpu0")
	if a.buf.shape != b.buf.shape {
		t.Error("hosts a and b have shapes of their own")
	}
	if a.buf.shape == c.buf.shape {
		t.Error("cpu0 and total share a shape")
	}
	for _, h := range []string{"a", "b", "c"} {
		push(10, h, "total")
	}
	want := []string{"[{cpu total} {host a}]", "[{cpu total} {host b}]", "[{cpu cpu0} {host c}]"}
	if !slices.Equal(got, want) {
		t.Errorf("emitted tags %v, want %v", got, want)
	}
}
