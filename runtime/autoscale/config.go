package autoscale

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"

	"github.com/tickc/tickc/runtime/pipeline"
)

// sectioner is implemented by configurations that give every element of
// an array of tables, such as [[kubernetes]] (see pipeline.Config).
type sectioner interface {
	Sections(name string) []map[string]any
}

// cluster finds the enabled [[name]] section whose id is id, as
// Kapacitor's services do for .cluster(id); "" is the only or the
// id-less section.
func cluster(cfg pipeline.Config, name, id string) (map[string]any, error) {
	var sections []map[string]any
	if ms, ok := cfg.(sectioner); ok {
		sections = ms.Sections(name)
	} else if cfg != nil {
		if s, ok := cfg.Section(name); ok {
			sections = []map[string]any{s}
		}
	}
	for _, s := range sections {
		if str(s, "id") != id && !(id == "" && len(sections) == 1) {
			continue
		}
		if on, _ := s["enabled"].(bool); !on {
			return nil, fmt.Errorf("cluster %q of [[%s]] is not enabled", id, name)
		}
		return s, nil
	}
	return nil, fmt.Errorf("no [[%s]] section with id %q in the --config file", name, id)
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func boolean(m map[string]any, key string) bool {
	b, _ := m[key].(bool)
	return b
}

// strs reads a TOML array of strings.
func strs(m map[string]any, key string) []string {
	switch v := m[key].(type) {
	case []string:
		return v
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{v}
	}
	return nil
}

// transport is an HTTP transport trusting caPath's certificates (and
// presenting certPath/keyPath's) when set; nil when nothing is set.
func transport(caPath, certPath, keyPath string, insecure bool) (*http.Transport, error) {
	if caPath == "" && certPath == "" && keyPath == "" && !insecure {
		return nil, nil
	}
	t := &tls.Config{InsecureSkipVerify: insecure}
	if caPath != "" {
		pem, err := os.ReadFile(caPath)
		if err != nil {
			return nil, err
		}
		t.RootCAs = x509.NewCertPool()
		if !t.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate", caPath)
		}
	}
	if certPath != "" || keyPath != "" {
		cert, err := tls.LoadX509KeyPair(certPath, keyPath)
		if err != nil {
			return nil, err
		}
		t.Certificates = []tls.Certificate{cert}
	}
	return &http.Transport{Proxy: http.ProxyFromEnvironment, TLSClientConfig: t}, nil
}
