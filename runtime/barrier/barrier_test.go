package barrier

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/timer"
)

var t0 = time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) int64 { return t0.Add(d).UnixNano() }

func run(t *testing.T, cfg Config) []string {
	s := timer.New(t0)
	var got []string
	a, b := &pipeline.Group{ID: "host=a", Index: 1}, &pipeline.Group{ID: "host=b", Index: 2}
	n, err := New(cfg, s, func(g *pipeline.Group, ts int64, deleted bool) {
		got = append(got, fmt.Sprintf("%s@%v/%v", g.ID, time.Duration(ts-at(0)), deleted))
	})
	if err != nil {
		t.Fatal(err)
	}
	// push delivers a point stamped pt when the clock reads clock.
	push := func(g *pipeline.Group, clock, pt time.Duration) {
		s.Advance(t0.Add(clock))
		if !n.Point(&pipeline.Point{Time: at(pt), Group: g}) {
			got = append(got, fmt.Sprintf("drop %s@%v", g.ID, pt))
		}
	}
	push(a, 0, 0)
	push(b, 0, 0)
	push(a, 5*time.Second, 5*time.Second)
	push(b, 11*time.Second, 8*time.Second) // older than b's barrier at 10s
	push(a, 12*time.Second, 12*time.Second)
	s.Advance(t0.Add(25 * time.Second))
	return got
}

func TestIdle(t *testing.T) {
	got := strings.Join(run(t, Config{Idle: 10 * time.Second}), " ")
	want := "host=b@10s/false drop host=b@8s host=b@20s/false host=a@22s/false"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPeriodDelete(t *testing.T) {
	got := strings.Join(run(t, Config{Period: 10 * time.Second, Delete: true}), " ")
	// Deleted after its barrier, each group starts afresh with its next
	// point (b's late point passes: the group forgot its barrier).
	want := "host=a@10s/true host=b@10s/true host=b@21s/true host=a@22s/true"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := New(Config{}, nil, nil); err == nil {
		t.Error("no idle and no period should fail")
	}
}

func TestBatch(t *testing.T) {
	s := timer.New(t0)
	var got []string
	g := &pipeline.Group{ID: "host=a", Index: 1}
	n, err := New(Config{Idle: 10 * time.Second}, s, func(g *pipeline.Group, ts int64, deleted bool) {
		got = append(got, fmt.Sprintf("barrier@%v", time.Duration(ts-at(0))))
	})
	if err != nil {
		t.Fatal(err)
	}
	batch := func(clock time.Duration, times ...time.Duration) {
		s.Advance(t0.Add(clock))
		b := &pipeline.Batch{Group: g}
		for _, pt := range times {
			b.Points = append(b.Points, pipeline.Point{Time: at(pt)})
		}
		n.Batch(b)
		var kept []string
		for _, p := range b.Points {
			kept = append(kept, time.Duration(p.Time-at(0)).String())
		}
		got = append(got, "["+strings.Join(kept, " ")+"]")
	}
	batch(0)                                             // an empty batch starts the group's timer
	batch(12*time.Second, 9*time.Second, 11*time.Second) // 9s is older than the barrier at 10s
	batch(15*time.Second, 14*time.Second)                // restarts the idle timer: no barrier at 22s
	s.Advance(t0.Add(30 * time.Second))
	want := "[] barrier@10s [11s] [14s] barrier@25s"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got  %s\nwant %s", g, want)
	}
}
