package topichandlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/alert/handlers"
	"github.com/tickc/tickc/runtime/httppost"
	"github.com/tickc/tickc/runtime/pipeline"
)

// builder makes the handler of one kind from a spec's options.
type builder func(cfg pipeline.Config, opts map[string]any) (alert.Handler, error)

// kinds are the handler kinds a handler file may name, as Kapacitor's
// alert service knows them (aggregate and publish are in handlers.go).
var kinds = map[string]builder{
	"log":        logHandler,
	"post":       postHandler,
	"tcp":        tcpHandler,
	"exec":       execHandler,
	"alerta":     service(handlers.NewAlerta),
	"bigpanda":   service(handlers.NewBigPanda),
	"discord":    service(handlers.NewDiscord),
	"hipchat":    service(handlers.NewHipChat),
	"kafka":      service(handlers.NewKafka),
	"mqtt":       service(handlers.NewMQTT),
	"opsgenie":   service(handlers.NewOpsGenie),
	"opsgenie2":  service(handlers.NewOpsGenie2),
	"pagerduty":  service(handlers.NewPagerDuty),
	"pagerduty2": service(handlers.NewPagerDuty2),
	"pushover":   service(handlers.NewPushover),
	"sensu":      service(handlers.NewSensu),
	"servicenow": service(handlers.NewServiceNow),
	"slack":      service(handlers.NewSlack),
	"smtp":       service(handlers.NewEmail),
	"snmptrap":   service(handlers.NewSNMPTrap),
	"talk":       service(handlers.NewTalk),
	"teams":      service(handlers.NewTeams),
	"telegram":   service(handlers.NewTelegram),
	"victorops":  service(handlers.NewVictorOps),
	"zenoss":     service(handlers.NewZenoss),
}

// service adapts a service handler's constructor: the options are decoded
// into its Options struct.
func service[O any, H alert.Handler](newHandler func(pipeline.Config, O) (H, error)) builder {
	return func(cfg pipeline.Config, opts map[string]any) (alert.Handler, error) {
		var o O
		if err := decode(opts, &o); err != nil {
			return nil, err
		}
		return newHandler(cfg, o)
	}
}

// optionAliases maps Kapacitor's option names, with '-' and '_' removed,
// to the Options field they set where the names differ.
var optionAliases = map[string]string{
	"teamslist":              "teams",
	"recipientslist":         "recipients",
	"service":                "services",
	"correlate":              "correlated",
	"datalist":               "data",
	"partitionhashalgorithm": "partitionalgorithm",
}

// decode sets the fields of the options struct o from a handler file's
// options, matching Kapacitor's option names (icon-emoji, routing-key)
// with the field names (IconEmoji, RoutingKey) regardless of case and
// dashes. An unknown option is an error, as in Kapacitor. Durations are
// written as strings ("10s").
func decode(opts map[string]any, o any) error {
	norm := make(map[string]any, len(opts))
	for k, v := range opts {
		key := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(k))
		if a, ok := optionAliases[key]; ok {
			key = a
		}
		if s, ok := v.(string); ok && (key == "timeout" || key == "interval") {
			d, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("option %s: %w", k, err)
			}
			v = d
		}
		norm[key] = v
	}
	b, err := json.Marshal(norm)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(o); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	return nil
}

func logHandler(_ pipeline.Config, opts map[string]any) (alert.Handler, error) {
	var o struct {
		Path string
		Mode os.FileMode
	}
	if err := decode(opts, &o); err != nil {
		return nil, err
	}
	if o.Mode == 0 {
		o.Mode = alert.DefaultLogMode
	}
	return alert.NewLogHandler(o.Path, o.Mode)
}

func postHandler(cfg pipeline.Config, opts map[string]any) (alert.Handler, error) {
	var o struct {
		URL, Endpoint   string
		Headers         map[string]string
		CaptureResponse bool
		Timeout         time.Duration
	}
	if err := decode(opts, &o); err != nil {
		return nil, err
	}
	if o.URL == "" && o.Endpoint != "" {
		return httppost.NewAlertHandler(cfg, o.Endpoint, o.Headers, o.Timeout)
	}
	return alert.NewPostHandler(o.URL, o.Headers, o.Timeout)
}

func tcpHandler(_ pipeline.Config, opts map[string]any) (alert.Handler, error) {
	var o struct{ Address string }
	if err := decode(opts, &o); err != nil {
		return nil, err
	}
	return alert.NewTCPHandler(o.Address)
}

func execHandler(_ pipeline.Config, opts map[string]any) (alert.Handler, error) {
	var o struct {
		Prog string
		Args []string
	}
	if err := decode(opts, &o); err != nil {
		return nil, err
	}
	return alert.NewExecHandler(o.Prog, o.Args...)
}
