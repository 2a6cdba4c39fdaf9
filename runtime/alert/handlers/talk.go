package handlers

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// TalkOptions are the .talk() properties: it has none.
type TalkOptions struct{}

// Talk posts to a Talk (jianliao.com) incoming webhook, as Kapacitor's
// talk service does.
type Talk struct {
	URL        string
	AuthorName string
	Client     *http.Client
}

// NewTalk returns a .talk() handler: the [talk] url and author_name.
func NewTalk(cfg pipeline.Config, _ TalkOptions) (*Talk, error) {
	s := lookup(cfg, "talk")
	if err := s.checkEnabled("talk"); err != nil {
		return nil, err
	}
	h := &Talk{URL: s.str("url", ""), AuthorName: s.str("author_name", ""), Client: newClient()}
	if h.URL == "" {
		return nil, s.missing("talk", "url", "")
	}
	if _, err := url.Parse(h.URL); err != nil {
		return nil, fmt.Errorf("talk handler: [talk] url: %w", err)
	}
	return h, nil
}

// Handle posts {"authorName","text","title"}: the title is the alert ID,
// the text its message.
func (h *Talk) Handle(d *alert.Data) error {
	body, err := encode(map[string]string{"title": d.ID, "text": d.Message, "authorName": h.AuthorName})
	if err != nil {
		return err
	}
	return do(h.Client, "talk", request{url: h.URL, body: body, ok: []int{http.StatusOK}})
}
