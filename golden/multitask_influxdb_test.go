package golden

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/internal/influxtest"
)

// TestMultiTaskAgainstInfluxDB deploys a binary of three tasks next to a
// real InfluxDB, as one Kapacitor with those tasks enabled: serve keeps one
// subscription, under one name, per DBRP its stream tasks read; points
// written to InfluxDB reach, through them, the task that reads their DBRP
// and no other; the batch task runs its query on schedule; and a
// subscription of the binary's name on a DBRP no task reads is dropped at
// the next sync, as Kapacitor drops its own.
func TestMultiTaskAgainstInfluxDB(t *testing.T) {
	db := influxtest.Start(t)
	for _, name := range []string{"telegraf", "metrics", "old"} {
		db.Query(t, "", fmt.Sprintf("CREATE DATABASE %q", name))
	}
	dir := t.TempDir()
	tasks := filepath.Join(dir, "tasks")
	if err := os.Mkdir(tasks, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, script := range map[string]string{
		"cpu": `dbrp "telegraf"."autogen"
stream
    |from()
        .measurement('cpu')
    |httpOut('out')
`,
		"mem": `dbrp "metrics"."autogen"
stream
    |from()
        .measurement('mem')
    |httpOut('out')
`,
		"mem_mean": `dbrp "metrics"."autogen"
batch
    |query('SELECT mean("used") AS used FROM "metrics"."autogen"."mem"')
        .period(1m)
        .every(1s)
    |httpOut('out')
`,
	} {
		writeFile(t, filepath.Join(tasks, name+".tick"), []byte(script))
	}
	bin := buildDir(t, tasks, filepath.Join(dir, "tasks-bin"))
	conf := filepath.Join(dir, "tasks.conf")
	writeFile(t, conf, []byte(fmt.Sprintf(`[[influxdb]]
  enabled = true
  name = "test"
  urls = [%q]
  kapacitor-hostname = "127.0.0.1"
  subscriptions-sync-interval = "500ms"
`, db.URL)))
	srv := startMulti(t, bin, "--config", conf)
	defer srv.stop(t)

	// One subscription per DBRP of the stream tasks, one name for all.
	subs := waitAllSubscriptions(t, db, srv, func(subs map[string][][2]string) bool {
		return len(subs) == 2 && len(subs["telegraf.autogen"]) == 1 && len(subs["metrics.autogen"]) == 1
	})
	name := subs["telegraf.autogen"][0][0]
	for dbrp, s := range subs {
		if s[0][0] != name || s[0][1] != srv.url || !strings.HasPrefix(name, "kapacitor-") {
			t.Errorf("subscription on %s: %v, want %s → %s", dbrp, s, name, srv.url)
		}
	}

	// Points written to InfluxDB reach the task of their DBRP only.
	now := time.Now().UnixNano()
	db.Write(t, "telegraf", fmt.Sprintf("cpu,host=a value=1.5 %d\n", now))
	db.Write(t, "metrics", fmt.Sprintf("mem,host=a used=5i %d\n", now))
	waitOutput(t, srv, "cpu", `"columns":["time","value"],"values":[[`)
	waitOutput(t, srv, "mem", `"columns":["time","used"],"values":[[`)
	for id, want := range map[string]float64{"cpu": 1, "mem": 1} {
		if got := collected(t, srv, id); got != want {
			t.Errorf("task %s collected %v points, want %v", id, got, want)
		}
	}
	// The batch task queries InfluxDB on its schedule.
	waitOutput(t, srv, "mem_mean", `"columns":["time","used"],"values":[["`)

	// A subscription of the binary's name on a DBRP no task reads (left by
	// an earlier build, say) is dropped.
	db.Query(t, "", fmt.Sprintf(`CREATE SUBSCRIPTION %q ON "old"."autogen" DESTINATIONS ANY 'http://127.0.0.1:1'`, name))
	waitAllSubscriptions(t, db, srv, func(subs map[string][][2]string) bool {
		return len(subs) == 2 && subs["old.autogen"] == nil
	})
}

// allSubscriptions lists the subscriptions of the server by "db.rp", as
// name and first destination.
func allSubscriptions(t *testing.T, db *influxtest.Server) map[string][][2]string {
	t.Helper()
	out := map[string][][2]string{}
	for _, r := range db.Query(t, "", "SHOW SUBSCRIPTIONS") {
		for _, s := range r.Series {
			for _, v := range s.Values {
				var rp, name, dest string
				for i, c := range s.Columns {
					switch c {
					case "retention_policy":
						rp, _ = v[i].(string)
					case "name":
						name, _ = v[i].(string)
					case "destinations":
						if ds, _ := v[i].([]any); len(ds) > 0 {
							dest, _ = ds[0].(string)
						}
					}
				}
				out[s.Name+"."+rp] = append(out[s.Name+"."+rp], [2]string{name, dest})
			}
		}
	}
	for _, subs := range out {
		sort.Slice(subs, func(i, j int) bool { return subs[i][0] < subs[j][0] })
	}
	return out
}

// waitAllSubscriptions waits until ok holds for the server's subscriptions.
func waitAllSubscriptions(t *testing.T, db *influxtest.Server, srv *multiServer, ok func(map[string][][2]string) bool) map[string][][2]string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		subs := allSubscriptions(t, db)
		if ok(subs) {
			return subs
		}
		if time.Now().After(deadline) {
			t.Fatalf("SHOW SUBSCRIPTIONS has %v\n%s", subs, srv.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitOutput waits until the httpOut('out') of task id holds want.
func waitOutput(t *testing.T, srv *multiServer, id, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := string(srv.get(t, "/kapacitor/v1/tasks/"+id+"/out"))
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s's httpOut has %s, want %s\n%s", id, got, want, srv.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// collected is what the source node of task id has collected.
func collected(t *testing.T, srv *multiServer, id string) float64 {
	t.Helper()
	var task struct {
		Stats struct {
			NodeStats map[string]map[string]any `json:"node-stats"`
		}
	}
	if err := json.Unmarshal(srv.get(t, "/kapacitor/v1/tasks/"+id), &task); err != nil {
		t.Fatal(err)
	}
	n, _ := task.Stats.NodeStats["stream0"]["collected"].(float64)
	return n
}
