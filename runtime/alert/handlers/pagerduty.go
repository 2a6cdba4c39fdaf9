package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultPagerDutyURL is Kapacitor's default [pagerduty] url (events API v1).
const DefaultPagerDutyURL = "https://events.pagerduty.com/generic/2010-04-15/create_event.json"

// PagerDutyOptions are the .pagerDuty() properties.
type PagerDutyOptions struct {
	ServiceKey string
	// ClientURL is the event's client_url, Kapacitor's own HTTP API URL.
	ClientURL string
}

// PagerDuty sends events to PagerDuty's generic events API v1, as
// Kapacitor's pagerduty service does.
type PagerDuty struct {
	URL        string
	ServiceKey string
	ClientURL  string
	Client     *http.Client
}

// NewPagerDuty returns a .pagerDuty() handler: the [pagerduty] url
// (default DefaultPagerDutyURL) and service-key, with opts.ServiceKey
// overriding the key.
func NewPagerDuty(cfg pipeline.Config, opts PagerDutyOptions) (*PagerDuty, error) {
	s := lookup(cfg, "pagerduty")
	if err := s.checkEnabled("pagerDuty"); err != nil {
		return nil, err
	}
	h := &PagerDuty{
		URL:        s.str("url", DefaultPagerDutyURL),
		ServiceKey: s.str("service-key", ""),
		ClientURL:  opts.ClientURL,
		Client:     newClient(),
	}
	if opts.ServiceKey != "" {
		h.ServiceKey = opts.ServiceKey
	}
	if h.ServiceKey == "" {
		return nil, s.missing("pagerDuty", "service-key", "serviceKey")
	}
	if _, err := url.Parse(h.URL); err != nil {
		return nil, fmt.Errorf("pagerDuty handler: [pagerduty] url: %w", err)
	}
	return h, nil
}

// errPagerDutyInfo is Kapacitor's refusal of INFO events.
var errPagerDutyInfo = errors.New("pagerDuty handler: AlertLevel 'info' is currently ignored by the PagerDuty service")

// Handle posts {"client","client_url","description","details",
// "event_type","incident_key","service_key"}: a trigger for WARNING and
// CRITICAL, a resolve for OK; INFO events are refused, as in Kapacitor.
func (h *PagerDuty) Handle(d *alert.Data) error {
	eventType := "resolve"
	switch d.Level {
	case alert.Warning, alert.Critical:
		eventType = "trigger"
	case alert.Info:
		return errPagerDutyInfo
	}
	body, err := encode(map[string]string{
		"service_key":  h.ServiceKey,
		"event_type":   eventType,
		"description":  d.Message,
		"incident_key": d.ID,
		"client":       "kapacitor",
		"client_url":   h.ClientURL,
		"details":      d.Details,
	})
	if err != nil {
		return err
	}
	return do(h.Client, "pagerDuty", request{url: h.URL, body: body, ok: []int{http.StatusOK}})
}
