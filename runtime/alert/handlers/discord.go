package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DiscordOptions are the .discord() properties.
type DiscordOptions struct {
	Workspace  string
	Username   string
	AvatarURL  string
	EmbedTitle string
	// Timestamp shows the event time in the embed's footer.
	Timestamp bool
}

// Discord posts an embed to a Discord webhook, as Kapacitor's discord
// service does.
type Discord struct {
	URL    string
	Opts   DiscordOptions
	Client *http.Client
}

// NewDiscord returns a .discord() handler posting to the [discord] url.
func NewDiscord(cfg pipeline.Config, opts DiscordOptions) (*Discord, error) {
	s := lookup(cfg, "discord")
	if err := s.checkEnabled("discord"); err != nil {
		return nil, err
	}
	if opts.Workspace != "" && s.str("workspace", "") != opts.Workspace {
		return nil, fmt.Errorf("discord handler: workspace %q is not the default [[discord]] section of the configuration (only the default workspace is supported)", opts.Workspace)
	}
	h := &Discord{URL: s.str("url", ""), Opts: opts, Client: newClient()}
	if h.URL == "" {
		return nil, s.missing("discord", "url", "")
	}
	return h, nil
}

type discordEmbed struct {
	Color       int    `json:"color"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Timestamp   string `json:"timestamp"`
}

// Handle posts {"avatar_url","embeds":[{color,title,description,
// timestamp}],"username"}, leaving out an empty username or avatar.
func (h *Discord) Handle(d *alert.Data) error {
	color := 0x7A65F2
	switch d.Level {
	case alert.Critical:
		color = 0xF95F53
	case alert.Warning:
		color = 0xF48D38
	}
	ts := ""
	if h.Opts.Timestamp {
		ts = d.Time.Format(time.RFC3339)
	}
	payload := map[string]any{
		"embeds": []discordEmbed{{Color: color, Title: h.Opts.EmbedTitle, Description: d.Message, Timestamp: ts}},
	}
	if h.Opts.Username != "" {
		payload["username"] = h.Opts.Username
	}
	if h.Opts.AvatarURL != "" {
		payload["avatar_url"] = h.Opts.AvatarURL
	}
	body, err := encode(payload)
	if err != nil {
		return err
	}
	return do(h.Client, "discord", request{url: h.URL, body: body, ok: []int{http.StatusOK}})
}
