package gogen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/ir"
)

func TestSNMPTrapHandlerSetup(t *testing.T) {
	str := func(s string) ir.Value { return ir.Value{Str: s} }
	h := ir.Handler{Kind: "snmpTrap", Args: []ir.Value{str("1.1.1")}, Props: []ir.Prop{
		{Name: "data", Args: []ir.Value{str("1.1.1.2"), str("s"), str("{{ .Message }}")}},
		{Name: "data", Args: []ir.Value{str("1.1.1.3"), str("i"), str("10")}},
	}}
	code, ok := serviceHandlerSetup(h, "cpu", "")
	if !ok {
		t.Fatal("snmpTrap: not supported")
	}
	got := strings.Join(strings.Fields(fmt.Sprintf("%#v", jen.Null().Add(code))), " ")
	for _, w := range []string{"handlers.NewSNMPTrap(env.Config, handlers.SNMPTrapOptions{", "TrapOID: \"1.1.1\"",
		"OID: \"1.1.1.2\"", "Type: \"s\"", "Value: \"{{ .Message }}\"", "OID: \"1.1.1.3\"", "TaskName: \"cpu\""} {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %s", got, w)
		}
	}
	h.Props = append(h.Props, ir.Prop{Name: "trapOid", Args: []ir.Value{str("2.2.2")}})
	code, _ = serviceHandlerSetup(h, "cpu", "")
	if got := fmt.Sprintf("%#v", jen.Null().Add(code)); !strings.Contains(got, "\"2.2.2\"") || strings.Contains(got, "\"1.1.1\"") {
		t.Errorf(".trapOid() does not win: %s", got)
	}
}
