package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"path"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// HipChatOptions are the .hipChat() properties.
type HipChatOptions struct {
	Room, Token string
}

// HipChat posts room notifications to HipChat's v2 API, as Kapacitor's
// hipchat service does.
type HipChat struct {
	// URL is the full request URL: the base URL, the room, /notification
	// and the auth_token query.
	URL    string
	Client *http.Client
}

// NewHipChat returns a .hipChat() handler: the [hipchat] url, room and
// token, with opts overriding the room and token.
func NewHipChat(cfg pipeline.Config, opts HipChatOptions) (*HipChat, error) {
	const name = "hipChat"
	s := lookup(cfg, "hipchat")
	if err := s.checkEnabled(name); err != nil {
		return nil, err
	}
	base := s.str("url", "")
	if base == "" {
		return nil, s.missing(name, "url", "")
	}
	room := firstSet(opts.Room, s.str("room", ""))
	token := firstSet(opts.Token, s.str("token", ""))
	if token == "" {
		return nil, s.missing(name, "token", "token")
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("%s handler: [hipchat] url: %w", name, err)
	}
	u.Path = path.Join(u.Path, room, "notification")
	u.RawQuery = url.Values{"auth_token": {token}}.Encode()
	return &HipChat{URL: u.String(), Client: newClient()}, nil
}

// Handle posts {"color","from":"kapacitor","message","notify":true}; the
// color is yellow for WARNING, red for CRITICAL, green otherwise.
func (h *HipChat) Handle(d *alert.Data) error {
	color := "green"
	switch d.Level {
	case alert.Warning:
		color = "yellow"
	case alert.Critical:
		color = "red"
	}
	body, err := encode(map[string]any{"from": "kapacitor", "color": color, "message": d.Message, "notify": true})
	if err != nil {
		return err
	}
	return do(h.Client, "hipChat", request{url: h.URL, body: body, ok: []int{http.StatusOK, http.StatusNoContent}})
}
