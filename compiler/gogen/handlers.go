package gogen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
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
	case "pagerDuty":
		name = "PagerDuty"
		o.str("ServiceKey", "serviceKey")
		// Kapacitor's client_url is its own HTTP API.
		o.d[jen.Id("ClientURL")] = jen.Lit("http://").Op("+").Id("env").Dot("Hostname").Op("+").Lit(":9092/kapacitor/v1")
	case "opsGenie":
		name = "OpsGenie"
		o.list("Teams", "teams")
		o.list("Recipients", "recipients")
	case "pushover":
		// .userKey() is accepted but, as in Kapacitor, not used.
		name = "Pushover"
		o.str("Device", "device")
		o.str("Title", "title")
		o.strAny("URL", "uRL", "URL")
		o.strAny("URLTitle", "uRLTitle", "URLTitle")
		o.str("Sound", "sound")
	case "sensu":
		name = "Sensu"
		o.str("Source", "source")
		o.list("Handlers", "handlers")
		o.keyValues("Metadata", "metadata")
		o.d[jen.Id("TaskName")] = jen.Lit(taskID)
	case "talk":
		name = "Talk"
	case "serviceNow":
		name = "ServiceNow"
		o.strAny("URL", "uRL", "URL")
		for _, f := range [][2]string{{"Username", "username"}, {"Password", "password"}, {"Source", "source"},
			{"Node", "node"}, {"Type", "type"}, {"Resource", "resource"}, {"MetricName", "metricName"}, {"MessageKey", "messageKey"}} {
			o.str(f[0], f[1])
		}
		o.keyValues("AdditionalInfo", "additionalInfo")
		o.d[jen.Id("TaskName")] = jen.Lit(taskID)
	case "zenoss":
		name = "Zenoss"
		o.strAny("URL", "uRL", "URL")
		for _, f := range [][2]string{{"Username", "username"}, {"Password", "password"}, {"Action", "action"},
			{"Method", "method"}, {"Type", "type"}, {"Collector", "collector"}, {"Summary", "summary"},
			{"Device", "device"}, {"Component", "component"}, {"EventClassKey", "eventClassKey"},
			{"EventClass", "eventClass"}, {"Message", "message"}} {
			o.str(f[0], f[1])
		}
		if p := h.Lookup("tid"); p != nil && len(p.Args) > 0 {
			o.d[jen.Id("TID")] = jen.Lit(p.Args[0].Int)
		}
		o.keyValues("CustomFields", "customField")
		o.d[jen.Id("TaskName")] = jen.Lit(taskID)
	case "bigPanda":
		name = "BigPanda"
		o.str("AppKey", "appKey")
		o.str("PrimaryProperty", "primaryProperty")
		o.str("SecondaryProperty", "secondaryProperty")
		o.str("Host", "host")
		o.keyValues("Attributes", "attribute")
		o.d[jen.Id("TaskName")] = jen.Lit(taskID)
	case "email":
		name = "Email"
		o.list("ToTemplates", "toTemplates")
		o.d[jen.Id("TaskName")] = jen.Lit(taskID)
		var to []jen.Code
		for _, a := range h.Args {
			to = append(to, jen.Lit(a.Str))
		}
		for _, p := range h.Props {
			if p.Name == "to" {
				for _, a := range p.Args {
					to = append(to, jen.Lit(a.Str))
				}
			}
		}
		if len(to) > 0 {
			o.d[jen.Id("To")] = jen.Index().String().Values(to...)
		}
	case "hipChat":
		name = "HipChat"
		o.str("Room", "room")
		o.str("Token", "token")
	case "mqtt":
		name = "MQTT"
		// The call's argument is the topic; a later .topic() wins. (The
		// dict is keyed by statement, so set Topic once.)
		if h.Lookup("topic") != nil {
			o.str("Topic", "topic")
		} else if len(h.Args) > 0 {
			o.d[jen.Id("Topic")] = jen.Lit(h.Args[0].Str)
		}
		o.str("BrokerName", "brokerName")
		if p := h.Lookup("qos"); p != nil && len(p.Args) > 0 {
			o.d[jen.Id("QoS")] = jen.Lit(p.Args[0].Int)
		}
		if p := h.Lookup("retained"); p != nil && len(p.Args) > 0 && p.Args[0].Bool {
			o.d[jen.Id("Retained")] = jen.True()
		}
	case "snmpTrap":
		name = "SNMPTrap"
		// The call's argument is the trap OID; a later .trapOid() wins.
		if p := h.Lookup("trapOid"); p != nil && len(p.Args) > 0 {
			o.d[jen.Id("TrapOID")] = jen.Lit(p.Args[0].Str)
		} else if len(h.Args) > 0 {
			o.d[jen.Id("TrapOID")] = jen.Lit(h.Args[0].Str)
		}
		var data []jen.Code
		for _, p := range h.Props {
			if p.Name == "data" && len(p.Args) == 3 {
				data = append(data, jen.Values(jen.Dict{
					jen.Id("OID"):   jen.Lit(p.Args[0].Str),
					jen.Id("Type"):  jen.Lit(p.Args[1].Str),
					jen.Id("Value"): jen.Lit(p.Args[2].Str),
				}))
			}
		}
		if len(data) > 0 {
			o.d[jen.Id("Data")] = jen.Index().Qual(handlersPkg, "SNMPTrapData").Values(data...)
		}
		o.d[jen.Id("TaskName")] = jen.Lit(taskID)
	case "kafka":
		name = "Kafka"
		o.str("Cluster", "cluster")
		o.str("Topic", "kafkaTopic")
		o.str("Template", "template")
		o.str("PartitionAlgorithm", "partitionHashAlgorithm")
		o.flag("DisablePartitionByID", "disablePartitionById")
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

// strAny sets field from the last call of any of the properties props
// (the spellings of one Kapacitor field, .uRL and .URL).
func (o handlerOpts) strAny(field string, props ...string) {
	for i := len(o.h.Props) - 1; i >= 0; i-- {
		p := o.h.Props[i]
		for _, name := range props {
			if p.Name == name && len(p.Args) > 0 {
				o.d[jen.Id(field)] = jen.Lit(p.Args[0].Str)
				return
			}
		}
	}
}

// anyLit is the Go literal of a property value of any type, as Kapacitor
// stores it (int64, float64, string, bool, time.Duration).
func anyLit(v ir.Value) jen.Code {
	switch v.Type {
	case types.Int:
		return jen.Lit(v.Int)
	case types.Float:
		return jen.Lit(v.Float)
	case types.Bool:
		return jen.Lit(v.Bool)
	case types.Duration:
		return durationLit(v.Dur)
	}
	return jen.Lit(v.Str)
}

// keyValues sets field to the map of every call prop(key, value); a later
// key wins.
func (o handlerOpts) keyValues(field, prop string) {
	vals := map[string]ir.Value{}
	for _, p := range o.h.Props {
		if p.Name == prop && len(p.Args) == 2 {
			vals[p.Args[0].Str] = p.Args[1]
		}
	}
	if len(vals) == 0 {
		return
	}
	m := jen.Dict{}
	for k, v := range vals {
		m[jen.Lit(k)] = anyLit(v)
	}
	o.d[jen.Id(field)] = jen.Map(jen.String()).Any().Values(m)
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
