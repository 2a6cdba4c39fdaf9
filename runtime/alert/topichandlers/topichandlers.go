// Package topichandlers loads Kapacitor's topic handlers for the named
// alert topics of .topic(): handler files in the format of `kapacitor
// define-topic-handler` (id, topic, kind, match, options) read, as
// Kapacitor's load service reads them, from <dir>/handlers/*.yaml, *.yml
// and *.json of the configuration's [load] section (enabled = true, dir).
// Every regular handler kind (log, post, tcp, exec, slack, smtp, ...) is
// built with the handler tickc uses for the TICKscript property, plus the
// aggregate and publish kinds; a match expression filters the events a
// handler sees.
package topichandlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Spec is one topic handler, as a handler file defines it.
type Spec struct {
	ID      string         `json:"id" yaml:"id"`
	Topic   string         `json:"topic" yaml:"topic"`
	Kind    string         `json:"kind" yaml:"kind"`
	Match   string         `json:"match" yaml:"match"`
	Options map[string]any `json:"options" yaml:"options"`
}

// Shared returns the alert service of env (pipeline.Env.Alerts), making
// it from env.Config with New, and storing it in env, when the host gave
// none.
func Shared(env *pipeline.Env) (*alert.Topics, error) {
	if ts, ok := env.Alerts.(*alert.Topics); ok {
		return ts, nil
	}
	ts, err := New(env.Config, env.Log, env.Timers)
	if err != nil {
		return nil, err
	}
	env.Alerts = ts
	return ts, nil
}

// New returns an alert service with the topic handlers of cfg's [load]
// section. Their failures are logged to log (nil: slog.Default()); the
// aggregate handlers flush on timers (nil: never).
func New(cfg pipeline.Config, log *slog.Logger, timers pipeline.Timers) (*alert.Topics, error) {
	ts := alert.NewTopics(log)
	dir, ok := loadDir(cfg)
	if !ok {
		return ts, nil
	}
	specs, err := LoadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, s := range specs {
		h, err := Build(s, cfg, ts, timers)
		if err != nil {
			return nil, fmt.Errorf("topic handler %q of topic %q: %w", s.ID, s.Topic, err)
		}
		ts.AddHandler(s.Topic, s.ID, h)
	}
	return ts, nil
}

// loadDir returns the directory of [load] when the section is enabled.
func loadDir(cfg pipeline.Config) (string, bool) {
	if cfg == nil {
		return "", false
	}
	s, ok := cfg.Section("load")
	if !ok {
		return "", false
	}
	if enabled, _ := s["enabled"].(bool); !enabled {
		return "", false
	}
	dir, _ := s["dir"].(string)
	return dir, dir != ""
}

// LoadDir reads the handler files of dir/handlers, in name order.
func LoadDir(dir string) ([]Spec, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "handlers"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var specs []Spec
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || !slices.Contains([]string{".yaml", ".yml", ".json"}, ext) {
			continue
		}
		path := filepath.Join(dir, "handlers", e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var s Spec
		if ext == ".json" {
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			err = dec.Decode(&s)
		} else {
			dec := yaml.NewDecoder(bytes.NewReader(data))
			dec.KnownFields(true)
			err = dec.Decode(&s)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := s.validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		specs = append(specs, s)
	}
	return specs, nil
}

// validate checks a spec as Kapacitor's HandlerSpec.Validate.
func (s Spec) validate() error {
	switch {
	case s.ID == "":
		return fmt.Errorf("missing handler id")
	case s.Topic == "":
		return fmt.Errorf("missing topic")
	case s.Kind == "":
		return fmt.Errorf("missing kind")
	case strings.ContainsAny(s.ID, "/") || strings.ContainsAny(s.Topic, "/"):
		return fmt.Errorf("id and topic may not contain '/'")
	}
	return nil
}

// Build makes the handler of a spec: the kind's handler, which skips
// inhibited events unless it is aggregate or publish, behind the match
// expression if any.
func Build(s Spec, cfg pipeline.Config, ts *alert.Topics, timers pipeline.Timers) (alert.Handler, error) {
	var h alert.Handler
	var err error
	switch s.Kind {
	case "aggregate":
		h, err = newAggregate(s.Options, ts, timers)
	case "publish":
		h, err = newPublish(s.Options, ts)
	default:
		b, ok := kinds[s.Kind]
		if !ok {
			return nil, fmt.Errorf("unsupported action kind %q", s.Kind)
		}
		h, err = b(cfg, s.Options)
		h = external{h}
	}
	if err != nil {
		return nil, err
	}
	if s.Match != "" {
		m, err := ParseMatch(s.Match)
		if err != nil {
			return nil, err
		}
		h = matched{m, h}
	}
	return h, nil
}

// external is a handler that calls out of the task: it skips the events
// an inhibitor marked.
type external struct{ alert.Handler }

func (h external) Handle(d *alert.Data) error {
	if d.NoExternal {
		return alert.ErrSkipped
	}
	return h.Handler.Handle(d)
}

// matched passes on the events its match expression accepts.
type matched struct {
	m *Match
	h alert.Handler
}

func (h matched) Handle(d *alert.Data) error {
	ok, err := h.m.Eval(d)
	if err != nil {
		return err
	}
	if !ok {
		return alert.ErrSkipped
	}
	return h.h.Handle(d)
}

// Unwrap returns the wrapped handler (alert.Wrapper: a .log() handler
// stays on the publishing task's goroutine).
func (h external) Unwrap() alert.Handler { return h.Handler }

// Unwrap returns the wrapped handler.
func (h matched) Unwrap() alert.Handler { return h.h }

// Close closes the wrapped handler if it holds resources.
func (h external) Close() error { return closeHandler(h.Handler) }

// Close closes the wrapped handler if it holds resources.
func (h matched) Close() error { return closeHandler(h.h) }

func closeHandler(h alert.Handler) error {
	if c, ok := h.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
