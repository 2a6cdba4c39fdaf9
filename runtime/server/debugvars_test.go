package server_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// kapacitorVars is what Telegraf's kapacitor input reads from
// /kapacitor/v1/debug/vars.
type kapacitorVars struct {
	CmdLine          []string             `json:"cmdline"`
	ClusterID        string               `json:"cluster_id"`
	ServerID         string               `json:"server_id"`
	Host             string               `json:"host"`
	Product          string               `json:"product"`
	Platform         string               `json:"platform"`
	Version          string               `json:"version"`
	NumTasks         int                  `json:"num_tasks"`
	NumEnabledTasks  int                  `json:"num_enabled_tasks"`
	NumSubscriptions int                  `json:"num_subscriptions"`
	MemStats         map[string]any       `json:"memstats"`
	Kapacitor        map[string]statEntry `json:"kapacitor"`
}

type statEntry struct {
	Name   string            `json:"name"`
	Tags   map[string]string `json:"tags"`
	Values map[string]any    `json:"values"`
}

func TestDebugVars(t *testing.T) {
	srv, _, _ := start(t)
	write(t, srv)
	post(t, srv.URL+"/write?db=telegraf", "bad line\n")
	do(t, "GET", srv.URL+"/kapacitor/v1/ping", nil, nil)
	res := do(t, "GET", srv.URL+"/kapacitor/v1/debug/vars", nil, nil)
	if res.code != 200 {
		t.Fatalf("%d %s", res.code, res.body)
	}

	// expvar's layout: one variable a line, sorted by name.
	lines := strings.Split(res.body, "\n")
	if lines[0] != "{" || lines[len(lines)-2] != "}" || lines[len(lines)-1] != "" {
		t.Errorf("not expvar's layout:\n%s", res.body)
	}
	var names []string
	for _, l := range lines[1 : len(lines)-2] {
		names = append(names, l[1:strings.Index(l[1:], `"`)+1])
	}
	want := []string{"cluster_id", "cmdline", "host", "kapacitor", "memstats", "num_enabled_tasks",
		"num_subscriptions", "num_tasks", "platform", "product", "server_id", "version"}
	if !slices.Equal(names, want) {
		t.Errorf("variables %q, want %q", names, want)
	}

	var vars kapacitorVars
	if err := json.Unmarshal([]byte(res.body), &vars); err != nil {
		t.Fatalf("%v\n%s", err, res.body)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(vars.ClusterID) || !uuid.MatchString(vars.ServerID) || vars.ClusterID == vars.ServerID {
		t.Errorf("cluster_id %q, server_id %q: want two UUIDs", vars.ClusterID, vars.ServerID)
	}
	if vars.Product != "kapacitor" || vars.Platform != "OSS" || vars.Version != "test" || vars.NumTasks != 1 || vars.NumEnabledTasks != 1 ||
		vars.Host == "" || vars.MemStats["HeapAlloc"] == nil || len(vars.CmdLine) == 0 {
		t.Errorf("globals: %+v", vars)
	}

	// The statistics, keyed by what Telegraf makes measurements and tags of.
	got := map[string]map[string]any{}
	for _, e := range vars.Kapacitor {
		key := e.Name
		for _, k := range []string{"task", "node", "kind", "type", "parent", "child"} {
			if v, ok := e.Tags[k]; ok {
				key += "," + k + "=" + v
			}
		}
		got[key] = e.Values
	}
	wantStats := map[string]map[string]any{
		// Requests: two writes, a ping and this one. Bytes: write's 82 and 9.
		"httpd": {"req": 4.0, "ping_req": 1.0, "write_req": 2.0, "write_req_bytes": 91.0,
			"points_written_ok": 4.0, "points_written_fail": 1.0},
		"nodes,task=cpu_alert,node=stream0,kind=stream,type=stream": {"avg_exec_time_ns": "0s", "errors": 0.0, "working_cardinality": 0.0},
		"nodes,task=cpu_alert,node=from1,kind=from,type=stream":     {"avg_exec_time_ns": "0s", "errors": 0.0, "working_cardinality": 0.0},
		"nodes,task=cpu_alert,node=alert2,kind=alert,type=stream": {"avg_exec_time_ns": "1µs", "errors": 0.0, "working_cardinality": 1.0,
			"alerts_triggered": 2.0, "crits_triggered": 2.0},
		"edges,task=cpu_alert,parent=stream0,child=from1": {"collected": 4.0, "emitted": 4.0},
		"edges,task=cpu_alert,parent=from1,child=alert2":  {"collected": 3.0, "emitted": 3.0},
	}
	if diff := cmp.Diff(wantStats, got); diff != "" {
		t.Errorf("statistics (-want +got):\n%s", diff)
	}
	// Telegraf reads avg_exec_time_ns as a Go duration.
	if d, err := time.ParseDuration(got["nodes,task=cpu_alert,node=alert2,kind=alert,type=stream"]["avg_exec_time_ns"].(string)); err != nil || d != time.Microsecond {
		t.Errorf("avg_exec_time_ns: %v %v", d, err)
	}
}
