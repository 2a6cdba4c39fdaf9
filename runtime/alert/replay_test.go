package alert

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Replays of conformance cases recorded from Kapacitor 1.8.3
// (golden/conformance, copied from the shared corpus). Each test does by hand what the case's
// script does before the alert node (filter, group, window, aggregate),
// evaluates the level lambdas in Go, drives this package, and compares the
// alert log (and POST bodies) with the recording after the runner's
// normalisation.

// casesDir is the conformance corpus, overridable with
// TICKC_CONFORMANCE_CASES; the replays are skipped when it is missing.
var casesDir = func() string {
	if d := os.Getenv("TICKC_CONFORMANCE_CASES"); d != "" {
		return d
	}
	return "../../golden/conformance"
}()

// tpoint is a parsed line-protocol point.
type tpoint struct {
	name   string
	tags   map[string]string
	fields map[string]any
	t      time.Time
}

type tcase struct {
	dir    string
	id     string
	points []tpoint
	// expected normalised lines per file name
	expected map[string][]string
}

func loadCase(t *testing.T, name string) *tcase {
	t.Helper()
	dir := filepath.Join(casesDir, name)
	meta, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		t.Fatalf("conformance corpus not available: %v", err)
	}
	var cj struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(meta, &cj); err != nil {
		t.Fatal(err)
	}
	c := &tcase{dir: dir, id: cj.ID, expected: map[string][]string{}}
	body, err := os.ReadFile(filepath.Join(dir, "input.lp"))
	if err != nil {
		t.Fatal(err)
	}
	for n, line := range strings.Split(string(body), "\n") {
		if line == "" {
			continue
		}
		pt, err := parseLine(line)
		if err != nil {
			t.Fatalf("input.lp line %d: %v", n+1, err)
		}
		c.points = append(c.points, pt)
	}
	for _, f := range []string{"alerts.jsonl", "posts.jsonl"} {
		b, err := os.ReadFile(filepath.Join(dir, "expected", f))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l != "" {
				c.expected[f] = append(c.expected[f], l)
			}
		}
	}
	return c
}

// parseLine parses one line of the cases' line protocol, which has no
// escapes, quoted strings or booleans: measurement,tags fields timestamp,
// with float fields and "i"-suffixed integer fields.
func parseLine(line string) (tpoint, error) {
	parts := strings.Split(line, " ")
	if len(parts) != 3 {
		return tpoint{}, fmt.Errorf("want 3 space-separated parts: %q", line)
	}
	key := strings.Split(parts[0], ",")
	p := tpoint{name: key[0], tags: map[string]string{}, fields: map[string]any{}}
	for _, kv := range key[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return tpoint{}, fmt.Errorf("bad tag %q", kv)
		}
		p.tags[k] = v
	}
	for _, kv := range strings.Split(parts[1], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return tpoint{}, fmt.Errorf("bad field %q", kv)
		}
		if iv, isInt := strings.CutSuffix(v, "i"); isInt {
			n, err := strconv.ParseInt(iv, 10, 64)
			if err != nil {
				return tpoint{}, err
			}
			p.fields[k] = n
		} else {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return tpoint{}, err
			}
			p.fields[k] = f
		}
	}
	ns, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return tpoint{}, err
	}
	p.t = time.Unix(0, ns).UTC()
	return p, nil
}

// groupID is Kapacitor's models.ToGroupID for dimensions dims (sorted).
func groupID(name string, tags map[string]string, dims []string, byName bool) string {
	if len(dims) == 0 {
		if byName {
			return name
		}
		return ""
	}
	var b strings.Builder
	if byName {
		b.WriteString(name)
		b.WriteByte('\n')
	}
	for i, d := range dims {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(d)
		b.WriteByte('=')
		b.WriteString(tags[d])
	}
	return b.String()
}

func subset(tags map[string]string, keys []string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		if v, ok := tags[k]; ok {
			m[k] = v
		}
	}
	return m
}

