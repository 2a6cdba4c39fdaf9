package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"text/template"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Kapacitor's [zenoss] defaults.
const (
	DefaultZenossURL       = "https://tenant.zenoss.io:8080/zport/dmd/evconsole_router"
	DefaultZenossAction    = "EventsRouter"
	DefaultZenossMethod    = "add_event"
	DefaultZenossType      = "rpc"
	DefaultZenossTID       = 1
	DefaultZenossCollector = "Kapacitor"
)

// ZenossOptions are the .zenoss() properties. Summary, Device, Component,
// EventClassKey, EventClass, Collector and Message are templates, as are
// the string values of CustomFields.
type ZenossOptions struct {
	URL, Username, Password                   string
	Action, Method, Type                      string
	TID                                       int64
	Summary, Device, Component, EventClassKey string
	EventClass, Collector, Message            string
	CustomFields                              map[string]any
	TaskName                                  string
}

// Zenoss posts events to a Zenoss router (EventsRouter add_event), as
// Kapacitor's zenoss service does.
type Zenoss struct {
	URL                  string
	Username, Password   string
	Action, Method, Type string
	TID                  int64
	DefaultCollector     string
	// Severity maps OK, Info, Warning and Critical to Zenoss's severity
	// ([zenoss.severity-map]).
	Severity  map[alert.Level]any
	TaskName  string
	templates map[string]*template.Template
	custom    map[string]any
	Client    *http.Client
}

// NewZenoss returns a .zenoss() handler: the [zenoss] url, username,
// password, action, method, type, tid, collector and severity-map (each
// with Kapacitor's default), overridden by opts.
func NewZenoss(cfg pipeline.Config, opts ZenossOptions) (*Zenoss, error) {
	const name = "zenoss"
	s := lookup(cfg, "zenoss")
	if err := s.checkEnabled(name); err != nil {
		return nil, err
	}
	h := &Zenoss{
		URL:              firstSet(opts.URL, s.str("url", DefaultZenossURL)),
		Username:         firstSet(opts.Username, s.str("username", "")),
		Password:         firstSet(opts.Password, s.str("password", "")),
		Action:           firstSet(opts.Action, s.str("action", DefaultZenossAction)),
		Method:           firstSet(opts.Method, s.str("method", DefaultZenossMethod)),
		Type:             firstSet(opts.Type, s.str("type", DefaultZenossType)),
		TID:              opts.TID,
		DefaultCollector: s.str("collector", DefaultZenossCollector),
		Severity: map[alert.Level]any{alert.OK: "Clear", alert.Info: "Info",
			alert.Warning: "Warning", alert.Critical: "Critical"},
		TaskName:  opts.TaskName,
		templates: map[string]*template.Template{},
		custom:    opts.CustomFields,
		Client:    newClient(),
	}
	if h.URL == "" {
		return nil, s.missing(name, "url", "uRL")
	}
	if _, err := url.ParseRequestURI(h.URL); err != nil {
		return nil, fmt.Errorf("%s handler: [zenoss] url: %w", name, err)
	}
	if h.TID == 0 {
		switch v := s.values["tid"].(type) {
		case int64:
			h.TID = v
		case int:
			h.TID = int64(v)
		case float64:
			h.TID = int64(v)
		default:
			h.TID = DefaultZenossTID
		}
	}
	if m, ok := s.values["severity-map"].(map[string]any); ok {
		for key, level := range map[string]alert.Level{"OK": alert.OK, "Info": alert.Info, "Warning": alert.Warning, "Critical": alert.Critical} {
			if v, ok := m[key]; ok {
				h.Severity[level] = v
			}
		}
	}
	for _, t := range [][2]string{{"summary", opts.Summary}, {"device", opts.Device}, {"component", opts.Component},
		{"evclasskey", opts.EventClassKey}, {"evclass", opts.EventClass}, {"message", opts.Message}, {"collector", opts.Collector}} {
		tmpl, err := parse(name, t[0], t[1])
		if err != nil {
			return nil, err
		}
		h.templates[t[0]] = tmpl
	}
	for k, v := range opts.CustomFields {
		if str, ok := v.(string); ok {
			tmpl, err := parse(name, "customData."+k, str)
			if err != nil {
				return nil, err
			}
			h.templates["customData."+k] = tmpl
		}
	}
	return h, nil
}

// zenossTemplateData is what Kapacitor's zenoss templates see.
type zenossTemplateData struct {
	Name        string
	TaskName    string
	ID          string
	Message     string
	Details     string
	Time        time.Time
	Duration    time.Duration
	Level       alert.Level
	Recoverable bool
	Tags        map[string]string
}

// Handle posts {"action","method","data":[{summary, device, component,
// severity, evclasskey, evclass, collector, message, custom fields...}],
// "type","tid"}: summary defaults to the message, collector to the
// section's; a custom field string that is JSON ({ or [) is sent as JSON.
// With basic authentication when both username and password are set.
func (h *Zenoss) Handle(d *alert.Data) error {
	info := zenossTemplateData{Name: d.Name, TaskName: h.TaskName, ID: d.ID, Message: d.Message, Details: d.Details,
		Time: d.Time, Duration: d.Duration, Level: d.Level, Recoverable: d.Recoverable, Tags: d.TagMap()}
	r := map[string]string{}
	for k, t := range h.templates {
		out, err := execute(t, info)
		if err != nil {
			return fmt.Errorf("zenoss handler: %s template: %w", k, err)
		}
		r[k] = out
	}
	summary := r["summary"]
	if summary == "" {
		summary = d.Message
	}
	collector := r["collector"]
	if collector == "" {
		collector = h.DefaultCollector
	}
	data := map[string]any{
		"summary":    truncate(summary, 256),
		"device":     r["device"],
		"component":  r["component"],
		"severity":   h.Severity[d.Level],
		"evclasskey": r["evclasskey"],
		"evclass":    r["evclass"],
	}
	if collector != "" {
		data["collector"] = collector
	}
	if msg := truncate(r["message"], 4096); msg != "" {
		data["message"] = msg
	}
	for k, v := range h.custom {
		if _, ok := v.(string); ok {
			str := r["customData."+k]
			var parsed any
			if (strings.HasPrefix(str, "{") || strings.HasPrefix(str, "[")) && json.Unmarshal([]byte(str), &parsed) == nil {
				data[k] = parsed
			} else {
				data[k] = str
			}
			continue
		}
		data[k] = v
	}
	// Kapacitor round-trips the data through JSON: encode it the same way
	// (map keys sorted, HTML escaped, numbers as JSON numbers).
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(struct {
		Action string           `json:"action"`
		Method string           `json:"method"`
		Data   []map[string]any `json:"data"`
		Type   string           `json:"type"`
		TID    int64            `json:"tid"`
	}{h.Action, h.Method, []map[string]any{data}, h.Type, h.TID}); err != nil {
		return err
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n")) // json.Marshal: no newline
	req := request{url: h.URL, body: body, ok: []int{http.StatusOK}}
	if h.Username != "" && h.Password != "" {
		req.header = map[string]string{"Authorization": basicAuth(h.Username, h.Password)}
	}
	return do(h.Client, "zenoss", req)
}
