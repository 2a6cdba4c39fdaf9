package handlers

import (
	"crypto/tls"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"text/template"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultBigPandaURL is Kapacitor's default [bigpanda] url.
const DefaultBigPandaURL = "https://api.bigpanda.io/data/v2/alerts"

// BigPandaOptions are the .bigPanda() properties. Host and the string
// values of Attributes are templates over the event (Kapacitor's alert
// template data: {{ .Tags.host }}, {{ .Fields.value }}); other values are
// sent as they are.
type BigPandaOptions struct {
	AppKey                             string
	PrimaryProperty, SecondaryProperty string
	Host                               string
	Attributes                         map[string]any
	TaskName                           string
}

// BigPanda posts alerts to BigPanda's alerts API, as Kapacitor's bigpanda
// service does.
type BigPanda struct {
	URL      string
	AppKey   string
	Token    string
	TaskName string
	Client   *http.Client

	primary, secondary string
	host               *template.Template
	attributes         map[string]any // string values as *template.Template
}

// NewBigPanda returns a .bigPanda() handler: the [bigpanda] url (default
// DefaultBigPandaURL), app-key, token and insecure-skip-verify, with
// opts.AppKey overriding the app key.
func NewBigPanda(cfg pipeline.Config, opts BigPandaOptions) (*BigPanda, error) {
	const name = "bigPanda"
	s := lookup(cfg, "bigpanda")
	if err := s.checkEnabled(name); err != nil {
		return nil, err
	}
	h := &BigPanda{
		URL:      s.str("url", DefaultBigPandaURL),
		AppKey:   firstSet(opts.AppKey, s.str("app-key", "")),
		Token:    s.str("token", ""),
		TaskName: opts.TaskName,
		Client:   newClient(),
	}
	if h.AppKey == "" {
		return nil, s.missing(name, "app-key", "appKey")
	}
	h.primary, h.secondary = opts.PrimaryProperty, opts.SecondaryProperty
	if opts.Host != "" {
		t, err := parse(name, "host", opts.Host)
		if err != nil {
			return nil, err
		}
		h.host = t
	}
	for k, v := range opts.Attributes {
		if text, ok := v.(string); ok {
			t, err := parse(name, "attribute "+k, text)
			if err != nil {
				return nil, err
			}
			v = t
		}
		if h.attributes == nil {
			h.attributes = map[string]any{}
		}
		h.attributes[k] = v
	}
	if h.Token == "" {
		return nil, s.missing(name, "token", "")
	}
	if _, err := url.Parse(h.URL); err != nil {
		return nil, fmt.Errorf("%s handler: [bigpanda] url: %w", name, err)
	}
	if s.boolean("insecure-skip-verify", false) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
		h.Client.Transport = tr
	}
	return h, nil
}

// Handle posts {"app_key","check","description","details","status",
// "task","timestamp","primary_property","secondary_property", tags...,
// "host", attributes...} with "Authorization: Bearer <token>": status ok
// (OK, INFO), warning or critical; check is the alert ID; details are left
// out when they are the default JSON event; the rendered .host() and
// .attribute() values take the place of tags of the same name.
func (h *BigPanda) Handle(d *alert.Data) error {
	status := "critical"
	switch d.Level {
	case alert.OK, alert.Info:
		status = "ok"
	case alert.Warning:
		status = "warning"
	}
	m := map[string]any{}
	if d.Message != "" {
		m["description"] = d.Message
	}
	if d.Details != "" {
		if det := html.UnescapeString(d.Details); !strings.HasPrefix(det, "{") {
			m["details"] = det
		}
	}
	if d.ID != "" {
		m["check"] = d.ID
	}
	m["task"] = h.TaskName + ":" + d.Name
	m["timestamp"] = d.Time.Unix()
	m["status"] = status
	m["app_key"] = h.AppKey
	if h.primary != "" {
		m["primary_property"] = h.primary
	}
	if h.secondary != "" {
		m["secondary_property"] = h.secondary
	}
	for k, v := range d.TagMap() {
		m[k] = v
	}
	if h.host != nil || h.attributes != nil {
		data := newTemplateData(d, h.TaskName)
		if h.host != nil {
			v, err := execute(h.host, data)
			if err != nil {
				return fmt.Errorf("bigPanda handler: host: %w", err)
			}
			m["host"] = v
		}
		for k, v := range h.attributes {
			if t, ok := v.(*template.Template); ok {
				s, err := execute(t, data)
				if err != nil {
					return fmt.Errorf("bigPanda handler: attribute %s: %w", k, err)
				}
				v = s
			}
			m[k] = v
		}
	}
	body, err := encode(m)
	if err != nil {
		return err
	}
	return do(h.Client, "bigPanda", request{url: h.URL, body: body,
		header: map[string]string{"Authorization": "Bearer " + h.Token}, ok: []int{http.StatusCreated}})
}
