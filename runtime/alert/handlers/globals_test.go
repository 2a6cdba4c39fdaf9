package handlers

import (
	"fmt"
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
	gh, err := Globals(env, Alert{TaskName: "task", Topic: "kapacitor:task:alert2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(gh.Handlers) != 1 || fmt.Sprint(gh.Names) != "[slack_global0]" || !gh.StateChangesOnly {
		t.Fatalf("%d handlers %v, stateChangesOnly %v; want the slack handler and true", len(gh.Handlers), gh.Names, gh.StateChangesOnly)
	}
	if err := gh.Handlers[0].Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	if got := <-ch; got.path != "/slack" {
		t.Errorf("posted to %s", got.path)
	}

	// A node with its own .slack() gets no global one, but its
	// state-changes-only still applies.
	gh, err = Globals(env, Alert{TaskName: "task", Sections: []string{"slack"}})
	if err != nil || len(gh.Handlers) != 0 || len(gh.Names) != 0 || !gh.StateChangesOnly {
		t.Errorf("with .slack(): %+v, %v", gh, err)
	}

	// A global service that is misconfigured fails the task's start.
	env.Config = conf{"pagerduty2": {"enabled": true, "global": true}}
	if _, err := Globals(env, Alert{}); err == nil {
		t.Error("pagerduty2 without a routing key: no error")
	}
	// No section, no global handler.
	env.Config = conf{}
	if gh, err := Globals(env, Alert{}); len(gh.Handlers) != 0 || gh.StateChangesOnly || err != nil {
		t.Errorf("empty config: %+v, %v", gh, err)
	}
}
