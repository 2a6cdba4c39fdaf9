package handlers

import (
	"encoding/json"
	"net/http"
	"text/template"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultPagerDuty2URL is Kapacitor's default [pagerduty2] url.
const DefaultPagerDuty2URL = "https://events.pagerduty.com/v2/enqueue"

// PagerDuty2Link is a .link(href, text) of .pagerDuty2(); both are
// templates over the alert data, and an empty text is the href.
type PagerDuty2Link struct {
	Href, Text string
}

// PagerDuty2Options are the .pagerDuty2() properties.
type PagerDuty2Options struct {
	RoutingKey string
	Links      []PagerDuty2Link
	// TaskName is the task ID (the payload's class).
	TaskName string
	// ClientURL is the payload's client_url, Kapacitor's own HTTP API URL.
	ClientURL string
}

// PagerDuty2 sends events to PagerDuty's events API v2, as Kapacitor's
// pagerduty2 service does.
type PagerDuty2 struct {
	URL        string
	RoutingKey string
	TaskName   string
	ClientURL  string
	links      []pd2Link
	Client     *http.Client
}

type pd2Link struct{ href, text *template.Template }

// NewPagerDuty2 returns a .pagerDuty2() handler: the [pagerduty2] url
// (default DefaultPagerDuty2URL) and routing-key, overridden by opts.
func NewPagerDuty2(cfg pipeline.Config, opts PagerDuty2Options) (*PagerDuty2, error) {
	s := lookup(cfg, "pagerduty2")
	if err := s.checkEnabled("pagerDuty2"); err != nil {
		return nil, err
	}
	h := &PagerDuty2{
		URL:        s.str("url", DefaultPagerDuty2URL),
		RoutingKey: s.str("routing-key", ""),
		TaskName:   opts.TaskName,
		ClientURL:  opts.ClientURL,
		Client:     newClient(),
	}
	if opts.RoutingKey != "" {
		h.RoutingKey = opts.RoutingKey
	}
	if h.RoutingKey == "" {
		return nil, s.missing("pagerDuty2", "routing-key", "routingKey")
	}
	for _, l := range opts.Links {
		var pl pd2Link
		var err error
		if pl.href, err = parse("pagerDuty2", "href", l.Href); err != nil {
			return nil, err
		}
		if l.Text != "" {
			if pl.text, err = parse("pagerDuty2", "text", l.Text); err != nil {
				return nil, err
			}
		}
		h.links = append(h.links, pl)
	}
	return h, nil
}

type pd2Payload struct {
	Summary       string                     `json:"summary"`
	Source        string                     `json:"source"`
	Severity      string                     `json:"severity"`
	Timestamp     string                     `json:"timestamp"`
	Class         string                     `json:"class"`
	Component     string                     `json:"component"`
	Group         string                     `json:"group"`
	CustomDetails map[string]json.RawMessage `json:"custom_details"`
}

type pd2Image struct {
	Src  string `json:"src"`
	Href string `json:"href"`
	Alt  string `json:"alt"`
}

type pd2LinkJSON struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

type pd2Event struct {
	RoutingKey  string        `json:"routing_key"`
	EventAction string        `json:"event_action"`
	DedupKey    string        `json:"dedup_key"`
	Payload     *pd2Payload   `json:"payload"`
	Images      []pd2Image    `json:"images"`
	Links       []pd2LinkJSON `json:"links"`
	Client      string        `json:"client"`
	ClientURL   string        `json:"client_url"`
}

type pd2Resolve struct {
	RoutingKey  string `json:"routing_key"`
	DedupKey    string `json:"dedup_key"`
	EventAction string `json:"event_action"`
}

// Handle sends a trigger event (INFO, WARNING, CRITICAL) or a resolve
// event (OK) deduplicated by the alert ID.
func (h *PagerDuty2) Handle(d *alert.Data) error {
	var severity string
	switch d.Level {
	case alert.Info:
		severity = "info"
	case alert.Warning:
		severity = "warning"
	case alert.Critical:
		severity = "critical"
	}
	var v any
	if severity == "" {
		v = pd2Resolve{RoutingKey: h.RoutingKey, DedupKey: d.ID, EventAction: "resolve"}
	} else {
		result, err := resultJSON(d)
		if err != nil {
			return err
		}
		ev := pd2Event{
			RoutingKey: h.RoutingKey, EventAction: "trigger", DedupKey: d.ID,
			Client: "kapacitor", ClientURL: h.ClientURL,
			Payload: &pd2Payload{
				Summary: d.Message, Source: "unknown", Severity: severity,
				Timestamp:     d.Time.Format("2006-01-02T15:04:05.000000000Z07:00"),
				Class:         h.TaskName,
				CustomDetails: map[string]json.RawMessage{"result": result},
			},
		}
		if host, ok := d.TagMap()["host"]; ok {
			ev.Payload.Source = host
		}
		if len(h.links) > 0 {
			td := newTemplateData(d, h.TaskName)
			for _, l := range h.links {
				href, err := execute(l.href, td)
				if err != nil {
					return err
				}
				text := href
				if l.text != nil {
					if text, err = execute(l.text, td); err != nil {
						return err
					}
				}
				ev.Links = append(ev.Links, pd2LinkJSON{Href: href, Text: text})
			}
		}
		v = ev
	}
	body, err := encode(v)
	if err != nil {
		return err
	}
	return do(h.Client, "pagerDuty2", request{url: h.URL, body: body,
		header: map[string]string{"Accept": "application/vnd.pagerduty+json;version=2"},
		ok:     []int{http.StatusAccepted, http.StatusOK}})
}
