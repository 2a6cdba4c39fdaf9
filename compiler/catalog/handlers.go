package catalog

// Alert handlers: the `.slack()`, `.email()` ... property methods of the
// alert node, and the properties each handler adds.
//
// Source: Kapacitor v1.8.3 pipeline/alert.go. Every handler method returns a
// handler struct that embeds *AlertNodeData, so after `.slack()` all alert
// properties (and the other handlers) stay reachable; the checker looks up
// the current handler's Props first and the alert node's second. Only the
// handler's own setters are listed here.
//
// How Kapacitor finds a handler property (tick/eval.go, reflection):
//   - a method named in a `tick:"Name"` struct tag is a property method and
//     takes the method's exact argument list;
//   - an exported field without a tick tag is set directly with exactly one
//     argument whose Go type must match (int64, string, bool, time.Duration;
//     no coercion). Fields of slice or map type are "properties" too but no
//     TICKscript value can be assigned to them (ExecHandler.Command), so they
//     are left out.
//
// Names match when capitalizeFirst(name) equals the Go name exactly. Acronym
// fields therefore need odd spellings: the field URL is `.uRL` or `.URL`,
// never `.url`. The lower-first spelling is the entry's Name; where that
// spelling is unnatural the all-caps one is listed as a second entry. (Any
// name may also be written with its first letter capitalised, `.Channel`,
// which the checker can accept by lower-casing the first letter.)
//
// Handler fields shadow alert properties of the same name: MQTT's topic,
// Zenoss's message, OpsGenie2's details() flag, and the opsGenie/opsGenie2
// teams(...) list, which hides the alert's teams() handler.

import (
	"sort"

	"github.com/tickc/tickc/compiler/types"
)

func init() {
	for _, h := range handlerTable() {
		registerHandler(h)
	}
}

