package influxql

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// These tests rebuild, by hand, the windows each conformance task forms,
// apply this package's functions and compare with what Kapacitor 1.8.3
// recorded: numbers as the exact text encoding/json prints, selected points
// by their time, tags and other fields.

func TestConformanceCountSumSpread(t *testing.T) {
	pts := loadCase(t, "influxql_count_sum_spread")
	posts := readPosts(t, "influxql_count_sum_spread")
	checks := []struct {
		path, col string
		eval      func(w []lpPoint) any
	}{
		{"/count", "count", func(w []lpPoint) any {
			v, _, _ := column[float64](w, "usage_idle")
			return Count(v)
		}},
		{"/sum", "sum", func(w []lpPoint) any {
			v, _, _ := column[float64](w, "usage_user")
			return Sum(v)
		}},
		{"/spread", "idle_spread", func(w []lpPoint) any {
			v, _, _ := column[float64](w, "usage_idle")
			return SpreadFloat(v)
		}},
	}
	for _, c := range checks {
		if len(posts[c.path]) == 0 {
			t.Fatalf("no posts for %s", c.path)
		}
		for _, s := range posts[c.path] {
			end := s.rowTime(t, 0)
			w := window(pts, "cpu", groupTags(s, "host"), end, time.Minute)
			if got, want := js(t, c.eval(w)), s.cell(t, 0, c.col); got != want {
				t.Errorf("%s host=%s at %s: got %s, Kapacitor %s", c.path, s.Tags["host"], time.Unix(0, end).UTC(), got, want)
			}
		}
	}
}

func TestConformanceValueTypes(t *testing.T) {
	pts := loadCase(t, "influxql_value_types")
	posts := readPosts(t, "influxql_value_types")
	for _, path := range []string{"/sum", "/max", "/mean", "/first", "/last", "/count"} {
		if len(posts[path]) == 0 {
			t.Fatalf("no posts for %s", path)
		}
		for _, s := range posts[path] {
			end := s.rowTime(t, 0)
			w := window(pts, "app", groupTags(s, "host"), end, time.Minute)
			var got string
			col := path[1:]
			var sel lpPoint
			selected := false
			switch path {
			case "/sum":
				v, _, _ := column[int64](w, "requests")
				got = js(t, Sum(v))
			case "/mean":
				v, _, _ := column[int64](w, "errors")
				got = js(t, Mean(v))
			case "/count":
				v, _, _ := column[bool](w, "healthy")
				got = js(t, Count(v))
			case "/max":
				v, ts, idx := column[int64](w, "errors")
				i := Max(v, ts)
				got, sel, selected = js(t, v[i]), w[idx[i]], true
			case "/first":
				v, ts, idx := column[string](w, "status")
				i := First(v, ts)
				got, sel, selected = js(t, v[i]), w[idx[i]], true
			case "/last":
				v, ts, idx := column[bool](w, "healthy")
				i := LastBool(v, ts)
				got, sel, selected = js(t, v[i]), w[idx[i]], true
			}
			if want := s.cell(t, 0, col); got != want {
				t.Errorf("%s host=%s at %s: got %s, Kapacitor %s", path, s.Tags["host"], time.Unix(0, end).UTC(), got, want)
			}
			if selected {
				checkOtherFields(t, s, 0, col, sel)
				if !maps.Equal(s.Tags, sel.tags) {
					t.Errorf("%s: tags %v, selected point has %v", path, s.Tags, sel.tags)
				}
			}
		}
	}
}

