package gogen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

func TestServiceHandlerSetup(t *testing.T) {
	str := func(s string) ir.Value { return ir.Value{Str: s} }
	for _, c := range []struct {
		h    ir.Handler
		want []string
	}{
		{ir.Handler{Kind: "slack", Props: []ir.Prop{{Name: "channel", Args: []ir.Value{str("#a")}}}},
			[]string{"handlers.NewSlack(env.Config, handlers.SlackOptions{Channel: \"#a\"})"}},
		{ir.Handler{Kind: "pagerDuty2", Props: []ir.Prop{
			{Name: "routingKey", Args: []ir.Value{str("r1")}},
			{Name: "serviceKey", Args: []ir.Value{str("s2")}},
			{Name: "link", Args: []ir.Value{str("http://h")}}}},
			[]string{"RoutingKey: \"s2\"", "Href: \"http://h\"", "env.Hostname", "TaskName: \"cpu\""}},
		{ir.Handler{Kind: "opsGenie2", Props: []ir.Prop{
			{Name: "teams", Args: []ir.Value{str("a"), str("b")}},
			{Name: "teams", Args: []ir.Value{str("c")}}}},
			[]string{"Teams: []string{\"a\", \"b\", \"c\"}"}},
		{ir.Handler{Kind: "telegram", Props: []ir.Prop{{Name: "disableNotification"}}},
			[]string{"DisableNotification: true"}},
		{ir.Handler{Kind: "alerta", Props: []ir.Prop{{Name: "timeout", Args: []ir.Value{{Dur: time.Hour}}}}},
			[]string{"Timeout: time.Hour", "TaskName: \"cpu\""}},
		{ir.Handler{Kind: "teams"}, []string{"Topic: \"kapacitor:cpu:alert2\""}},
		{ir.Handler{Kind: "talk"}, []string{"handlers.NewTalk(env.Config, handlers.TalkOptions{})"}},
		{ir.Handler{Kind: "pagerDuty", Props: []ir.Prop{{Name: "serviceKey", Args: []ir.Value{str("k")}}}},
			[]string{"handlers.NewPagerDuty(", "ServiceKey: \"k\"", "env.Hostname"}},
		{ir.Handler{Kind: "opsGenie", Props: []ir.Prop{{Name: "recipients", Args: []ir.Value{str("a")}}}},
			[]string{"handlers.NewOpsGenie(", "Recipients: []string{\"a\"}"}},
		{ir.Handler{Kind: "pushover", Props: []ir.Prop{
			{Name: "URL", Args: []ir.Value{str("http://a")}},
			{Name: "uRL", Args: []ir.Value{str("http://b")}},
			{Name: "URLTitle", Args: []ir.Value{str("t")}}}},
			[]string{"URL: \"http://b\"", "URLTitle: \"t\""}},
		{ir.Handler{Kind: "sensu", Props: []ir.Prop{
			{Name: "source", Args: []ir.Value{str("{{ .Name }}")}},
			{Name: "metadata", Args: []ir.Value{str("n"), {Type: types.Int, Int: 3}}},
			{Name: "metadata", Args: []ir.Value{str("s"), {Type: types.String, Str: "x"}}}}},
			[]string{"Source: \"{{ .Name }}\"", "\"n\": int64(3)", "\"s\": \"x\"", "TaskName: \"cpu\""}},
		{ir.Handler{Kind: "serviceNow", Props: []ir.Prop{
			{Name: "URL", Args: []ir.Value{str("http://s")}},
			{Name: "node", Args: []ir.Value{str("n")}},
			{Name: "additionalInfo", Args: []ir.Value{str("k"), {Type: types.Int, Int: 1}}},
			{Name: "additionalInfo", Args: []ir.Value{str("k"), {Type: types.Int, Int: 2}}}}},
			[]string{"handlers.NewServiceNow(", "URL: \"http://s\"", "Node: \"n\"", "\"k\": int64(2)", "TaskName: \"cpu\""}},
		{ir.Handler{Kind: "zenoss", Props: []ir.Prop{
			{Name: "tid", Args: []ir.Value{{Type: types.Int, Int: 4}}},
			{Name: "eventClassKey", Args: []ir.Value{str("e")}},
			{Name: "customField", Args: []ir.Value{str("c"), str("v")}}}},
			[]string{"handlers.NewZenoss(", "TID: int64(4)", "EventClassKey: \"e\"", "\"c\": \"v\""}},
		{ir.Handler{Kind: "bigPanda", Props: []ir.Prop{{Name: "appKey", Args: []ir.Value{str("a")}}}},
			[]string{"handlers.NewBigPanda(", "AppKey: \"a\""}},
		{ir.Handler{Kind: "bigPanda", Props: []ir.Prop{
			{Name: "host", Args: []ir.Value{str("{{ .Tags.host }}")}},
			{Name: "primaryProperty", Args: []ir.Value{str("host")}},
			{Name: "attribute", Args: []ir.Value{str("link"), str("http://m/{{ .ID }}")}},
			{Name: "attribute", Args: []ir.Value{str("n"), {Type: types.Int, Int: 3}}}}},
			[]string{"Host: \"{{ .Tags.host }}\"", "PrimaryProperty: \"host\"", "\"link\": \"http://m/{{ .ID }}\"", "\"n\": int64(3)"}},
		{ir.Handler{Kind: "email", Props: []ir.Prop{{Name: "toTemplates", Args: []ir.Value{str("{{ .ID }}@x"), str("y@x")}}}},
			[]string{"ToTemplates: []string{\"{{ .ID }}@x\", \"y@x\"}", "TaskName: \"cpu\""}},
		{ir.Handler{Kind: "email", Args: []ir.Value{str("a@x")}, Props: []ir.Prop{{Name: "to", Args: []ir.Value{str("b@x")}}}},
			[]string{"handlers.NewEmail(", "To: []string{\"a@x\", \"b@x\"}"}},
		{ir.Handler{Kind: "hipChat", Props: []ir.Prop{{Name: "room", Args: []ir.Value{str("r")}}}},
			[]string{"handlers.NewHipChat(", "Room: \"r\""}},
		{ir.Handler{Kind: "mqtt", Args: []ir.Value{str("a/b")}, Props: []ir.Prop{
			{Name: "brokerName", Args: []ir.Value{str("main")}},
			{Name: "qos", Args: []ir.Value{{Type: types.Int, Int: 2}}},
			{Name: "retained", Args: []ir.Value{{Type: types.Bool, Bool: true}}}}},
			[]string{"handlers.NewMQTT(", "Topic: \"a/b\"", "BrokerName: \"main\"", "QoS: int64(2)", "Retained: true"}},
		{ir.Handler{Kind: "mqtt", Args: []ir.Value{str("a")}, Props: []ir.Prop{{Name: "topic", Args: []ir.Value{str("c")}}}},
			[]string{"Topic: \"c\""}},
		{ir.Handler{Kind: "kafka", Props: []ir.Prop{
			{Name: "cluster", Args: []ir.Value{str("main")}},
			{Name: "kafkaTopic", Args: []ir.Value{str("alerts")}},
			{Name: "partitionHashAlgorithm", Args: []ir.Value{str("murmur2")}},
			{Name: "disablePartitionById"}}},
			[]string{"handlers.NewKafka(", "Cluster: \"main\"", "Topic: \"alerts\"", "PartitionAlgorithm: \"murmur2\"", "DisablePartitionByID: true"}},
	} {
		code, ok := serviceHandlerSetup(c.h, "cpu", "kapacitor:cpu:alert2")
		if !ok {
			t.Fatalf("%s: not supported", c.h.Kind)
		}
		// Collapse gofmt's alignment so the checks see "Key: value".
		got := strings.Join(strings.Fields(fmt.Sprintf("%#v", jen.Null().Add(code))), " ")
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %s lacks %s", c.h.Kind, got, w)
			}
		}
	}
	if _, ok := serviceHandlerSetup(ir.Handler{Kind: "nosuchservice"}, "cpu", ""); ok {
		t.Error("nosuchservice is not a handler")
	}
}
