package handlers

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/tickc/tickc/runtime/alert"
)

// escapedData is dataJSON as a JSON string.
const escapedData = `"{\"series\":[{\"name\":\"cpu\",\"tags\":{\"host\":\"a\"},\"columns\":[\"time\",\"v\"],\"values\":[[\"2024-03-04T10:00:00Z\",1.5]]}]}"`

func TestPagerDuty(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewPagerDuty(conf{"pagerduty": {"enabled": true, "url": srv.URL + "/generic/create_event.json", "service-key": "cfg"}},
		PagerDutyOptions{ServiceKey: "sk", ClientURL: "http://h:9092/kapacitor/v1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/generic/create_event.json", `{"client":"kapacitor","client_url":"http://h:9092/kapacitor/v1","description":"cpu:nil is CRITICAL","details":"d","event_type":"trigger","incident_key":"cpu:nil","service_key":"sk"}`+"\n")
	h, _ = NewPagerDuty(conf{"pagerduty": {"url": srv.URL, "service-key": "cfg"}}, PagerDutyOptions{})
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/", `{"client":"kapacitor","client_url":"","description":"cpu:nil is OK","details":"d","event_type":"resolve","incident_key":"cpu:nil","service_key":"cfg"}`+"\n")
	if err := h.Handle(event(alert.Info)); err == nil || !strings.Contains(err.Error(), "'info'") {
		t.Errorf("INFO: %v", err)
	}
}

func TestOpsGenie(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewOpsGenie(conf{"opsgenie": {"enabled": true, "url": srv.URL + "/v1/json/alert", "recovery_url": srv.URL + "/v1/json/alert/note",
		"api-key": "K", "teams": []any{"cfgteam"}, "recipients": []any{"bob"}}}, OpsGenieOptions{Teams: []string{"ops"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Warning)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/v1/json/alert/", `{"alias":"cpu:nil","apiKey":"K","description":`+escapedData+`,"details":{"Level":"WARNING","Monitoring Tool":"Kapacitor"},"entity":"cpu:nil","message":"cpu:nil is WARNING","monitoring_tool":"kapacitor","note":"","recipients":["bob"],"teams":["ops"]}`+"\n")
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/v1/json/alert/note/", `{"alias":"cpu:nil","apiKey":"K","description":`+escapedData+`,"details":{"Level":"RECOVERY","Monitoring Tool":"Kapacitor"},"entity":"cpu:nil","message":"cpu:nil is OK","monitoring_tool":"kapacitor","note":"cpu:nil is OK","recipients":["bob"],"teams":["ops"]}`+"\n")
}

func TestPushover(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewPushover(conf{"pushover": {"enabled": true, "url": srv.URL + "/1/messages.json", "token": "tok", "user-key": "uk"}},
		PushoverOptions{Title: "T", URL: "http://x", Sound: "siren"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	if got.method != "POST" || got.path != "/1/messages.json" {
		t.Errorf("%s %s", got.method, got.path)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", ct)
	}
	if want := "message=cpu%3Anil+is+CRITICAL&priority=1&sound=siren&title=T&token=tok&url=http%3A%2F%2Fx&user=uk"; got.body != want {
		t.Errorf("body\n got %s\nwant %s", got.body, want)
	}
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	if got := <-ch; !strings.Contains(got.body, "priority=-2") {
		t.Errorf("OK body %s", got.body)
	}
}

func TestSensu(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lines := make(chan string, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			line, _ := bufio.NewReader(c).ReadString('\n')
			lines <- line
			c.Write([]byte("ok"))
			c.Close()
		}
	}()
	h, err := NewSensu(conf{"sensu": {"enabled": true, "addr": ln.Addr().String(), "handlers": []any{"cfg"}}},
		SensuOptions{Source: "{{ index .Tags \"host\" }}", Metadata: map[string]any{"k": int64(1), "name": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	d := event(alert.Warning)
	d.ID = "cpu_nil"
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	if got, want := <-lines, `{"handlers":["cfg"],"k":1,"name":"cpu_nil","output":"cpu:nil is WARNING","source":"a","status":1}`+"\n"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	h, _ = NewSensu(conf{"sensu": {"addr": ln.Addr().String()}}, SensuOptions{Handlers: []string{"h1"}})
	d = event(alert.Critical)
	d.ID = "cpu_nil"
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	if got, want := <-lines, `{"handlers":["h1"],"name":"cpu_nil","output":"cpu:nil is CRITICAL","source":"Kapacitor","status":2}`+"\n"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if err := h.Handle(event(alert.OK)); err == nil || !strings.Contains(err.Error(), "invalid name") {
		t.Errorf("bad name: %v", err)
	}
}

func TestMissingConfig2(t *testing.T) {
	for name, f := range map[string]func() error{
		"pagerduty": func() error { _, err := NewPagerDuty(nil, PagerDutyOptions{}); return err },
		"opsgenie":  func() error { _, err := NewOpsGenie(nil, OpsGenieOptions{}); return err },
		"pushover":  func() error { _, err := NewPushover(nil, PushoverOptions{}); return err },
		"sensu":     func() error { _, err := NewSensu(nil, SensuOptions{}); return err },
	} {
		err := f()
		if err == nil || !strings.Contains(err.Error(), "["+name+"]") {
			t.Errorf("%s: error %v does not name the [%s] section", name, err, name)
		}
	}
}

func TestTalk(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewTalk(conf{"talk": {"enabled": true, "url": srv.URL + "/v1/services/webhook/abc", "author_name": "Kapacitor"}}, TalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/v1/services/webhook/abc", `{"authorName":"Kapacitor","text":"cpu:nil is CRITICAL","title":"cpu:nil"}`+"\n")
	if _, err := NewTalk(nil, TalkOptions{}); err == nil || !strings.Contains(err.Error(), "[talk]") {
		t.Errorf("missing url: %v", err)
	}
}
