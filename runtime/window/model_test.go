package window

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// model is a test oracle for time windows: Kapacitor's windowByTime and
// windowTimeBuffer restated over bare times, with a Go slice whose length
// and capacity evolve as Kapacitor's do (the purge depends on them).
type model struct {
	period, every int64
	align, fill   bool
	started       bool
	next          int64
	buf           []int64
	start, stop   int
	size          int
	naive         bool // purge by popping the front only, ignoring the layout
}

func (m *model) trunc(t int64) int64 { return truncate(t, time.Duration(m.every)) }

func (m *model) push(t int64) (tmax int64, pts []int64, ok bool) {
	if !m.started {
		m.started = true
		if m.fill {
			m.next = t + m.period
			if m.align {
				first := m.next
				if m.next = m.trunc(m.next); m.next <= first {
					m.next += m.every
				}
			}
		} else if m.next = t + m.every; m.align {
			m.next = m.trunc(m.next)
		}
	}
	if m.every == 0 {
		m.insert(t)
		if t >= m.next {
			m.purge(t-m.period, false)
			tmax, pts, ok = t, m.points(), true
			m.next = t
		}
		return
	}
	if t >= m.next {
		m.purge(m.next-m.period, true)
		tmax, pts, ok = m.next, m.points(), true
		if m.next = t + m.every; m.align {
			m.next = m.trunc(m.next)
		}
	}
	m.insert(t)
	return
}

func (m *model) insert(t int64) {
	if m.size == cap(m.buf) {
		grown := make([]int64, 0, 2*(m.size+1))
		grown = append(grown, m.points()...)
		m.buf = append(grown, 0) // Kapacitor leaves one more element
		m.start, m.stop = 0, m.size
	}
	if len(m.buf) == cap(m.buf) && m.stop == len(m.buf) {
		m.stop = 0
	}
	if m.stop == len(m.buf) {
		m.buf = append(m.buf, t)
	} else {
		m.buf[m.stop] = t
	}
	m.size++
	m.stop++
}

func (m *model) purge(oldest int64, inclusive bool) {
	keep := func(t int64) bool { return t > oldest || inclusive && t == oldest }
	if m.naive {
		pts := m.points()
		i := 0
		for i < len(pts) && !keep(pts[i]) {
			i++
		}
		m.buf = append(make([]int64, 0, cap(m.buf)), pts[i:]...)
		m.start, m.stop, m.size = 0, len(m.buf), len(m.buf)
		return
	}
	l := len(m.buf)
	if l == 0 {
		return
	}
	switch {
	case m.start < m.stop:
		for m.start < m.stop && !keep(m.buf[m.start]) {
			m.start++
		}
		m.size = m.stop - m.start
	case keep(m.buf[l-1]):
		for m.start < l && !keep(m.buf[m.start]) {
			m.start++
		}
		m.size = l - m.start + m.stop
	default:
		for m.start = 0; m.start < m.stop && !keep(m.buf[m.start]); m.start++ {
		}
		m.size = m.stop - m.start
	}
}

func (m *model) points() []int64 {
	if m.size == 0 {
		return []int64{}
	}
	if m.start < m.stop {
		return slices.Clone(m.buf[m.start:m.stop])
	}
	return append(slices.Clone(m.buf[m.start:]), m.buf[:m.stop]...)
}

// modelRun returns what the model emits for times, formatted like check's
// want strings.
func modelRun(m *model, times []int64) string {
	var out []byte
	for _, t := range times {
		if tmax, pts, ok := m.push(t * sec); ok {
			for i := range pts {
				pts[i] /= sec
			}
			if len(out) > 0 {
				out = append(out, ' ')
			}
			out = fmt.Appendf(out, "%d%v", tmax/sec, pts)
		}
	}
	return string(out)
}

func implRun(t *testing.T, cfg Config, times []int64) string {
	var out []byte
	for _, g := range run(t, cfg, times...) {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = append(out, g.String()...)
	}
	return string(out)
}

// randomTimes returns n point times (seconds) that mostly increase, with
// repeats, gaps and late points.
func randomTimes(r *rand.Rand, n int) []int64 {
	times := make([]int64, n)
	t := int64(r.IntN(20))
	for i := range times {
		switch x := r.IntN(20); {
		case x < 2:
			times[i] = t - int64(r.IntN(40)) // late
			continue
		case x < 3:
			t += int64(r.IntN(200)) // gap
		case x < 5:
			// same time
		default:
			t += int64(r.IntN(8))
		}
		times[i] = t
	}
	return times
}

// TestAgainstModel compares the windows with the model on random data,
// out-of-order points included, for many configurations.
func TestAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	differs := 0
	for iter := range 3000 {
		cfg := Config{
			Period:     time.Duration(1+r.IntN(40)) * time.Second,
			Every:      time.Duration(r.IntN(30)) * time.Second,
			Align:      r.IntN(2) == 0,
			FillPeriod: r.IntN(3) == 0,
		}
		times := randomTimes(r, 5+r.IntN(80))
		m := &model{period: int64(cfg.Period), every: int64(cfg.Every), align: cfg.Align, fill: cfg.FillPeriod}
		want := modelRun(m, times)
		if got := implRun(t, cfg, times); got != want {
			t.Fatalf("iteration %d: %+v on %v:\n got %s\nwant %s", iter, cfg, times, got, want)
		}
		naive := &model{period: int64(cfg.Period), every: int64(cfg.Every), align: cfg.Align, fill: cfg.FillPeriod, naive: true}
		if modelRun(naive, times) != want {
			differs++
		}
	}
	// The layout-dependent purge must actually have been exercised.
	if differs == 0 {
		t.Errorf("no random case distinguished Kapacitor's purge from a plain one")
	}
	t.Logf("%d of 3000 cases differ from a plain front purge", differs)
}
