package httppost

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"text/template"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Endpoint is one [[httppost]] section of kapacitor.conf:
//
//	[[httppost]]
//	  endpoint = "example"
//	  url = "http://example.com/path"
//	  headers = { Authorization = "..." }
//	  basic-auth = { username = "u", password = "p" }
//	  alert-template = "{{.Message}}"     # or alert-template-file
//	  row-template = "{{.Name}}"          # or row-template-file
//
// httpPost().endpoint(name), alert().post().endpoint(name) and sideload
// .source(name) use it.
type Endpoint struct {
	Name               string
	URL                string
	Headers            map[string]string
	Username, Password string
	// AlertTemplate and RowTemplate, when set, render the body posted
	// instead of the JSON of the alert data or of the row.
	AlertTemplate *template.Template
	RowTemplate   *template.Template
}

// Sectioner is implemented by configurations that give every element of
// an array of tables ([[httppost]]); see pipeline.Config.
type Sectioner interface {
	Sections(name string) []map[string]any
}

// LookupEndpoint finds the [[httppost]] section whose endpoint is name.
func LookupEndpoint(cfg pipeline.Config, name string) (*Endpoint, error) {
	var sections []map[string]any
	if ms, ok := cfg.(Sectioner); ok {
		sections = ms.Sections("httppost")
	} else if cfg != nil {
		if s, ok := cfg.Section("httppost"); ok {
			sections = []map[string]any{s}
		}
	}
	for _, s := range sections {
		if str(s, "endpoint") == name {
			return parseEndpoint(s)
		}
	}
	return nil, fmt.Errorf("endpoint %q does not exist: add it to the [[httppost]] sections of the --config file", name)
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func parseEndpoint(s map[string]any) (*Endpoint, error) {
	e := &Endpoint{Name: str(s, "endpoint"), URL: str(s, "url")}
	if e.URL == "" {
		return nil, fmt.Errorf("httppost endpoint %q: no url", e.Name)
	}
	if h, ok := s["headers"].(map[string]any); ok {
		e.Headers = make(map[string]string, len(h))
		for k, v := range h {
			e.Headers[k] = fmt.Sprint(v)
		}
	}
	if a, ok := s["basic-auth"].(map[string]any); ok {
		e.Username, e.Password = str(a, "username"), str(a, "password")
	}
	var err error
	if e.AlertTemplate, err = endpointTemplate(s, "alert-template"); err != nil {
		return nil, fmt.Errorf("httppost endpoint %q: %w", e.Name, err)
	}
	if e.RowTemplate, err = endpointTemplate(s, "row-template"); err != nil {
		return nil, fmt.Errorf("httppost endpoint %q: %w", e.Name, err)
	}
	return e, nil
}

// endpointTemplate reads key, or else key-file.
func endpointTemplate(s map[string]any, key string) (*template.Template, error) {
	text := str(s, key)
	if text == "" {
		if path := str(s, key+"-file"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			text = string(b)
		}
	}
	if text == "" {
		return nil, nil
	}
	t, err := template.New(key).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return t, nil
}

// NewEndpoint returns an httpPost node posting to the configured endpoint
// name, with its headers (the node's own .header()s win), basic
// authentication and row template.
func NewEndpoint(cfg pipeline.Config, name string, headers map[string]string, timeout time.Duration) (*Node, error) {
	e, err := LookupEndpoint(cfg, name)
	if err != nil {
		return nil, err
	}
	h := map[string]string{}
	for k, v := range e.Headers {
		h[k] = v
	}
	for k, v := range headers {
		h[k] = v
	}
	n, err := New(e.URL, h, timeout)
	if err != nil {
		return nil, err
	}
	n.user, n.password, n.rowTmpl = e.Username, e.Password, e.RowTemplate
	return n, nil
}

// AlertHandler is alert().post().endpoint(name): it posts each event's
// JSON, or the endpoint's alert-template rendered over it, to the endpoint.
type AlertHandler struct {
	e       *Endpoint
	headers map[string]string
	timeout time.Duration
	client  *http.Client
}

// NewAlertHandler returns the post handler of a configured endpoint.
func NewAlertHandler(cfg pipeline.Config, name string, headers map[string]string, timeout time.Duration) (*AlertHandler, error) {
	e, err := LookupEndpoint(cfg, name)
	if err != nil {
		return nil, fmt.Errorf("post handler: %w", err)
	}
	h := map[string]string{}
	for k, v := range e.Headers {
		h[k] = v
	}
	for k, v := range headers {
		h[k] = v
	}
	return &AlertHandler{e: e, headers: h, timeout: timeout, client: http.DefaultClient}, nil
}

// Handle posts the event; a status outside 2xx is an error.
func (h *AlertHandler) Handle(d *alert.Data) error {
	var body []byte
	if h.e.AlertTemplate != nil {
		var buf bytes.Buffer
		if err := h.e.AlertTemplate.Execute(&buf, d.TemplateView()); err != nil {
			return fmt.Errorf("post handler: alert-template: %w", err)
		}
		body = buf.Bytes()
	} else {
		var err error
		if body, err = d.JSON(); err != nil {
			return err
		}
	}
	ctx := context.Background()
	if h.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.e.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post handler: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h.headers {
		req.Header.Set(k, v)
	}
	if h.e.Username != "" && h.e.Password != "" {
		req.SetBasicAuth(h.e.Username, h.e.Password)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("post handler: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post handler: endpoint %s answered %s", h.e.Name, resp.Status)
	}
	return nil
}
