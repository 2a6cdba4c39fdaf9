package gogen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/ir"
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
	if _, ok := serviceHandlerSetup(ir.Handler{Kind: "zenoss"}, "cpu", ""); ok {
		t.Error("zenoss is not implemented yet")
	}
}
