package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/server/servertest"
)

// start serves a fresh fake task over HTTP.
func start(t *testing.T) (*httptest.Server, *server.Task, *servertest.Instance) {
	t.Helper()
	fake := servertest.New("cpu_alert", true)
	inst, err := fake.Program.New(&pipeline.Env{})
	if err != nil {
		t.Fatal(err)
	}
	task := server.NewTask(&fake.Program, inst)
	srv := httptest.NewServer(server.New(task, server.Options{Version: "test"}))
	t.Cleanup(func() {
		srv.Close()
		task.Close()
	})
	return srv, task, fake.Last()
}

type response struct {
	code   int
	header http.Header
	body   string
}

func do(t *testing.T, method, url string, header http.Header, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

func post(t *testing.T, url, body string) response {
	return do(t, "POST", url, nil, strings.NewReader(body))
}

// pointText is a point in a form that is easy to compare.
func pointText(p pipeline.Point) string {
	var b strings.Builder
	b.WriteString(p.Name)
	for _, t := range p.Tags {
		fmt.Fprintf(&b, ",%s=%s", t.Key, t.Value)
	}
	for i, f := range p.Fields {
		sep := ","
		if i == 0 {
			sep = " "
		}
		fmt.Fprintf(&b, "%s%s=%s:%v", sep, f.Key, f.Value.Kind, f.Value.Any())
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

func TestWrite(t *testing.T) {
	srv, task, inst := start(t)
	body := "cpu,host=b,cpu=cpu0 value=91.5,n=3i,ok=true,s=\"x y\" 1000000000\n" +
		"mem,host=a used=10i 2000000000\n"
	for _, path := range []string{"/write", "/kapacitor/v1/write"} {
		res := post(t, srv.URL+path+"?db=telegraf&rp=autogen", body)
		if res.code != http.StatusNoContent || res.body != "" {
			t.Fatalf("%s: got %d %q, want 204", path, res.code, res.body)
		}
	}
	want := []string{
		"cpu,cpu=cpu0,host=b n=int:3,ok=bool:true,s=string:x y,value=float:91.5 1000000000",
		"mem,host=a used=int:10 2000000000",
	}
	want = append(want, want...)
	if diff := cmp.Diff(want, pointTexts(inst.Points())); diff != "" {
		t.Errorf("points (-want +got):\n%s", diff)
	}
	if c := task.Counts(); c.Received != 4 || c.Ignored != 0 {
		t.Errorf("counts = %+v", c)
	}
}

func TestWriteBadLines(t *testing.T) {
	srv, task, inst := start(t)
	body := "cpu value=1 1\ncpu value= 2\ncpu value=3 3\nnot a point\n"
	res := post(t, srv.URL+"/kapacitor/v1/write?db=telegraf&rp=autogen", body)
	if res.code != http.StatusBadRequest {
		t.Fatalf("got %d, want 400", res.code)
	}
	var e struct {
		Error string
		Line  int
	}
	if err := json.Unmarshal([]byte(res.body), &e); err != nil {
		t.Fatalf("%v in %q", err, res.body)
	}
	if e.Line != 2 || !strings.Contains(e.Error, "line 2") || !strings.HasPrefix(e.Error, "partial write: unable to parse 'cpu value= 2'") ||
		!strings.Contains(e.Error, "and 1 more bad lines") || !strings.HasSuffix(e.Error, "dropped=2") {
		t.Errorf("error = %+v", e)
	}
	if got := pointTexts(inst.Points()); !cmp.Equal(got, []string{"cpu value=float:1 1", "cpu value=float:3 3"}) {
		t.Errorf("good lines not all delivered: %q", got)
	}
	if c := task.Counts(); c.Rejected != 2 || c.Received != 2 {
		t.Errorf("counts = %+v", c)
	}

	// Only bad lines: no "partial write".
	res = post(t, srv.URL+"/write?db=telegraf&rp=autogen", "\n\nbad\n")
	if res.code != http.StatusBadRequest || !strings.Contains(res.body, `"error": "unable to parse 'bad': line 3: `) {
		t.Errorf("got %d %s", res.code, res.body)
	}
}

func TestWriteGzip(t *testing.T) {
	srv, _, inst := start(t)
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	for i := range 1000 {
		fmt.Fprintf(zw, "cpu,host=h%d value=%d %d\n", i%7, i, i)
	}
	zw.Close()
	gz := http.Header{"Content-Encoding": {"gzip"}}
	for range 2 { // the second time with a pooled gzip reader
		res := do(t, "POST", srv.URL+"/write?db=telegraf&rp=autogen", gz, bytes.NewReader(b.Bytes()))
		if res.code != http.StatusNoContent {
			t.Fatalf("got %d %s", res.code, res.body)
		}
	}
	ps := inst.Points()
	if len(ps) != 2000 || pointText(ps[999]) != "cpu,host=h5 value=float:999 999" {
		t.Fatalf("got %d points, last %v", len(ps), ps[len(ps)-1])
	}
	res := do(t, "POST", srv.URL+"/write?db=telegraf&rp=autogen", gz, strings.NewReader("not gzip"))
	if res.code != http.StatusBadRequest || !strings.Contains(res.body, "gzip") {
		t.Errorf("bad gzip: got %d %s", res.code, res.body)
	}
}

func TestWriteDBRPFilter(t *testing.T) {
	srv, task, inst := start(t)
	for _, q := range []string{"db=telegraf&rp=other", "db=other&rp=autogen", "db=telegraf"} {
		if res := post(t, srv.URL+"/write?"+q, "cpu value=1 1\ncpu value=2 2\n"); res.code != http.StatusNoContent {
			t.Fatalf("%s: got %d %s", q, res.code, res.body)
		}
	}
	if n := inst.Count(); n != 0 {
		t.Errorf("%d points of other db/rp delivered", n)
	}
	if c := task.Counts(); c.Ignored != 6 {
		t.Errorf("counts = %+v, want 6 ignored", c)
	}
	// An empty rp means the default retention policy.
	task.DefaultRP = "autogen"
	post(t, srv.URL+"/write?db=telegraf", "cpu value=1 1\n")
	if ps := inst.Points(); len(ps) != 1 || ps[0].DB != "telegraf" || ps[0].RP != "autogen" {
		t.Errorf("write without rp: got %+v, want 1 point of telegraf.autogen", ps)
	}
	if res := post(t, srv.URL+"/write?rp=autogen", "cpu value=1 1\n"); res.code != 400 || !strings.Contains(res.body, "database is required") {
		t.Errorf("no db: got %d %s", res.code, res.body)
	}
}

func TestWritePrecision(t *testing.T) {
	srv, _, inst := start(t)
	for _, p := range []string{"n", "", "u", "ms", "s", "m", "h"} {
		post(t, srv.URL+"/write?db=telegraf&rp=autogen&precision="+p, "cpu value=1 2\n")
	}
	var got []int64
	for _, p := range inst.Points() {
		got = append(got, p.Time)
	}
	want := []int64{2, 2, 2e3, 2e6, 2e9, 120e9, 7200e9}
	if !cmp.Equal(got, want) {
		t.Errorf("times = %v, want %v", got, want)
	}

	// A point without a timestamp gets the time of the write, rounded down
	// to the precision.
	before := time.Now().Truncate(time.Second)
	post(t, srv.URL+"/write?db=telegraf&rp=autogen&precision=s", "cpu value=1\n")
	ps := inst.Points()
	tm := time.Unix(0, ps[len(ps)-1].Time)
	if tm.Before(before) || tm.After(time.Now()) || tm.Nanosecond() != 0 {
		t.Errorf("time of a point without timestamp = %v", tm)
	}
}

func TestPing(t *testing.T) {
	srv, _, _ := start(t)
	for _, m := range []string{"GET", "HEAD"} {
		res := do(t, m, srv.URL+"/kapacitor/v1/ping", nil, nil)
		if res.code != http.StatusNoContent || res.header.Get("X-Kapacitor-Version") != "test" {
			t.Errorf("%s ping: %d %v", m, res.code, res.header)
		}
	}
	res := do(t, "GET", srv.URL+"/kapacitor/v1/nope", nil, nil)
	if res.code != 404 || res.body != "{\n    \"error\": \"Not Found\"\n}" {
		t.Errorf("unknown route: %d %q", res.code, res.body)
	}
	if res := do(t, "GET", srv.URL+"/write", nil, nil); res.code != 404 {
		t.Errorf("GET /write: %d", res.code)
	}
}

// write sends the points the DOT and JSON tests expect: 3 cpu points (2
// above 90) and 1 mem point.
func write(t *testing.T, srv *httptest.Server) {
	t.Helper()
	res := post(t, srv.URL+"/write?db=telegraf&rp=autogen",
		"cpu,host=a value=95 1\ncpu,host=a value=50 2\nmem used=3i 3\ncpu,host=b value=99.5 4\n")
	if res.code != 204 {
		t.Fatalf("write: %d %s", res.code, res.body)
	}
}

func TestDot(t *testing.T) {
	srv, task, _ := start(t)
	write(t, srv)
	want := `digraph cpu_alert {
graph [throughput="0.00 points/s"];

stream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];
stream0 -> from1 [processed="4"];

from1 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];
from1 -> alert2 [processed="3"];

alert2 [alerts_triggered="2" avg_exec_time_ns="1µs" crits_triggered="2" errors="0" working_cardinality="1" ];
}`
	if diff := cmp.Diff(want, string(task.Dot(false))); diff != "" {
		t.Errorf("dot (-want +got):\n%s", diff)
	}
	wantLabels := `digraph cpu_alert {
graph [label="Throughput: 0.00 points/s" forcelabels=true pad="0.8,0.5"];

stream0 [xlabel="avg_exec_time_ns=0s\rerrors=0\rworking_cardinality=0"];
stream0 -> from1 [label="processed=4"];

from1 [xlabel="avg_exec_time_ns=0s\rerrors=0\rworking_cardinality=0"];
from1 -> alert2 [label="processed=3"];

alert2 [xlabel="alerts_triggered=2\ravg_exec_time_ns=1µs\rcrits_triggered=2\rerrors=0\rworking_cardinality=1"];
}`
	if diff := cmp.Diff(wantLabels, string(task.Dot(true))); diff != "" {
		t.Errorf("dot labels (-want +got):\n%s", diff)
	}
	wantStatic := "digraph cpu_alert {\nstream0 -> from1;\nfrom1 -> alert2;\n}"
	if got := string(server.StaticDot(task.Program)); got != wantStatic {
		t.Errorf("static dot = %q, want %q", got, wantStatic)
	}
}

func TestTaskJSON(t *testing.T) {
	srv, task, _ := start(t)
	write(t, srv)
	res := do(t, "GET", srv.URL+"/kapacitor/v1/tasks/cpu_alert", nil, nil)
	if res.code != 200 || res.header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %v", res.code, res.header)
	}
	if !strings.HasPrefix(res.body, "{\n    \"link\": {\n        \"rel\": \"self\",\n        \"href\": \"/kapacitor/v1/tasks/cpu_alert\"\n    },\n    \"id\": \"cpu_alert\",\n    \"template-id\": \"\",\n") {
		t.Errorf("not Kapacitor's layout:\n%s", res.body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(res.body), &got); err != nil {
		t.Fatal(err)
	}
	created := task.Started.Format(time.RFC3339Nano)
	want := map[string]any{
		"link":        map[string]any{"rel": "self", "href": "/kapacitor/v1/tasks/cpu_alert"},
		"id":          "cpu_alert",
		"template-id": "",
		"type":        "stream",
		"dbrps":       []any{map[string]any{"db": "telegraf", "rp": "autogen"}},
		"script":      servertest.Script,
		"vars":        map[string]any{},
		"dot":         string(task.Dot(false)),
		"status":      "enabled",
		"executing":   true,
		"error":       "",
		"stats": map[string]any{
			"task-stats": map[string]any{"throughput": 0.0},
			"node-stats": map[string]any{
				"stream0": map[string]any{"avg_exec_time_ns": 0.0, "collected": 4.0, "emitted": 4.0, "errors": 0.0, "working_cardinality": 0.0},
				"from1":   map[string]any{"avg_exec_time_ns": 0.0, "collected": 4.0, "emitted": 3.0, "errors": 0.0, "working_cardinality": 0.0},
				"alert2": map[string]any{"avg_exec_time_ns": 1000.0, "collected": 3.0, "emitted": 0.0, "errors": 0.0, "working_cardinality": 1.0,
					"alerts_triggered": 2.0, "crits_triggered": 2.0},
			},
		},
		"created":      created,
		"modified":     created,
		"last-enabled": created,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("task (-want +got):\n%s", diff)
	}

	res = do(t, "GET", srv.URL+"/kapacitor/v1/tasks/cpu_alert?dot-view=labels", nil, nil)
	if !strings.Contains(res.body, "xlabel") {
		t.Errorf("dot-view=labels ignored")
	}
	res = do(t, "GET", srv.URL+"/kapacitor/v1/tasks/cpu_alert?dot-view=x", nil, nil)
	if res.code != 400 || !strings.Contains(res.body, `invalid dot-view parameter \"x\"`) {
		t.Errorf("bad dot-view: %d %s", res.code, res.body)
	}
	for _, path := range []string{"/kapacitor/v1/tasks/other", "/kapacitor/v1/tasks/cpu_alert/nope", "/kapacitor/v1/tasks/other/out"} {
		res = do(t, "GET", srv.URL+path, nil, nil)
		if res.code != 404 || res.body != "{\n    \"error\": \"no task exists\"\n}" {
			t.Errorf("%s: %d %q", path, res.code, res.body)
		}
	}
}

func TestTaskList(t *testing.T) {
	srv, _, _ := start(t)
	var list struct {
		Tasks []map[string]any
	}
	get := func(query string) {
		t.Helper()
		res := do(t, "GET", srv.URL+"/kapacitor/v1/tasks"+query, nil, nil)
		if res.code != 200 {
			t.Fatalf("%s: %d %s", query, res.code, res.body)
		}
		list.Tasks = nil
		if err := json.Unmarshal([]byte(res.body), &list); err != nil {
			t.Fatal(err)
		}
	}
	get("")
	if len(list.Tasks) != 1 || len(list.Tasks[0]) != 13 || list.Tasks[0]["id"] != "cpu_alert" {
		t.Errorf("list = %v", list)
	}
	get("?fields=status")
	if len(list.Tasks) != 1 || len(list.Tasks[0]) != 3 || list.Tasks[0]["status"] != "enabled" {
		t.Errorf("fields: %v", list)
	}
	get("?pattern=mem*")
	if len(list.Tasks) != 0 {
		t.Errorf("pattern: %v", list)
	}
	get("?pattern=cpu*&offset=1")
	if len(list.Tasks) != 0 {
		t.Errorf("offset: %v", list)
	}
}

func TestHTTPOut(t *testing.T) {
	srv, _, _ := start(t)
	url := srv.URL + "/kapacitor/v1/tasks/cpu_alert/out"
	res := do(t, "GET", url, nil, nil)
	if res.code != 200 || res.header.Get("Content-Type") != "application/json" || res.body != "{\"series\":null}\n" {
		t.Errorf("empty httpOut: %d %v %q", res.code, res.header, res.body)
	}
	write(t, srv)
	res = do(t, "GET", url, nil, nil)
	want := `{"series":[{"name":"cpu","tags":{"host":"b"},"columns":["time","value"],"values":[["1970-01-01T00:00:00.000000004Z",99.5]]}]}` + "\n"
	if res.code != 200 || res.body != want {
		t.Errorf("httpOut: %d %s", res.code, res.body)
	}
}

// After Close, writes are dropped and the instance was closed once.
func TestClose(t *testing.T) {
	srv, task, inst := start(t)
	write(t, srv)
	if err := task.Close(); err != nil || !inst.Closed() {
		t.Fatalf("close: %v", err)
	}
	write(t, srv)
	if n := inst.Count(); n != 4 {
		t.Errorf("%d points after close, want 4", n)
	}
	if err := task.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

// Writing into a task does not allocate once its buffers are warm.
func TestWriteAllocs(t *testing.T) {
	fake := servertest.New("t", false)
	inst, _ := fake.Program.New(&pipeline.Env{})
	task := server.NewTask(&fake.Program, inst)
	defer task.Close()
	body := telegrafBody(1000)
	now := time.Now()
	allocs := testing.AllocsPerRun(20, func() {
		if res := task.Write("telegraf", "autogen", body, lineprotocol.Nanosecond, now); res.Points != 1000 {
			t.Fatalf("%+v", res)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per 1000-point write, want 0", allocs)
	}
}

// telegrafBody returns n lines like Telegraf's cpu measurement.
func telegrafBody(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "cpu,cpu=cpu%d,host=server%02d usage_idle=%d.5,usage_user=1.25 %d\n", i%4, i%50, i%100, 1709546400000000000+int64(i)*1e9)
	}
	return b.Bytes()
}
