package handlers

import "strconv"

// DefaultSection returns the kapacitor.conf section of a service as a task
// binary's `config` command prints it for a task that uses the service:
// every key its handler reads, with its default. ok is false for a name
// that is not a service of this package.
func DefaultSection(name string) (text string, ok bool) {
	keys, ok := sectionKeys[name]
	if !ok {
		return "", false
	}
	header := "[" + name + "]"
	switch name { // one entry per workspace or cluster, as in kapacitor.conf
	case "slack", "discord", "mqtt", "kafka", "kubernetes", "swarm", "ec2":
		header = "[[" + name + "]]"
	}
	text = header + "\n  enabled = false\n"
	for _, kv := range keys {
		v := strconv.Quote(kv[1])
		if kv[1] == "[]" || kv[1] == "false" { // a list, such as [[kafka]] brokers, or a bool
			v = kv[1]
		}
		text += "  " + kv[0] + " = " + v + "\n"
	}
	return text, true
}

// sectionKeys lists each section's keys and defaults, in the order
// kapacitor.conf shows them.
var sectionKeys = map[string][][2]string{
	"slack":      {{"workspace", ""}, {"url", ""}, {"channel", ""}, {"username", "kapacitor"}, {"icon-emoji", ""}},
	"pagerduty2": {{"url", DefaultPagerDuty2URL}, {"routing-key", ""}},
	"victorops":  {{"url", DefaultVictorOpsURL}, {"api-key", ""}, {"routing-key", ""}},
	"opsgenie2":  {{"url", DefaultOpsGenie2URL}, {"api-key", ""}},
	"teams":      {{"channel-url", ""}},
	"discord":    {{"workspace", ""}, {"url", ""}},
	"telegram":   {{"url", DefaultTelegramURL}, {"token", ""}, {"chat-id", ""}, {"parse-mode", ""}},
	"alerta":     {{"url", ""}, {"token", ""}, {"token-prefix", ""}, {"environment", ""}, {"origin", ""}},
	"pagerduty":  {{"url", DefaultPagerDutyURL}, {"service-key", ""}},
	"opsgenie":   {{"api-key", ""}, {"url", DefaultOpsGenieURL}, {"recovery_url", DefaultOpsGenieRecoveryURL}},
	"pushover":   {{"token", ""}, {"user-key", ""}, {"url", DefaultPushoverURL}},
	"sensu":      {{"addr", ""}, {"source", DefaultSensuSource}},
	"talk":       {{"url", ""}, {"author_name", ""}},
	"servicenow": {{"url", DefaultServiceNowURL}, {"source", ""}, {"username", ""}, {"password", ""}},
	"zenoss": {{"url", DefaultZenossURL}, {"username", ""}, {"password", ""}, {"action", DefaultZenossAction},
		{"method", DefaultZenossMethod}, {"type", DefaultZenossType}, {"collector", DefaultZenossCollector}},
	"bigpanda": {{"url", DefaultBigPandaURL}, {"app-key", ""}, {"token", ""}},
	"hipchat":  {{"url", ""}, {"room", ""}, {"token", ""}},
	"kafka": {{"id", DefaultKafkaID}, {"brokers", "[]"}, {"timeout", DefaultKafkaTimeout.String()},
		{"batch-size", "100"}, {"batch-timeout", DefaultKafkaBatchTimeout.String()},
		{"ssl-ca", ""}, {"ssl-cert", ""}, {"ssl-key", ""},
		{"sasl-username", ""}, {"sasl-password", ""}, {"sasl-mechanism", ""}},
	// [[mqtt]]'s bool keys (default, insecure-skip-verify) are false unless set.
	"mqtt": {{"name", "default"}, {"url", ""}, {"client-id", ""}, {"username", ""}, {"password", ""},
		{"ssl-ca", ""}, {"ssl-cert", ""}, {"ssl-key", ""}},
	"smtp": {{"host", DefaultSMTPHost}, {"port", "25"}, {"username", ""}, {"password", ""},
		{"from", ""}, {"idle-timeout", DefaultSMTPIdleTimeout.String()}},
	"snmptrap": {{"addr", DefaultSNMPTrapAddr}, {"community", DefaultSNMPTrapCommunity}, {"retries", "1"}},
	// The topic handler files of .topic() (runtime/alert/topichandlers):
	// <dir>/handlers/*.yaml, *.yml and *.json.
	"load": {{"dir", "/etc/kapacitor/load"}},
	// The clusters of the autoscale nodes (runtime/autoscale), by id.
	"kubernetes": {{"id", ""}, {"in-cluster", "false"}, {"api-servers", "[]"}, {"token", ""}, {"ca-path", ""}},
	"swarm": {{"id", ""}, {"servers", "[]"}, {"ssl-ca", ""}, {"ssl-cert", ""}, {"ssl-key", ""},
		{"insecure-skip-verify", "false"}},
	"ec2": {{"id", ""}, {"region", ""}, {"access-key", ""}, {"secret-key", ""}},
}
