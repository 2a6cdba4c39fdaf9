package server

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// metricsHandler returns the handler of GET /metrics: the statistics of the
// server's tasks in Prometheus' text format, with the Go runtime's and the
// process's metrics. The collector reads the tasks' atomic counters when
// scraped, so metrics cost nothing per point.
func (s *Server) metricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&taskCollector{s: s, counters: map[string]*prometheus.Desc{}, gauges: map[string]*prometheus.Desc{}},
	)
	// A bad metric (say, two counters of a node with one name) is logged
	// and left out rather than failing the whole scrape.
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}, ErrorHandling: promhttp.ContinueOnError})
}

// slogPrinter passes promhttp's error messages to the server's log.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) {
	p.s.opts.Log.Error("serving /metrics", "error", fmt.Sprint(v...))
}

var (
	nodeLabels = []string{"task", "node", "kind"}

	descReceived = prometheus.NewDesc("tickc_task_points_received_total",
		"Points written to the task's databases and retention policies and delivered to it.", []string{"task"}, nil)
	descIgnored = prometheus.NewDesc("tickc_task_points_ignored_total",
		"Points written to databases or retention policies the task does not read.", []string{"task"}, nil)
	descRejected = prometheus.NewDesc("tickc_task_lines_rejected_total",
		"Lines of written line protocol that could not be parsed.", []string{"task"}, nil)
	descThroughput = prometheus.NewDesc("tickc_task_throughput",
		"Points (batches for a batch task) the task received in the last second, as Kapacitor's throughput.", []string{"task"}, nil)
	descQueued = prometheus.NewDesc("tickc_task_queued_writes",
		"Writes waiting in the task's queue (binaries of several tasks).", []string{"task"}, nil)
	descLoopbackDropped = prometheus.NewDesc("tickc_task_loopback_points_dropped_total",
		"Points other tasks looped back (kapacitorLoopback) to the task that it missed because its queue was full (binaries of several tasks).", []string{"task"}, nil)
	descEdge = prometheus.NewDesc("tickc_edge_processed_total",
		"Points (or batches) sent along an edge of the pipeline: Kapacitor's processed.", []string{"task", "parent", "child"}, nil)
	descCollected = prometheus.NewDesc("tickc_node_collected_total",
		"Points (or batches) a node received.", nodeLabels, nil)
	descEmitted = prometheus.NewDesc("tickc_node_emitted_total",
		"Points (or batches) a node sent to its children.", nodeLabels, nil)
	descErrors = prometheus.NewDesc("tickc_node_errors_total",
		"Errors in a node, such as points dropped because a lambda failed.", nodeLabels, nil)
	descCardinality = prometheus.NewDesc("tickc_node_working_cardinality",
		"Groups a node holds state for.", nodeLabels, nil)
	descAvgExec = prometheus.NewDesc("tickc_node_avg_exec_time_seconds",
		"Average time a point or batch spent in a node.", nodeLabels, nil)
	topicHandlerLabels = []string{"topic", "handler"}

	descTopicSent = prometheus.NewDesc("tickc_topic_handler_sent_total",
		"Events a topic handler delivered.", topicHandlerLabels, nil)
	descTopicFailed = prometheus.NewDesc("tickc_topic_handler_failed_total",
		"Events a topic handler gave up on after its retries.", topicHandlerLabels, nil)
	descTopicDropped = prometheus.NewDesc("tickc_topic_handler_dropped_total",
		"Events dropped from a topic handler's full queue, or left in it when the binary stopped.", topicHandlerLabels, nil)
	descTopicQueued = prometheus.NewDesc("tickc_topic_handler_queued",
		"Events waiting in a topic handler's queue.", topicHandlerLabels, nil)
	descRequests = prometheus.NewDesc("tickc_http_requests_total",
		"HTTP requests served.", nil, nil)
	descWriteRequests = prometheus.NewDesc("tickc_http_write_requests_total",
		"Write requests served.", nil, nil)
	descWriteBytes = prometheus.NewDesc("tickc_http_write_request_bytes_total",
		"Bytes of write request bodies, after gzip decoding.", nil, nil)
)

// taskCollector is a prometheus.Collector over the server's tasks. It is
// unchecked (Describe sends nothing) because the node-specific counters,
// tickc_node_<name>_total, and gauges, tickc_node_<name>, depend on the
// tasks' nodes: alerts_triggered, points_written, each alert handler's
// outcome counters and queue length, and so on.
type taskCollector struct {
	s *Server

	mu       sync.Mutex
	counters map[string]*prometheus.Desc // by counter name
	gauges   map[string]*prometheus.Desc // by gauge name
}

