package handlers

import (
	"fmt"
	"io"
	"net"
	"regexp"
	"text/template"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultSensuSource is Kapacitor's default [sensu] source.
const DefaultSensuSource = "Kapacitor"

// SensuOptions are the .sensu() properties.
type SensuOptions struct {
	// Source is a template over the alert data; empty means the section's.
	Source   string
	Handlers []string
	// Metadata adds top-level keys to the check result (.metadata(k, v)).
	Metadata map[string]any
	TaskName string
}

// Sensu sends check results to a Sensu client's TCP socket, as Kapacitor's
// sensu service does.
type Sensu struct {
	Addr          string
	DefaultSource string
	Handlers      []string
	Metadata      map[string]any
	TaskName      string
	source        *template.Template
	Timeout       time.Duration
}

// sensuName is the pattern Kapacitor requires of a check name (the alert ID).
var sensuName = regexp.MustCompile(`^[\w\.-]+$`)

// NewSensu returns a .sensu() handler: the [sensu] addr (host:port),
// source (default DefaultSensuSource) and handlers, overridden by opts.
func NewSensu(cfg pipeline.Config, opts SensuOptions) (*Sensu, error) {
	s := lookup(cfg, "sensu")
	if err := s.checkEnabled("sensu"); err != nil {
		return nil, err
	}
	h := &Sensu{
		Addr:          s.str("addr", ""),
		DefaultSource: s.str("source", DefaultSensuSource),
		Handlers:      s.strings("handlers"),
		Metadata:      opts.Metadata,
		TaskName:      opts.TaskName,
		Timeout:       DefaultTimeout,
	}
	if h.Addr == "" {
		return nil, s.missing("sensu", "addr", "")
	}
	if len(opts.Handlers) > 0 {
		h.Handlers = opts.Handlers
	}
	var err error
	if h.source, err = parse("sensu", "source", opts.Source); err != nil {
		return nil, err
	}
	return h, nil
}

// Handle writes {"handlers","name","output","source","status"} plus the
// metadata keys as one JSON line (status 0 OK/INFO, 1 WARNING,
// 2 CRITICAL) and expects the client to answer "ok".
func (h *Sensu) Handle(d *alert.Data) error {
	if !sensuName.MatchString(d.ID) {
		return fmt.Errorf("sensu handler: invalid name %q for sensu alert. Must match %v", d.ID, sensuName)
	}
	source, err := execute(h.source, newTemplateData(d, h.TaskName))
	if err != nil {
		return fmt.Errorf("sensu handler: source template: %w", err)
	}
	if source == "" {
		source = h.DefaultSource
	}
	status := 0
	switch d.Level {
	case alert.Warning:
		status = 1
	case alert.Critical:
		status = 2
	}
	payload := map[string]any{
		"name":     d.ID,
		"source":   source,
		"output":   d.Message,
		"status":   status,
		"handlers": h.Handlers,
	}
	for k, v := range h.Metadata {
		if _, ok := payload[k]; !ok {
			payload[k] = v
		}
	}
	body, err := encode(payload)
	if err != nil {
		return err
	}
	conn, err := net.DialTimeout("tcp", h.Addr, h.Timeout)
	if err != nil {
		return fmt.Errorf("sensu handler: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(h.Timeout))
	if _, err := conn.Write(body); err != nil {
		return fmt.Errorf("sensu handler: %w", err)
	}
	resp, err := io.ReadAll(io.LimitReader(conn, 4096))
	if err != nil {
		return fmt.Errorf("sensu handler: %w", err)
	}
	if string(resp) != "ok" {
		return fmt.Errorf("sensu handler: sensu socket error: %s", resp)
	}
	return nil
}
