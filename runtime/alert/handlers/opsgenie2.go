package handlers

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"path"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultOpsGenie2URL is Kapacitor's default [opsgenie2] url.
const DefaultOpsGenie2URL = "https://api.opsgenie.com/v2/alerts"

// OpsGenie2Options are the .opsGenie2() properties.
type OpsGenie2Options struct {
	Teams          []string
	Recipients     []string
	RecoveryAction string
}

// OpsGenie2 sends alerts to OpsGenie's alert API v2, as Kapacitor's
// opsgenie2 service does.
type OpsGenie2 struct {
	URL            string
	APIKey         string
	Teams          []string
	Recipients     []string
	RecoveryAction string // notes or close
	Client         *http.Client
}

// NewOpsGenie2 returns an .opsGenie2() handler: the [opsgenie2] url
// (default DefaultOpsGenie2URL), api-key, teams, recipients and
// recovery_action (default notes), overridden by opts.
func NewOpsGenie2(cfg pipeline.Config, opts OpsGenie2Options) (*OpsGenie2, error) {
	s := lookup(cfg, "opsgenie2")
	if err := s.checkEnabled("opsGenie2"); err != nil {
		return nil, err
	}
	h := &OpsGenie2{
		URL:        s.str("url", DefaultOpsGenie2URL),
		APIKey:     s.str("api-key", ""),
		Teams:      s.strings("teams"),
		Recipients: s.strings("recipients"),
		Client:     newClient(),
	}
	if h.APIKey == "" {
		return nil, s.missing("opsGenie2", "api-key", "")
	}
	if _, err := url.Parse(h.URL); err != nil {
		return nil, fmt.Errorf("opsGenie2 handler: [opsgenie2] url: %w", err)
	}
	if len(opts.Teams) > 0 {
		h.Teams = opts.Teams
	}
	if len(opts.Recipients) > 0 {
		h.Recipients = opts.Recipients
	}
	// An invalid action falls back to the section's, then to notes.
	valid := func(a string) bool { return a == "close" || a == "notes" }
	switch {
	case valid(opts.RecoveryAction):
		h.RecoveryAction = opts.RecoveryAction
	case valid(s.str("recovery_action", "")):
		h.RecoveryAction = s.str("recovery_action", "")
	default:
		h.RecoveryAction = "notes"
	}
	return h, nil
}

// Handle creates an alert aliased by the base64 of the alert ID, or on
// recovery adds a note to it or closes it.
func (h *OpsGenie2) Handle(d *alert.Data) error {
	alias := base64.URLEncoding.EncodeToString([]byte(d.ID))
	target := h.URL
	var payload map[string]any
	if d.Level == alert.OK {
		u, err := url.Parse(h.URL)
		if err != nil {
			return err
		}
		u.Path = path.Join(u.Path, alias, h.RecoveryAction)
		u.RawQuery = "identifierType=alias"
		target = u.String()
		payload = map[string]any{"note": d.Message}
	} else {
		priority := ""
		switch d.Level {
		case alert.Info:
			priority = "P5"
		case alert.Warning:
			priority = "P3"
		case alert.Critical:
			priority = "P1"
		}
		result, err := resultJSON(d)
		if err != nil {
			return err
		}
		details := map[string]string{"Monitoring Tool": "Kapacitor", "Level": d.Level.String()}
		if series := d.Series(); len(series) > 0 {
			for k, v := range series[0].Tags {
				details[k] = v
			}
			details["Kapacitor Task Name"] = series[0].Name
		}
		payload = map[string]any{
			"entity":      d.ID,
			"alias":       alias,
			"message":     d.Message,
			"note":        "",
			"priority":    priority,
			"description": string(result),
			"details":     details,
		}
		var responders []map[string]string
		for _, t := range h.Teams {
			responders = append(responders, map[string]string{"name": t, "type": "team"})
		}
		for _, r := range h.Recipients {
			responders = append(responders, map[string]string{"username": r, "type": "user"})
		}
		if len(responders) > 0 {
			payload["responders"] = responders
		}
	}
	body, err := encode(payload)
	if err != nil {
		return err
	}
	return do(h.Client, "opsGenie2", request{url: target, body: body,
		header: map[string]string{"Authorization": "GenieKey " + h.APIKey},
		ok:     []int{http.StatusAccepted}})
}
