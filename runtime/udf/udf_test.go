package udf

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/timer"
)

// agentDir holds the test agent's binary for the test run.
var agentDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "udf-agent-")
	if err != nil {
		panic(err)
	}
	agentDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testAgent builds the agent of testdata/agent once per test run.
var testAgent = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(agentDir, "agent")
	out, err := exec.Command("go", "build", "-o", bin, "./testdata/agent").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the test agent: %v\n%s", err, out)
	}
	return bin, nil
})

func agentPath(t *testing.T) string {
	t.Helper()
	bin, err := testAgent()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// config is a pipeline.Config holding one [udf.functions.NAME] section.
type config map[string]any

func (c config) Section(name string) (map[string]any, bool) {
	if name != "udf" {
		return nil, false
	}
	return map[string]any{"functions": map[string]any(c)}, true
}

func processFn(t *testing.T, timeout string, args ...string) map[string]any {
	list := []any{}
	for _, a := range args {
		list = append(list, a)
	}
	return map[string]any{"prog": agentPath(t), "args": list, "timeout": timeout}
}

func testEnv(c config) *pipeline.Env {
	return &pipeline.Env{Log: slog.New(slog.DiscardHandler), Config: c, Now: time.Now}
}

func opt(name string, v OptionValue) Option { return Option{Name: name, Values: []OptionValue{v}} }

func movingAvgOpts(size int64) []Option {
	return []Option{
		opt("field", OptionValue{Type: String, String: "value"}),
		opt("size", OptionValue{Type: Int, Int: size}),
		opt("as", OptionValue{Type: String, String: "avg"}),
	}
}

// point makes a cpu point of host in a group by host.
func point(groups *pipeline.Groups, host string, sec int64, v float64) *pipeline.Point {
	p := &pipeline.Point{DB: "telegraf", RP: "autogen", Name: "cpu", Time: sec * 1e9,
		Tags:   []pipeline.Tag{{Key: "cpu", Value: "cpu0"}, {Key: "host", Value: host}},
		Fields: []pipeline.Field{{Key: "value", Value: pipeline.FloatValue(v)}, {Key: "n", Value: pipeline.IntValue(sec)}}}
	p.Group = groups.By(p, []string{"host"}, false)
	return p
}

func TestInfo(t *testing.T) {
	fns, err := Functions(map[string]any{"functions": map[string]any{
		"movingAvg": processFn(t, "5s"),
		"outliers":  processFn(t, "5s", "-mode", "outliers"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]Info{
		"movingAvg": {Wants: Stream, Provides: Stream, Options: map[string][]ValueType{"field": {String}, "size": {Int}, "as": {String}}},
		"outliers":  {Wants: Batch, Provides: Batch, Options: map[string][]ValueType{"field": {String}, "scale": {Double}}},
	} {
		got, err := AskInfo(name, fns[name])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: info (-want +got):\n%s", name, diff)
		}
	}
}

// describe is a point an agent sent, as text.
func describe(p *pipeline.Point) string {
	return fmt.Sprintf("%s %s/%s group=%q t=%d tags=%v fields=%v", p.Name, p.DB, p.RP, p.Group.ID, p.Time/1e9, p.TagMap(), p.FieldMap())
}

// runMovingAvg feeds points of two hosts through a movingAvg node of size
// 2 and returns what it emitted, as text.
func runMovingAvg(t *testing.T, fn map[string]any) []string {
	t.Helper()
	groups := pipeline.NewGroups()
	n, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(2), testEnv(config{"movingAvg": fn}), groups)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	n.OnPoint = func(p *pipeline.Point) {
		got = append(got, describe(p))
	}
	n.OnError = func(err error) { t.Errorf("unexpected error: %v", err) }
	for i, v := range []float64{1, 3, 5, 10} {
		n.Point(point(groups, "a", int64(i), v))
		n.Point(point(groups, "b", int64(i), -v))
	}
	if err := n.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	return got
}

var wantMovingAvg = []string{
	`cpu telegraf/autogen group="host=a" t=1 tags=map[cpu:cpu0 host:a] fields=map[avg:2]`,
	`cpu telegraf/autogen group="host=b" t=1 tags=map[cpu:cpu0 host:b] fields=map[avg:-2]`,
	`cpu telegraf/autogen group="host=a" t=2 tags=map[cpu:cpu0 host:a] fields=map[avg:4]`,
	`cpu telegraf/autogen group="host=b" t=2 tags=map[cpu:cpu0 host:b] fields=map[avg:-4]`,
	`cpu telegraf/autogen group="host=a" t=3 tags=map[cpu:cpu0 host:a] fields=map[avg:7.5]`,
	`cpu telegraf/autogen group="host=b" t=3 tags=map[cpu:cpu0 host:b] fields=map[avg:-7.5]`,
}

func TestProcessStream(t *testing.T) {
	got := runMovingAvg(t, processFn(t, "5s"))
	if diff := cmp.Diff(wantMovingAvg, got); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}
}

func TestSocketStream(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "agent.sock")
	cmd := exec.Command(agentPath(t), "-socket", sock)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	got := runMovingAvg(t, map[string]any{"socket": sock, "timeout": "5s"})
	if diff := cmp.Diff(wantMovingAvg, got); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}
}