// HandlerNames lists the names of all alert handlers, sorted.
func HandlerNames() []string {
	out := make([]string, 0, len(Handlers))
	for name := range Handlers {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// handlerTable builds the handler descriptions. The helpers are local so they
// cannot collide with the other data files of this package.
func handlerTable() []*Handler {
	var (
		str  = types.String
		num  = types.Int
		dur  = types.Duration
		anyV = types.Any
	)
	// one-argument setter of a field
	field := func(name string, t types.Type, doc string) Property {
		return prop(name, sig(p("value", t)), doc)
	}
	// no-argument flag method
	flag := func(name, doc string) Property {
		return prop(name, sig(), doc)
	}
	// list method: name(values ...string)
	list := func(name, arg, doc string) Property {
		return prop(name, variadic(p(arg, str)), doc)
	}
	// key/value method: name(key string, value any)
	keyValue := func(name, doc string) Property {
		return prop(name, sig(p("key", str), p("value", anyV)), doc)
	}

	return []*Handler{
		{
			Name: "log",
			Doc:  "Append each alert event as one JSON line to a file.",
			Sig:  sig(p("path", str)),
			Props: []Property{
				field("filePath", str, "Path of the log file (also set by the handler argument)."),
				field("mode", num, "File permissions for a new log file; write it in octal (0644). Default 0600."),
			},
		},
		{
			Name:    "post",
			Doc:     "HTTP POST the alert event as JSON to a URL or a configured endpoint.",
			Sig:     variadic(p("urls", str)),
			Section: "httppost",
			Props: []Property{
				field("uRL", str, "Target URL; only the first handler argument is used."),
				field("URL", str, "Same as uRL (the field is named URL)."),
				field("endpoint", str, "Name of an [[httppost]] endpoint from the configuration."),
				prop("header", sig(p("key", str), p("value", str)), "Add a request header; Authenticate is refused."),
				flag("captureResponse", "Log the response body when the status is not 2xx."),
				field("timeout", dur, "Request timeout."),
				flag("skipSSLVerification", "Do not verify the server's TLS certificate."),
			},
		},
		{
			Name: "tcp",
			Doc:  "Write the alert event as a JSON line to a TCP address.",
			Sig:  sig(p("address", str)),
			Props: []Property{
				field("address", str, "host:port to connect to (also set by the handler argument)."),
			},
		},
		{
			Name: "exec",
			Doc:  "Run a program for each alert event, passing the event as JSON on stdin.",
			Sig:  variadic(p("args", str), p("prog", str)),
		},
		{
			Name:    "email",
			Doc:     "Send the alert by email: message as subject, details as HTML body.",
			Sig:     variadic(p("to", str)),
			Global:  true,
			Section: "smtp",
			Props: []Property{
				list("to", "addresses", "Add recipient addresses; empty means the configured ones."),
				list("toTemplates", "templates", "Add recipients rendered from templates over the alert data."),
			},
		},
		{
			Name:    "victorOps",
			Doc:     "Send the alert to VictorOps.",
			Sig:     sig(),
			Global:  true,
			Section: "victorops",
			Props: []Property{
				field("routingKey", str, "VictorOps routing key; defaults to the configured one."),
			},
		},
		{
			Name:    "pagerDuty",
			Doc:     "Send the alert to PagerDuty (events API v1).",
			Sig:     sig(),
			Global:  true,
			Section: "pagerduty",
			Props: []Property{
				field("serviceKey", str, "PagerDuty service key; defaults to the configured one."),
			},
		},
		{
			Name:    "pagerDuty2",
			Doc:     "Send the alert to PagerDuty (events API v2).",
			Sig:     sig(),
			Global:  true,
			Section: "pagerduty2",
			Props: []Property{
				field("routingKey", str, "Integration (routing) key; defaults to the configured one."),
				prop("serviceKey", sig(p("key", str)), "Older name for routingKey."),
				prop("link", variadic(p("text", str), p("href", str)), "Attach a link (href may be a template) with optional text."),
			},
		},
		{
			Name:    "pushover",
			Doc:     "Send the alert to Pushover.",
			Sig:     sig(),
			Section: "pushover",
			Props: []Property{
				field("userKey", str, "User or group key; defaults to the configured one."),
				field("device", str, "Deliver only to these device names (comma separated)."),
				field("title", str, "Message title; defaults to the application name."),
				field("uRL", str, "Supplementary URL shown with the message."),
				field("URL", str, "Same as uRL (the field is named URL)."),
				field("uRLTitle", str, "Title of the supplementary URL."),
				field("URLTitle", str, "Same as uRLTitle (the field is named URLTitle)."),
				field("sound", str, "Notification sound name."),
			},
		},
		{
			Name:    "sensu",
			Doc:     "Send the alert to a Sensu client.",
			Sig:     sig(),
			Section: "sensu",
			Props: []Property{
				field("source", str, "Sensu source name; defaults to the configured one."),
				list("handlers", "handlers", "Sensu handlers to run; replaces the configured list."),
				keyValue("metadata", "Add a key/value pair at the top level of the Sensu check result."),
			},
		},
		{
			Name:    "slack",
			Doc:     "Post the alert message to a Slack channel.",
			Sig:     sig(),
			Global:  true,
			Section: "slack",
			Props: []Property{
				field("workspace", str, "Configured Slack workspace to use; defaults to the default one."),
				field("channel", str, "Channel (#name) or user (@name) to post to."),
				field("username", str, "Name the bot posts as."),
				field("iconEmoji", str, "Emoji (:name:) used as the bot's icon."),
			},
		},
		{
			Name:    "discord",
			Doc:     "Post the alert message to a Discord webhook.",
			Sig:     sig(),
			Global:  true,
			Section: "discord",
			Props: []Property{
				field("workspace", str, "Configured Discord workspace to use."),
				field("username", str, "Name the webhook posts as."),
				field("avatarURL", str, "URL of the webhook's avatar image."),
				field("embedTitle", str, "Title of the message embed."),
			},
		},
		{
			Name:    "bigPanda",
			Doc:     "Send the alert to BigPanda.",
			Sig:     sig(),
			Global:  true,
			Section: "bigpanda",
			Props: []Property{
				field("appKey", str, "BigPanda application key; defaults to the configured one."),
				field("host", str, "Object (host) the alert is about."),
				field("primaryProperty", str, "Name of the primary BigPanda property."),
				field("secondaryProperty", str, "Name of the secondary BigPanda property."),
				keyValue("attribute", "Add an extra attribute to the BigPanda alert."),
			},
		},
		{
			Name:    "telegram",
			Doc:     "Post the alert message to a Telegram chat.",
			Sig:     sig(),
			Global:  true,
			Section: "telegram",
			Props: []Property{
				field("chatId", str, "User or group chat id; defaults to the configured one."),
				field("parseMode", str, "Markdown or HTML parsing of the message."),
				flag("disableWebPagePreview", "Do not show link previews."),
				flag("disableNotification", "Deliver the message silently."),
			},
		},
		{
			Name:    "hipChat",
			Doc:     "Post the alert message to a HipChat room.",
			Sig:     sig(),
			Global:  true,
			Section: "hipchat",
			Props: []Property{
				field("room", str, "Room to post to; defaults to the configured one."),
				field("token", str, "Authentication token; defaults to the configured one."),
			},
		},
		{
			Name:    "alerta",
			Doc:     "Send the alert to Alerta.",
			Sig:     sig(),
			Section: "alerta",
			Props: []Property{
				field("token", str, "Alerta API token; defaults to the configured one."),
				field("resource", str, "Resource template. Default {{ .Name }}."),
				field("event", str, "Event template. Default {{ .ID }}."),
				field("environment", str, "Environment template; defaults to the configured one."),
				field("group", str, "Group template. Default {{ .Group }}."),
				field("value", str, "Value template. Default empty."),
				field("origin", str, "Origin; defaults to the configured one."),
				list("services", "services", "Affected services (templates); default the measurement name."),
				list("correlated", "events", "Correlated event names (templates)."),
				keyValue("attribute", "Add a custom attribute to the Alerta alert."),
				field("timeout", dur, "Alert timeout in Alerta. Default 24h."),
			},
		},
		{
			Name:    "opsGenie",
			Doc:     "Send the alert to OpsGenie (API v1).",
			Sig:     sig(),
			Global:  true,
			Section: "opsgenie",
			Props: []Property{
				list("teams", "teams", "Teams to alert; replaces the configured list."),
				list("recipients", "recipients", "Recipients to alert; replaces the configured list."),
			},
		},
		{
			Name:    "opsGenie2",
			Doc:     "Send the alert to OpsGenie (API v2).",
			Sig:     sig(),
			Global:  true,
			Section: "opsgenie2",
			Props: []Property{
				list("teams", "teams", "Teams to alert; replaces the configured list."),
				list("recipients", "recipients", "Recipients to alert; replaces the configured list."),
				prop("recoveryAction", sig(p("action", str)), "What OpsGenie does on recovery (notes or close)."),
				flag("details", "Send the alert details to OpsGenie; hides the alert's details(template)."),
			},
		},
		{
			Name:    "talk",
			Doc:     "Post the alert message to a Talk (jianliao.com) webhook.",
			Sig:     sig(),
			Section: "talk",
		},
		{
			Name:    "mqtt",
			Doc:     "Publish the alert message to an MQTT topic.",
			Sig:     sig(p("topic", str)),
			Section: "mqtt",
			Props: []Property{
				field("brokerName", str, "Configured broker to use; defaults to the default one."),
				field("topic", str, "MQTT topic; hides the alert's topic property."),
				field("qos", num, "Delivery guarantee: 0 at most once, 1 at least once, 2 exactly once."),
				field("retained", types.Bool, "Ask the broker to keep the message for later subscribers."),
			},
		},
		{
			Name:    "snmpTrap",
			Doc:     "Send an SNMP trap for each alert event.",
			Sig:     sig(p("trapOid", str)),
			Section: "snmptrap",
			Props: []Property{
				field("trapOid", str, "OID of the trap (also set by the handler argument); must not be empty."),
				prop("data", sig(p("oid", str), p("type", str), p("value", str)),
					"Add a variable binding; type is c, i, n, s or t and value a template."),
			},
		},
		{
			Name:    "kafka",
			Doc:     "Write the alert event to a Kafka topic.",
			Sig:     sig(),
			Section: "kafka",
			Props: []Property{
				field("cluster", str, "Id of a configured [[kafka]] cluster."),
				field("kafkaTopic", str, "Kafka topic to write to."),
				field("template", str, "Message body template; default the alert event as JSON."),
				field("partitionHashAlgorithm", str, "Hash of the alert ID that picks the partition: crc32 (default), murmur2 or fnv-1a."),
				flag("disablePartitionById", "Do not pick partitions by alert ID."),
			},
		},
		{
			Name:    "teams",
			Doc:     "Post the alert message to a Microsoft Teams channel.",
			Sig:     sig(),
			Global:  true,
			Section: "teams",
			Props: []Property{
				field("channelURL", str, "Incoming webhook URL of the channel; defaults to the configured one."),
			},
		},
		{
			Name:    "serviceNow",
			Doc:     "Send the alert to ServiceNow event management.",
			Sig:     sig(),
			Global:  true,
			Section: "servicenow",
			Props: []Property{
				field("uRL", str, "ServiceNow events API URL; defaults to the configured one."),
				field("URL", str, "Same as uRL (the field is named URL)."),
				field("username", str, "Basic-auth user; defaults to the configured one."),
				field("password", str, "Basic-auth password; defaults to the configured one."),
				field("source", str, "Event source (the monitoring tool)."),
				field("node", str, "Node name template."),
				field("type", str, "Metric type template."),
				field("resource", str, "Resource template."),
				field("metricName", str, "Metric name template."),
				field("messageKey", str, "Message key template."),
				keyValue("additionalInfo", "Add a key/value pair to the event's additional information."),
			},
		},
		{
			Name:    "zenoss",
			Doc:     "Send the alert to Zenoss as an event.",
			Sig:     sig(),
			Global:  true,
			Section: "zenoss",
			Props: []Property{
				field("uRL", str, "Zenoss router URL; defaults to the configured one."),
				field("URL", str, "Same as uRL (the field is named URL)."),
				field("username", str, "Basic-auth user; defaults to the configured one."),
				field("password", str, "Basic-auth password; defaults to the configured one."),
				field("action", str, "Router name, e.g. EventsRouter."),
				field("method", str, "Router method, e.g. add_event."),
				field("type", str, "Request type, e.g. rpc."),
				field("tid", num, "Request transaction id."),
				field("collector", str, "Collector name template."),
				field("summary", str, "Event summary template. Default {{ .Message }}."),
				field("device", str, "Device template."),
				field("component", str, "Component template."),
				field("eventClassKey", str, "Event class key template."),
				field("eventClass", str, "Event class template."),
				field("message", str, "Event message template; hides the alert's message property."),
				keyValue("customField", "Add a custom event field; string values are templates."),
			},
		},
	}
}