func TestConformanceSelectors(t *testing.T) {
	pts := loadCase(t, "influxql_selectors")
	posts := readPosts(t, "influxql_selectors")
	for _, c := range []struct {
		path, col  string
		pointTimes bool
		sel        func(v []float64, ts []int64) int
	}{
		{"/first", "first", false, First[float64]},
		{"/last", "last", true, Last[float64]},
		{"/min", "min", true, Min[float64]},
		{"/max", "peak", false, Max[float64]},
	} {
		if len(posts[c.path]) == 0 {
			t.Fatalf("no posts for %s", c.path)
		}
		for i, s := range posts[c.path] {
			// With usePointTimes the row time is the point's; the window
			// ends at the next minute boundary of the 1m windows.
			end := s.rowTime(t, 0)
			if c.pointTimes {
				end = end - end%int64(time.Minute) + int64(time.Minute)
			}
			w := window(pts, "cpu", groupTags(s, "host"), end, time.Minute)
			v, ts, idx := column[float64](w, "usage_idle")
			k := c.sel(v, ts)
			p := w[idx[k]]
			if got, want := js(t, v[k]), s.cell(t, 0, c.col); got != want {
				t.Errorf("%s #%d: got %s, Kapacitor %s", c.path, i, got, want)
			}
			if c.pointTimes && p.time != s.rowTime(t, 0) {
				t.Errorf("%s #%d: selected point at %d, Kapacitor's at %d", c.path, i, p.time, s.rowTime(t, 0))
			}
			checkOtherFields(t, s, 0, c.col, p)
			if !maps.Equal(s.Tags, p.tags) {
				t.Errorf("%s #%d: tags %v, selected point has %v", c.path, i, s.Tags, p.tags)
			}
		}
	}
}

func TestConformancePercentile(t *testing.T) {
	pts := loadCase(t, "influxql_percentile")
	posts := readPosts(t, "influxql_percentile")
	var fs Scratch[float64]
	var is Scratch[int64]
	for _, s := range posts["/p75"] {
		end := s.rowTime(t, 0)
		w := window(pts, "app", groupTags(s, "host"), end, time.Minute)
		v, _, idx := column[float64](w, "latency_ms")
		k, ok := fs.Percentile(v, 75)
		if !ok {
			t.Fatalf("p75 at %d: no result", end)
		}
		if got, want := js(t, v[k]), s.cell(t, 0, "percentile"); got != want {
			t.Errorf("p75 at %s: got %s, Kapacitor %s", time.Unix(0, end).UTC(), got, want)
		}
		checkOtherFields(t, s, 0, "percentile", w[idx[k]])
	}
	for _, s := range posts["/p50"] {
		pt := s.rowTime(t, 0)
		end := pt - pt%int64(time.Minute) + int64(time.Minute)
		w := window(pts, "app", groupTags(s, "host"), end, time.Minute)
		v, _, idx := column[int64](w, "errors")
		k, ok := is.Percentile(v, 50)
		if !ok {
			t.Fatalf("p50 at %d: no result", end)
		}
		p := w[idx[k]]
		if got, want := js(t, v[k]), s.cell(t, 0, "p50_errors"); got != want {
			t.Errorf("p50 at %s: got %s, Kapacitor %s", time.Unix(0, end).UTC(), got, want)
		}
		// Equal values are common here: the time and fields tell whether the
		// same point was chosen.
		if p.time != pt {
			t.Errorf("p50 window %s: selected the point at %s, Kapacitor the one at %s",
				time.Unix(0, end).UTC(), time.Unix(0, p.time).UTC(), time.Unix(0, pt).UTC())
		}
		checkOtherFields(t, s, 0, "p50_errors", p)
	}
	if len(posts["/p75"]) == 0 || len(posts["/p50"]) == 0 {
		t.Fatal("missing posts")
	}
}

func TestConformanceDistinct(t *testing.T) {
	pts := loadCase(t, "influxql_distinct")
	posts := readPosts(t, "influxql_distinct")
	var ds Distinct[string]
	var di Distinct[int64]
	for _, path := range []string{"/status", "/errors"} {
		if len(posts[path]) == 0 {
			t.Fatalf("no posts for %s", path)
		}
		for _, s := range posts[path] {
			end := s.rowTime(t, 0)
			w := window(pts, "app", groupTags(s, "host"), end, time.Minute)
			var got []string
			if path == "/status" {
				v, ts, _ := column[string](w, "status")
				for _, i := range ds.Select(v, ts, nil) {
					got = append(got, js(t, v[i]))
				}
			} else {
				v, ts, _ := column[int64](w, "errors")
				for _, i := range di.Select(v, ts, nil) {
					got = append(got, js(t, v[i]))
				}
			}
			var want []string
			for r := range s.Values {
				want = append(want, s.cell(t, r, "distinct"))
				if s.rowTime(t, r) != end {
					t.Errorf("%s: row %d not at the window time", path, r)
				}
			}
			if js(t, got) != js(t, want) {
				t.Errorf("%s host=%s at %s: got %v, Kapacitor %v", path, s.Tags["host"], time.Unix(0, end).UTC(), got, want)
			}
		}
	}
}

