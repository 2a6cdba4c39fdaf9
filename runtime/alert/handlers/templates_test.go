package handlers

import (
	"net"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/tickc/tickc/runtime/alert"
)

func TestBigPandaHostAttributes(t *testing.T) {
	srv, ch := server(t, 201)
	h, err := NewBigPanda(conf{"bigpanda": {"enabled": true, "url": srv.URL, "app-key": "ak", "token": "T"}},
		BigPandaOptions{TaskName: "task", Host: "{{ .Tags.host }}.example.com", PrimaryProperty: "host", SecondaryProperty: "check",
			Attributes: map[string]any{"link": "http://mon/{{ index .Tags \"host\" }}", "v": "{{ .Fields.v }}", "n": int64(3)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/", `{"app_key":"ak","check":"cpu:nil","description":"cpu:nil is CRITICAL","details":"d","host":"a.example.com","link":"http://mon/a","n":3,"primary_property":"host","secondary_property":"check","status":"critical","task":"task:cpu","timestamp":1709546400,"v":"1.5"}`+"\n")

	if _, err := NewBigPanda(conf{"bigpanda": {"app-key": "ak", "token": "T"}}, BigPandaOptions{Host: "{{ .Tags.host"}); err == nil || !strings.Contains(err.Error(), "host template") {
		t.Errorf("bad host template: %v", err)
	}
}

func TestEmailToTemplates(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be := &smtpBackend{mails: make(chan smtpMail, 4)}
	srv := gosmtp.NewServer(be)
	srv.Domain = "localhost"
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	// No configured recipients: the templates give them all.
	h, err := NewEmail(conf{"smtp": {"enabled": true, "host": host, "port": port, "from": "k@example.com"}},
		EmailOptions{To: []string{"ops@example.com"}, ToTemplates: []string{
			`{{ index .Tags "host" }}-owner@example.com`, `{{ if eq .Level "CRITICAL" }}oncall@example.com, boss@example.com{{ end }}`}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for level, want := range map[alert.Level]string{
		alert.Critical: "ops@example.com,a-owner@example.com,oncall@example.com,boss@example.com",
		alert.Warning:  "ops@example.com,a-owner@example.com",
	} {
		if err := h.Handle(event(level)); err != nil {
			t.Fatal(err)
		}
		if got := <-be.mails; strings.Join(got.to, ",") != want {
			t.Errorf("%s: recipients %v, want %s", level, got.to, want)
		}
	}
	if _, err := NewEmail(conf{"smtp": {"from": "k@example.com"}}, EmailOptions{ToTemplates: []string{"{{ .Tags"}}); err == nil || !strings.Contains(err.Error(), "toTemplates[0] template") {
		t.Errorf("bad template: %v", err)
	}
}
