package taskcli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"github.com/BurntSushi/toml"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/server/servertest"
)

// result is what a run of the command line left.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the command line of a fresh fake task.
func run(t *testing.T, ctx context.Context, fake *servertest.Fake, onListen func(string), args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	r := &runner{p: &fake.Program, stdout: &stdout, stderr: &stderr, onListen: onListen}
	code := r.run(ctx, append([]string{"task"}, args...))
	return result{code, stdout.String(), stderr.String()}
}

// pointText is a point in a form that is easy to compare: line protocol,
// unescaped.
func pointText(p pipeline.Point) string {
	var b strings.Builder
	b.WriteString(p.Name)
	for _, t := range p.Tags {
		fmt.Fprintf(&b, ",%s=%s", t.Key, t.Value)
	}
	for i, f := range p.Fields {
		b.WriteString(map[bool]string{true: " ", false: ","}[i == 0])
		b.WriteString(f.Key + "=")
		switch v := f.Value; v.Kind {
		case pipeline.Float:
			b.WriteString(strconv.FormatFloat(v.F, 'f', -1, 64))
		case pipeline.Int:
			fmt.Fprintf(&b, "%di", v.I)
		case pipeline.String:
			b.WriteString(strconv.Quote(v.S))
		case pipeline.Bool:
			fmt.Fprint(&b, v.B)
		}
	}
	fmt.Fprintf(&b, " %d", p.Time)
	return b.String()
}

func pointTexts(ps []pipeline.Point) []string {
	var out []string
	for _, p := range ps {
		out = append(out, pointText(p))
	}
	return out
}

func writeFile(t *testing.T, name, text string, gzipped bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	data := []byte(text)
	if gzipped {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// srpl is a recording in Kapacitor's test fixture form (seconds), with a
// record of another database.
const srpl = `telegraf
autogen
cpu,host=serverA value=97.1 0000000001
telegraf
autogen
cpu,host=serverB value=95 0000000002
other
autogen
cpu,host=serverC value=1 0000000003
telegraf
autogen
mem,host=serverA used=3i,ok=true,s="a \"b\"" 0000000011
`

var srplPoints = []string{
	`cpu,host=serverA value=97.1 1000000000`,
	`cpu,host=serverB value=95 2000000000`,
	`mem,host=serverA ok=true,s="a \"b\"",used=3i 11000000000`,
}

// A compressed srpl is a Kapacitor server recording: its timestamps are in
// nanoseconds whatever --precision says.
func TestReplaySRPL(t *testing.T) {
	srplNanos := regexp.MustCompile(` (\d+)\n`).ReplaceAllString(srpl, " ${1}000000000\n")
	for _, gz := range []bool{false, true} {
		fake := servertest.New("cpu_alert", true)
		path := writeFile(t, "test.srpl", srpl, false)
		if gz {
			path = writeFile(t, "test.srpl", srplNanos, true)
		}
		res := run(t, context.Background(), fake, nil, "replay", "--rec-time", "--precision", "s", path)
		if res.code != 0 {
			t.Fatalf("gzip %v: exit %d: %s", gz, res.code, res.stderr)
		}
		inst := fake.Last()
		if diff := cmp.Diff(srplPoints, pointTexts(inst.Points())); diff != "" {
			t.Errorf("gzip %v: points (-want +got):\n%s", gz, diff)
		}
		if !inst.Closed() {
			t.Errorf("instance not closed")
		}
		if !strings.Contains(res.stderr, "replayed 3 points") || !strings.Contains(res.stderr, "skipped 1 points of other databases") {
			t.Errorf("summary: %s", res.stderr)
		}
	}
}

// Without --rec-time the first point happens now and the others keep their
// distance from it.
func TestReplayShiftsTime(t *testing.T) {
	fake := servertest.New("cpu_alert", true)
	path := writeFile(t, "test.srpl", srpl, false)
	before := time.Now().UnixNano()
	res := run(t, context.Background(), fake, nil, "replay", "--precision", "s", path)
	after := time.Now().UnixNano()
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	ps := fake.Last().Points()
	if len(ps) != 3 {
		t.Fatalf("%d points", len(ps))
	}
	first := ps[0].Time
	if first < before || first > after {
		t.Errorf("first point at %v, not between %v and %v", first, before, after)
	}
	if d := ps[1].Time - first; d != 1e9 {
		t.Errorf("second point %v after the first, want 1s", time.Duration(d))
	}
	if d := ps[2].Time - first; d != 10e9 {
		t.Errorf("third point %v after the first, want 10s", time.Duration(d))
	}
}

func TestReplayLP(t *testing.T) {
	lp := "# a comment\ncpu,host=a value=1 1000\n\ncpu value=\nmem,host=b used=2i 2000\n"
	for _, name := range []string{"data.lp", "data.txt.gz"} {
		fake := servertest.New("cpu_alert", true)
		path := writeFile(t, name, lp, strings.HasSuffix(name, ".gz"))
		res := run(t, context.Background(), fake, nil, "replay", "--rec-time", path)
		if res.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, res.code, res.stderr)
		}
		want := []string{"cpu,host=a value=1 1000", "mem,host=b used=2i 2000"}
		if diff := cmp.Diff(want, pointTexts(fake.Last().Points())); diff != "" {
			t.Errorf("%s: points (-want +got):\n%s", name, diff)
		}
		if !strings.Contains(res.stderr, "line=4") || !strings.Contains(res.stderr, "skipped 1 bad lines") {
			t.Errorf("%s: bad line not reported with its number:\n%s", name, res.stderr)
		}
	}
}

