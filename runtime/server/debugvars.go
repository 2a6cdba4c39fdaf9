package server

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"
)

// serveVars handles GET /kapacitor/v1/debug/vars in Kapacitor's format,
// the one Telegraf's kapacitor input reads: Go's expvars (cmdline,
// memstats), Kapacitor's globals (cluster_id, server_id, host, platform,
// product, version, num_tasks, num_enabled_tasks, num_subscriptions), and under
// "kapacitor" one statistic per node, edge and HTTP service, each with a
// name, tags and values. As expvar does, the top level is one variable a
// line, sorted by name.
//
// Two differences from Kapacitor: the statistics are keyed by their name
// and tags rather than by random UUIDs, so that the output is stable; and
// edges carry no "type" tag, because the compiled program does not record
// whether an edge carries points or batches.
func (s *Server) serveVars(w http.ResponseWriter) {
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	memJSON, err := json.Marshal(mem)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	cmdline, _ := json.Marshal(os.Args)
	tasks := s.tasks
	vars := []struct{ name, value string }{
		{"cluster_id", strconv.Quote(s.clusterID)},
		{"cmdline", string(cmdline)},
		{"host", strconv.Quote(s.host())},
		{"kapacitor", s.statistics(tasks)},
		{"memstats", string(memJSON)},
		{"num_enabled_tasks", strconv.Itoa(len(tasks))},
		{"num_subscriptions", "0"},
		{"num_tasks", strconv.Itoa(len(tasks))},
		{"platform", `"OSS"`}, // Kapacitor's open-source build
		{"product", `"kapacitor"`},
		{"server_id", strconv.Quote(s.serverID)},
		{"version", strconv.Quote(s.opts.Version)},
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, v := range vars {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(strconv.Quote(v.name) + ": " + v.value)
	}
	b.WriteString("\n}\n")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

// host is Kapacitor's host variable: the configured hostname, or the
// machine's.
func (s *Server) host() string {
	if s.opts.Hostname != "" {
		return s.opts.Hostname
	}
	h, _ := os.Hostname()
	return h
}

// statistic is one entry of the "kapacitor" variable.
type statistic struct {
	name   string
	tags   [][2]string // sorted by key
	values [][2]string // sorted by key; each value is JSON
}

// statistics returns the "kapacitor" variable: the HTTP service's counters
// and the statistics of each node and edge of the tasks, as Kapacitor
// names and tags them.
func (s *Server) statistics(tasks []*Task) string {
	stats := []statistic{{
		name: "httpd",
		values: [][2]string{
			{"points_written_fail", itoa(s.pointsFailed.Load())},
			{"points_written_ok", itoa(s.pointsOK.Load())},
			{"ping_req", itoa(s.pingRequests.Load())},
			{"req", itoa(s.requests.Load())},
			{"write_req", itoa(s.writeRequests.Load())},
			{"write_req_bytes", itoa(s.writeBytes.Load())},
		},
	}}
	for _, t := range tasks {
		id, typ := t.Program.ID, t.Program.Type
		if s.router != nil { // not Kapacitor's: its loopback waits rather than drops
			stats = append(stats, statistic{
				name:   "loopback",
				tags:   [][2]string{{"task", id}},
				values: [][2]string{{"points_dropped", itoa(s.router.LoopbackDropped(id))}},
			})
		}
		nodeStats := t.stats()
		for i, n := range t.Program.Nodes {
			var values [][2]string
			for _, a := range nodeAttrs(nodeStats[i]) {
				v := itoa(a.value)
				if a.name == "avg_exec_time_ns" {
					// A duration string, as Kapacitor's MaxDuration writes it.
					v = `"` + time.Duration(a.value).String() + `"`
				}
				values = append(values, [2]string{a.name, v})
			}
			stats = append(stats, statistic{
				name:   "nodes",
				tags:   [][2]string{{"kind", nodeKind(n.Name)}, {"node", n.Name}, {"task", id}, {"type", typ}},
				values: values,
			})
			for j, c := range n.Children {
				child := t.Program.Nodes[c]
				if child.Source {
					continue
				}
				v := itoa(out(nodeStats[i], j))
				stats = append(stats, statistic{
					name:   "edges",
					tags:   [][2]string{{"child", child.Name}, {"parent", n.Name}, {"task", id}},
					values: [][2]string{{"collected", v}, {"emitted", v}},
				})
			}
		}
	}

	var b bytes.Buffer
	b.WriteString("{")
	for i, st := range stats {
		if i > 0 {
			b.WriteString(", ")
		}
		key := st.name
		for _, t := range st.tags {
			key += "," + t[0] + "=" + t[1]
		}
		b.WriteString(strconv.Quote(key) + `: {"name": ` + strconv.Quote(st.name) + `, "tags": {`)
		for k, t := range st.tags {
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(t[0]) + ": " + strconv.Quote(t[1]))
		}
		b.WriteString(`}, "values": {`)
		for k, v := range st.values {
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(v[0]) + ": " + v[1])
		}
		b.WriteString("}}")
	}
	b.WriteString("}")
	return b.String()
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// newUUID returns a random (version 4) UUID: Kapacitor identifies its
// cluster and server by UUIDs, which a task binary makes up at start.
func newUUID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}
