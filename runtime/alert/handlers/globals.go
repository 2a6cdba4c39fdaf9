package handlers

import (
	"fmt"
	"slices"

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
	method           string // the TICKscript property of the handler, which names it
	stateChangesOnly bool
	make             func(env *pipeline.Env, a Alert) (alert.Handler, error)
}

// globals follows the order of Kapacitor's alert node.
var globals = []global{
	{"smtp", "email", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewEmail(env.Config, EmailOptions{TaskName: a.TaskName})
	}},
	{"victorops", "victorOps", false, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewVictorOps(env.Config, VictorOpsOptions{})
	}},
	{"pagerduty", "pagerDuty", false, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewPagerDuty(env.Config, PagerDutyOptions{ClientURL: clientURL(env)})
	}},
	{"pagerduty2", "pagerDuty2", false, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewPagerDuty2(env.Config, PagerDuty2Options{TaskName: a.TaskName, ClientURL: clientURL(env)})
	}},
	{"slack", "slack", true, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewSlack(env.Config, SlackOptions{})
	}},
	{"telegram", "telegram", true, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewTelegram(env.Config, TelegramOptions{})
	}},
	{"hipchat", "hipChat", true, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewHipChat(env.Config, HipChatOptions{})
	}},
	{"opsgenie", "opsGenie", false, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewOpsGenie(env.Config, OpsGenieOptions{})
	}},
	{"opsgenie2", "opsGenie2", false, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewOpsGenie2(env.Config, OpsGenie2Options{})
	}},
	{"discord", "discord", true, func(env *pipeline.Env, _ Alert) (alert.Handler, error) {
		return NewDiscord(env.Config, DiscordOptions{})
	}},
	{"bigpanda", "bigPanda", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewBigPanda(env.Config, BigPandaOptions{TaskName: a.TaskName})
	}},
	{"teams", "teams", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewTeams(env.Config, TeamsOptions{Topic: a.Topic})
	}},
	{"servicenow", "serviceNow", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewServiceNow(env.Config, ServiceNowOptions{TaskName: a.TaskName})
	}},
	{"zenoss", "zenoss", true, func(env *pipeline.Env, a Alert) (alert.Handler, error) {
		return NewZenoss(env.Config, ZenossOptions{TaskName: a.TaskName})
	}},
}

// clientURL is Kapacitor's own HTTP API, which PagerDuty events link to.
func clientURL(env *pipeline.Env) string {
	return "http://" + env.Hostname + ":9092/kapacitor/v1"
}

// GlobalHandlers are the handlers the configuration adds to an alert node.
type GlobalHandlers struct {
	Handlers []alert.Handler
	// Names name them in the node's statistics and logs (alert.Delivery):
	// the handler's TICKscript property, "_global" and its index among the
	// node's global handlers of that kind, "slack_global0".
	Names []string
	// StateChangesOnly says a global service with state-changes-only =
	// true makes the node .stateChangesOnly().
	StateChangesOnly bool
}

// Globals returns the handlers the configuration adds to an alert node
// (the services whose section has enabled = true and global = true, which
// the node does not use itself), as Kapacitor does when it creates the
// node.
func Globals(env *pipeline.Env, a Alert) (GlobalHandlers, error) {
	var gh GlobalHandlers
	for _, g := range globals {
		s := lookup(env.Config, g.section)
		if !s.found || !s.boolean("enabled", false) || !s.boolean("global", false) {
			continue
		}
		if g.stateChangesOnly && s.boolean("state-changes-only", false) {
			gh.StateChangesOnly = true
		}
		if slices.Contains(a.Sections, g.section) {
			continue
		}
		h, err := g.make(env, a)
		if err != nil {
			return GlobalHandlers{}, fmt.Errorf("[%s] global = true: %w", g.section, err)
		}
		gh.Handlers = append(gh.Handlers, h)
		// One section, one handler: the index is always 0.
		gh.Names = append(gh.Names, g.method+"_global0")
	}
	return gh, nil
}