// Line numbers of bad lines count every line of the file.
func TestReplayLineNumbers(t *testing.T) {
	var b strings.Builder
	n := 100_000
	for i := range n {
		if i == n-10 {
			b.WriteString("bad line\n")
			continue
		}
		fmt.Fprintf(&b, "cpu,host=h%03d value=%d %d\n", i%1000, i, i)
	}
	fake := servertest.New("cpu_alert", false)
	path := writeFile(t, "big.lp", b.String(), true)
	res := run(t, context.Background(), fake, nil, "replay", "--rec-time", path)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if got := fake.Last().Count(); got != n-1 {
		t.Errorf("%d points, want %d", got, n-1)
	}
	if want := fmt.Sprintf("line=%d", n-9); !strings.Contains(res.stderr, want) {
		t.Errorf("want %s in\n%s", want, res.stderr)
	}
}

func TestReplayRealClock(t *testing.T) {
	lp := "cpu value=1 0\ncpu value=2 150000000\ncpu value=3 300000000\n"
	fake := servertest.New("cpu_alert", true)
	path := writeFile(t, "data.lp", lp, false)
	start := time.Now()
	res := run(t, context.Background(), fake, nil, "replay", "--real-clock", path)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("replay took %v, want at least 300ms", d)
	}
	if n := fake.Last().Count(); n != 3 {
		t.Errorf("%d points", n)
	}
}

func TestReplayDot(t *testing.T) {
	fake := servertest.New("cpu_alert", true)
	path := writeFile(t, "test.srpl", srpl, false)
	res := run(t, context.Background(), fake, nil, "replay", "--precision", "s", "--dot", path)
	if !strings.Contains(res.stdout, `stream0 -> from1 [processed="3"];`) || !strings.Contains(res.stdout, `alerts_triggered="2"`) {
		t.Errorf("dot:\n%s", res.stdout)
	}
}

// --httpout writes each endpoint's result as the task holds it at the end
// of the replay, before it closes.
func TestReplayHTTPOut(t *testing.T) {
	fake := servertest.New("cpu_alert", true)
	path := writeFile(t, "test.srpl", srpl, false)
	dir := filepath.Join(t.TempDir(), "out")
	res := run(t, context.Background(), fake, nil, "replay", "--precision", "s", "--httpout", dir, path)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	fake.Last().HTTPOut("out", &want) // still answers: the fake keeps its last point after Close
	if string(got) != want.String() || !strings.Contains(string(got), `"serverB"`) {
		t.Errorf("out.json = %s, want %s", got, want.String())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in %s, want only out.json", len(entries), dir)
	}
}

func TestUsageErrors(t *testing.T) {
	fake := servertest.New("cpu_alert", false)
	for _, args := range [][]string{
		{"replay"},
		{"replay", "--precision", "d", "x.lp"},
		{"serve", "extra"},
		{"serve", "--log-level", "loud"},
		{"record", "stream"}, // no -o
		{"show", "other_task"},
		{"nope"},
	} {
		res := run(t, context.Background(), fake, nil, args...)
		if res.code != 2 && !(args[0] == "nope" && res.code != 0) {
			t.Errorf("%q: exit %d, want 2: %s", args, res.code, res.stderr)
		}
	}
	res := run(t, context.Background(), fake, nil, "replay", "/nonexistent.srpl")
	if res.code != 1 || !strings.Contains(res.stderr, "no such file") {
		t.Errorf("missing file: %d %s", res.code, res.stderr)
	}
}

