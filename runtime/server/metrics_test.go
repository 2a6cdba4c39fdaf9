package server_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/tickc/tickc/runtime/server/servertest"
)

// scrape gets /metrics and parses it as Prometheus' text format.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	res := do(t, "GET", url+"/metrics", nil, nil)
	if res.code != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %v\n%s", res.code, res.header, res.body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(res.body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v\n%s", err, res.body)
	}
	return families
}

// value returns the value of the sample of family name whose labels are
// labels (name=value pairs); it fails t if there is not exactly one.
func value(t *testing.T, families map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	f, ok := families[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	var found []float64
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		match := true
		for i := 0; i < len(labels); i += 2 {
			if got[labels[i]] != labels[i+1] {
				match = false
			}
		}
		if !match {
			continue
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			found = append(found, m.Counter.GetValue())
		case dto.MetricType_GAUGE:
			found = append(found, m.Gauge.GetValue())
		default:
			t.Fatalf("%s: unexpected type %v", name, f.GetType())
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s%v: %d samples, want 1", name, labels, len(found))
	}
	return found[0]
}

func TestMetrics(t *testing.T) {
	srv, _, _ := start(t)
	write(t, srv) // 4 points: 3 cpu, 2 of them above 90
	post(t, srv.URL+"/write?db=other", "cpu value=1 5\n")
	post(t, srv.URL+"/write?db=telegraf&rp=autogen", "cpu value=1 6\nbad line\n")

	m := scrape(t, srv.URL)
	task := []string{"task", "cpu_alert"}
	node := func(name string) []string { return append(task, "node", name) }
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"tickc_task_points_received_total", task, 5},
		{"tickc_task_points_ignored_total", task, 1},
		{"tickc_task_lines_rejected_total", task, 1},
		{"tickc_edge_processed_total", append(task, "parent", "stream0", "child", "from1"), 5},
		{"tickc_edge_processed_total", append(task, "parent", "from1", "child", "alert2"), 4},
		{"tickc_node_collected_total", node("stream0"), 5},
		{"tickc_node_collected_total", node("alert2"), 4},
		{"tickc_node_emitted_total", node("from1"), 4},
		{"tickc_node_emitted_total", node("alert2"), 0},
		{"tickc_node_alerts_triggered_total", append(node("alert2"), "kind", "alert"), 2},
		{"tickc_node_crits_triggered_total", node("alert2"), 2},
		{"tickc_node_errors_total", node("from1"), 0},
		{"tickc_node_working_cardinality", node("alert2"), 1},
		{"tickc_node_avg_exec_time_seconds", node("alert2"), 1e-6},
		{"tickc_http_write_requests_total", nil, 3},
	} {
		if got := value(t, m, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// The Go runtime's and the process's metrics are there too.
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total"} {
		if _, ok := m[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	// Requests counts the scrapes too.
	if got := value(t, scrape(t, srv.URL), "tickc_http_requests_total"); got != 5 {
		t.Errorf("requests: %v, want 5", got)
	}
}

// Node gauges (an alert handler's queue length) are tickc_node_<name>
// gauges and stay out of the DOT graph; the topic handlers of the alert
// service a task shares are counted per topic and handler.
func TestMetricsGaugesAndTopicHandlers(t *testing.T) {
	srv, task, inst := start(t)
	inst.Stats()[2].Gauge("post0_queued", func() int64 { return 7 })
	ts := alert.NewTopics(nil)
	ts.AddHandler("cpu", "ops", handlerFunc(func(*alert.Data) error { return nil }))
	ts.AddHandler("cpu", "broken", handlerFunc(func(*alert.Data) error { return errors.New("no") }))
	task.Alerts = ts
	for range 3 {
		ts.Collect("cpu", &alert.Data{ID: "cpu:a", Level: alert.Critical})
	}
	if err := ts.Close(); err != nil { // delivers the queued events
		t.Fatal(err)
	}

	m := scrape(t, srv.URL)
	node := []string{"task", "cpu_alert", "node", "alert2", "kind", "alert"}
	ops, broken := []string{"topic", "cpu", "handler", "ops"}, []string{"topic", "cpu", "handler", "broken"}
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"tickc_node_post0_queued", node, 7},
		{"tickc_topic_handler_sent_total", ops, 3},
		{"tickc_topic_handler_failed_total", ops, 0},
		{"tickc_topic_handler_sent_total", broken, 0},
		{"tickc_topic_handler_failed_total", broken, 3},
		{"tickc_topic_handler_dropped_total", broken, 0},
		{"tickc_topic_handler_queued", ops, 0},
	} {
		if got := value(t, m, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if m["tickc_node_post0_queued"].GetType() != dto.MetricType_GAUGE {
		t.Errorf("tickc_node_post0_queued is a %v", m["tickc_node_post0_queued"].GetType())
	}
	if res := do(t, "GET", srv.URL+"/kapacitor/v1/tasks/cpu_alert", nil, nil); strings.Contains(res.body, "queued") {
		t.Errorf("the DOT graph shows a gauge:\n%s", res.body)
	}
}

type handlerFunc func(*alert.Data) error

func (f handlerFunc) Handle(d *alert.Data) error { return f(d) }

// BenchmarkMetrics measures a scrape of /metrics (the cost is per scrape:
// nothing is counted per point for it).
func BenchmarkMetrics(b *testing.B) {
	fake := servertest.New("cpu_alert", false)
	inst, _ := fake.Program.New(&pipeline.Env{})
	task := server.NewTask(&fake.Program, inst)
	defer task.Close()
	srv := server.New(task, server.Options{})
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// statsInstance is an instance that only has statistics.
type statsInstance struct{ stats []*pipeline.NodeStats }

func (in statsInstance) Point(*pipeline.Point)          { in.stats[0].Out[0].Add(1) }
func (in statsInstance) Stats() []*pipeline.NodeStats   { return in.stats }
func (in statsInstance) HTTPOut(string, io.Writer) bool { return false }
func (in statsInstance) Close() error                   { return nil }

// A node with two counters of one name cannot be exposed: the second is
// left out and logged, and the rest is served.
func TestMetricsBadCounter(t *testing.T) {
	p := &pipeline.Program{ID: "t", Type: "stream", DBRPs: []pipeline.DBRP{{DB: "db", RP: "rp"}},
		Nodes: []pipeline.NodeInfo{{Name: "stream0", Children: []int{1}, Source: true}, {Name: "log1"}}}
	inst := statsInstance{[]*pipeline.NodeStats{pipeline.NewNodeStats(1), pipeline.NewNodeStats(0, "twice", "twice")}}
	task := server.NewTask(p, inst)
	defer task.Close()
	var log bytes.Buffer
	srv := httptest.NewServer(server.New(task, server.Options{Log: slog.New(slog.NewTextHandler(&log, nil))}))
	defer srv.Close()
	post(t, srv.URL+"/write?db=db&rp=rp", "m v=1 1\n")
	m := scrape(t, srv.URL)
	if got := value(t, m, "tickc_edge_processed_total", "parent", "stream0"); got != 1 {
		t.Errorf("processed: %v", got)
	}
	if f := m["tickc_node_twice_total"]; f == nil || len(f.Metric) != 1 || !strings.Contains(log.String(), "twice") {
		t.Errorf("duplicate counter served twice, or not logged: %v\n%s", f, log.String())
	}
}