func TestBatchOutliers(t *testing.T) {
	groups := pipeline.NewGroups()
	fn := processFn(t, "5s", "-mode", "outliers")
	opts := []Option{opt("field", OptionValue{Type: String, String: "value"}), opt("scale", OptionValue{Type: Double, Double: 1.5})}
	n, err := New("outliers", "task1", "outliers3", opts, testEnv(config{"outliers": fn}), groups)
	if err != nil {
		t.Fatal(err)
	}
	var got []*pipeline.Batch
	n.OnBatch = func(b *pipeline.Batch) { got = append(got, b) }
	n.OnError = func(err error) { t.Errorf("unexpected error: %v", err) }
	in := &pipeline.Batch{Name: "cpu", TMax: 9e9, Tags: []pipeline.Tag{{Key: "host", Value: "a"}}}
	for i, v := range []float64{10, 11, 12, 11, 10, 95, 12, 11} {
		p := point(groups, "a", int64(i), v)
		in.Points = append(in.Points, *p)
	}
	in.Group = in.Points[0].Group
	n.Batch(in)
	if err := n.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d batches, want 1", len(got))
	}
	b := got[0]
	if b.Name != "cpu" || b.TMax != 9e9 || b.Group != in.Group || len(b.Points) != 1 {
		t.Fatalf("batch %s tmax=%d group=%q with %d points, want cpu tmax=9e9 group host=a with the one outlier", b.Name, b.TMax, b.Group.ID, len(b.Points))
	}
	if v, _ := b.Points[0].Field("value"); v.F != 95 || b.Points[0].Time != 5e9 {
		t.Errorf("outlier %v at %d, want 95 at 5s", v, b.Points[0].Time)
	}
}

func TestInitError(t *testing.T) {
	_, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(0), testEnv(config{"movingAvg": processFn(t, "5s")}), pipeline.NewGroups())
	if err == nil || !strings.Contains(err.Error(), "failed to initialize: size must be at least 1, got 0") {
		t.Errorf("New: %v, want the agent's init error", err)
	}
	_, err = New("nope", "task1", "nope2", nil, testEnv(config{}), pipeline.NewGroups())
	if err == nil || !strings.Contains(err.Error(), "no [udf.functions.nope] section") {
		t.Errorf("New: %v, want a missing section error", err)
	}
}

// failing runs points through an agent that stops working after the
// first, waiting for the agent after each of the first two, and returns
// the errors reported.
func failing(t *testing.T, fn map[string]any) (errs []error, elapsed time.Duration, closeErr error) {
	groups := pipeline.NewGroups()
	n, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(1), testEnv(config{"movingAvg": fn}), groups)
	if err != nil {
		t.Fatal(err)
	}
	emitted := 0
	n.OnPoint = func(*pipeline.Point) { emitted++ }
	n.OnError = func(err error) { errs = append(errs, err) }
	start := time.Now()
	for i := range 3 {
		n.Point(point(groups, "a", int64(i), 1))
		if i < 2 {
			n.Sync()
		}
	}
	elapsed = time.Since(start)
	if emitted != 1 {
		t.Errorf("emitted %d points, want 1, before the agent failed", emitted)
	}
	closeErr = n.Close()
	return errs, elapsed, closeErr
}

func TestAgentCrash(t *testing.T) {
	errs, _, closeErr := failing(t, processFn(t, "5s", "-crash-after", "1"))
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "UDF movingAvg: read error: the agent closed its output") {
		t.Errorf("errors %v, want 2 (the crash, seen by Sync, then the point dropped after it)", errs)
	}
	if closeErr == nil {
		t.Error("Close: no error after the agent crashed")
	}
}

func TestKeepaliveTimeout(t *testing.T) {
	errs, elapsed, _ := failing(t, processFn(t, "300ms", "-hang-after", "1"))
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "keepalive timed out") {
		t.Errorf("errors %v, want a keepalive timeout", errs)
	}
	if elapsed > 3*time.Second {
		t.Errorf("the hung agent held the task for %s", elapsed)
	}
}

