package catalog

import (
	"sort"
	"testing"

	"github.com/tickc/tickc/compiler/types"
)

func TestHandlerCount(t *testing.T) {
	want := []string{
		"alerta", "bigPanda", "discord", "email", "exec", "hipChat", "kafka", "log",
		"mqtt", "opsGenie", "opsGenie2", "pagerDuty", "pagerDuty2", "post", "pushover",
		"sensu", "serviceNow", "slack", "snmpTrap", "talk", "tcp", "teams", "telegram",
		"victorOps", "zenoss",
	}
	if len(want) != 25 {
		t.Fatalf("test list has %d names", len(want))
	}
	got := HandlerNames()
	if len(got) != 25 {
		t.Fatalf("got %d handlers, want 25: %v", len(got), got)
	}
	if !sort.StringsAreSorted(got) {
		t.Errorf("HandlerNames not sorted: %v", got)
	}
	sort.Strings(want)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("handler names = %v, want %v", got, want)
		}
	}
}

// handlerProp fetches handler h's property name or fails the test.
func handlerProp(t *testing.T, h, name string) *Property {
	t.Helper()
	hd, ok := Handlers[h]
	if !ok {
		t.Fatalf("no handler %q", h)
	}
	pr := hd.Prop(name)
	if pr == nil {
		t.Fatalf("handler %q has no property %q", h, name)
	}
	return pr
}

// wantSig checks that s takes exactly the fixed parameter types in fixed and,
// if rest is not Invalid, a trailing variadic of type rest.
func wantSig(t *testing.T, what string, s Signature, rest types.Type, fixed ...types.Type) {
	t.Helper()
	if len(s.Params) != len(fixed) {
		t.Fatalf("%s: %d params, want %d", what, len(s.Params), len(fixed))
	}
	for i, ft := range fixed {
		ps := s.Params[i].Types
		if len(ps) != 1 || ps[0] != ft {
			t.Errorf("%s: param %d types %v, want [%v]", what, i, ps, ft)
		}
	}
	switch {
	case rest == types.Invalid && s.Variadic != nil:
		t.Errorf("%s: unexpected variadic %v", what, s.Variadic.Types)
	case rest != types.Invalid && s.Variadic == nil:
		t.Errorf("%s: want variadic %v", what, rest)
	case rest != types.Invalid && (len(s.Variadic.Types) != 1 || s.Variadic.Types[0] != rest):
		t.Errorf("%s: variadic types %v, want [%v]", what, s.Variadic.Types, rest)
	}
}

func TestHandlerSpotChecks(t *testing.T) {
	const none = types.Invalid
	S, I, B, D, A := types.String, types.Int, types.Bool, types.Duration, types.Any

	props := []struct {
		handler, prop string
		rest          types.Type
		fixed         []types.Type
	}{
		{"slack", "channel", none, []types.Type{S}},
		{"mqtt", "qos", none, []types.Type{I}},
		{"mqtt", "retained", none, []types.Type{B}},
		{"mqtt", "topic", none, []types.Type{S}},
		{"pagerDuty2", "link", S, []types.Type{S}},
		{"pagerDuty2", "serviceKey", none, []types.Type{S}},
		{"alerta", "timeout", none, []types.Type{D}},
		{"alerta", "attribute", none, []types.Type{S, A}},
		{"alerta", "services", S, nil},
		{"zenoss", "tid", none, []types.Type{I}},
		{"zenoss", "message", none, []types.Type{S}},
		{"zenoss", "customField", none, []types.Type{S, A}},
		{"log", "mode", none, []types.Type{I}},
		{"post", "timeout", none, []types.Type{D}},
		{"post", "header", none, []types.Type{S, S}},
		{"post", "uRL", none, []types.Type{S}},
		{"post", "URL", none, []types.Type{S}},
		{"pushover", "uRLTitle", none, []types.Type{S}},
		{"email", "to", S, nil},
		{"snmpTrap", "data", none, []types.Type{S, S, S}},
		{"kafka", "partitionHashAlgorithm", none, []types.Type{S}},
		{"kafka", "disablePartitionById", none, nil},
		{"opsGenie2", "details", none, nil},
		{"teams", "channelURL", none, []types.Type{S}},
		{"sensu", "metadata", none, []types.Type{S, A}},
	}
	for _, c := range props {
		pr := handlerProp(t, c.handler, c.prop)
		wantSig(t, c.handler+"."+c.prop, pr.Sig, c.rest, c.fixed...)
	}

	calls := []struct {
		handler string
		rest    types.Type
		fixed   []types.Type
	}{
		{"email", S, nil},
		{"post", S, nil},
		{"exec", S, []types.Type{S}},
		{"log", none, []types.Type{S}},
		{"tcp", none, []types.Type{S}},
		{"mqtt", none, []types.Type{S}},
		{"snmpTrap", none, []types.Type{S}},
		{"slack", none, nil},
		{"talk", none, nil},
	}
	for _, c := range calls {
		wantSig(t, "."+c.handler+"()", Handlers[c.handler].Sig, c.rest, c.fixed...)
	}

	// Spellings Kapacitor does not accept must not be listed.
	for _, bad := range [][2]string{{"post", "url"}, {"pushover", "url"}, {"zenoss", "tID"}, {"exec", "command"}} {
		if Handlers[bad[0]].Prop(bad[1]) != nil {
			t.Errorf("%s.%s should not exist", bad[0], bad[1])
		}
	}
}

func TestHandlerGlobalAndSection(t *testing.T) {
	global := map[string]bool{
		"email": true, "victorOps": true, "pagerDuty": true, "pagerDuty2": true,
		"slack": true, "telegram": true, "hipChat": true, "opsGenie": true,
		"opsGenie2": true, "discord": true, "bigPanda": true, "teams": true,
		"serviceNow": true, "zenoss": true,
	}
	noSection := map[string]bool{"log": true, "tcp": true, "exec": true}
	for name, h := range Handlers {
		if h.Global != global[name] {
			t.Errorf("%s: Global = %v, want %v", name, h.Global, global[name])
		}
		if (h.Section == "") != noSection[name] {
			t.Errorf("%s: Section = %q", name, h.Section)
		}
	}
	if s := Handlers["post"].Section; s != "httppost" {
		t.Errorf("post section = %q", s)
	}
	if s := Handlers["email"].Section; s != "smtp" {
		t.Errorf("email section = %q", s)
	}
}

func TestHandlerData(t *testing.T) {
	for name, h := range Handlers {
		if h.Name != name {
			t.Errorf("handler registered as %q is named %q", name, h.Name)
		}
		if h.Doc == "" {
			t.Errorf("%s: no Doc", name)
		}
		seen := map[string]bool{}
		for _, pr := range h.Props {
			if pr.Doc == "" {
				t.Errorf("%s.%s: no Doc", name, pr.Name)
			}
			if seen[pr.Name] {
				t.Errorf("%s.%s: listed twice", name, pr.Name)
			}
			seen[pr.Name] = true
			all := pr.Sig.Params
			if pr.Sig.Variadic != nil {
				all = append(all[:len(all):len(all)], *pr.Sig.Variadic)
			}
			for _, pa := range all {
				if pa.Name == "" || len(pa.Types) == 0 {
					t.Errorf("%s.%s: incomplete param %+v", name, pr.Name, pa)
				}
			}
		}
	}
}
