package handlers

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Kapacitor's default [opsgenie] url and recovery_url (alert API v1).
const (
	DefaultOpsGenieURL         = "https://api.opsgenie.com/v1/json/alert"
	DefaultOpsGenieRecoveryURL = "https://api.opsgenie.com/v1/json/alert/note"
)

// OpsGenieOptions are the .opsGenie() properties.
type OpsGenieOptions struct {
	Teams      []string
	Recipients []string
}

// OpsGenie sends alerts to OpsGenie's alert API v1, as Kapacitor's
// opsgenie service does.
type OpsGenie struct {
	// URL and RecoveryURL are the section's, with the "/" Kapacitor adds.
	URL, RecoveryURL string
	APIKey           string
	Teams            []string
	Recipients       []string
	Client           *http.Client
}

// NewOpsGenie returns an .opsGenie() handler: the [opsgenie] url (default
// DefaultOpsGenieURL), recovery_url (default DefaultOpsGenieRecoveryURL),
// api-key, teams and recipients, with opts' lists replacing the section's.
func NewOpsGenie(cfg pipeline.Config, opts OpsGenieOptions) (*OpsGenie, error) {
	s := lookup(cfg, "opsgenie")
	if err := s.checkEnabled("opsGenie"); err != nil {
		return nil, err
	}
	h := &OpsGenie{
		URL:         s.str("url", DefaultOpsGenieURL) + "/",
		RecoveryURL: s.str("recovery_url", DefaultOpsGenieRecoveryURL) + "/",
		APIKey:      s.str("api-key", ""),
		Teams:       s.strings("teams"),
		Recipients:  s.strings("recipients"),
		Client:      newClient(),
	}
	if h.APIKey == "" {
		return nil, s.missing("opsGenie", "api-key", "")
	}
	for key, u := range map[string]string{"url": h.URL, "recovery_url": h.RecoveryURL} {
		if _, err := url.Parse(u); err != nil {
			return nil, fmt.Errorf("opsGenie handler: [opsgenie] %s: %w", key, err)
		}
	}
	if len(opts.Teams) > 0 {
		h.Teams = opts.Teams
	}
	if len(opts.Recipients) > 0 {
		h.Recipients = opts.Recipients
	}
	return h, nil
}

// Handle posts {"alias","apiKey","description","details","entity",
// "message","monitoring_tool","note","recipients","teams"} to the url, or
// on recovery (OK) to the recovery_url with the message as the note.
func (h *OpsGenie) Handle(d *alert.Data) error {
	messageType := d.Level.String()
	target, note := h.URL, ""
	if d.Level == alert.OK {
		messageType = "RECOVERY"
		target, note = h.RecoveryURL, d.Message
	}
	result, err := resultJSON(d)
	if err != nil {
		return err
	}
	payload := map[string]any{
		"apiKey":          h.APIKey,
		"entity":          d.ID,
		"alias":           d.ID,
		"message":         d.Message,
		"note":            note,
		"monitoring_tool": "kapacitor",
		"details":         map[string]string{"Level": messageType, "Monitoring Tool": "Kapacitor"},
		"description":     string(result),
	}
	if len(h.Teams) > 0 {
		payload["teams"] = h.Teams
	}
	if len(h.Recipients) > 0 {
		payload["recipients"] = h.Recipients
	}
	body, err := encode(payload)
	if err != nil {
		return err
	}
	return do(h.Client, "opsGenie", request{url: target, body: body, ok: []int{http.StatusOK}})
}