// lambda is a level or reset lambda over the current point.
type lambda func(p *tpoint) (bool, error)

// lambdas is the test Tester: the lambdas of one alert node for one group
// (stateful functions keep their state in the closures).
type lambdas struct {
	p     *tpoint
	test  [4]lambda
	reset [4]lambda
}

func (l *lambdas) Test(lv Level) (bool, error)  { return l.test[lv](l.p) }
func (l *lambdas) Reset(lv Level) (bool, error) { return l.reset[lv](l.p) }

func (l *lambdas) sets() (tests, resets LevelSet) {
	for lv := Info; lv <= Critical; lv++ {
		if l.test[lv] != nil {
			tests |= Levels(lv)
		}
		if l.reset[lv] != nil {
			resets |= Levels(lv)
		}
	}
	return
}

var errMissing = errors.New("missing field")

func field(p *tpoint, name string) (float64, error) {
	v, ok := p.fields[name].(float64)
	if !ok {
		return 0, errMissing
	}
	return v, nil
}

// below returns the lambda "field" < x.
func below(name string, x float64) lambda {
	return func(p *tpoint) (bool, error) {
		v, err := field(p, name)
		return v < x, err
	}
}

// above returns the lambda "field" > x.
func above(name string, x float64) lambda {
	return func(p *tpoint) (bool, error) {
		v, err := field(p, name)
		return v > x, err
	}
}

// sigmaFn is Kapacitor's stateful sigma() lambda function.
type sigmaFn struct{ mean, variance, m2, n float64 }

func (s *sigmaFn) call(x float64) float64 {
	s.n++
	delta := x - s.mean
	s.mean = s.mean + delta/s.n
	s.m2 = s.m2 + delta*(x-s.mean)
	s.variance = s.m2 / (s.n - 1)
	if s.n < 2 || s.variance == 0 {
		return 0
	}
	return math.Abs(x-s.mean) / math.Sqrt(s.variance)
}

// harness drives one alert node over a case.
type harness struct {
	t       *testing.T
	c       *tcase
	node    *Node
	logPath string
	posts   *captureHandler
	failed  map[string]*atomic.Int64 // the handlers' failed counters
	groups  map[string]*tgroup
	newLam  func() *lambdas
}

type tgroup struct {
	state State
	lam   *lambdas
}

// captureHandler records the JSON bodies a .post() handler would send.
type captureHandler struct {
	path  string
	lines []string
}

func (h *captureHandler) Handle(d *Data) error {
	b, err := d.JSON()
	if err != nil {
		return err
	}
	h.lines = append(h.lines, normalizePost(h.path, b))
	return nil
}

type nodeSpec struct {
	id, message, details string
	cfg                  Config
	postPath             string // "" for no .post()
	newLam               func() *lambdas
}

func newHarness(t *testing.T, c *tcase, spec nodeSpec) *harness {
	t.Helper()
	if spec.id == "" {
		spec.id = DefaultID
	}
	if spec.message == "" {
		spec.message = DefaultMessage
	}
	if spec.details == "" {
		spec.details = DefaultDetails
	}
	tmpl, err := NewTemplates(c.id, ServerInfo{
		Hostname:  "localhost",
		ClusterID: "0a1b2c3d-cluster",
		ServerID:  "4e5f6a7b-server",
	}, spec.id, spec.message, spec.details)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, c: c, groups: map[string]*tgroup{}, newLam: spec.newLam}
	h.logPath = filepath.Join(t.TempDir(), "alert.log")
	lh, err := NewLogHandler(h.logPath, 0)
	if err != nil {
		t.Fatal(err)
	}
	handlers := []Handler{}
	if spec.postPath != "" {
		h.posts = &captureHandler{path: spec.postPath}
		handlers = append(handlers, h.posts)
	}
	handlers = append(handlers, lh)
	cfg := spec.cfg
	cfg.Tests, cfg.Resets = spec.newLam().sets()
	if cfg.History == 0 {
		cfg.History = DefaultHistory
	}
	h.node, err = NewNode(cfg, tmpl, "kapacitor:"+c.id+":alert2", handlers...)
	if err != nil {
		t.Fatal(err)
	}
	h.failed = map[string]*atomic.Int64{}
	h.node.Start(Delivery{Node: "alert2", Counter: func(name string) *atomic.Int64 {
		c := new(atomic.Int64)
		if strings.HasSuffix(name, "_failed") {
			h.failed[name] = c
		}
		return c
	}})
	return h
}

