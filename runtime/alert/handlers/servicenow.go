package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"text/template"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultServiceNowURL is Kapacitor's default [servicenow] url (a
// placeholder instance).
const DefaultServiceNowURL = "https://instance.service-now.com/api/global/em/jsonv2"

// ServiceNowOptions are the .serviceNow() properties. Node, Type,
// Resource, MetricName and MessageKey are templates, as are the string
// values of AdditionalInfo.
type ServiceNowOptions struct {
	URL, Username, Password, Source              string
	Node, Type, Resource, MetricName, MessageKey string
	AdditionalInfo                               map[string]any
	TaskName                                     string
}

// ServiceNow posts events to ServiceNow's event management web service
// (one record per request), as Kapacitor's servicenow service does.
type ServiceNow struct {
	URL                                         string
	Username, Password                          string
	Source                                      string
	TaskName                                    string
	node, typ, resource, metricName, messageKey *template.Template
	additional                                  map[string]any
	additionalTmpl                              map[string]*template.Template
	Client                                      *http.Client
}

// NewServiceNow returns a .serviceNow() handler: the [servicenow] url
// (default DefaultServiceNowURL), source, username and password,
// overridden by opts.
func NewServiceNow(cfg pipeline.Config, opts ServiceNowOptions) (*ServiceNow, error) {
	const name = "serviceNow"
	s := lookup(cfg, "servicenow")
	if err := s.checkEnabled(name); err != nil {
		return nil, err
	}
	h := &ServiceNow{
		URL:      firstSet(opts.URL, s.str("url", DefaultServiceNowURL)),
		Username: firstSet(opts.Username, s.str("username", "")),
		Password: firstSet(opts.Password, s.str("password", "")),
		Source:   firstSet(opts.Source, s.str("source", "")),
		TaskName: opts.TaskName,
		Client:   newClient(),
	}
	if h.URL == "" {
		return nil, s.missing(name, "url", "uRL")
	}
	if _, err := url.Parse(h.URL); err != nil {
		return nil, fmt.Errorf("%s handler: [servicenow] url: %w", name, err)
	}
	for _, t := range []struct {
		dst        **template.Template
		name, text string
	}{{&h.node, "node", opts.Node}, {&h.typ, "type", opts.Type}, {&h.resource, "resource", opts.Resource},
		{&h.metricName, "metricName", opts.MetricName}, {&h.messageKey, "messageKey", opts.MessageKey}} {
		var err error
		if *t.dst, err = parse(name, t.name, t.text); err != nil {
			return nil, err
		}
	}
	h.additional = opts.AdditionalInfo
	h.additionalTmpl = map[string]*template.Template{}
	for k, v := range opts.AdditionalInfo {
		if str, ok := v.(string); ok {
			t, err := parse(name, "additional_info."+k, str)
			if err != nil {
				return nil, err
			}
			h.additionalTmpl[k] = t
		}
	}
	return h, nil
}

// firstSet returns the first non-empty string.
func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// truncate cuts s to at most n bytes, as Kapacitor's cutoff does.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// serviceNowEvent is one record of ServiceNow's events web service.
type serviceNowEvent struct {
	Source         string `json:"source"`
	Node           string `json:"node,omitempty"`
	Type           string `json:"type,omitempty"`
	Resource       string `json:"resource,omitempty"`
	MetricName     string `json:"metric_name,omitempty"`
	MessageKey     string `json:"message_key,omitempty"`
	Severity       string `json:"severity,omitempty"`
	Description    string `json:"description,omitempty"`
	AdditionalInfo string `json:"additional_info,omitempty"`
}

// serviceNowSeverity maps a level to ServiceNow's severity: OK and INFO 5,
// WARNING 4, CRITICAL 1.
func serviceNowSeverity(l alert.Level) int {
	switch l {
	case alert.OK, alert.Info:
		return 5
	case alert.Warning:
		return 4
	case alert.Critical:
		return 1
	}
	return 0
}

// Handle posts {"records":[{source, node, type, resource, metric_name,
// message_key, severity, description, additional_info}]}: the templates
// rendered, message_key defaulting to the alert ID, the description the
// message, additional_info a JSON object encoded as a string; with basic
// authentication when both username and password are set.
func (h *ServiceNow) Handle(d *alert.Data) error {
	data := newTemplateData(d, h.TaskName)
	var rendered [5]string
	for i, t := range []*template.Template{h.node, h.typ, h.resource, h.metricName, h.messageKey} {
		out, err := execute(t, data)
		if err != nil {
			return fmt.Errorf("serviceNow handler: %s template: %w", t.Name(), err)
		}
		rendered[i] = out
	}
	info := ""
	if len(h.additional) > 0 {
		keys := make([]string, 0, len(h.additional))
		for k := range h.additional {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m := make(map[string]string, len(keys))
		for _, k := range keys {
			if t, ok := h.additionalTmpl[k]; ok {
				out, err := execute(t, data)
				if err != nil {
					return fmt.Errorf("serviceNow handler: additional_info.%s template: %w", k, err)
				}
				m[k] = out
			} else {
				m[k] = fmt.Sprintf("%v", h.additional[k])
			}
		}
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		info = string(b)
	}
	messageKey := rendered[4]
	if messageKey == "" {
		messageKey = d.ID
	}
	ev := serviceNowEvent{
		Source:         truncate(h.Source, 100),
		Node:           truncate(rendered[0], 100),
		Type:           truncate(rendered[1], 100),
		Resource:       truncate(rendered[2], 100),
		MetricName:     truncate(rendered[3], 100),
		MessageKey:     truncate(messageKey, 1024),
		Severity:       strconv.Itoa(serviceNowSeverity(d.Level)),
		Description:    truncate(d.Message, 4000),
		AdditionalInfo: info,
	}
	body, err := json.Marshal(struct {
		Records []serviceNowEvent `json:"records"`
	}{[]serviceNowEvent{ev}})
	if err != nil {
		return err
	}
	r := request{url: h.URL, body: body, ok: []int{http.StatusOK}}
	if h.Username != "" && h.Password != "" {
		r.header = map[string]string{"Authorization": basicAuth(h.Username, h.Password)}
	}
	return do(h.Client, "serviceNow", r)
}

// basicAuth is the Authorization header of HTTP basic authentication.
func basicAuth(user, password string) string {
	req := http.Request{Header: http.Header{}}
	req.SetBasicAuth(user, password)
	return req.Header.Get("Authorization")
}
