package timer

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2024, 3, 4, 10, 0, 3, 0, time.UTC)

func TestEveryAligned(t *testing.T) {
	s := New(t0)
	var got []string
	s.Every(10*time.Second, true, func(now time.Time) { got = append(got, s.Now().Format("04:05")+"@"+now.Format("04:05")) })
	s.Every(15*time.Second, false, func(now time.Time) { got = append(got, "u"+now.Format("04:05")) })
	s.Advance(t0.Add(40 * time.Second))
	// Aligned: first at 0:10 with the start time, then at 0:20, 0:30, ...
	want := "00:10@00:03 u00:18 00:20@00:20 00:30@00:30 u00:33 00:40@00:40"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got  %s\nwant %s", g, want)
	}
	if next, ok := s.Next(); !ok || !next.Equal(t0.Add(45*time.Second)) {
		t.Errorf("Next = %v, %v", next, ok)
	}
}

func TestAfterResetStop(t *testing.T) {
	s := New(t0)
	var got []string
	var tm interface{ Reset(time.Duration) }
	tm = s.After(5*time.Second, func(now time.Time) {
		got = append(got, now.Sub(t0).String())
		if len(got) < 3 {
			tm.Reset(5 * time.Second)
		}
	})
	s.Advance(t0.Add(3 * time.Second))
	tm.Reset(5 * time.Second) // now due at 8s
	s.Advance(t0.Add(30 * time.Second))
	if g := fmt.Sprint(got); g != "[8s 13s 18s]" {
		t.Errorf("got %s", g)
	}
	stop := s.After(time.Second, func(time.Time) { t.Error("a stopped timer fired") })
	stop.Stop()
	s.Advance(t0.Add(time.Minute))
	if _, ok := s.Next(); ok {
		t.Error("nothing should be due")
	}
}

func TestRebaseAndNoGoingBack(t *testing.T) {
	s := New(t0)
	n := 0
	s.Every(time.Minute, true, func(time.Time) { n++ })
	start := time.Date(2020, 1, 1, 0, 0, 30, 0, time.UTC)
	s.Rebase(start)
	if next, _ := s.Next(); !next.Equal(start.Add(30 * time.Second)) {
		t.Errorf("rebased next = %v", next)
	}
	s.Advance(start.Add(90 * time.Second))
	s.Advance(start) // the past: ignored
	if n != 2 {
		t.Errorf("fired %d times, want 2", n)
	}
}
