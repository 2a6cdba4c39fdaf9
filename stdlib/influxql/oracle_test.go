package influxql

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/internal/influxtest"
)

// Differential tests against a real InfluxDB 1.x (the Debian influxd that
// internal/influxtest starts; skipped when it is not installed unless
// TICKC_REQUIRE_INFLUXDB is set). Kapacitor 1.8.3 runs InfluxDB's reducers
// from influxdb v1.9.6; the installed server is 1.6.7, whose reducers for
// these functions are the same code, so a SELECT over one series (fed to the
// reducer in time order) gives the same numbers and picks the same points.
//
// One thing legitimately differs: which of several equal values sort.Sort
// leaves at a given rank in windows of more than 12 points depends on the Go
// release (Go 1.24 changed the pseudo-random pattern breaking of pdqsort),
// and the Debian influxd is built with Go 1.19. Where that matters (a
// percentile's chosen point among equal values, mode on tied counts) the
// comparison is restricted to what does not depend on it; the exact
// tie-breaking is pinned against the running Go's sort.Sort in
// reference_test.go.

type oracleSeries struct {
	name  string
	times []int64
	vals  []float64
	ints  []int64
}

const oracleBase = int64(1_700_000_000) * int64(time.Second)

func oracleData(r *rand.Rand, s *influxtest.Server, t *testing.T, k int, gaps bool) oracleSeries {
	var b strings.Builder
	os := oracleSeries{name: fmt.Sprintf("m%d", k)}
	n := 15 + r.IntN(60)
	for i := 0; i < n; i++ {
		if gaps && r.IntN(5) == 0 {
			continue
		}
		tt := oracleBase + int64(i)*int64(10*time.Second)
		v := 50 + 10*math.Sin(float64(i)/2) + float64(r.IntN(4))
		iv := int64(r.IntN(6))
		fmt.Fprintf(&b, "%s v=%v,i=%di %d\n", os.name, v, iv, tt)
		os.times = append(os.times, tt)
		os.vals = append(os.vals, v)
		os.ints = append(os.ints, iv)
	}
	s.Write(t, "db", b.String())
	return os
}

// oracleQueries collects statements with their checks, to send them to the
// server in one request.
type oracleQueries struct {
	qs     []string
	checks []func(times []int64, vals []json.Number)
}

func (o *oracleQueries) add(q string, check func(times []int64, vals []json.Number)) {
	o.qs = append(o.qs, q)
	o.checks = append(o.checks, check)
}

// run executes the statements and passes each check the (time, value) rows
// of its statement's only series (none if it returned no series).
func (o *oracleQueries) run(t *testing.T, s *influxtest.Server) {
	t.Helper()
	res := s.Query(t, "db", strings.Join(o.qs, "; "))
	if len(res) != len(o.qs) {
		t.Fatalf("%d results for %d statements", len(res), len(o.qs))
	}
	for i, r := range res {
		var times []int64
		var vals []json.Number
		if len(r.Series) > 1 {
			t.Fatalf("%s: %d series", o.qs[i], len(r.Series))
		}
		for _, sr := range r.Series {
			for _, row := range sr.Values {
				tm, err := time.Parse(time.RFC3339Nano, row[0].(string))
				if err != nil {
					t.Fatal(err)
				}
				times = append(times, tm.UnixNano())
				vals = append(vals, row[1].(json.Number))
			}
		}
		if len(vals) == 0 && !strings.Contains(o.qs[i], "holt_winters") {
			t.Fatalf("%s: no result", o.qs[i])
		}
		o.checks[i](times, vals)
	}
	o.qs, o.checks = o.qs[:0], o.checks[:0]
}

