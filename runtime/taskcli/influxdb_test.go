package taskcli

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server/servertest"
)

// TestConfigInfluxDB checks that `config` prints, for a batch task, every
// [[influxdb]] key the binary reads, and that the printed configuration
// loads back with Kapacitor's defaults.
func TestConfigInfluxDB(t *testing.T) {
	fake := servertest.New("q", false)
	fake.Program.Type = "batch"
	fake.Program.Queries = []pipeline.Query{{Node: "query1", Text: "SELECT v FROM m", Every: time.Minute}}
	res := run(t, context.Background(), fake, nil, "config")
	if res.code != 0 {
		t.Fatalf("config: %d %s", res.code, res.stderr)
	}
	typ := reflect.TypeOf(InfluxDBConfig{})
	for i := range typ.NumField() {
		key := typ.Field(i).Tag.Get("toml")
		if !strings.Contains(res.stdout, "\n  "+key+" = ") {
			t.Errorf("config does not print [[influxdb]] %s", key)
		}
	}
	path := filepath.Join(t.TempDir(), "task.conf")
	os.WriteFile(path, []byte(res.stdout), 0o644)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.InfluxDB) != 1 {
		t.Fatalf("[[influxdb]] sections: %+v", cfg.InfluxDB)
	}
	s := cfg.InfluxDB[0]
	if s.Enabled == nil || !*s.Enabled || !s.Default || s.Name != "default" || len(s.URLs) != 1 || s.URLs[0] != "http://localhost:8086" ||
		s.SubscriptionMode != "cluster" || s.SubscriptionProtocol != "http" || time.Duration(s.SubscriptionsSyncInterval) != time.Minute {
		t.Errorf("printed defaults load as %+v", s)
	}
}

// TestInfluxDBSections checks how .cluster() names select a section.
func TestInfluxDBSections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "task.conf")
	os.WriteFile(path, []byte(`
[[influxdb]]
  name = "off"
  enabled = false
  urls = ["http://off:8086"]
[[influxdb]]
  name = "a"
  urls = ["http://a:8086"]
[[influxdb]]
  name = "b"
  default = true
  urls = ["http://b1:8086", "https://b2:8086"]
  ssl-ca = "/nonexistent/ca.pem"
`), 0o644)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	for cluster, want := range map[string]string{"": "b", "a": "a", "b": "b"} {
		if s, err := cfg.influxDB(cluster); err != nil || s.Name != want {
			t.Errorf("cluster %q: %v %q, want %q", cluster, err, s.Name, want)
		}
	}
	if _, err := cfg.influxDB("off"); err == nil {
		t.Error("a disabled section was selected")
	}
	if _, err := cfg.queryClient("b"); err == nil || !strings.Contains(err.Error(), "ssl-ca") {
		t.Errorf("a missing ssl-ca file: %v", err)
	}
	if c, err := cfg.queryClient("a"); err != nil {
		t.Errorf("client of a: %v", err)
	} else {
		c.Close()
	}
}
