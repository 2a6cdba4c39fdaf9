package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	bolt "go.etcd.io/bbolt"
)

const gracefulScript = `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('cpu')

data
    |alert()
        .crit(lambda: "value" > 90.0)
        .log('ALERTLOG')

data
    |influxDBOut()
        .database('out')
        .retentionPolicy('autogen')
`

// fakeInfluxDB records the bodies written to it.
type fakeInfluxDB struct {
	mu     sync.Mutex
	writes []string
}

func (f *fakeInfluxDB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/write" {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.writes = append(f.writes, r.URL.Query().Get("db")+" "+string(b))
		f.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeInfluxDB) all() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.writes...)
}

// SIGTERM stops a served task gracefully: the write in progress is
// finished and answered, the point influxDBOut buffers (its flush interval
// is 10s) reaches InfluxDB, the alert reaches its log file and the alert
// state is in the data directory. The logs are JSON lines
// (--log-format json).
func TestServeStopsGracefully(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	alertLog := filepath.Join(dir, "alerts.log")
	script := writeScript(t, "graceful.tick", strings.ReplaceAll(gracefulScript, "ALERTLOG", alertLog))
	bin := filepath.Join(dir, "graceful")
	if code, _, errOut := tickc(t, "build", script, "-o", bin); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errOut)
	}

	influx := &fakeInfluxDB{}
	influxSrv := httptest.NewServer(influx)
	defer influxSrv.Close()
	conf := filepath.Join(dir, "task.conf")
	os.WriteFile(conf, []byte("[[influxdb]]\n  name = \"default\"\n  default = true\n  disable-subscriptions = true\n  urls = [\""+influxSrv.URL+"\"]\n"), 0o644)
	dataDir := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "serve", "--config", conf, "--http-bind", "127.0.0.1:0", "--data-dir", dataDir, "--log-format", "json")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// Every log line is a JSON object; the first says where the task serves.
	records := make(chan map[string]any, 100)
	go func() {
		defer close(records)
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(lines.Bytes(), &rec); err != nil {
				t.Errorf("log line is not JSON: %v: %s", err, lines.Text())
				continue
			}
			records <- rec
		}
	}()
	var url string
	select {
	case rec := <-records:
		if rec["msg"] != "serving task" || rec["level"] != "INFO" || rec["time"] == nil {
			t.Fatalf("first log record: %v", rec)
		}
		url, _ = rec["url"].(string)
		url = url[:strings.Index(url, "/kapacitor/")]
	case <-time.After(10 * time.Second):
		t.Fatal("not serving after 10s")
	}

	// A first point: the alert fires, influxDBOut buffers the point, and
	// /metrics says so.
	res, err := http.Post(url+"/write?db=telegraf&rp=autogen&precision=s", "text/plain", strings.NewReader("cpu,host=b value=99 1709546399\n"))
	if err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("write: %v %v", err, res)
	}
	res, err = http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	metrics, err := p.TextToMetricFamilies(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, node string
		want       float64
	}{
		{"tickc_node_alerts_triggered_total", "alert2", 1},
		{"tickc_node_crits_triggered_total", "alert2", 1},
		{"tickc_node_collected_total", "influxdb_out3", 1},
		{"tickc_node_points_written_total", "influxdb_out3", 0}, // buffered
	} {
		if got := nodeMetric(metrics, c.name, c.node); got != c.want {
			t.Errorf("%s{node=%q} = %v, want %v", c.name, c.node, got, c.want)
		}
	}

	// A write whose body is still arriving when SIGTERM comes.
	body, bodyW := io.Pipe()
	answered := make(chan int, 1)
	go func() {
		res, err := http.Post(url+"/write?db=telegraf&rp=autogen&precision=s", "text/plain", body)
		if err != nil {
			t.Error(err)
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	io.WriteString(bodyW, "cpu,host=a value=95 ")
	time.Sleep(300 * time.Millisecond) // the request is in progress
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server is stopping
	io.WriteString(bodyW, "1709546400\n")
	bodyW.Close()
	if code := <-answered; code != http.StatusNoContent {
		t.Errorf("write in progress at SIGTERM: status %d, want 204", code)
	}

	var msgs []string
	for rec := range records {
		msgs = append(msgs, rec["msg"].(string))
		if rec["msg"] == "stopped" && rec["points"] != 2.0 {
			t.Errorf("stopped: %v", rec)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v; log: %q", err, msgs)
	}
	if !strings.Contains(strings.Join(msgs, "|"), "stopping|") || msgs[len(msgs)-1] != "stopped" {
		t.Errorf("log: %q", msgs)
	}

	if got, want := influx.all(), []string{"out cpu,host=b value=99 1709546399000000000\ncpu,host=a value=95 1709546400000000000\n"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("InfluxDB got %q, want %q", got, want)
	}
	// An event per critical point, the second from the write in progress.
	if b, err := os.ReadFile(alertLog); err != nil || strings.Count(string(b), `"level":"CRITICAL"`) != 2 ||
		!strings.Contains(string(b), `"tags":{"host":"a"}`) {
		t.Errorf("alert log: %v %s", err, b)
	}
	// The alert state: one bucket (the alert node's topic) with the alert.
	db, err := bolt.Open(filepath.Join(dataDir, "graceful.db"), 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var keys []string
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				keys = append(keys, string(name)+"/"+string(k))
				return nil
			})
		})
	})
	if len(keys) != 1 || !strings.HasSuffix(keys[0], "/cpu:nil") {
		t.Errorf("alert state: %q, want the alert cpu:nil", keys)
	}
}

// nodeMetric returns the value of the sample of family name for node, or
// -1 if there is none.
func nodeMetric(families map[string]*dto.MetricFamily, name, node string) float64 {
	f, ok := families[name]
	if !ok {
		return -1
	}
	for _, m := range f.Metric {
		for _, l := range m.Label {
			if l.GetName() == "node" && l.GetValue() == node {
				return m.Counter.GetValue()
			}
		}
	}
	return -1
}
