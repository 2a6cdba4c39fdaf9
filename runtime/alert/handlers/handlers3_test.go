package handlers

import (
	"strings"
	"testing"

	"github.com/tickc/tickc/runtime/alert"
)

func TestServiceNow(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewServiceNow(conf{"servicenow": {"enabled": true, "url": srv.URL + "/api/global/em/jsonv2", "source": "cfg", "username": "u", "password": "p"}},
		ServiceNowOptions{Node: "{{ index .Tags \"host\" }}", MetricName: "{{ .Name }}",
			AdditionalInfo: map[string]any{"n": int64(3), "id": "{{ .ID }}"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Warning)); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	check(t, got, "POST", "/api/global/em/jsonv2", `{"records":[{"source":"cfg","node":"a","metric_name":"cpu","message_key":"cpu:nil","severity":"4","description":"cpu:nil is WARNING","additional_info":"{\"id\":\"cpu:nil\",\"n\":\"3\"}"}]}`)
	if a := got.header.Get("Authorization"); a != "Basic dTpw" {
		t.Errorf("Authorization %q", a)
	}
	h, _ = NewServiceNow(conf{"servicenow": {"url": srv.URL}}, ServiceNowOptions{Source: "src", MessageKey: "k"})
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	got = <-ch
	check(t, got, "POST", "/", `{"records":[{"source":"src","message_key":"k","severity":"5","description":"cpu:nil is OK"}]}`)
	if a := got.header.Get("Authorization"); a != "" {
		t.Errorf("Authorization %q", a)
	}
}

func TestZenoss(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewZenoss(conf{"zenoss": {"enabled": true, "url": srv.URL + "/zport/dmd/evconsole_router", "username": "u", "password": "p",
		"tid": int64(7), "severity-map": map[string]any{"Critical": int64(5)}}},
		ZenossOptions{Device: "{{ index .Tags \"host\" }}", Component: "{{ .Level }}", Message: "{{ .Details }}",
			CustomFields: map[string]any{"n": int64(2), "j": `{"a":[1]}`, "s": "{{ .Name }}"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	check(t, got, "POST", "/zport/dmd/evconsole_router", `{"action":"EventsRouter","method":"add_event","data":[{"collector":"Kapacitor","component":"CRITICAL","device":"a","evclass":"","evclasskey":"","j":{"a":[1]},"message":"d","n":2,"s":"cpu","severity":5,"summary":"cpu:nil is CRITICAL"}],"type":"rpc","tid":7}`)
	if a := got.header.Get("Authorization"); a != "Basic dTpw" {
		t.Errorf("Authorization %q", a)
	}
	h, _ = NewZenoss(conf{"zenoss": {"url": srv.URL + "/r", "collector": "c1"}}, ZenossOptions{Summary: "S", Action: "A", TID: 3})
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/r", `{"action":"A","method":"add_event","data":[{"collector":"c1","component":"","device":"","evclass":"","evclasskey":"","severity":"Clear","summary":"S"}],"type":"rpc","tid":3}`)
}

func TestBigPanda(t *testing.T) {
	srv, ch := server(t, 201)
	h, err := NewBigPanda(conf{"bigpanda": {"enabled": true, "url": srv.URL + "/data/v2/alerts", "app-key": "cfg", "token": "T"}},
		BigPandaOptions{AppKey: "ak", TaskName: "task"})
	if err != nil {
		t.Fatal(err)
	}
	d := event(alert.Warning)
	d.Details = "a &amp; b"
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	check(t, got, "POST", "/data/v2/alerts", `{"app_key":"ak","check":"cpu:nil","description":"cpu:nil is WARNING","details":"a \u0026 b","host":"a","status":"warning","task":"task:cpu","timestamp":1709546400}`+"\n")
	if a := got.header.Get("Authorization"); a != "Bearer T" {
		t.Errorf("Authorization %q", a)
	}
	d = event(alert.Info)
	d.Details = "{&#34;x&#34;:1}"
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/data/v2/alerts", `{"app_key":"ak","check":"cpu:nil","description":"cpu:nil is INFO","host":"a","status":"ok","task":"task:cpu","timestamp":1709546400}`+"\n")
}

func TestHipChat(t *testing.T) {
	srv, ch := server(t, 204)
	h, err := NewHipChat(conf{"hipchat": {"enabled": true, "url": srv.URL + "/v2/room", "room": "cfg", "token": "tok"}}, HipChatOptions{Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	check(t, got, "POST", "/v2/room/ops/notification", `{"color":"red","from":"kapacitor","message":"cpu:nil is CRITICAL","notify":true}`+"\n")
	if got.query != "auth_token=tok" {
		t.Errorf("query %q", got.query)
	}
}

func TestMissingConfig3(t *testing.T) {
	for name, f := range map[string]func() error{
		"servicenow": func() error {
			_, err := NewServiceNow(conf{"servicenow": {"url": ""}}, ServiceNowOptions{})
			return err
		},
		"zenoss":   func() error { _, err := NewZenoss(conf{"zenoss": {"enabled": false}}, ZenossOptions{}); return err },
		"bigpanda": func() error { _, err := NewBigPanda(nil, BigPandaOptions{}); return err },
		"hipchat":  func() error { _, err := NewHipChat(nil, HipChatOptions{}); return err },
	} {
		err := f()
		if err == nil || !strings.Contains(err.Error(), "["+name+"]") {
			t.Errorf("%s: error %v does not name the [%s] section", name, err, name)
		}
	}
}
