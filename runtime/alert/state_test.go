package alert

import (
	"math"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// valueTester tests levels on one value with thresholds: a level matches
// when the value is below its threshold, a reset holds when it is above.
type valueTester struct {
	v      float64
	below  [4]float64
	above  [4]float64
	calls  [4]int
	resets [4]int
}

func (vt *valueTester) Test(l Level) (bool, error) {
	vt.calls[l]++
	return vt.v < vt.below[l], nil
}

func (vt *valueTester) Reset(l Level) (bool, error) {
	vt.resets[l]++
	return vt.v > vt.above[l], nil
}

func TestLevelStrings(t *testing.T) {
	for l, s := range map[Level]string{OK: "OK", Info: "INFO", Warning: "WARNING", Critical: "CRITICAL", 7: "unknown", -1: "unknown"} {
		if l.String() != s {
			t.Errorf("%d: %q, want %q", int(l), l.String(), s)
		}
		b, _ := l.MarshalText()
		if string(b) != s {
			t.Errorf("%d: MarshalText %q", int(l), b)
		}
		var u Level
		err := u.UnmarshalText([]byte(s))
		if s == "unknown" {
			if err == nil {
				t.Errorf("UnmarshalText(%q) accepted", s)
			}
		} else if err != nil || u != l {
			t.Errorf("UnmarshalText(%q) = %v, %v", s, u, err)
		}
	}
	if Levels(Info, Critical) != 0b1010 || !Levels(Warning).Has(Warning) || Levels(Warning).Has(Info) {
		t.Error("LevelSet")
	}
}

func TestDetermineLevelNoResets(t *testing.T) {
	cfg := &Config{Tests: Levels(Info, Warning, Critical)}
	vt := &valueTester{below: [4]float64{0, 90, 80, 70}}
	// Without reset lambdas the level follows each value.
	cur := OK
	for _, step := range []struct {
		v    float64
		want Level
	}{{95, OK}, {85, Info}, {75, Warning}, {65, Critical}, {85, Info}, {95, OK}, {65, Critical}, {79, Warning}} {
		vt.v = step.v
		cur = DetermineLevel(cfg, cur, vt)
		if cur != step.want {
			t.Fatalf("value %v: %v, want %v", step.v, cur, step.want)
		}
	}
}

func TestDetermineLevelResets(t *testing.T) {
	cfg := &Config{Tests: Levels(Info, Warning, Critical), Resets: Levels(Info, Warning, Critical)}
	vt := &valueTester{below: [4]float64{0, 90, 80, 70}, above: [4]float64{0, 92, 85, 75}}
	cur := OK
	for _, step := range []struct {
		v    float64
		want Level
	}{
		{95, OK},
		{65, Critical},
		{72, Critical}, // crit test fails, critReset ("> 75") false: stay
		{74, Critical},
		{76, Warning}, // reset holds, warn matches
		{84, Warning}, // warnReset ("> 85") false: stay although info would match
		{86, Info},    // reset holds, info matches
		{91, Info},    // infoReset ("> 92") false: stay
		{93, OK},
		{79, Warning}, // from OK every level is tested
	} {
		vt.v = step.v
		cur = DetermineLevel(cfg, cur, vt)
		if cur != step.want {
			t.Fatalf("value %v: %v, want %v", step.v, cur, step.want)
		}
	}
}

// TestDetermineLevelEvaluationOrder checks which lambdas Kapacitor
// evaluates, and how often: it matters for stateful functions.
func TestDetermineLevelEvaluationOrder(t *testing.T) {
	cfg := &Config{Tests: Levels(Info, Warning, Critical), Resets: Levels(Warning)}
	vt := &valueTester{v: 95, below: [4]float64{0, 90, 80, 70}, above: [4]float64{0, 0, 0, 0}}
	// At WARNING with nothing matching and the reset holding: crit, warn,
	// warnReset, then warn again and info.
	if l := DetermineLevel(cfg, Warning, vt); l != OK {
		t.Fatalf("level %v", l)
	}
	if vt.calls != [4]int{0, 1, 2, 1} || vt.resets != [4]int{0, 0, 1, 0} {
		t.Fatalf("calls %v resets %v", vt.calls, vt.resets)
	}
	// At OK every level is tested once; at CRITICAL without a reset the
	// crit test runs twice.
	vt.calls, vt.resets = [4]int{}, [4]int{}
	DetermineLevel(cfg, OK, vt)
	DetermineLevel(cfg, Critical, vt)
	if vt.calls != [4]int{0, 2, 2, 3} {
		t.Fatalf("calls %v", vt.calls)
	}
	// Unset levels are never called.
	cfg.Tests = Levels(Critical)
	vt.calls = [4]int{}
	DetermineLevel(cfg, OK, vt)
	if vt.calls != [4]int{0, 0, 0, 1} {
		t.Fatalf("calls %v", vt.calls)
	}
}

// errTester fails every evaluation.
type errTester struct{}

func (errTester) Test(Level) (bool, error)  { return true, errMissing }
func (errTester) Reset(Level) (bool, error) { return false, errMissing }

func TestDetermineLevelErrors(t *testing.T) {
	cfg := &Config{Tests: Levels(Info, Warning, Critical), Resets: Levels(Critical)}
	// A failing level test does not match; a failing reset does not hold the
	// level.
	if l := DetermineLevel(cfg, Critical, errTester{}); l != OK {
		t.Fatalf("level %v", l)
	}
}

type update struct {
	l    Level
	s    int // seconds after t0
	fire bool
	dur  int // seconds
}

func run(t *testing.T, cfg *Config, steps []update) *State {
	t.Helper()
	var s State
	for i, u := range steps {
		fire, ev := s.Update(u.l, at(u.s), cfg)
		if fire != u.fire {
			t.Fatalf("step %d (%v at %ds): fire %v, want %v", i, u.l, u.s, fire, u.fire)
		}
		if fire && (ev.Level != u.l || !ev.Time.Equal(at(u.s)) || ev.Duration != time.Duration(u.dur)*time.Second) {
			t.Fatalf("step %d: event %+v, want level %v duration %ds", i, ev, u.l, u.dur)
		}
	}
	return &s
}

func TestUpdateDefault(t *testing.T) {
	cfg := &Config{History: DefaultHistory}
	s := run(t, cfg, []update{
		{OK, 0, false, 0},
		{Critical, 10, true, 0}, // episode starts
		{Critical, 20, true, 10},
		{Warning, 30, true, 20},
		{OK, 40, true, 30}, // recovery: duration up to the OK
		{OK, 50, false, 0},
		{Info, 60, true, 0}, // new episode
	})
	if s.Level() != Info || s.Duration() != 0 {
		t.Fatalf("level %v duration %v", s.Level(), s.Duration())
	}
}

func TestUpdateStateChangesOnly(t *testing.T) {
	cfg := &Config{History: DefaultHistory, StateChangesOnly: true}
	run(t, cfg, []update{
		{OK, 0, false, 0},
		{Warning, 10, true, 0},
		{Warning, 20, false, 0},
		{Critical, 30, true, 20}, // duration counts from the episode's first event
		{Critical, 40, false, 0},
		{OK, 50, true, 40},
		{OK, 60, false, 0},
	})
}

func TestUpdateStateChangesOnlyExpiry(t *testing.T) {
	cfg := &Config{History: DefaultHistory, StateChangesOnly: true, StateChangesOnlyDuration: 30 * time.Second}
	run(t, cfg, []update{
		// Unchanged OK on a new group: "expired" (the zero last-triggered
		// time is long ago), but OK without a change never fires.
		{OK, 0, false, 0},
		{Critical, 10, true, 0},
		{Critical, 20, false, 0},
		{Critical, 39, false, 0},
		{Critical, 40, true, 30}, // 30s since the last event
		{Critical, 50, false, 0},
		{Critical, 70, true, 60},
		{OK, 75, true, 65},
		{OK, 200, false, 0},
	})
}

func TestUpdateNoRecoveries(t *testing.T) {
	cfg := &Config{History: DefaultHistory, NoRecoveries: true}
	run(t, cfg, []update{
		{Critical, 0, true, 0},
		{Critical, 10, true, 10},
		{OK, 20, false, 0}, // recovery suppressed, but it still ends the episode
		{Warning, 30, true, 0},
	})
}

func TestPercentChange(t *testing.T) {
	cfg := &Config{History: 3, Flapping: true, FlapLow: 0.2, FlapHigh: 0.5}
	var s State
	s.addEvent(cfg, at(0), Critical)
	// ring [OK CRIT OK], newest at 1: changes weighted 0.8 and 1.0, over 2
	if p := s.percentChange(); p != 0.9 {
		t.Fatalf("percent change %v, want 0.9", p)
	}
	s.addEvent(cfg, at(1), Critical)
	if p := s.percentChange(); p != 0.5 {
		t.Fatalf("percent change %v, want 0.5", p)
	}
	s.addEvent(cfg, at(2), Critical)
	if p := s.percentChange(); p != 0 {
		t.Fatalf("percent change %v, want 0", p)
	}
}

func TestUpdateFlapping(t *testing.T) {
	cfg := &Config{History: 3, Flapping: true, FlapLow: 0.2, FlapHigh: 0.5}
	var s State
	steps := []struct {
		l        Level
		flapping bool
		fire     bool
	}{
		{Critical, true, false}, // 0.9 > high: flapping, nothing fires
		{Critical, true, false}, // 0.5, not below low: still flapping
		{Critical, false, true}, // 0: stops flapping
		{OK, true, false},       // recovery while flapping: suppressed for streams
	}
	for i, st := range steps {
		fire, ev := s.Update(st.l, at(i), cfg)
		if s.Flapping() != st.flapping || fire != st.fire {
			t.Fatalf("step %d: flapping %v fire %v", i, s.Flapping(), fire)
		}
		if i == 2 && ev.Duration != math.MaxInt64 {
			// The episode began while flapping, so its first trigger time
			// was never set: Kapacitor's duration saturates.
			t.Fatalf("duration %v", ev.Duration)
		}
	}
	// Without flapping detection the same sequence fires every time.
	cfg.Flapping = false
	var s2 State
	for i, l := range []Level{Critical, Critical, Critical, OK} {
		if fire, _ := s2.Update(l, at(i), cfg); !fire {
			t.Fatalf("step %d did not fire", i)
		}
	}
}

func TestUpdateBatch(t *testing.T) {
	cfg := &Config{History: 3, Flapping: true, FlapLow: 0.2, FlapHigh: 0.5}
	var s State
	for i, want := range []bool{false, false, true} {
		if fire, _ := s.UpdateBatch(Critical, at(i), cfg); fire != want {
			t.Fatalf("step %d: fire %v", i, fire)
		}
	}
	// Unlike streams, a batch recovery fires while flapping.
	if fire, ev := s.UpdateBatch(OK, at(3), cfg); !fire || !s.Flapping() || ev.Level != OK {
		t.Fatalf("recovery: fire %v flapping %v", fire, s.Flapping())
	}
	if fire, _ := s.UpdateBatch(OK, at(4), cfg); fire {
		t.Fatal("unchanged OK fired")
	}
	// stateChangesOnly and noRecoveries apply as for streams.
	cfg = &Config{History: DefaultHistory, StateChangesOnly: true, NoRecoveries: true}
	s = State{}
	for i, want := range []bool{true, false, false, true} {
		l := []Level{Warning, Warning, OK, Warning}[i]
		if fire, _ := s.UpdateBatch(l, at(i), cfg); fire != want {
			t.Fatalf("scOnly step %d: fire %v", i, fire)
		}
	}
}

func TestBatchLevels(t *testing.T) {
	cfg := &Config{}
	var b BatchLevels
	if _, _, ok := b.Result(cfg); ok {
		t.Fatal("empty batch has a level")
	}
	for _, l := range []Level{Info, Warning, OK, Warning, Critical, Critical, Info} {
		b.Add(l)
	}
	if l, i, ok := b.Result(cfg); !ok || l != Critical || i != 4 {
		t.Fatalf("highest: %v %d", l, i)
	}
	cfg.All = true
	if l, i, _ := b.Result(cfg); l != OK || i != 4 {
		t.Fatalf("all: %v %d", l, i)
	}
	var one BatchLevels
	one.Add(OK)
	if l, i, _ := one.Result(&Config{}); l != OK || i != 0 {
		t.Fatalf("one point: %v %d", l, i)
	}
	if BatchEventTime(&Config{}, Warning, at(1), at(60)) != at(1) ||
		BatchEventTime(&Config{}, OK, at(1), at(60)) != at(60) ||
		BatchEventTime(&Config{All: true}, Warning, at(1), at(60)) != at(60) {
		t.Fatal("BatchEventTime")
	}
}

func TestHistoryMinimum(t *testing.T) {
	var s State
	s.Update(Critical, at(0), &Config{History: 0})
	if len(s.history) != 2 {
		t.Fatalf("history %d", len(s.history))
	}
	if err := (&Config{Flapping: true, FlapHigh: 1.5}).Validate(); err == nil || !strings.Contains(err.Error(), "between 0 and 1") {
		t.Fatalf("Validate: %v", err)
	}
	if err := (&Config{Flapping: false, FlapHigh: 1.5}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestSharedIDPreviousLevel checks that groups rendering the same ID share
// the topic's state: the previous level of an event, and the initial level
// of a new group.
func TestSharedIDPreviousLevel(t *testing.T) {
	tmpl, err := NewTemplates("task", ServerInfo{Hostname: "localhost"}, "cpu", DefaultMessage, DefaultDetails)
	if err != nil {
		t.Fatal(err)
	}
	var got []*Data
	n, err := NewNode(Config{History: DefaultHistory}, tmpl, "kapacitor:task:alert2", handlerFunc(func(d *Data) error {
		got = append(got, d)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	in := func(host string) *Input {
		tags := map[string]string{"host": host}
		return &Input{Name: "cpu", Group: "host=" + host, Tags: tags, Fields: map[string]any{"v": 1.0},
			Series: PointSeries("cpu", tags, at(0), map[string]any{"v": 1.0})}
	}
	var a, b State
	if err := n.InitGroup(&a, "cpu", "host=a", in("a").Tags, at(0)); err != nil {
		t.Fatal(err)
	}
	if fire, ev := a.Update(Critical, at(0), &n.Config); fire {
		if _, err := n.Fire(ev, in("a")); err != nil {
			t.Fatal(err)
		}
	}
	// Group b starts CRITICAL: its first OK point is a recovery.
	if err := n.InitGroup(&b, "cpu", "host=b", in("b").Tags, at(10)); err != nil {
		t.Fatal(err)
	}
	if b.Level() != Critical {
		t.Fatalf("group b restored at %v", b.Level())
	}
	fire, ev := b.Update(OK, at(10), &n.Config)
	if !fire || ev.Duration != 10*time.Second {
		t.Fatalf("fire %v event %+v", fire, ev)
	}
	if _, err := n.Fire(ev, in("b")); err != nil {
		t.Fatal(err)
	}
	n.Close() // the handler has run
	if len(got) != 2 || got[0].PreviousLevel != OK || got[1].PreviousLevel != Critical || got[1].Level != OK {
		t.Fatalf("events %+v", got)
	}
	if n.Stats.AlertsTriggered.Load() != 2 || n.Stats.CritsTriggered.Load() != 1 || n.Stats.OKsTriggered.Load() != 1 {
		t.Fatal("stats")
	}
	var names []string
	n.Stats.Each(func(name string, _ int64) { names = append(names, name) })
	if strings.Join(names, " ") != "alerts_inhibited alerts_triggered crits_triggered infos_triggered oks_triggered warns_triggered" {
		t.Fatalf("stat names %v", names)
	}
	if n.Topic.MaxLevel() != OK {
		t.Fatalf("max level %v", n.Topic.MaxLevel())
	}
	// A node without handlers has no topic: no sharing.
	n2, _ := NewNode(Config{History: DefaultHistory}, tmpl, "x")
	var c State
	if err := n2.InitGroup(&c, "cpu", "host=c", nil, at(0)); err != nil || n2.Topic != nil || c.Level() != OK {
		t.Fatal("node without handlers")
	}
}

type handlerFunc func(d *Data) error

func (f handlerFunc) Handle(d *Data) error { return f(d) }
