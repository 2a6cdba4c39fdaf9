package taskcli

import (
	"fmt"
	"os"
	"time"

	"github.com/BurntSushi/toml"
)

// DefaultConfig is the configuration a task binary runs with when given
// none, as the `config` command prints it. Sections and keys are those of
// kapacitor.conf, so a task can read an existing Kapacitor configuration;
// sections it does not know are kept for the task's handlers.
const DefaultConfig = `# Configuration of a task binary built by tickc.
# Sections and keys are kapacitor.conf's; others are kept for the task's
# alert handlers (for example [smtp] or [slack]).

# The host name that alert templates and alert data show.
hostname = "localhost"

# The retention policy of writes that name none.
default-retention-policy = ""

# Where serve keeps the alert state (each alert ID's level, time and
# duration), in <data_dir>/<task ID>.db, so that a restarted task sends the
# right recoveries; --data-dir overrides it. Empty keeps none: set it (for
# example to "/var/lib/tickc") for a task in production. Changes are saved
# every second and when the task stops: a crash loses at most the last
# second's. The snapshots of UDF agents are kept there too ([task]).
data_dir = ""

[task]
  # How often the task's UDF agents are asked for a snapshot of their
  # state, kept in data_dir and given back to them when the task starts
  # again; one is also taken when the task stops. 0 takes none meanwhile.
  snapshot-interval = "1m0s"

[http]
  # The address the HTTP API listens on; --http-bind overrides it.
  bind-address = "127.0.0.1:9092"
  # Log every HTTP request.
  log-enabled = true
  # How long a stopping task waits for requests in progress.
  shutdown-timeout = "10s"

[logging]
  # Where logs go: "STDERR", "STDOUT" or a file path.
  file = "STDERR"
  # The least severe level logged: "DEBUG", "INFO", "WARN", "ERROR" or "OFF";
  # --log-level overrides it.
  level = "INFO"
  # How records are written: "text" (key=value pairs) or "json" (one object
  # a line); --log-format overrides it.
  format = "text"
`

// influxDBSection is the [[influxdb]] section `config` prints: every key
// of kapacitor.conf's section that a task binary reads (InfluxDBConfig),
// with Kapacitor's defaults. A batch task needs the section to run its
// queries, so it is printed enabled; a stream task only uses it for
// subscriptions, which must not start by surprise, so it is printed
// disabled. Copy the section, with another name, for each cluster that
// .cluster() names.
func influxDBSection(batch bool) string {
	enabled := "  # Set to true to have InfluxDB send the task the points written to its\n" +
		"  # databases (a subscription per database and retention policy).\n" +
		"  enabled = false\n"
	if batch {
		enabled = "  enabled = true\n"
	}
	return influxDBHeader + enabled + influxDBKeys
}

const influxDBHeader = `
[[influxdb]]
  # An InfluxDB 1.x server or cluster: the task's queries run against it,
  # and it sends stream tasks their points through subscriptions.
`

const influxDBKeys = `  name = "default"
  # The section used by queries without .cluster(); else the first enabled.
  default = true
  # The servers of the cluster, one request each in turn.
  urls = ["http://localhost:8086"]
  username = ""
  password = ""
  # How long one request may take; 0 means no limit.
  timeout = "0s"
  # TLS for https URLs: PEM files of a CA to trust, and of a client
  # certificate and its key.
  ssl-ca = ""
  ssl-cert = ""
  ssl-key = ""
  # Use TLS without verifying the server's certificate and host name.
  insecure-skip-verify = false
  # Stream tasks: subscribe to the task's databases on these servers.
  disable-subscriptions = false
  # "cluster" or "server": what the subscription's ID is derived from.
  subscription-mode = "cluster"
  # "http" or "https": how InfluxDB sends the points to the task.
  subscription-protocol = "http"
  subscriptions-sync-interval = "1m0s"
  # The host and port InfluxDB sends to; empty and 0 mean hostname and the
  # port serve listens on.
  kapacitor-hostname = ""
  http-port = 0
`

// Config is a task binary's configuration. It implements pipeline.Config,
// which gives the task's nodes the sections they need.
type Config struct {
	Hostname               string     `toml:"hostname"`
	DefaultRetentionPolicy string     `toml:"default-retention-policy"`
	DataDir                string     `toml:"data_dir"`
	HTTP                   HTTPConfig `toml:"http"`
	Logging                struct {
		File   string `toml:"file"`
		Level  string `toml:"level"`
		Format string `toml:"format"`
	} `toml:"logging"`

	// InfluxDB is [[influxdb]]: the servers batch queries run against.
	InfluxDB []InfluxDBConfig `toml:"influxdb"`

	// raw holds every key of the defaults and the file, for Section.
	raw map[string]any
}

// HTTPConfig is the [http] section.
type HTTPConfig struct {
	BindAddress     string   `toml:"bind-address"`
	LogEnabled      bool     `toml:"log-enabled"`
	ShutdownTimeout Duration `toml:"shutdown-timeout"`
}

// Duration is a TOML duration written as a string, such as "10s".
type Duration time.Duration

// UnmarshalText reads a duration in Go's syntax.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	*d = Duration(v)
	return err
}

// LoadConfig reads the configuration file path over the defaults; an empty
// path gives the defaults. As in Kapacitor, settings the binary does not
// use are ignored, so that a whole kapacitor.conf can be given.
func LoadConfig(path string) (*Config, error) {
	c := &Config{}
	if _, err := toml.Decode(DefaultConfig, c); err != nil {
		panic("taskcli: bad default configuration: " + err.Error())
	}
	if _, err := toml.Decode(DefaultConfig, &c.raw); err != nil {
		panic("taskcli: bad default configuration: " + err.Error())
	}
	if path == "" {
		return c, nil
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, err := toml.Decode(string(text), c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var file map[string]any
	if _, err := toml.Decode(string(text), &file); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for name, v := range file {
		section, ok := v.(map[string]any)
		if base, isMap := c.raw[name].(map[string]any); ok && isMap {
			for k, x := range section {
				base[k] = x
			}
			continue
		}
		c.raw[name] = v
	}
	return c, nil
}

// Section returns the settings of a kapacitor.conf section, such as "smtp".
// For a section written as an array of tables ([[influxdb]]) it returns the
// element marked default = true, or else the first.
func (c *Config) Section(name string) (map[string]any, bool) {
	switch v := c.raw[name].(type) {
	case map[string]any:
		return v, true
	case []map[string]any:
		for _, m := range v {
			if d, _ := m["default"].(bool); d {
				return m, true
			}
		}
		if len(v) > 0 {
			return v[0], true
		}
	}
	return nil, false
}

// Sections returns every element of a section written as an array of
// tables ([[httppost]]), or the section itself as one element; nil when
// absent. httppost.LookupEndpoint uses it to find endpoints by name.
func (c *Config) Sections(name string) []map[string]any {
	switch v := c.raw[name].(type) {
	case map[string]any:
		return []map[string]any{v}
	case []map[string]any:
		return v
	}
	return nil
}
