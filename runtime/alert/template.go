package alert

import (
	"bytes"
	"encoding/json"
	html "html/template"
	"strings"
	text "text/template"
	"time"
)

// The templates Kapacitor uses when .id(), .message() or .details() is not
// called.
const (
	DefaultID      = "{{ .Name }}:{{ .Group }}"
	DefaultMessage = "{{ .ID }} is {{ .Level }}"
	DefaultDetails = "{{ json . }}"
)

// ServerInfo identifies the server in templates (.ServerInfo.Hostname etc.).
// Kapacitor's ClusterID and ServerID are random UUIDs per installation.
type ServerInfo struct {
	Hostname  string
	ClusterID string
	ServerID  string
}

// The template data types mirror Kapacitor's idInfo, messageInfo and
// detailsInfo field for field (names, types, embedding and order), because
// the default details template is the JSON encoding of detailsInfo and
// templates may use any field or method of them.

// idInfo is the data of the .id() template.
type idInfo struct {
	// Measurement name
	Name string
	// Task name
	TaskName string
	// Group ID: the group-by tags as k=v,k=v, or "nil" when not grouped.
	Group string
	// Tags of the point (or of the batch)
	Tags map[string]string

	ServerInfo ServerInfo
}

// messageInfo is the data of the .message() template.
type messageInfo struct {
	idInfo

	// The ID of the alert
	ID string
	// Fields of the alerting point
	Fields map[string]interface{}
	// Level: OK, INFO, WARNING or CRITICAL
	Level string
	// Event time
	Time time.Time
	// Duration of the alert episode
	Duration time.Duration
}

// detailsInfo is the data of the .details() template.
type detailsInfo struct {
	messageInfo
	// The rendered message
	Message string
}

// Templates holds an alert node's parsed id, message and details templates
// and the values every rendering shares (task name, server info). Rendering
// is safe for concurrent use.
type Templates struct {
	TaskName string
	Server   ServerInfo

	id      *text.Template
	message *text.Template
	details *html.Template

	// The default templates are rendered by hand (defaults.go), byte for
	// byte as the parsed ones render them.
	defaultID, defaultMessage, defaultDetails bool
	detailsParts                              *detailsParts // of the default details
}

// NewTemplates parses the id and message templates with text/template and
// the details template with html/template plus the functions json and
// jsonCompact, as Kapacitor does when the task starts. Pass DefaultID,
// DefaultMessage and DefaultDetails for properties the script does not set.
func NewTemplates(taskName string, server ServerInfo, id, message, details string) (*Templates, error) {
	t := &Templates{TaskName: taskName, Server: server,
		defaultID: id == DefaultID, defaultMessage: message == DefaultMessage, defaultDetails: details == DefaultDetails}
	var err error
	if t.defaultDetails {
		t.detailsParts = newDetailsParts(taskName, server)
	}
	if t.id, err = text.New("id").Parse(id); err != nil {
		return nil, err
	}
	if t.message, err = text.New("message").Parse(message); err != nil {
		return nil, err
	}
	t.details, err = html.New("details").Funcs(html.FuncMap{
		"json":        jsonFunc,
		"jsonCompact": jsonCompactFunc,
	}).Parse(details)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// jsonFunc is the details template's json: the value as encoding/json's
// Encoder writes it (HTML-escaped, with a trailing newline). An encoding
// error yields the empty string, as in Kapacitor.
func jsonFunc(v interface{}) html.JS {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	return html.JS(b.String())
}

// jsonCompactFunc is the details template's jsonCompact: json without
// insignificant whitespace and without the trailing newline.
func jsonCompactFunc(v interface{}) html.JS {
	var b, c bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	_ = json.Compact(&c, b.Bytes())
	return html.JS(c.String())
}

// TemplateGroup returns the group as templates see it: the group ID, or
// "nil" for the ungrouped (empty) group ID.
func TemplateGroup(group string) string {
	if group == "" {
		return "nil"
	}
	return group
}

func (t *Templates) idInfo(name, group string, tags map[string]string) idInfo {
	return idInfo{
		Name:       name,
		TaskName:   t.TaskName,
		Group:      TemplateGroup(group),
		Tags:       tags,
		ServerInfo: t.Server,
	}
}

// RenderID renders the .id() template for a point or batch of measurement
// name in group (the raw group ID, "" when not grouped) with tags.
func (t *Templates) RenderID(name, group string, tags map[string]string) (string, error) {
	if t.defaultID {
		return name + ":" + TemplateGroup(group), nil
	}
	var b strings.Builder
	if err := t.id.Execute(&b, t.idInfo(name, group, tags)); err != nil {
		return "", err
	}
	return b.String(), nil
}

// RenderMessageAndDetails renders the .message() and .details() templates
// of an event with the given ID.
func (t *Templates) RenderMessageAndDetails(id, name, group string, tags map[string]string,
	fields map[string]interface{}, ev Event) (message, details string, err error) {
	mi := messageInfo{
		idInfo:   t.idInfo(name, group, tags),
		ID:       id,
		Fields:   fields,
		Level:    ev.Level.String(),
		Time:     ev.Time,
		Duration: ev.Duration,
	}
	var b strings.Builder
	if t.defaultMessage {
		message = id + " is " + mi.Level
	} else {
		if err := t.message.Execute(&b, mi); err != nil {
			return "", "", err
		}
		message = b.String()
		b.Reset()
	}
	if t.defaultDetails {
		return message, defaultDetails(&detailsInfo{messageInfo: mi, Message: message}, t.detailsParts), nil
	}
	if err := t.details.Execute(&b, detailsInfo{messageInfo: mi, Message: message}); err != nil {
		return "", "", err
	}
	return message, b.String(), nil
}
