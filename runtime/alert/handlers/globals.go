package handlers

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Alert is what Globals needs to know of an alert node.
type Alert struct {
	TaskName string
	// Topic is the node's anonymous topic, which the teams handler shows.
	Topic string
	// Sections are the kapacitor.conf sections of the handlers the node
	// declares (smtp for .email()).
	Sections []string
}

// global is a service that can handle every alert: Kapacitor adds it to
// each alert node that does not use the service itself when its section
// has enabled = true and global = true. With stateChangesOnly, the
// section's state-changes-only = true also makes every alert node
// .stateChangesOnly().
type global struct {
	section          string
	stateChangesOnly bool
	make             func(env *pipeline.Env, a Alert) (alert.Handler, error)
}

// globals follows the order of Kapacitor's alert node.
var globals = []global{
	{"smtp", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewEmail(env.Config, EmailOptions{TaskName: a.TaskName})
	}},
	{"victorops", false, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewVictorOps(env.Config, VictorOpsOptions{})
	}},
	{"pagerduty", false, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewPagerDuty(env.Config, PagerDutyOptions{ClientURL: clientURL(env)})
	}},
	{"pagerduty2", false, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewPagerDuty2(env.Config, PagerDuty2Options{TaskName: a.TaskName, ClientURL: clientURL(env)})
	}},
	{"slack", true, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewSlack(env.Config, SlackOptions{})
	}},
	{"telegram", true, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewTelegram(env.Config, TelegramOptions{})
	}},
	{"hipchat", true, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewHipChat(env.Config, HipChatOptions{})
	}},
	{"opsgenie", false, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewOpsGenie(env.Config, OpsGenieOptions{})
	}},
	{"opsgenie2", false, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewOpsGenie2(env.Config, OpsGenie2Options{})
	}},
	{"discord", true, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewDiscord(env.Config, DiscordOptions{})
	}},
	{"bigpanda", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewBigPanda(env.Config, BigPandaOptions{TaskName: a.TaskName})
	}},
	{"teams", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewTeams(env.Config, TeamsOptions{Topic: a.Topic})
	}},
	{"servicenow", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewServiceNow(env.Config, ServiceNowOptions{TaskName: a.TaskName})
	}},
	{"zenoss", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewZenoss(env.Config, ZenossOptions{TaskName: a.TaskName})
	}},
}

// clientURL is Kapacitor's own HTTP API, which PagerDuty events link to.
func clientURL(env *pipeline.Env) string {
	return "http://" + env.Hostname + ":9092/kapacitor/v1"
}

// Globals returns the handlers the configuration adds to an alert node
// (the services whose section has enabled = true and global = true, which
// the node does not use itself), and whether a global service with
// state-changes-only = true makes the node .stateChangesOnly(), as
// Kapacitor does when it creates the node.
func Globals(env *pipeline.Env, a Alert) (hs []alert.Handler, stateChangesOnly bool, err error) {
	for _, g := range globals {
		s := lookup(env.Config, g.section)
		if !s.found || !s.boolean("enabled", false) || !s.boolean("global", false) {
			continue
		}
		if g.stateChangesOnly && s.boolean("state-changes-only", false) {
			stateChangesOnly = true
		}
		if slices.Contains(a.Sections, g.section) {
			continue
		}
		h, err := g.make(env, a)
		if err != nil {
			return nil, false, fmt.Errorf("[%s] global = true: %w", g.section, err)
		}
		hs = append(hs, h)
	}
	return hs, stateChangesOnly, nil
}

// GlobalCounters returns the Counter of an alert node's alert.Delivery:
// counter for the counters of the handlers the script declares (named),
// and a counter of its own, not in the node's statistics, for each counter
// of the global handlers that follow them, which the compiler cannot know.
func GlobalCounters(counter func(name string) *atomic.Int64, named []string) func(name string) *atomic.Int64 {
	return func(name string) *atomic.Int64 {
		for _, n := range named {
			if strings.HasPrefix(name, n+"_") {
				return counter(name)
			}
		}
		return new(atomic.Int64)
	}
}