// serveInBackground runs args (serve or record) until the returned stop
// function is called, and returns the base URL it listens on.
func serveInBackground(t *testing.T, fake *servertest.Fake, args ...string) (url string, stop func() result) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dataDir := t.TempDir() // not the default ./data
	addrs := make(chan string, 1)
	done := make(chan result, 1)
	go func() {
		done <- run(t, ctx, fake, func(a string) { addrs <- a }, append(args, "--http-bind", "127.0.0.1:0", "--data-dir", dataDir)...)
	}()
	select {
	case a := <-addrs:
		url = "http://" + a
	case res := <-done:
		t.Fatalf("exited early: %d %s", res.code, res.stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("not listening after 10s")
	}
	return url, func() result {
		cancel()
		return <-done
	}
}

func post(t *testing.T, url, body string) {
	t.Helper()
	res, err := http.Post(url, "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("write: %s", res.Status)
	}
}

func TestServe(t *testing.T) {
	fake := servertest.New("cpu_alert", true)
	url, stop := serveInBackground(t, fake, "serve", "--log-level", "debug")
	post(t, url+"/write?db=telegraf&rp=autogen", "cpu value=99 1\n")
	var out bytes.Buffer
	show := run(t, context.Background(), fake, nil, "show", "--url", url)
	out.WriteString(show.stdout)
	res := stop()
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if !fake.Last().Closed() {
		t.Error("instance not closed on stop")
	}
	for _, want := range []string{`msg="serving task"`, "msg=stopping reason=signal", "msg=stopped points=1", `msg="http request" method=POST path=/write status=204`} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("log lacks %s:\n%s", want, res.stderr)
		}
	}
	if !strings.Contains(out.String(), "Executing: true") {
		t.Errorf("show:\n%s", out.String())
	}
}

// A recording made over HTTP replays into a fresh instance as the same
// points.
func TestRecordRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "rec.srpl")
	fake := servertest.New("cpu_alert", true)
	url, stop := serveInBackground(t, fake, "record", "stream", "--duration", "1m", "-o", file)
	post(t, url+"/write?db=telegraf&rp=autogen", `cpu,host=a,cpu=cpu0 value=1.5,n=-3i,ok=false 1000
cpu,host=a\ b,dc=eu\,1 s="x \"y\" \\z",value=2e20 2000
weird\ name\,m,t\=k=v\=w f\ 1=1 3000
`)
	post(t, url+"/write?db=other&rp=autogen", "cpu value=9 4000\n")
	post(t, url+"/write?db=telegraf&rp=autogen&precision=s", "mem used=7i 5\n")
	// A newline in a string cannot be recorded (as in Kapacitor, a record is
	// three lines): the point is processed but not recorded.
	post(t, url+"/write?db=telegraf&rp=autogen", "log msg=\"two\nlines\" 6000\n")
	res := stop()
	if res.code != 0 {
		t.Fatalf("record: exit %d: %s", res.code, res.stderr)
	}
	got := pointTexts(fake.Last().Points())
	if len(got) != 5 {
		t.Fatalf("the task got %d points, want 5", len(got))
	}
	recorded := got[:4]
	if !strings.Contains(res.stderr, "msg=recorded points=4 skipped=1") || !strings.Contains(res.stderr, "could not be recorded") {
		t.Errorf("log:\n%s", res.stderr)
	}

	// The file is gzip-compressed, in Kapacitor's three-line records.
	raw, _ := os.ReadFile(file)
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	var text bytes.Buffer
	text.ReadFrom(zr)
	if !strings.HasPrefix(text.String(), "telegraf\nautogen\ncpu,cpu=cpu0,host=a n=-3i,ok=false,value=1.5 1000\n") {
		t.Errorf("recording:\n%s", text.String())
	}

	fresh := servertest.New("cpu_alert", true)
	rep := run(t, context.Background(), fresh, nil, "replay", "--rec-time", file)
	if rep.code != 0 {
		t.Fatalf("replay: exit %d: %s", rep.code, rep.stderr)
	}
	if diff := cmp.Diff(recorded, pointTexts(fresh.Last().Points())); diff != "" {
		t.Errorf("replayed points (-recorded +replayed):\n%s", diff)
	}
}

