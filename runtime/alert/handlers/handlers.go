// Package handlers implements the alert handlers that call a web service,
// sending the requests Kapacitor's services (services/<name>/service.go)
// send: .slack(), .pagerDuty2(), .victorOps(), .opsGenie2(), .teams(),
// .discord(), .telegram(), .alerta() ...
//
// Each handler has a constructor taking the task's configuration (the
// kapacitor.conf sections given to the task binary with --config) and the
// options the TICKscript set. As in Kapacitor, a TICKscript option that is
// set overrides the section's value. A handler that needs a URL or a key
// neither gives fails when the task starts, naming the section and key to
// set.
package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultTimeout bounds one request of a handler. Kapacitor sets none; a
// bound keeps a hung service from stalling the task forever.
const DefaultTimeout = 30 * time.Second

// newClient returns the HTTP client of a handler.
func newClient() *http.Client { return &http.Client{Timeout: DefaultTimeout} }

// section is a kapacitor.conf section; a missing section is empty.
type section struct {
	name   string
	values map[string]any
	found  bool
}

// lookup returns the section called name of cfg (which may be nil).
func lookup(cfg pipeline.Config, name string) section {
	s := section{name: name}
	if cfg != nil {
		s.values, s.found = cfg.Section(name)
	}
	return s
}

// str returns the string key, or def if it is not set.
func (s section) str(key, def string) string {
	if v, ok := s.values[key].(string); ok {
		return v
	}
	return def
}

// boolean returns the bool key, or def if it is not set.
func (s section) boolean(key string, def bool) bool {
	if v, ok := s.values[key].(bool); ok {
		return v
	}
	return def
}

// strings returns the string-list key (nil if it is not set).
func (s section) strings(key string) []string {
	switch v := s.values[key].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// checkEnabled fails when the section exists and says enabled = false:
// Kapacitor would refuse every event with "service is not enabled".
func (s section) checkEnabled(handler string) error {
	if s.found && !s.boolean("enabled", true) {
		return fmt.Errorf("%s handler: the [%s] section of the configuration has enabled = false; set enabled = true", handler, s.name)
	}
	return nil
}

// missing is the error of a handler that lacks a required setting.
func (s section) missing(handler, key, prop string) error {
	via := ""
	if prop != "" {
		via = fmt.Sprintf(" or give .%s() in the script", prop)
	}
	return fmt.Errorf("%s handler: no %s: set %s in the [%s] section of the configuration (--config)%s", handler, key, key, s.name, via)
}

// encode returns v as json.Encoder.Encode writes it (HTML escaped, with a
// trailing newline), as Kapacitor's services encode their requests.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// resultJSON returns the event's data (Kapacitor's models.Result) as JSON,
// taken from the event's own encoding so that it is the same byte for byte.
func resultJSON(d *alert.Data) (json.RawMessage, error) {
	line, err := d.JSON()
	if err != nil {
		return nil, err
	}
	var ev struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(line, &ev); err != nil {
		return nil, err
	}
	return ev.Data, nil
}

// request is one HTTP request of a handler.
type request struct {
	method string
	url    string
	header map[string]string
	body   []byte
	// ok lists the statuses that mean success.
	ok []int
}

// do sends the request and checks the answer's status: another status
// is an *alert.StatusError, with the start of the answer's body.
func do(client *http.Client, name string, r request) error {
	method := r.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, r.url, bytes.NewReader(r.body))
	if err != nil {
		return fmt.Errorf("%s handler: %w", name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s handler: %w", name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	for _, code := range r.ok {
		if resp.StatusCode == code {
			return nil
		}
	}
	return fmt.Errorf("%s handler: %w", name, &alert.StatusError{URL: redact(r.url), Status: resp.Status,
		Code: resp.StatusCode, Body: strings.TrimSpace(string(body))})
}

// redact hides the path of a URL in errors: webhook URLs carry secrets.
func redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[:i+3+j] + "/..."
		}
	}
	return u
}
