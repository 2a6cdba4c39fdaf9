package handlers

import (
	"fmt"
	"net/http"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// SlackOptions are the .slack() properties; empty means the [slack]
// section's value.
type SlackOptions struct {
	Workspace string
	Channel   string
	Username  string
	IconEmoji string
}

// Slack posts the alert message to a Slack webhook, as Kapacitor's slack
// service does.
type Slack struct {
	URL       string
	Channel   string
	Username  string
	IconEmoji string
	Client    *http.Client
}

// NewSlack returns a .slack() handler: the [slack] section's url, channel,
// username (default "kapacitor") and icon-emoji, overridden by opts.
func NewSlack(cfg pipeline.Config, opts SlackOptions) (*Slack, error) {
	s := lookup(cfg, "slack")
	if err := s.checkEnabled("slack"); err != nil {
		return nil, err
	}
	if opts.Workspace != "" && s.str("workspace", "") != opts.Workspace {
		return nil, fmt.Errorf("slack handler: workspace %q is not the default [[slack]] section of the configuration (only the default workspace is supported)", opts.Workspace)
	}
	h := &Slack{
		URL:       s.str("url", ""),
		Channel:   s.str("channel", ""),
		Username:  s.str("username", "kapacitor"),
		IconEmoji: s.str("icon-emoji", ""),
		Client:    newClient(),
	}
	if h.URL == "" {
		return nil, s.missing("slack", "url", "")
	}
	if opts.Channel != "" {
		h.Channel = opts.Channel
	}
	if opts.Username != "" {
		h.Username = opts.Username
	}
	if opts.IconEmoji != "" {
		h.IconEmoji = opts.IconEmoji
	}
	return h, nil
}

type slackAttachment struct {
	Fallback string   `json:"fallback"`
	Color    string   `json:"color"`
	Text     string   `json:"text"`
	MrkdwnIn []string `json:"mrkdwn_in"`
}

// Handle posts {"as_user":false,"attachments":[...],"channel",...}.
func (h *Slack) Handle(d *alert.Data) error {
	color := "good"
	switch d.Level {
	case alert.Warning:
		color = "warning"
	case alert.Critical:
		color = "danger"
	}
	body, err := encode(map[string]any{
		"as_user":     false,
		"channel":     h.Channel,
		"text":        "",
		"attachments": []slackAttachment{{Fallback: d.Message, Color: color, Text: d.Message, MrkdwnIn: []string{"text"}}},
		"username":    h.Username,
		"icon_emoji":  h.IconEmoji,
	})
	if err != nil {
		return err
	}
	return do(h.Client, "slack", request{url: h.URL, body: body, ok: []int{http.StatusOK}})
}