func num(t *testing.T, n json.Number) float64 {
	t.Helper()
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestOracleInfluxDB(t *testing.T) {
	s := influxtest.Start(t)
	r := rand.New(rand.NewPCG(11, 12))
	var sf Scratch[float64]
	var si Scratch[int64]
	var tb TopBottom[int64]
	var o oracleQueries
	for k := 0; k < 10; k++ {
		d := oracleData(r, s, t, k, k%2 == 1)
		from := " FROM " + d.name

		// percentile: the selected point's time shows which of the equal
		// values was chosen (see above for when that can be compared).
		for _, p := range []float64{5, 25, 50, 75, 90, 99} {
			o.add(fmt.Sprintf("SELECT percentile(i, %v)%s", p, from), func(ts []int64, vs []json.Number) {
				i, ok := si.Percentile(d.ints, p)
				if !ok || fmt.Sprint(d.ints[i]) != vs[0].String() {
					t.Errorf("%s percentile(i, %v): InfluxDB %s, got index %d", d.name, p, vs[0], i)
				} else if tieFree(d.ints, d.ints[i]) && d.times[i] != ts[0] {
					t.Errorf("%s percentile(i, %v): InfluxDB chose the point at %d, got %d", d.name, p, ts[0], d.times[i])
				}
			})
			o.add(fmt.Sprintf("SELECT percentile(v, %v)%s", p, from), func(ts []int64, vs []json.Number) {
				j, ok := sf.Percentile(d.vals, p)
				if !ok || d.vals[j] != num(t, vs[0]) {
					t.Errorf("%s percentile(v, %v): InfluxDB %s, got index %d", d.name, p, vs[0], j)
				} else if tieFree(d.vals, d.vals[j]) && d.times[j] != ts[0] {
					t.Errorf("%s percentile(v, %v): InfluxDB chose the point at %d, got %d", d.name, p, ts[0], d.times[j])
				}
			})
		}

		for _, c := range []struct {
			fn   string
			want float64
		}{
			{"median(v)", sf.Median(d.vals)},
			{"median(i)", si.Median(d.ints)},
			{"stddev(v)", StddevFloat(d.vals)},
			{"stddev(i)", StddevInt(d.ints)},
			{"mean(v)", Mean(d.vals)},
			{"mean(i)", Mean(d.ints)},
			{"spread(v)", SpreadFloat(d.vals)},
			{"sum(v)", Sum(d.vals)},
		} {
			o.add("SELECT "+c.fn+from, func(_ []int64, vs []json.Number) {
				if got := num(t, vs[0]); got != c.want {
					t.Errorf("%s %s: InfluxDB %s, got %v", d.name, c.fn, vs[0], c.want)
				}
			})
		}

		// mode: the tie rule reads the times of points whose order among
		// equal values is Go-release dependent beyond 12 points.
		if len(d.ints) <= 12 || !topCountTied(d.ints) {
			o.add("SELECT mode(i)"+from, func(_ []int64, vs []json.Number) {
				if got := si.Mode(d.ints, d.times); fmt.Sprint(got) != vs[0].String() {
					t.Errorf("%s mode(i): InfluxDB %s, got %d", d.name, vs[0], got)
				}
			})
		}
		if len(d.vals) <= 12 || !topCountTied(d.vals) {
			o.add("SELECT mode(v)"+from, func(_ []int64, vs []json.Number) {
				if got := sf.Mode(d.vals, d.times); got != num(t, vs[0]) {
					t.Errorf("%s mode(v): InfluxDB %s, got %v", d.name, vs[0], got)
				}
			})
		}

		// top/bottom: InfluxDB's SELECT re-sorts the selected points by
		// time, so compare the selected points as a set.
		for _, n := range []int{1, 3, 7} {
			for _, fn := range []string{"top", "bottom"} {
				o.add(fmt.Sprintf("SELECT %s(i, %d)%s", fn, n, from), func(ts []int64, _ []json.Number) {
					var sel []int
					if fn == "top" {
						sel = tb.Top(n, d.ints, d.times, nil)
					} else {
						sel = tb.Bottom(n, d.ints, d.times, nil)
					}
					var got []int64
					for _, i := range sel {
						got = append(got, d.times[i])
					}
					slices.Sort(got)
					if !slices.Equal(got, ts) {
						t.Errorf("%s %s(i, %d): InfluxDB picked %v, got %v", d.name, fn, n, ts, got)
					}
				})
			}
		}

		// holt-winters over 10s buckets: InfluxDB feeds the reducer one
		// point per non-empty bucket, which for this data is the raw point.
		end := oracleBase + int64(100*10*time.Second)
		for _, c := range []struct {
			h, m int
			fit  bool
		}{{4, 0, false}, {5, 4, true}, {3, 3, false}, {6, 0, true}} {
			fn := "holt_winters"
			if c.fit {
				fn = "holt_winters_with_fit"
			}
			q := fmt.Sprintf("SELECT %s(first(v), %d, %d)%s WHERE time >= %d AND time < %d GROUP BY time(10s)",
				fn, c.h, c.m, from, oracleBase, end)
			o.add(q, func(ts []int64, vs []json.Number) {
				hw := HoltWinters{H: c.h, M: c.m, Interval: 10 * time.Second, WithFit: c.fit}
				ot, ov := hw.Forecast(d.times, d.vals, nil, nil)
				if len(vs) != len(ov) {
					t.Errorf("%s %s(%d, %d): InfluxDB %d points, got %d", d.name, fn, c.h, c.m, len(vs), len(ov))
					return
				}
				for i := range vs {
					if ts[i] != ot[i] || num(t, vs[i]) != ov[i] {
						t.Errorf("%s %s(%d, %d) point %d: InfluxDB %s at %d, got %v at %d", d.name, fn, c.h, c.m, i, vs[i], ts[i], ov[i], ot[i])
					}
				}
			})
		}
		o.run(t, s)
	}
}

// tieFree reports whether the window's choice among points with value v
// cannot depend on the Go release: v occurs once, or the window is small
// enough for insertion sort.
func tieFree[T Number](vals []T, v T) bool {
	if len(vals) <= 12 {
		return true
	}
	n := 0
	for _, x := range vals {
		if x == v {
			n++
		}
	}
	return n == 1
}

// topCountTied reports whether several values share the highest count.
func topCountTied[T Number](vals []T) bool {
	counts := map[T]int{}
	for _, v := range vals {
		counts[v]++
	}
	best, n := 0, 0
	for _, c := range counts {
		switch {
		case c > best:
			best, n = c, 1
		case c == best:
			n++
		}
	}
	return n > 1
}
