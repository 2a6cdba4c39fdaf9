package gogen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/ir"
)

// handlersPkg holds the handlers that call web services.
const handlersPkg = "github.com/tickc/tickc/runtime/alert/handlers"

// serviceHandlerSetup returns the call that creates a web-service handler
// (.slack(), .pagerDuty2(), ...) in newTask: its constructor gets the
// task's configuration, for the kapacitor.conf section, and the script's
// properties; false if tickc does not support the handler.
func serviceHandlerSetup(h ir.Handler, taskID, topic string) (jen.Code, bool) {
	o := handlerOpts{h: h, d: jen.Dict{}}
	var name string
	switch h.Kind {
	case "slack":
		name = "Slack"
		o.str("Workspace", "workspace")
		o.str("Channel", "channel")
		o.str("Username", "username")
		o.str("IconEmoji", "iconEmoji")
	case "pagerDuty2":
		name = "PagerDuty2"
		// .serviceKey() is another name of .routingKey(): the last wins.
		var key *ir.Prop
		for i, p := range h.Props {
			if (p.Name == "routingKey" || p.Name == "serviceKey") && len(p.Args) > 0 {
				key = &h.Props[i]
			}
		}
		if key != nil {
			o.d[jen.Id("RoutingKey")] = jen.Lit(key.Args[0].Str)
		}
		var links []jen.Code
		for _, p := range h.Props {
			if p.Name != "link" || len(p.Args) == 0 {
				continue
			}
			l := jen.Dict{jen.Id("Href"): jen.Lit(p.Args[0].Str)}
			if len(p.Args) > 1 {
				l[jen.Id("Text")] = jen.Lit(p.Args[1].Str)
			}
			links = append(links, jen.Values(l))
		}
		if len(links) > 0 {
			o.d[jen.Id("Links")] = jen.Index().Qual(handlersPkg, "PagerDuty2Link").Values(links...)
		}
		// Kapacitor's client_url is its own HTTP API.
		o.d[jen.Id("ClientURL")] = jen.Lit("http://").Op("+").Id("env").Dot("Hostname").Op("+").Lit(":9092/kapacitor/v1")
		o.d[jen.Id("TaskName")] = jen.Lit(taskID)
	case "victorOps":
		name = "VictorOps"
		o.str("RoutingKey", "routingKey")
	case "opsGenie2":
		name = "OpsGenie2"
		o.list("Teams", "teams")
		o.list("Recipients", "recipients")
		o.str("RecoveryAction", "recoveryAction")
	case "teams":
		name = "Teams"
		o.str("ChannelURL", "channelURL")
		o.d[jen.Id("Topic")] = jen.Lit(topic)
	case "discord":
		name = "Discord"
		o.str("Workspace", "workspace")
		o.str("Username", "username")
		o.str("AvatarURL", "avatarURL")
		o.str("EmbedTitle", "embedTitle")
	case "telegram":
		name = "Telegram"
		o.str("ChatID", "chatId")
		o.str("ParseMode", "parseMode")
		o.flag("DisableWebPagePreview", "disableWebPagePreview")
		o.flag("DisableNotification", "disableNotification")
	case "alerta":
		name = "Alerta"
		o.d[jen.Id("TaskName")] = jen.Lit(taskID)
		for _, f := range [][2]string{{"Token", "token"}, {"Resource", "resource"}, {"Event", "event"},
			{"Environment", "environment"}, {"Group", "group"}, {"Value", "value"}, {"Origin", "origin"}} {
			o.str(f[0], f[1])
		}
		o.list("Services", "services")
		o.list("Correlated", "correlated")
		if p := h.Lookup("timeout"); p != nil {
			o.d[jen.Id("Timeout")] = durationLit(p.Args[0].Dur)
		}
	default:
		return nil, false
	}
	return jen.Qual(handlersPkg, "New"+name).Call(
		jen.Id("env").Dot("Config"),
		jen.Qual(handlersPkg, name+"Options").Values(o.d),
	), true
}

// handlerOpts builds the options literal of a handler from its properties.
type handlerOpts struct {
	h ir.Handler
	d jen.Dict
}

// str sets field from the last call of the string property prop.
func (o handlerOpts) str(field, prop string) {
	if p := o.h.Lookup(prop); p != nil && len(p.Args) > 0 {
		o.d[jen.Id(field)] = jen.Lit(p.Args[0].Str)
	}
}

// flag sets field when the flag property prop is called.
func (o handlerOpts) flag(field, prop string) {
	if o.h.Lookup(prop) != nil {
		o.d[jen.Id(field)] = jen.True()
	}
}

// list sets field from every argument of every call of prop: Kapacitor
// appends them.
func (o handlerOpts) list(field, prop string) {
	var vals []jen.Code
	for _, p := range o.h.Props {
		if p.Name == prop {
			for _, a := range p.Args {
				vals = append(vals, jen.Lit(a.Str))
			}
		}
	}
	if len(vals) > 0 {
		o.d[jen.Id(field)] = jen.Index().String().Values(vals...)
	}
}
