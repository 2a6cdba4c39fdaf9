package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultPushoverURL is Kapacitor's default [pushover] url.
const DefaultPushoverURL = "https://api.pushover.net/1/messages.json"

// PushoverOptions are the .pushover() properties. Kapacitor ignores the
// script's .userKey(): the user is always the section's user-key.
type PushoverOptions struct {
	Device, Title, URL, URLTitle, Sound string
}

// Pushover sends messages to Pushover's message API, form-encoded, as
// Kapacitor's pushover service does.
type Pushover struct {
	URL     string
	Token   string
	UserKey string
	Opts    PushoverOptions
	Client  *http.Client
}

// NewPushover returns a .pushover() handler: the [pushover] url (default
// DefaultPushoverURL), token and user-key, and the script's options.
func NewPushover(cfg pipeline.Config, opts PushoverOptions) (*Pushover, error) {
	s := lookup(cfg, "pushover")
	if err := s.checkEnabled("pushover"); err != nil {
		return nil, err
	}
	h := &Pushover{
		URL:     s.str("url", DefaultPushoverURL),
		Token:   s.str("token", ""),
		UserKey: s.str("user-key", ""),
		Opts:    opts,
		Client:  newClient(),
	}
	if h.Token == "" {
		return nil, s.missing("pushover", "token", "")
	}
	if h.UserKey == "" {
		return nil, s.missing("pushover", "user-key", "")
	}
	if _, err := url.Parse(h.URL); err != nil {
		return nil, fmt.Errorf("pushover handler: [pushover] url: %w", err)
	}
	return h, nil
}

// pushoverPriority maps a level to Pushover's priority: OK -2 (no
// notification), INFO -1 (quiet), WARNING 0, CRITICAL 1.
func pushoverPriority(l alert.Level) int {
	switch l {
	case alert.OK:
		return -2
	case alert.Info:
		return -1
	case alert.Critical:
		return 1
	}
	return 0
}

// Handle posts the form token, user, message, priority and, when set,
// device, title, url, url_title and sound (keys sorted, as url.Values
// encodes them).
func (h *Pushover) Handle(d *alert.Data) error {
	v := url.Values{}
	v.Set("token", h.Token)
	v.Set("user", h.UserKey)
	v.Set("message", d.Message)
	v.Set("priority", strconv.Itoa(pushoverPriority(d.Level)))
	for _, kv := range [][2]string{{"device", h.Opts.Device}, {"title", h.Opts.Title},
		{"url", h.Opts.URL}, {"url_title", h.Opts.URLTitle}, {"sound", h.Opts.Sound}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return do(h.Client, "pushover", request{url: h.URL, body: []byte(v.Encode()),
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		ok:     []int{http.StatusOK}})
}
