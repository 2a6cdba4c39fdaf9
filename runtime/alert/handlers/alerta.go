package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"text/template"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// AlertaOptions are the .alerta() properties; empty strings take the
// defaults.
type AlertaOptions struct {
	Token string
	// Resource, Event, Environment, Group and Value are templates;
	// Resource defaults to {{ .Name }}, Event to {{ .ID }}, Group to
	// {{ .Group }}, and an empty Environment to the [alerta] environment.
	Resource, Event, Environment, Group, Value string
	Origin                                     string
	// Services and Correlated are templates; each defaults to the
	// measurement name.
	Services, Correlated []string
	// Timeout is the alert's timeout in Alerta (0: 24h).
	Timeout  time.Duration
	TaskName string
}

// Alerta sends alerts to Alerta's API, as Kapacitor's alerta service does.
type Alerta struct {
	URL                                        string // …/alert
	Authorization                              string
	Origin, Environment                        string
	resource, event, environment, group, value *template.Template
	services, correlated                       []*template.Template
	Timeout                                    time.Duration
	TaskName                                   string
	Client                                     *http.Client
}

// NewAlerta returns an .alerta() handler: the [alerta] url, token,
// token-prefix (default Bearer), environment and origin, overridden by
// opts.
func NewAlerta(cfg pipeline.Config, opts AlertaOptions) (*Alerta, error) {
	s := lookup(cfg, "alerta")
	if err := s.checkEnabled("alerta"); err != nil {
		return nil, err
	}
	base := s.str("url", "")
	if base == "" {
		return nil, s.missing("alerta", "url", "")
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("alerta handler: [alerta] url: %w", err)
	}
	u.Path = path.Join(u.Path, "alert")
	token := s.str("token", "")
	if opts.Token != "" {
		token = opts.Token
	}
	prefix := s.str("token-prefix", "")
	if prefix == "" {
		prefix = "Bearer"
	}
	h := &Alerta{
		URL: u.String(), Authorization: prefix + " " + token,
		Origin: s.str("origin", ""), Environment: s.str("environment", ""),
		Timeout: 24 * time.Hour, TaskName: opts.TaskName, Client: newClient(),
	}
	if opts.Origin != "" {
		h.Origin = opts.Origin
	}
	if opts.Timeout != 0 {
		h.Timeout = opts.Timeout
	}
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	for _, t := range []struct {
		dst        **template.Template
		name, text string
	}{
		{&h.resource, "resource", def(opts.Resource, "{{ .Name }}")},
		{&h.event, "event", def(opts.Event, "{{ .ID }}")},
		{&h.environment, "environment", opts.Environment},
		{&h.group, "group", def(opts.Group, "{{ .Group }}")},
		{&h.value, "value", opts.Value},
	} {
		if *t.dst, err = parse("alerta", t.name, t.text); err != nil {
			return nil, err
		}
	}
	for _, text := range opts.Services {
		t, err := parse("alerta", "service", text)
		if err != nil {
			return nil, err
		}
		h.services = append(h.services, t)
	}
	for _, text := range opts.Correlated {
		t, err := parse("alerta", "correlate", text)
		if err != nil {
			return nil, err
		}
		h.correlated = append(h.correlated, t)
	}
	return h, nil
}

// alertaEventData is what the event template sees, as in Kapacitor.
type alertaEventData struct {
	ID, Name, TaskName, Group string
	Tags                      map[string]string
}

// Handle posts the alert: resource, event, environment, severity, group,
// value, text, origin, service, correlate, timeout (s), tags ["k=v"] and
// rawData (the event data).
func (h *Alerta) Handle(d *alert.Data) error {
	td := newTemplateData(d, h.TaskName)
	render := func(t *template.Template, data any) (string, error) {
		out, err := execute(t, data)
		if err != nil {
			return "", fmt.Errorf("alerta handler: %s template: %w", t.Name(), err)
		}
		return out, nil
	}
	var vals [5]string
	var err error
	for i, t := range []*template.Template{h.resource, h.event, h.environment, h.group, h.value} {
		var data any = td
		if t == h.event {
			data = alertaEventData{ID: td.ID, Name: td.Name, TaskName: td.TaskName, Group: td.Group, Tags: td.Tags}
		}
		if vals[i], err = render(t, data); err != nil {
			return err
		}
	}
	resource, event, environment, group, value := vals[0], vals[1], vals[2], vals[3], vals[4]
	if resource == "" || event == "" {
		return fmt.Errorf("alerta handler: Resource and Event are required to send an alert")
	}
	if environment == "" {
		environment = h.Environment
	}
	list := func(ts []*template.Template) ([]string, error) {
		if len(ts) == 0 {
			return []string{td.Name}, nil
		}
		out := make([]string, 0, len(ts))
		for _, t := range ts {
			s, err := render(t, td)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	service, err := list(h.services)
	if err != nil {
		return err
	}
	correlate, err := list(h.correlated)
	if err != nil {
		return err
	}
	severity := "indeterminate"
	switch d.Level {
	case alert.OK:
		severity = "ok"
	case alert.Info:
		severity = "informational"
	case alert.Warning:
		severity = "warning"
	case alert.Critical:
		severity = "critical"
	}
	// Kapacitor lists the tags in map order; they are sorted here.
	tags := make([]string, 0, len(td.Tags))
	for k, v := range td.Tags {
		tags = append(tags, k+"="+v)
	}
	sort.Strings(tags)
	result, err := resultJSON(d)
	if err != nil {
		return err
	}
	payload := map[string]any{
		"resource": resource, "event": event, "environment": environment,
		"severity": severity, "group": group, "value": value, "text": d.Message,
		"origin": h.Origin, "rawData": result, "timeout": int64(h.Timeout / time.Second),
		"tags": tags,
	}
	if len(service) > 0 {
		payload["service"] = service
	}
	if len(correlate) > 0 {
		payload["correlate"] = correlate
	}
	body, err := encode(payload)
	if err != nil {
		return err
	}
	return do(h.Client, "alerta", request{url: h.URL, body: body,
		header: map[string]string{"Authorization": h.Authorization},
		ok:     []int{http.StatusCreated}})
}
