package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultTelegramURL is Kapacitor's default [telegram] url.
const DefaultTelegramURL = "https://api.telegram.org/bot"

// TelegramOptions are the .telegram() properties.
type TelegramOptions struct {
	ChatID                string
	ParseMode             string
	DisableWebPagePreview bool
	DisableNotification   bool
}

// Telegram sends the alert message with the Telegram Bot API's
// sendMessage, as Kapacitor's telegram service does.
type Telegram struct {
	URL                   string // …/bot<token>/sendMessage
	ChatID                string
	ParseMode             string
	DisableWebPagePreview bool
	DisableNotification   bool
	Client                *http.Client
}

// NewTelegram returns a .telegram() handler: the [telegram] url (default
// DefaultTelegramURL), token, chat-id, parse-mode, disable-web-page-preview
// and disable-notification, overridden by opts (the flags are or'ed).
func NewTelegram(cfg pipeline.Config, opts TelegramOptions) (*Telegram, error) {
	s := lookup(cfg, "telegram")
	if err := s.checkEnabled("telegram"); err != nil {
		return nil, err
	}
	token := s.str("token", "")
	if token == "" {
		return nil, s.missing("telegram", "token", "")
	}
	h := &Telegram{
		ChatID:                s.str("chat-id", ""),
		ParseMode:             s.str("parse-mode", ""),
		DisableWebPagePreview: opts.DisableWebPagePreview || s.boolean("disable-web-page-preview", false),
		DisableNotification:   opts.DisableNotification || s.boolean("disable-notification", false),
		Client:                newClient(),
	}
	if opts.ChatID != "" {
		h.ChatID = opts.ChatID
	}
	if h.ChatID == "" {
		return nil, s.missing("telegram", "chat-id", "chatId")
	}
	if opts.ParseMode != "" {
		h.ParseMode = opts.ParseMode
	}
	if m := strings.ToLower(h.ParseMode); m != "" && m != "markdown" && m != "html" {
		return nil, fmt.Errorf("telegram handler: parseMode %s is not valid, please use 'Markdown' or 'HTML'", h.ParseMode)
	}
	u, err := url.Parse(s.str("url", DefaultTelegramURL))
	if err != nil {
		return nil, fmt.Errorf("telegram handler: [telegram] url: %w", err)
	}
	u.Path = path.Join(u.Path+token, "sendMessage")
	h.URL = u.String()
	return h, nil
}

// Handle posts {"chat_id","disable_notification","disable_web_page_preview",
// "parse_mode","text"}, the flags and the parse mode only when set.
func (h *Telegram) Handle(d *alert.Data) error {
	payload := map[string]any{"chat_id": h.ChatID, "text": d.Message}
	if h.ParseMode != "" {
		payload["parse_mode"] = h.ParseMode
	}
	if h.DisableWebPagePreview {
		payload["disable_web_page_preview"] = true
	}
	if h.DisableNotification {
		payload["disable_notification"] = true
	}
	body, err := encode(payload)
	if err != nil {
		return err
	}
	return do(h.Client, "telegram", request{url: h.URL, body: body, ok: []int{http.StatusOK}})
}
