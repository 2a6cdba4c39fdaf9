package influxout

import (
	"fmt"
	"time"

	"github.com/tickc/tickc/runtime/batch"
	"github.com/tickc/tickc/runtime/pipeline"
)

// sectioner gives every element of an array of tables ([[influxdb]]).
type sectioner interface {
	Sections(name string) []map[string]any
}

// Connect makes a client for the [[influxdb]] section of cfg named cluster,
// or the default one (marked default, else the first enabled) when cluster
// is empty; with no section, Kapacitor's default http://localhost:8086.
// It reads the same keys as the batch queries (runtime/taskcli): name,
// enabled, default, urls (used in turn), username, password, timeout,
// ssl-ca, ssl-cert, ssl-key and insecure-skip-verify.
func Connect(cfg pipeline.Config, cluster string) (*batch.Client, error) {
	var all []map[string]any
	if s, ok := cfg.(sectioner); ok {
		all = s.Sections("influxdb")
	} else if cfg != nil {
		if s, ok := cfg.Section("influxdb"); ok {
			all = []map[string]any{s}
		}
	}
	var enabled []map[string]any
	for _, s := range all {
		if e, ok := s["enabled"].(bool); !ok || e {
			enabled = append(enabled, s)
		}
	}
	var sec map[string]any
	switch {
	case len(all) == 0:
		sec = map[string]any{"urls": []any{"http://localhost:8086"}}
	default:
		for _, s := range enabled {
			name, _ := s["name"].(string)
			def, _ := s["default"].(bool)
			if cluster != "" && name == cluster || cluster == "" && def {
				sec = s
				break
			}
		}
		if sec == nil && cluster == "" && len(enabled) > 0 {
			sec = enabled[0]
		}
	}
	if sec == nil {
		if cluster != "" {
			return nil, fmt.Errorf("no enabled [[influxdb]] section named %q", cluster)
		}
		return nil, fmt.Errorf("no enabled [[influxdb]] section")
	}
	var urls []string
	switch u := sec["urls"].(type) {
	case []any:
		for _, x := range u {
			if s, ok := x.(string); ok {
				urls = append(urls, s)
			}
		}
	case []string:
		urls = u
	case string:
		urls = []string{u}
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("[[influxdb]] %v has no urls", sec["name"])
	}
	user, _ := sec["username"].(string)
	pass, _ := sec["password"].(string)
	var timeout time.Duration
	switch t := sec["timeout"].(type) {
	case string:
		d, err := time.ParseDuration(t)
		if err != nil {
			return nil, fmt.Errorf("[[influxdb]] timeout: %w", err)
		}
		timeout = d
	case int64:
		timeout = time.Duration(t)
	}
	ca, _ := sec["ssl-ca"].(string)
	cert, _ := sec["ssl-cert"].(string)
	key, _ := sec["ssl-key"].(string)
	insecure, _ := sec["insecure-skip-verify"].(bool)
	c, err := batch.NewClient(batch.ClientConfig{URLs: urls, Username: user, Password: pass, Timeout: timeout,
		SSLCA: ca, SSLCert: cert, SSLKey: key, InsecureSkipVerify: insecure})
	if err != nil {
		return nil, fmt.Errorf("[[influxdb]] %v: %w", sec["name"], err)
	}
	return c, nil
}
