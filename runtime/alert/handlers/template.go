package handlers

import (
	"bytes"
	"fmt"
	"text/template"
	"time"

	"github.com/tickc/tickc/runtime/alert"
)

// templateData is what handler templates see: Kapacitor's
// alert.TemplateData.
type templateData struct {
	ID       string
	Message  string
	Level    string
	Time     time.Time
	Duration time.Duration
	Details  string
	Name     string
	TaskName string
	Group    string
	Tags     map[string]string
	Fields   map[string]interface{}
}

func newTemplateData(d *alert.Data, taskName string) templateData {
	return templateData{
		ID: d.ID, Message: d.Message, Level: d.Level.String(), Time: d.Time, Duration: d.Duration,
		Details: d.Details, Name: d.Name, TaskName: taskName, Group: d.Group,
		Tags: d.TagMap(), Fields: d.FieldMap(),
	}
}

// parse compiles a handler template (text/template, as Kapacitor's).
func parse(handler, name, text string) (*template.Template, error) {
	t, err := template.New(name).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s handler: %s template: %w", handler, name, err)
	}
	return t, nil
}

// execute renders t over data.
func execute(t *template.Template, data any) (string, error) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}
