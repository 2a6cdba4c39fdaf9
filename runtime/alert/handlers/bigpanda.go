package handlers

import (
	"crypto/tls"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultBigPandaURL is Kapacitor's default [bigpanda] url.
const DefaultBigPandaURL = "https://api.bigpanda.io/data/v2/alerts"

// BigPandaOptions are the .bigPanda() properties tickc supports.
type BigPandaOptions struct {
	AppKey   string
	TaskName string
}

// BigPanda posts alerts to BigPanda's alerts API, as Kapacitor's bigpanda
// service does.
type BigPanda struct {
	URL      string
	AppKey   string
	Token    string
	TaskName string
	Client   *http.Client
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
// "task","timestamp", tags...} with "Authorization: Bearer <token>":
// status ok (OK, INFO), warning or critical; check is the alert ID;
// details are left out when they are the default JSON event.
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
	for k, v := range d.TagMap() {
		m[k] = v
	}
	body, err := encode(m)
	if err != nil {
		return err
	}
	return do(h.Client, "bigPanda", request{url: h.URL, body: body,
		header: map[string]string{"Authorization": "Bearer " + h.Token}, ok: []int{http.StatusCreated}})
}