func (h *harness) group(id, name string, tags map[string]string, t time.Time) *tgroup {
	g := h.groups[id]
	if g == nil {
		g = &tgroup{lam: h.newLam()}
		if err := h.node.InitGroup(&g.state, name, id, tags, t); err != nil {
			h.t.Fatal(err)
		}
		h.groups[id] = g
	}
	return g
}

// point processes one stream point of group id through the alert node and
// returns the event data if an event fired.
func (h *harness) point(p tpoint, id string) *Data {
	g := h.group(id, p.name, p.tags, p.t)
	g.lam.p = &p
	cfg := &h.node.Config
	lvl := DetermineLevel(cfg, g.state.Level(), g.lam)
	fire, ev := g.state.Update(lvl, p.t, cfg)
	if !fire {
		return nil
	}
	d, err := h.node.Fire(ev, &Input{
		Name:   p.name,
		Group:  id,
		Tags:   p.tags,
		Fields: p.fields,
		Series: PointSeries(p.name, p.tags, p.t, p.fields),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// tbatch is a batch from a window.
type tbatch struct {
	name   string
	group  string
	tags   map[string]string
	tmax   time.Time
	points []tpoint
}

// batch processes one batch through the alert node.
func (h *harness) batch(b tbatch) *Data {
	if len(b.points) == 0 {
		return nil
	}
	g := h.group(b.group, b.name, b.tags, b.tmax)
	cfg := &h.node.Config
	cur := g.state.Level()
	var bl BatchLevels
	for i := range b.points {
		g.lam.p = &b.points[i]
		bl.Add(DetermineLevel(cfg, cur, g.lam))
	}
	lvl, hi, _ := bl.Result(cfg)
	t := BatchEventTime(cfg, lvl, b.points[hi].t, b.tmax)
	fire, ev := g.state.UpdateBatch(lvl, t, cfg)
	if !fire {
		return nil
	}
	bps := make([]BatchPoint, len(b.points))
	for i, p := range b.points {
		bps[i] = BatchPoint{Time: p.t, Fields: p.fields, Tags: p.tags}
	}
	d, err := h.node.Fire(ev, &Input{
		Name:   b.name,
		Group:  b.group,
		Tags:   b.tags,
		Fields: b.points[hi].fields,
		Series: BatchSeries(b.name, b.tags, bps),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// window is a non-aligned time window with period == every, as Kapacitor's
// window node for this data: it opens at the group's first point and emits
// [next-period, next) with tmax next when a point at or after next arrives.
type window struct {
	next time.Time
	buf  []tpoint
}

func (w *window) add(p tpoint, every time.Duration) (out []tpoint, tmax time.Time, emit bool) {
	if w.next.IsZero() {
		w.next = p.t.Add(every)
	}
	if !p.t.Before(w.next) {
		out, tmax, emit = w.buf, w.next, true
		w.buf = nil
		w.next = w.next.Add(every)
	}
	w.buf = append(w.buf, p)
	return
}

// check compares the alert log (and POSTs) with the recording.
func (h *harness) check() {
	h.t.Helper()
	if err := h.node.Close(); err != nil { // delivers what is queued
		h.t.Fatal(err)
	}
	for name, c := range h.failed {
		if c.Load() != 0 {
			h.t.Errorf("%s: %d", name, c.Load())
		}
	}
	b, err := os.ReadFile(h.logPath)
	if err != nil && !os.IsNotExist(err) {
		h.t.Fatal(err)
	}
	got, err := normalizeAlertLines(b)
	if err != nil {
		h.t.Fatal(err)
	}
	compareLines(h.t, "alerts.jsonl", h.c.expected["alerts.jsonl"], got)
	if h.posts != nil {
		compareLines(h.t, "posts.jsonl", h.c.expected["posts.jsonl"], h.posts.lines)
	}
}

func compareLines(t *testing.T, name string, exp, got []string) {
	t.Helper()
	for i := 0; i < len(exp) && i < len(got); i++ {
		if exp[i] != got[i] {
			t.Fatalf("%s line %d:\nexpected %s\n     got %s", name, i+1, exp[i], got[i])
		}
	}
	if len(exp) != len(got) {
		t.Fatalf("%s: expected %d lines, got %d", name, len(exp), len(got))
	}
	if len(exp) == 0 {
		t.Fatalf("%s: no expected lines", name)
	}
}

// streamByHost runs a |from().measurement('cpu').groupBy(dims...) stream.
func (h *harness) streamByTags(measurement string, dims ...string) {
	sort.Strings(dims)
	for _, p := range h.c.points {
		if measurement != "" && p.name != measurement {
			continue
		}
		h.point(p, groupID(p.name, p.tags, dims, false))
	}
}

func TestReplayGsCPUAlertGrouped(t *testing.T) {
	c := loadCase(t, "gs_cpu_alert_grouped")
	h := newHarness(t, c, nodeSpec{newLam: func() *lambdas {
		l := &lambdas{}
		// int("usage_idle") < 70
		l.test[Critical] = func(p *tpoint) (bool, error) {
			v, err := field(p, "usage_idle")
			return int64(v) < 70, err
		}
		return l
	}})
	h.streamByTags("cpu", "host")
	h.check()
}

func TestReplayAlertLevelsNoReset(t *testing.T) {
	c := loadCase(t, "alert_levels_no_reset")
	h := newHarness(t, c, nodeSpec{
		message: `{{ if eq .Level "OK" }}{{ .ID }} recovered{{ else }}{{ .ID }} at {{ .Level }}{{ end }}`,
		newLam: func() *lambdas {
			l := &lambdas{}
			l.test[Info] = below("usage_idle", 90)
			l.test[Warning] = below("usage_idle", 80)
			l.test[Critical] = below("usage_idle", 70)
			return l
		},
	})
	h.streamByTags("cpu", "host")
	h.check()
}

func TestReplayAlertLevelsWithResets(t *testing.T) {
	c := loadCase(t, "alert_levels_with_resets")
	h := newHarness(t, c, nodeSpec{newLam: func() *lambdas {
		l := &lambdas{}
		l.test[Info] = below("usage_idle", 90)
		l.test[Warning] = below("usage_idle", 80)
		l.test[Critical] = below("usage_idle", 70)
		l.reset[Info] = above("usage_idle", 92)
		l.reset[Warning] = above("usage_idle", 85)
		l.reset[Critical] = above("usage_idle", 75)
		return l
	}})
	h.streamByTags("cpu", "host")
	h.check()
}

func TestReplayAlertStateChangesOnly(t *testing.T) {
	c := loadCase(t, "alert_state_changes_only")
	h := newHarness(t, c, nodeSpec{
		cfg: Config{StateChangesOnly: true},
		newLam: func() *lambdas {
			l := &lambdas{}
			l.test[Warning] = below("usage_idle", 80)
			l.test[Critical] = below("usage_idle", 70)
			return l
		},
	})
	h.streamByTags("cpu", "host")
	h.check()
}

func TestReplayGsSigmaAlert(t *testing.T) {
	c := loadCase(t, "gs_sigma_alert")
	h := newHarness(t, c, nodeSpec{newLam: func() *lambdas {
		l := &lambdas{}
		s := &sigmaFn{}
		// sigma("usage_idle") > 3: the sigma state is updated every time
		// the lambda is evaluated, which is twice for a point that leaves
		// CRITICAL.
		l.test[Critical] = func(p *tpoint) (bool, error) {
			v, err := field(p, "usage_idle")
			if err != nil {
				return false, err
			}
			return s.call(v) > 3, nil
		}
		return l
	}})
	h.streamByTags("cpu")
	h.check()
}

func TestReplayGroupByMeasurement(t *testing.T) {
	c := loadCase(t, "groupby_by_measurement")
	h := newHarness(t, c, nodeSpec{
		id:      "{{ .Group }}",
		message: "{{ .Name }} {{ .ID }}",
		cfg:     Config{StateChangesOnly: true},
		newLam: func() *lambdas {
			l := &lambdas{}
			l.test[Info] = func(*tpoint) (bool, error) { return true, nil }
			return l
		},
	})
	for _, p := range c.points {
		h.point(p, groupID(p.name, p.tags, []string{"host"}, true))
	}
	h.check()
}

func TestReplayAlertDetailsJSONTemplate(t *testing.T) {
	c := loadCase(t, "alert_details_json_template")
	h := newHarness(t, c, nodeSpec{
		id:      "cpu-{{ .Group }}",
		message: `{{ printf "%s is %s (%.2f%% idle, %d tags)" .ID .Level (index .Fields "usage_idle") (len .Tags) }}`,
		details: "{{ json . }}",
		newLam: func() *lambdas {
			l := &lambdas{}
			l.test[Critical] = below("usage_idle", 70)
			return l
		},
	})
	h.streamByTags("cpu", "host", "datacenter")
	h.check()
}

func TestReplayAlertPostHandler(t *testing.T) {
	c := loadCase(t, "alert_post_handler")
	h := newHarness(t, c, nodeSpec{
		postPath: "/alert",
		newLam: func() *lambdas {
			l := &lambdas{}
			l.test[Warning] = below("usage_idle", 80)
			l.test[Critical] = below("usage_idle", 60)
			return l
		},
	})
	h.streamByTags("cpu", "host")
	h.check()
}

func TestReplayAlertBatchWindow(t *testing.T) {
	c := loadCase(t, "alert_batch_window")
	h := newHarness(t, c, nodeSpec{newLam: func() *lambdas {
		l := &lambdas{}
		l.test[Warning] = below("usage_idle", 85)
		l.test[Critical] = below("usage_idle", 70)
		return l
	}})
	wins := map[string]*window{}
	for _, p := range c.points {
		if p.name != "cpu" {
			continue
		}
		id := groupID(p.name, p.tags, []string{"host"}, false)
		w := wins[id]
		if w == nil {
			w = &window{}
			wins[id] = w
		}
		if pts, tmax, ok := w.add(p, time.Minute); ok {
			h.batch(tbatch{name: p.name, group: id, tags: subset(p.tags, []string{"host"}), tmax: tmax, points: pts})
		}
	}
	h.check()
}

func TestReplayAlertAggregateThenAlert(t *testing.T) {
	c := loadCase(t, "alert_aggregate_then_alert")
	h := newHarness(t, c, nodeSpec{
		id: `{{ index .Tags "host" }}/mean`,
		newLam: func() *lambdas {
			l := &lambdas{}
			l.test[Warning] = below("mean", 80)
			l.test[Critical] = below("mean", 75)
			return l
		},
	})
	wins := map[string]*window{}
	for _, p := range c.points {
		if p.name != "cpu" {
			continue
		}
		id := groupID(p.name, p.tags, []string{"host"}, false)
		w := wins[id]
		if w == nil {
			w = &window{}
			wins[id] = w
		}
		pts, tmax, ok := w.add(p, 30*time.Second)
		if !ok || len(pts) == 0 {
			continue
		}
		// |mean('usage_idle'): one point at the window's tmax with the
		// group tags; InfluxDB's float mean reducer sums then divides.
		var sum float64
		for _, q := range pts {
			sum += q.fields["usage_idle"].(float64)
		}
		mp := tpoint{
			name:   p.name,
			tags:   subset(p.tags, []string{"host"}),
			fields: map[string]any{"mean": sum / float64(len(pts))},
			t:      tmax,
		}
		h.point(mp, id)
	}
	h.check()
}

// TestReplayAlertDownstreamFields checks the values a node forwards with
// levelTag/levelField/idTag/idField/messageField/durationField, through the
// httpPost bodies the recording captured for every forwarded point.
func TestReplayAlertDownstreamFields(t *testing.T) {
	c := loadCase(t, "alert_downstream_fields")
	h := newHarness(t, c, nodeSpec{newLam: func() *lambdas {
		l := &lambdas{}
		l.test[Warning] = below("usage_idle", 80)
		l.test[Critical] = below("usage_idle", 70)
		return l
	}})
	// Kapacitor creates no anonymous topic for a node without handlers;
	// this node has none in the script.
	h.node.Topic, h.node.Handlers = nil, nil
	var got []string
	for _, p := range c.points {
		if p.name != "cpu" {
			continue
		}
		d := h.point(p, groupID(p.name, p.tags, []string{"host"}, false))
		if d == nil {
			continue
		}
		tags := map[string]string{}
		for k, v := range p.tags {
			tags[k] = v
		}
		tags["level"], tags["alert_id"] = d.Level.String(), d.ID
		fields := map[string]any{}
		for k, v := range p.fields {
			fields[k] = v
		}
		fields["level_value"] = d.Level.String()
		fields["msg"] = d.Message
		fields["alert_id_field"] = d.ID
		fields["dur"] = int64(d.Duration)
		res := Result{Series: []Series{PointSeries(p.name, tags, p.t, fields)}}
		b, err := res.appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, normalizePost("/", b))
	}
	compareLines(t, "posts.jsonl", c.expected["posts.jsonl"], got)
}

func TestReplayGsRealworldPercentile(t *testing.T) {
	c := loadCase(t, "gs_realworld_percentile")
	h := newHarness(t, c, nodeSpec{
		id:       `{{ .Name }}/{{ index .Tags "service" }}/{{ index .Tags "datacenter"}}`,
		message:  `{{ .ID }} is {{ .Level }} cpu-95th:{{ index .Fields "percentile" }}`,
		postPath: "/",
		newLam: func() *lambdas {
			l := &lambdas{}
			l.test[Warning] = above("sigma", 2.5)
			l.test[Critical] = above("sigma", 3.0)
			return l
		},
	})
	dims := []string{"datacenter", "service"}
	wins := map[string]*window{}
	sigmas := map[string]*sigmaFn{}
	for _, p := range c.points {
		if p.name != "cpu" {
			continue
		}
		// |eval(lambda: 100.0 - "usage_idle").as('used')
		p.fields = map[string]any{"used": 100.0 - p.fields["usage_idle"].(float64)}
		id := groupID(p.name, p.tags, dims, false)
		w := wins[id]
		if w == nil {
			w = &window{}
			wins[id] = w
			sigmas[id] = &sigmaFn{}
		}
		pts, tmax, ok := w.add(p, time.Minute)
		if !ok || len(pts) == 0 {
			continue
		}
		// |percentile('used', 95.0): InfluxDB's percentile selector, at
		// the window's tmax with the selected point's tags.
		sorted := append([]tpoint(nil), pts...)
		sort.Slice(sorted, func(i, j int) bool {
			return sorted[i].fields["used"].(float64) < sorted[j].fields["used"].(float64)
		})
		i := int(math.Floor(float64(len(sorted))*95.0/100.0+0.5)) - 1
		if i < 0 || i >= len(sorted) {
			continue
		}
		sel := sorted[i]
		v := sel.fields["used"].(float64)
		// |eval(lambda: sigma("percentile")).as('sigma').keep('percentile', 'sigma')
		mp := tpoint{
			name:   p.name,
			tags:   sel.tags,
			fields: map[string]any{"percentile": v, "sigma": sigmas[id].call(v)},
			t:      tmax,
		}
		h.point(mp, id)
	}
	h.check()
}