func TestConformanceTopBottom(t *testing.T) {
	pts := loadCase(t, "influxql_top_bottom")
	posts := readPosts(t, "influxql_top_bottom")
	var tb TopBottom[float64]
	for _, c := range []struct {
		path, field string
		n           int
		bottom      bool
	}{
		{"/top", "usage_user", 3, false},
		{"/bottom", "usage_idle", 2, true},
	} {
		if len(posts[c.path]) == 0 {
			t.Fatalf("no posts for %s", c.path)
		}
		for _, s := range posts[c.path] {
			end := s.rowTime(t, 0)
			w := window(pts, "cpu", nil, end, time.Minute)
			v, ts, idx := column[float64](w, c.field)
			var sel []int
			if c.bottom {
				sel = tb.Bottom(c.n, v, ts, nil)
			} else {
				sel = tb.Top(c.n, v, ts, nil)
			}
			if len(sel) != len(s.Values) {
				t.Fatalf("%s at %s: %d points, Kapacitor %d", c.path, time.Unix(0, end).UTC(), len(sel), len(s.Values))
			}
			for r, k := range sel {
				p := w[idx[k]]
				if got, want := js(t, v[k]), s.cell(t, r, c.path[1:]); got != want {
					t.Errorf("%s row %d: got %s, Kapacitor %s", c.path, r, got, want)
				}
				// The batch's points keep their own tags.
				for _, tag := range sortedKeys(p.tags) {
					if got, want := s.cell(t, r, tag), js(t, p.tags[tag]); got != want {
						t.Errorf("%s row %d: tag %s %s, Kapacitor %s", c.path, r, tag, want, got)
					}
				}
			}
		}
	}
}

