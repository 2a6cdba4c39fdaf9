package handlers

import (
	"testing"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

func TestGlobals(t *testing.T) {
	srv, ch := server(t, 200)
	env := &pipeline.Env{Hostname: "h", Config: conf{
		"slack":     {"enabled": true, "global": true, "state-changes-only": true, "url": srv.URL + "/slack", "channel": "#all"},
		"victorops": {"enabled": true, "global": false, "api-key": "k", "routing-key": "r"},
		"telegram":  {"enabled": false, "global": true},
	}}
	hs, sco, err := Globals(env, Alert{TaskName: "task", Topic: "kapacitor:task:alert2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || !sco {
		t.Fatalf("%d handlers, stateChangesOnly %v; want the slack handler and true", len(hs), sco)
	}
	if err := hs[0].Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	if got := <-ch; got.path != "/slack" {
		t.Errorf("posted to %s", got.path)
	}

	// A node with its own .slack() gets no global one, but its
	// state-changes-only still applies.
	hs, sco, err = Globals(env, Alert{TaskName: "task", Sections: []string{"slack"}})
	if err != nil || len(hs) != 0 || !sco {
		t.Errorf("with .slack(): %d handlers, %v, %v", len(hs), sco, err)
	}

	// A global service that is misconfigured fails the task's start.
	env.Config = conf{"pagerduty2": {"enabled": true, "global": true}}
	if _, _, err := Globals(env, Alert{}); err == nil {
		t.Error("pagerduty2 without a routing key: no error")
	}
	// No section, no global handler.
	env.Config = conf{}
	if hs, sco, err := Globals(env, Alert{}); len(hs) != 0 || sco || err != nil {
		t.Errorf("empty config: %d, %v, %v", len(hs), sco, err)
	}
}