func (c *taskCollector) Describe(chan<- *prometheus.Desc) {}

func (c *taskCollector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter(descRequests, c.s.requests.Load())
	counter(descWriteRequests, c.s.writeRequests.Load())
	counter(descWriteBytes, c.s.writeBytes.Load())
	for _, t := range c.s.tasks {
		id := t.Program.ID
		counts := t.Counts()
		counter(descReceived, counts.Received, id)
		counter(descIgnored, counts.Ignored, id)
		counter(descRejected, counts.Rejected, id)
		gauge(descThroughput, t.Throughput(), id)
		if c.s.router != nil {
			gauge(descQueued, float64(c.s.router.Queued(id)), id)
			counter(descLoopbackDropped, c.s.router.LoopbackDropped(id), id)
		}

		stats := t.stats()
		collected, emitted := t.flows(stats)
		for i, n := range t.Program.Nodes {
			s := stats[i]
			kind := nodeKind(n.Name)
			counter(descCollected, collected[i], id, n.Name, kind)
			counter(descEmitted, emitted[i], id, n.Name, kind)
			counter(descErrors, s.Errors.Load(), id, n.Name, kind)
			gauge(descCardinality, float64(s.Cardinality()), id, n.Name, kind)
			gauge(descAvgExec, s.AvgExec().Seconds(), id, n.Name, kind)
			for _, k := range s.Counters {
				counter(c.counterDesc(k.Name), k.Value.Load(), id, n.Name, kind)
			}
			for _, g := range s.Gauges {
				gauge(c.gaugeDesc(g.Name), float64(g.Read()), id, n.Name, kind)
			}
			for j, child := range n.Children {
				if cn := t.Program.Nodes[child]; !cn.Source {
					counter(descEdge, out(s, j), id, n.Name, cn.Name)
				}
			}
		}
	}
	// The topic handlers of the alert services the tasks share.
	seen := map[*alert.Topics]bool{}
	for _, t := range c.s.tasks {
		if t.Alerts == nil || seen[t.Alerts] {
			continue
		}
		seen[t.Alerts] = true
		for _, h := range t.Alerts.HandlerStats() {
			counter(descTopicSent, h.Sent, h.Topic, h.Handler)
			counter(descTopicFailed, h.Failed, h.Topic, h.Handler)
			counter(descTopicDropped, h.Dropped, h.Topic, h.Handler)
			gauge(descTopicQueued, float64(h.Queued), h.Topic, h.Handler)
		}
	}
}

// counterDesc returns the description of the node counter called name.
func (c *taskCollector) counterDesc(name string) *prometheus.Desc {
	return c.desc(c.counters, "tickc_node_"+metricName(name)+"_total",
		"The node statistic "+name+", as the task's DOT graph shows it.", name)
}

// gaugeDesc returns the description of the node gauge called name.
func (c *taskCollector) gaugeDesc(name string) *prometheus.Desc {
	return c.desc(c.gauges, "tickc_node_"+metricName(name),
		"The node gauge "+name+", such as an alert handler's queue length.", name)
}

// desc returns the description descs keeps for name, making it first.
func (c *taskCollector) desc(descs map[string]*prometheus.Desc, metric, help, name string) *prometheus.Desc {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := descs[name]
	if !ok {
		d = prometheus.NewDesc(metric, help, nodeLabels, nil)
		descs[name] = d
	}
	return d
}

// metricName turns a statistic's name into a valid Prometheus name part:
// characters other than letters, digits and _ become _.
func metricName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// nodeKind is the kind of a node from its name, as Kapacitor names nodes:
// "alert" for "alert2".
func nodeKind(name string) string {
	return strings.TrimRight(name, "0123456789")
}

// flows returns, per node, how many points or batches it received
// (collected: from its parents, plus the task's received points for a
// stream task's source) and sent to its children (emitted).
func (t *Task) flows(stats []*pipeline.NodeStats) (collected, emitted []int64) {
	collected = make([]int64, len(stats))
	emitted = make([]int64, len(stats))
	for i, n := range t.Program.Nodes {
		for j, c := range n.Children {
			v := out(stats[i], j)
			emitted[i] += v
			collected[c] += v
		}
	}
	if len(collected) > 0 && t.streams() {
		collected[0] += t.received.Load()
	}
	return collected, emitted
}