func TestShowLive(t *testing.T) {
	fake := servertest.New("cpu_alert", true)
	inst, _ := fake.Program.New(&pipeline.Env{})
	task := server.NewTask(&fake.Program, inst)
	defer task.Close()
	task.Started = time.Date(2016, 5, 4, 21, 1, 0, 0, time.UTC)
	srv := httptest.NewServer(server.New(task, server.Options{}))
	defer srv.Close()
	task.Write("telegraf", "autogen", []byte("cpu value=95 1\ncpu value=5 2\n"), lineprotocol.Nanosecond, time.Now())

	t.Setenv("KAPACITOR_URL", srv.URL)
	res := run(t, context.Background(), fake, nil, "show")
	want := `ID: cpu_alert
Error: 
Template: 
Type: stream
Status: enabled
Executing: true
Created: 04 May 16 21:01 UTC
Modified: 04 May 16 21:01 UTC
LastEnabled: 04 May 16 21:01 UTC
Databases Retention Policies: ["telegraf"."autogen"]
TICKscript:
` + servertest.Script + `
DOT:
digraph cpu_alert {
graph [throughput="0.00 points/s"];

stream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];
stream0 -> from1 [processed="2"];

from1 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];
from1 -> alert2 [processed="2"];

alert2 [alerts_triggered="1" avg_exec_time_ns="1µs" crits_triggered="1" errors="0" working_cardinality="1" ];
}
`
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if diff := cmp.Diff(want, res.stdout); diff != "" {
		t.Errorf("show (-want +got):\n%s", diff)
	}

	// The URL can come from the configuration's bind address.
	t.Setenv("KAPACITOR_URL", "")
	conf := writeFile(t, "task.conf", fmt.Sprintf("[http]\nbind-address = %q\n", strings.TrimPrefix(srv.URL, "http://")), false)
	if res := run(t, context.Background(), fake, nil, "show", "--config", conf); res.stdout != want {
		t.Errorf("show --config: %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// Another task served there: an error, not this task's static view.
	other := servertest.New("other", false)
	res = run(t, context.Background(), other, nil, "show", "--url", srv.URL)
	if res.code != 1 || !strings.Contains(res.stderr, "no task exists") {
		t.Errorf("other task: %d %s", res.code, res.stderr)
	}
}

func TestShowStatic(t *testing.T) {
	fake := servertest.New("cpu_alert", false)
	res := run(t, context.Background(), fake, nil, "show", "--url", "http://127.0.0.1:1")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	created := regexp.MustCompile(`(?m)^Created: .*\n`)
	got := created.ReplaceAllString(res.stdout, "Created: X\n")
	got = regexp.MustCompile(`(?m)^Modified: .*\n`).ReplaceAllString(got, "Modified: X\n")
	want := `ID: cpu_alert
Error: 
Template: 
Type: stream
Status: disabled
Executing: false
Created: X
Modified: X
LastEnabled: 01 Jan 01 00:00 UTC
Databases Retention Policies: ["telegraf"."autogen"]
TICKscript:
` + servertest.Script + `
DOT:
digraph cpu_alert {
stream0 -> from1;
from1 -> alert2;
}
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("show (-want +got):\n%s", diff)
	}
}

func TestBindURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:9092": "http://127.0.0.1:9092",
		":9092":          "http://localhost:9092",
		"0.0.0.0:80":     "http://localhost:80",
		"[::1]:9092":     "http://[::1]:9092",
	} {
		if got := bindURL(addr); got != want {
			t.Errorf("bindURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// The progress bar shows the share of the file read and the points so far.
func TestProgressDraw(t *testing.T) {
	var b bytes.Buffer
	p := &progress{}
	p.points.Store(1234)
	p.draw(&b, "x.srpl", 200, 50)
	if want := "\rreplaying x.srpl [=======                       ]  25% 1234 points"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	if isTerminal(&b) {
		t.Error("a buffer is a terminal")
	}
}

func TestConfig(t *testing.T) {
	c, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Hostname != "localhost" || c.HTTP.BindAddress != "127.0.0.1:9092" || !c.HTTP.LogEnabled ||
		time.Duration(c.HTTP.ShutdownTimeout) != 10*time.Second || c.Logging.Level != "INFO" {
		t.Errorf("defaults: %+v", c)
	}

	path := writeFile(t, "kapacitor.conf", `
hostname = "kap01"
data_dir = "/var/lib/kapacitor"
[http]
  bind-address = ":9999"
  auth-enabled = false
[smtp]
  enabled = true
  port = 25
[[influxdb]]
  name = "a"
[[influxdb]]
  name = "b"
  default = true
`, false)
	c, err = LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Hostname != "kap01" || c.HTTP.BindAddress != ":9999" || !c.HTTP.LogEnabled {
		t.Errorf("loaded: %+v", c)
	}
	if s, ok := c.Section("smtp"); !ok || s["enabled"] != true || s["port"] != int64(25) {
		t.Errorf("smtp = %v %v", s, ok)
	}
	if s, ok := c.Section("http"); !ok || s["bind-address"] != ":9999" || s["log-enabled"] != true {
		t.Errorf("http = %v", s)
	}
	if s, _ := c.Section("influxdb"); s["name"] != "b" {
		t.Errorf("influxdb = %v", s)
	}
	if _, ok := c.Section("slack"); ok {
		t.Error("slack section found")
	}

	bad := writeFile(t, "bad.conf", "[http]\nbind-address = 1\n", false)
	if _, err := LoadConfig(bad); err == nil {
		t.Error("bad config loaded")
	}

	// The config command prints the defaults.
	// A stream task's [[influxdb]] section is printed disabled, so that
	// saving the output never starts subscriptions by surprise.
	res := run(t, context.Background(), servertest.New("x", false), nil, "config")
	if res.stdout != DefaultConfig+influxDBSection(false) {
		t.Errorf("config printed:\n%s", res.stdout)
	}
	printed, err := LoadConfig(writeFile(t, "printed.conf", res.stdout, false))
	if err != nil {
		t.Fatal(err)
	}
	if len(printed.InfluxDB) != 1 || printed.InfluxDB[0].Enabled == nil || *printed.InfluxDB[0].Enabled {
		t.Errorf("printed [[influxdb]] = %+v, want one disabled section", printed.InfluxDB)
	}
}

// The hostname setting reaches the task.
func TestHostname(t *testing.T) {
	fake := servertest.New("cpu_alert", false)
	conf := writeFile(t, "task.conf", "hostname = \"kap01\"\n", false)
	path := writeFile(t, "x.lp", "cpu value=1 1\n", false)
	if res := run(t, context.Background(), fake, nil, "replay", "--config", conf, path); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	env := fake.Last().Env
	if env.Hostname != "kap01" || env.Config == nil || env.Now == nil || env.Log == nil {
		t.Errorf("env = %+v", env)
	}
}

// A real binary stops gracefully on SIGTERM: exit 0, instance closed.
func TestSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "fake")
	build := exec.Command("go", "build", "-o", bin, "./testdata/fake")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--http-bind", "127.0.0.1:0", "--data-dir", t.TempDir())
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Read the log until the task serves, then the rest in the background.
	var stderr bytes.Buffer
	lines := bufio.NewScanner(pipe)
	for lines.Scan() && !strings.Contains(lines.Text(), "serving task") {
		stderr.WriteString(lines.Text() + "\n")
	}
	rest := make(chan struct{})
	go func() {
		for lines.Scan() {
			stderr.WriteString(lines.Text() + "\n")
		}
		close(rest)
	}()
	cmd.Process.Signal(syscall.SIGTERM)
	<-rest
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "msg=stopped") {
		t.Errorf("no graceful stop:\n%s", stderr.String())
	}
}

// config prints the sections of the alert services the task uses, so a user
// sees which keys to fill in.
func TestConfigCommandPrintsServiceSections(t *testing.T) {
	fake := servertest.New("cpu_alert", true)
	fake.Program.Services = []string{"slack", "telegram"}
	res := run(t, context.Background(), fake, nil, "config")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{"hostname = \"localhost\"", "[[slack]]", "username = \"kapacitor\"", "[telegram]", "chat-id = \"\""} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("config output lacks %q:\n%s", want, res.stdout)
		}
	}
	if _, err := toml.Decode(res.stdout, &map[string]any{}); err != nil {
		t.Errorf("config output is not valid TOML: %v", err)
	}
}