func TestConfig(t *testing.T) {
	fns, err := Functions(map[string]any{"functions": map[string]any{
		"decl": map[string]any{"prog": "/bin/agent", "args": []any{"-v"}, "env": map[string]any{"A": "1"},
			"wants": "batch", "provides": "stream", "options": map[string]any{"field": "string", "range": []any{"double", "float"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := Function{Prog: "/bin/agent", Args: []string{"-v"}, Env: map[string]string{"A": "1"}, Timeout: DefaultTimeout,
		Declared: &Info{Wants: Batch, Provides: Stream, Options: map[string][]ValueType{"field": {String}, "range": {Double, Double}}}}
	if diff := cmp.Diff(want, fns["decl"]); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []struct {
		fn   map[string]any
		want string
	}{
		{map[string]any{}, "set prog"},
		{map[string]any{"prog": "a", "socket": "b"}, "not both"},
		{map[string]any{"prog": "a", "options": map[string]any{"x": "float64"}}, `options.x: unknown type "float64"`},
		{map[string]any{"prog": "a", "wants": "points"}, `wants = "points"`},
		{map[string]any{"prog": "a", "timeout": "10"}, "missing unit"},
	} {
		_, err := Functions(map[string]any{"functions": map[string]any{"f": bad.fn}})
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: error %v, want %q", bad.fn, err, bad.want)
		}
	}
}

// TestKeepaliveTimeoutBlockedWrite hangs the agent without reading its
// input: the task's writes block once the pipe is full, and the timeout
// must still fail the agent and unblock them.
func TestKeepaliveTimeoutBlockedWrite(t *testing.T) {
	groups := pipeline.NewGroups()
	n, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(1), testEnv(config{"movingAvg": processFn(t, "300ms", "-hang-after", "0")}), groups)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	n.OnError = func(err error) { errs = append(errs, err) }
	// The agent hangs at the batch's first point; the next ones, of a
	// megabyte each, do not fit in the pipe.
	b := &pipeline.Batch{Name: "cpu", Group: groups.Root()}
	for i := range 3 {
		p := point(groups, "a", int64(i), 1)
		p.SetField("padding", pipeline.StringValue(strings.Repeat("x", 1<<20)))
		b.Points = append(b.Points, *p)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Batch(b)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the write to a hung agent was never unblocked")
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "keepalive timed out") {
		t.Errorf("errors %v, want a keepalive timeout", errs)
	}
	n.Close()
}

// TestNoWaitPerPoint sends points to an agent that hangs at the first:
// the node does not wait for an answer per point, so the points return at
// once, and Close, which does wait, reports the keepalive timeout.
func TestNoWaitPerPoint(t *testing.T) {
	groups := pipeline.NewGroups()
	n, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(1), testEnv(config{"movingAvg": processFn(t, "1s", "-hang-after", "0")}), groups)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	n.OnError = func(err error) { errs = append(errs, err) }
	start := time.Now()
	for i := range 50 {
		n.Point(point(groups, "a", int64(i), 1))
	}
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("50 points to a hung agent took %s: the node waited for answers", elapsed)
	}
	if len(errs) != 0 {
		t.Errorf("errors %v before the timeout", errs)
	}
	if err := n.Close(); err == nil || !strings.Contains(err.Error(), "keepalive timed out") {
		t.Errorf("Close: %v, want the keepalive timeout", err)
	}
}

// TestTick checks that, with the task's timers, the node's ticks send the
// buffered points and forward the agent's answers without Sync.
func TestTick(t *testing.T) {
	groups := pipeline.NewGroups()
	env := testEnv(config{"movingAvg": processFn(t, "5s")})
	clock := time.Unix(0, 0)
	timers := timer.New(clock)
	env.Timers = timers
	n, err := New("movingAvg", "task1", "movingAvg2", movingAvgOpts(2), env, groups)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var got []string
	n.OnPoint = func(p *pipeline.Point) {
		got = append(got, describe(p))
	}
	n.OnError = func(err error) { t.Errorf("unexpected error: %v", err) }
	for i, v := range []float64{1, 3, 5, 10} {
		n.Point(point(groups, "a", int64(i), v))
		n.Point(point(groups, "b", int64(i), -v))
	}
	if len(got) != 0 {
		t.Fatalf("%d points forwarded before the agent was sent anything", len(got))
	}
	for deadline := time.Now().Add(5 * time.Second); len(got) < len(wantMovingAvg) && time.Now().Before(deadline); {
		clock = clock.Add(busyTick)
		timers.Advance(clock)
		time.Sleep(5 * time.Millisecond)
	}
	if diff := cmp.Diff(wantMovingAvg, got); diff != "" {
		t.Errorf("forwarded by the ticks (-want +got):\n%s", diff)
	}
}

// benchmarkPoints sends b.N points through the node of fn and waits for
// the agent to answer them all; the agent must answer each point.
func benchmarkPoints(b *testing.B, fn map[string]any, opts []Option) {
	groups := pipeline.NewGroups()
	n, err := New("f", "task1", "f2", opts, testEnv(config{"f": fn}), groups)
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	out := 0
	n.OnPoint = func(*pipeline.Point) { out++ }
	n.OnError = func(err error) { b.Fatal(err) }
	p := point(groups, "a", 1, 42)
	b.ReportAllocs()
	for b.Loop() {
		n.Point(p)
	}
	n.Sync()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
	if out != b.N {
		b.Errorf("%d points out of %d", out, b.N)
	}
}

// BenchmarkProcessAgent streams points through the test agent, a process
// (dynamic protobuf messages, so slower than a compiled agent), which
// answers each with a moving average (of one point).
func BenchmarkProcessAgent(b *testing.B) {
	bin, err := testAgent()
	if err != nil {
		b.Fatal(err)
	}
	benchmarkPoints(b, map[string]any{"prog": bin, "timeout": "10s"}, movingAvgOpts(1))
}

// BenchmarkEchoAgent measures the node's own cost: encoding, writing,
// reading, decoding and grouping, with an in-process agent on a unix
// socket that answers each point with itself.
func BenchmarkEchoAgent(b *testing.B) {
	sock := filepath.Join(b.TempDir(), "echo.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		echo(conn)
	}()
	benchmarkPoints(b, map[string]any{"socket": sock, "timeout": "10s"}, nil)
}

// echo is a UDF agent that answers init with success and every other
// request with itself: a point request is a point response, a keepalive
// request a keepalive response. It allocates nothing per message.
func echo(conn net.Conn) {
	r := bufio.NewReader(conn)
	w := bufio.NewWriter(conn)
	initOK := protowire.AppendTag(nil, msgInit, protowire.BytesType)
	initOK = protowire.AppendBytes(initOK, protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1))
	var buf, size []byte
	for {
		msg, err := readFrame(r, &buf)
		if err != nil {
			return
		}
		if num, _, _ := protowire.ConsumeTag(msg); num == msgInit {
			msg = initOK
		}
		size = binary.AppendUvarint(size[:0], uint64(len(msg)))
		w.Write(size)
		w.Write(msg)
		if r.Buffered() == 0 && w.Flush() != nil {
			return
		}
	}
}

// TestWireRoundTrip encodes points with fields of every kind and decodes
// them: a point request and a point response are the same message.
// Decoding into a reused response and interned strings must not leak
// the previous point into the next.
func TestWireRoundTrip(t *testing.T) {
	groups := pipeline.NewGroups()
	p1 := &pipeline.Point{DB: "telegraf", RP: "autogen", Name: "cpu", Time: 7e9,
		Tags: []pipeline.Tag{{Key: "cpu", Value: "cpu0"}, {Key: "host", Value: "a"}},
		Fields: []pipeline.Field{{Key: "b", Value: pipeline.BoolValue(true)}, {Key: "n", Value: pipeline.IntValue(-3)},
			{Key: "s", Value: pipeline.StringValue("text")}, {Key: "value", Value: pipeline.FloatValue(1.5)}}}
	p1.Group = groups.By(p1, []string{"host"}, false)
	p2 := &pipeline.Point{Name: "mem", Time: 8e9, Tags: []pipeline.Tag{{Key: "host", Value: "b"}},
		Fields: []pipeline.Field{{Key: "free", Value: pipeline.IntValue(1 << 40)}}}
	p2.Group = groups.Root()
	var buf bytes.Buffer
	e := encoder{w: bufio.NewWriter(&buf)}
	var in interner
	r := new(response)
	for _, p := range []*pipeline.Point{p1, p2, p1} {
		buf.Reset()
		e.point(p)
		if err := e.frame(); err != nil {
			t.Fatal(err)
		}
		e.w.Flush()
		var frame []byte
		msg, err := readFrame(bufio.NewReader(&buf), &frame)
		if err != nil {
			t.Fatal(err)
		}
		if err := decodeResponse(msg, r, &in); err != nil {
			t.Fatal(err)
		}
		got := r.point
		got.Group = groups.By(&got, r.dims, r.byName)
		if r.kind != msgPoint || r.group != p.Group.ID {
			t.Errorf("kind %d group %q, want a point of group %q", r.kind, r.group, p.Group.ID)
		}
		if diff := cmp.Diff(p, &got); diff != "" {
			t.Errorf("decoded point (-want +got):\n%s", diff)
		}
	}
}
