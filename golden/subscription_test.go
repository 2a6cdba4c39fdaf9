package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/internal/influxtest"
)

// TestStreamSubscription deploys a stream task the way Kapacitor is
// deployed next to InfluxDB: serve, given an [[influxdb]] section, creates
// a subscription "kapacitor-<id>" on the task's DBRP pointing at its own
// /write, and points written to InfluxDB reach the task through it. A
// graceful stop leaves the subscription (as Kapacitor does); a restart on
// another port finds it by name and moves it; disable-subscriptions turns
// the whole thing off.
func TestStreamSubscription(t *testing.T) {
	db := influxtest.Start(t)
	db.Query(t, "", `CREATE DATABASE "telegraf"`)

	script, err := os.ReadFile(filepath.Join(casesDir, "cpu_alert", "task.tick"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	alertLog := filepath.Join(dir, "alerts.log")
	bin := buildProgram(t, "cpu_alert", bytes.ReplaceAll(script, []byte(alertLogPlaceholder), []byte(alertLog)), dir)

	conf := filepath.Join(dir, "task.conf")
	writeFile(t, conf, []byte(fmt.Sprintf(`[[influxdb]]
  enabled = true
  name = "test"
  urls = [%q]
  kapacitor-hostname = "127.0.0.1"
  subscriptions-sync-interval = "500ms"
`, db.URL)))

	srv := startServer(t, bin, "serve", "--config", conf)
	name, dest := waitSubscription(t, db, srv.url)
	if !strings.HasPrefix(name, "kapacitor-") || len(name) != len("kapacitor-")+36 {
		t.Errorf("subscription name %q, want kapacitor-<uuid>", name)
	}

	// Points written to InfluxDB reach the task.
	now := time.Now().UnixNano()
	var lp strings.Builder
	for i := 0; i < 10; i++ {
		idle := 90.0
		if i%2 == 0 {
			idle = 50
		}
		fmt.Fprintf(&lp, "cpu,cpu=cpu-total,host=server%d usage_idle=%g %d\n", i, idle, now+int64(i))
	}
	db.Write(t, "telegraf", lp.String())
	waitProcessed(t, srv, 10)
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(alertLog)
		if n := bytes.Count(b, []byte("\n")); n >= 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the alert log has %q, want 5 critical alerts", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv.stop(t)

	// Kapacitor leaves its subscriptions when it stops.
	if subs := subscriptions(t, db); len(subs) != 1 || subs[0][1] != dest {
		t.Errorf("after stop: subscriptions %v, want %s → %s", subs, name, dest)
	}

	// A restart (on another port) keeps the name and moves the destination.
	srv = startServer(t, bin, "serve", "--config", conf)
	name2, _ := waitSubscription(t, db, srv.url)
	if name2 != name {
		t.Errorf("after restart the subscription is %q, want %q", name2, name)
	}
	srv.stop(t)

	// disable-subscriptions: no subscription is created.
	db.Query(t, "", fmt.Sprintf(`DROP SUBSCRIPTION %q ON "telegraf"."autogen"`, name))
	text, _ := os.ReadFile(conf)
	writeFile(t, conf, append(text, "  disable-subscriptions = true\n"...))
	srv = startServer(t, bin, "serve", "--config", conf)
	time.Sleep(1500 * time.Millisecond) // three sync intervals
	if subs := subscriptions(t, db); len(subs) != 0 {
		t.Errorf("with disable-subscriptions: subscriptions %v", subs)
	}
	srv.stop(t)
}

// subscriptions lists the subscriptions on telegraf.autogen as name,
// first destination.
func subscriptions(t *testing.T, db *influxtest.Server) [][2]string {
	t.Helper()
	var out [][2]string
	for _, r := range db.Query(t, "", "SHOW SUBSCRIPTIONS") {
		for _, s := range r.Series {
			if s.Name != "telegraf" {
				continue
			}
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
				if rp == "autogen" {
					out = append(out, [2]string{name, dest})
				}
			}
		}
	}
	return out
}

// waitSubscription waits until the only subscription on telegraf.autogen
// points at the server at url, and returns its name and destination.
func waitSubscription(t *testing.T, db *influxtest.Server, url string) (name, dest string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		subs := subscriptions(t, db)
		if len(subs) == 1 && subs[0][1] == url {
			return subs[0][0], subs[0][1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("SHOW SUBSCRIPTIONS has %v, want one pointing at %s", subs, url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitProcessed waits until the task's from() has passed on n points.
func waitProcessed(t *testing.T, s *server, n int) {
	t.Helper()
	want := fmt.Sprintf(`from1 -> alert2 [processed="%d"]`, n)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.url + "/kapacitor/v1/tasks/" + s.id)
		if err != nil {
			t.Fatal(err)
		}
		var task struct{ Dot string }
		err = json.NewDecoder(resp.Body).Decode(&task)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(task.Dot, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the task did not process %d points from InfluxDB within 20s:\n%s\n%s", n, task.Dot, s.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