func TestConformanceGroupByMax(t *testing.T) {
	path := filepath.Join(casesDir, "groupby_tags_httpout", "expected", "httpout.json")
	pts := loadCase(t, "groupby_tags_httpout")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Series []recSeries `json:"series"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Series) == 0 {
		t.Fatal("no series")
	}
	for _, s := range out.Series {
		end := s.rowTime(t, 0)
		w := window(pts, "cpu", groupTags(s, "host", "cpu"), end, time.Minute)
		v, ts, idx := column[float64](w, "usage_user")
		k := Max(v, ts)
		if got, want := js(t, v[k]), s.cell(t, 0, "max"); got != want {
			t.Errorf("max %v: got %s, Kapacitor %s", s.Tags, got, want)
		}
		checkOtherFields(t, s, 0, "max", w[idx[k]])
	}
}

func TestConformanceRealWorldPercentile(t *testing.T) {
	pts := loadCase(t, "gs_realworld_percentile")
	data, err := os.ReadFile(filepath.Join(casesDir, "gs_realworld_percentile", "expected", "alerts.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// eval(lambda: 100.0 - "usage_idle").as('used')
	for i := range pts {
		pts[i].fields["used"] = 100.0 - pts[i].fields["usage_idle"].(float64)
	}
	var sc Scratch[float64]
	n := 0
	for _, line := range splitLines(data) {
		var ev struct {
			Data struct {
				Series []recSeries `json:"series"`
			} `json:"data"`
		}
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatal(err)
		}
		s := ev.Data.Series[0]
		end := s.rowTime(t, 0)
		w := window(pts, "cpu", groupTags(s, "service", "datacenter"), end, time.Minute)
		v, _, idx := column[float64](w, "used")
		k, ok := sc.Percentile(v, 95)
		if !ok {
			t.Fatal("no percentile")
		}
		if got, want := js(t, v[k]), s.cell(t, 0, "percentile"); got != want {
			t.Errorf("p95 %v at %s: got %s, Kapacitor %s", s.Tags, time.Unix(0, end).UTC(), got, want)
		}
		if !maps.Equal(s.Tags, w[idx[k]].tags) {
			t.Errorf("p95 at %s: tags %v, selected point has %v", time.Unix(0, end).UTC(), s.Tags, w[idx[k]].tags)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no alerts")
	}
}

func splitLines(data []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range data {
		if c == '\n' {
			if i > start {
				out = append(out, data[start:i])
			}
			start = i + 1
		}
	}
	if start < len(data) {
		out = append(out, data[start:])
	}
	return out
}

// streamCheck feeds each group's points in order through next and compares
// the emitted (time, value) pairs with the recorded posts of that group.
func streamCheck(t *testing.T, name, measurement, col string, next func(group string, p lpPoint) (any, bool)) {
	pts := loadCase(t, name)
	posts := readPosts(t, name)["/"]
	if len(posts) == 0 {
		t.Fatal("no posts")
	}
	got := map[string][][2]string{}
	for _, p := range pts {
		if p.name != measurement {
			continue
		}
		if v, ok := next(p.tags["host"], p); ok {
			got[p.tags["host"]] = append(got[p.tags["host"]], [2]string{js(t, time.Unix(0, p.time).UTC()), js(t, v)})
		}
	}
	want := map[string][][2]string{}
	for _, s := range posts {
		want[s.Tags["host"]] = append(want[s.Tags["host"]], [2]string{s.cell(t, 0, "time"), s.cell(t, 0, col)})
	}
	for host, w := range want {
		g := got[host]
		if len(g) != len(w) {
			t.Errorf("host %s: %d outputs, Kapacitor %d", host, len(g), len(w))
		}
		for i := 0; i < len(g) && i < len(w); i++ {
			if g[i] != w[i] {
				t.Errorf("host %s output %d: got %v, Kapacitor %v", host, i, g[i], w[i])
			}
		}
	}
}

func TestConformanceMovingAverage(t *testing.T) {
	states := map[string]*MovingAverage[float64]{}
	streamCheck(t, "moving_average", "cpu", "ma5", func(g string, p lpPoint) (any, bool) {
		st := states[g]
		if st == nil {
			st = NewMovingAverage[float64](5)
			states[g] = st
		}
		return st.Next(p.fields["usage_idle"].(float64))
	})
}

func TestConformanceDifferenceInt(t *testing.T) {
	states := map[string]*Difference[int64]{}
	streamCheck(t, "difference_int", "app", "new_requests", func(g string, p lpPoint) (any, bool) {
		st := states[g]
		if st == nil {
			st = new(Difference[int64])
			states[g] = st
		}
		return st.Next(p.time, p.fields["requests"].(int64))
	})
}

func TestConformanceHoltWinters(t *testing.T) {
	pts := loadCase(t, "holt_winters")
	posts := readPosts(t, "holt_winters")
	start := pts[0].time
	for _, c := range []struct {
		path, field string
		hw          HoltWinters
	}{
		{"/hw", "usage_idle", HoltWinters{H: 4, M: 0, Interval: 10 * time.Second}},
		{"/hwfit", "usage_user", HoltWinters{H: 2, M: 3, Interval: 10 * time.Second, WithFit: true}},
	} {
		if len(posts[c.path]) == 0 {
			t.Fatalf("no posts for %s", c.path)
		}
		for k, s := range posts[c.path] {
			// 2m windows from the first point: [start+2k min, start+2(k+1) min).
			end := start + int64(k+1)*int64(2*time.Minute)
			w := window(pts, "cpu", nil, end, 2*time.Minute)
			v, ts, _ := column[float64](w, c.field)
			ot, ov := c.hw.Forecast(ts, v, nil, nil)
			if len(ov) != len(s.Values) {
				t.Errorf("%s window %d: %d points, Kapacitor %d", c.path, k, len(ov), len(s.Values))
				continue
			}
			for r := range ov {
				if got, want := js(t, ov[r]), s.cell(t, r, "holtWinters"); got != want {
					t.Errorf("%s window %d row %d: got %s, Kapacitor %s", c.path, k, r, got, want)
				}
				if ot[r] != s.rowTime(t, r) {
					t.Errorf("%s window %d row %d: time %d, Kapacitor %d", c.path, k, r, ot[r], s.rowTime(t, r))
				}
			}
		}
	}
}
