package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"path"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// DefaultVictorOpsURL is Kapacitor's default [victorops] url.
const DefaultVictorOpsURL = "https://alert.victorops.com/integrations/generic/20131114/alert"

// VictorOpsOptions are the .victorOps() properties.
type VictorOpsOptions struct {
	RoutingKey string
}

// VictorOps sends events to VictorOps' REST integration, as Kapacitor's
// victorops service does.
type VictorOps struct {
	// URL is the full request URL: the base URL, the API key and the
	// routing key.
	URL string
	// JSONData sends the event data as a JSON object instead of a string
	// ([victorops] json-data).
	JSONData bool
	Client   *http.Client
}

// NewVictorOps returns a .victorOps() handler: the [victorops] url
// (default DefaultVictorOpsURL), api-key, routing-key and json-data, with
// opts.RoutingKey overriding the routing key.
func NewVictorOps(cfg pipeline.Config, opts VictorOpsOptions) (*VictorOps, error) {
	s := lookup(cfg, "victorops")
	if err := s.checkEnabled("victorOps"); err != nil {
		return nil, err
	}
	apiKey := s.str("api-key", "")
	if apiKey == "" {
		return nil, s.missing("victorOps", "api-key", "")
	}
	routingKey := s.str("routing-key", "")
	if opts.RoutingKey != "" {
		routingKey = opts.RoutingKey
	}
	u, err := url.Parse(s.str("url", DefaultVictorOpsURL))
	if err != nil {
		return nil, fmt.Errorf("victorOps handler: [victorops] url: %w", err)
	}
	u.Path = path.Join(u.Path, apiKey, routingKey)
	return &VictorOps{URL: u.String(), JSONData: s.boolean("json-data", false), Client: newClient()}, nil
}

// Handle posts {"data","entity_id","message_type","monitoring_tool",
// "state_message","timestamp"}; message_type is the level, RECOVERY for OK.
func (h *VictorOps) Handle(d *alert.Data) error {
	messageType := d.Level.String()
	if d.Level == alert.OK {
		messageType = "RECOVERY"
	}
	result, err := resultJSON(d)
	if err != nil {
		return err
	}
	var data any = string(result)
	if h.JSONData {
		data = result
	}
	body, err := encode(map[string]any{
		"message_type":    messageType,
		"entity_id":       d.ID,
		"state_message":   d.Message,
		"timestamp":       d.Time.Unix(),
		"monitoring_tool": "kapacitor",
		"data":            data,
	})
	if err != nil {
		return err
	}
	return do(h.Client, "victorOps", request{url: h.URL, body: body, ok: []int{http.StatusOK}})
}
