package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// TeamsOptions are the .teams() properties.
type TeamsOptions struct {
	ChannelURL string
	// Topic is the topic of the alert events (the alert node's anonymous
	// topic); the card's title shows it only when the alert ID is empty.
	Topic string
}

// Teams posts a MessageCard to a Microsoft Teams incoming webhook, as
// Kapacitor's teams service does.
type Teams struct {
	ChannelURL string
	Topic      string
	Client     *http.Client
}

// NewTeams returns a .teams() handler: opts.ChannelURL or the [teams]
// channel-url.
func NewTeams(cfg pipeline.Config, opts TeamsOptions) (*Teams, error) {
	s := lookup(cfg, "teams")
	if err := s.checkEnabled("teams"); err != nil {
		return nil, err
	}
	h := &Teams{ChannelURL: s.str("channel-url", ""), Topic: opts.Topic, Client: newClient()}
	if opts.ChannelURL != "" {
		h.ChannelURL = opts.ChannelURL
	}
	if h.ChannelURL == "" {
		return nil, s.missing("teams", "channel-url", "channelURL")
	}
	u, err := url.Parse(h.ChannelURL)
	if err != nil {
		return nil, fmt.Errorf("teams handler: channel URL: %w", err)
	}
	h.ChannelURL = u.String()
	return h, nil
}

type teamsCard struct {
	CardType   string `json:"@type"`
	Context    string `json:"@context"`
	Title      string `json:"title"`
	Text       string `json:"text"`
	Summary    string `json:"summary"`
	ThemeColor string `json:"themeColor"`
}

// Handle posts the card: title "LEVEL: [id]", the message as text, a
// summary cut at 70 bytes followed by "...", and a color by level.
func (h *Teams) Handle(d *alert.Data) error {
	level := d.Level.String()
	var title, summary string
	switch {
	case d.ID == "" && h.Topic == "":
		title = level
		summary = title + ": " + d.Message
	case d.ID == "":
		title = level + ": [" + h.Topic + "]"
		summary = title + " - " + d.Message
	default:
		title = level + ": [" + d.ID + "]"
		summary = title + " - " + d.Message
	}
	if len(summary) > 70 {
		summary = summary[:70]
	}
	color := "34CC25"
	switch d.Level {
	case alert.Warning:
		color = "FFA533"
	case alert.Critical:
		color = "CC4A31"
	}
	// json.Marshal, without the encoder's newline, as Kapacitor.
	body, err := json.Marshal(teamsCard{
		CardType: "MessageCard", Context: "http://schema.org/extensions",
		Title: title, Text: d.Message, Summary: summary + "...", ThemeColor: color,
	})
	if err != nil {
		return err
	}
	return do(h.Client, "teams", request{url: h.ChannelURL, body: body, ok: []int{http.StatusOK, http.StatusNoContent}})
}
