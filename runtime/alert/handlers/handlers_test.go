package handlers

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/alert"
)

// conf is a configuration of kapacitor.conf sections.
type conf map[string]map[string]any

func (c conf) Section(name string) (map[string]any, bool) {
	s, ok := c[name]
	return s, ok
}

// captured is one request a test server received.
type captured struct {
	method, path, query string
	header              http.Header
	body                string
}

// server starts a loopback server answering status; its requests arrive
// on the returned channel.
func server(t *testing.T, status int) (*httptest.Server, chan captured) {
	t.Helper()
	ch := make(chan captured, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- captured{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header, string(b)}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

func event(level alert.Level) *alert.Data {
	at := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	tags := map[string]string{"host": "a"}
	fields := map[string]interface{}{"v": 1.5}
	return &alert.Data{
		ID: "cpu:nil", Message: "cpu:nil is " + level.String(), Details: "d", Time: at, Level: level, Recoverable: true,
		Name: "cpu", Tags: tags, Fields: fields,
		Result: alert.Result{Series: []alert.Series{alert.PointSeries("cpu", tags, at, fields)}},
	}
}

// dataJSON is the event's data as Kapacitor's models.Result encodes it.
const dataJSON = `{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","v"],"values":[["2024-03-04T10:00:00Z",1.5]]}]}`

func check(t *testing.T, got captured, method, path, body string) {
	t.Helper()
	if got.method != method {
		t.Errorf("method %s, want %s", got.method, method)
	}
	if got.path != path {
		t.Errorf("path %s, want %s", got.path, path)
	}
	if got.body != body {
		t.Errorf("body:\n got %s\nwant %s", got.body, body)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestSlack(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewSlack(conf{"slack": {"enabled": true, "url": srv.URL + "/hook", "channel": "#ops"}}, SlackOptions{IconEmoji: ":fire:"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Warning)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/hook", `{"as_user":false,"attachments":[{"fallback":"cpu:nil is WARNING","color":"warning","text":"cpu:nil is WARNING","mrkdwn_in":["text"]}],"channel":"#ops","icon_emoji":":fire:","text":"","username":"kapacitor"}`+"\n")
	h, _ = NewSlack(conf{"slack": {"url": srv.URL + "/hook", "username": "bot"}}, SlackOptions{Channel: "@me"})
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/hook", `{"as_user":false,"attachments":[{"fallback":"cpu:nil is OK","color":"good","text":"cpu:nil is OK","mrkdwn_in":["text"]}],"channel":"@me","icon_emoji":"","text":"","username":"bot"}`+"\n")
}

func TestPagerDuty2(t *testing.T) {
	srv, ch := server(t, 202)
	h, err := NewPagerDuty2(conf{"pagerduty2": {"enabled": true, "url": srv.URL + "/v2/enqueue", "routing-key": "cfgkey"}},
		PagerDuty2Options{RoutingKey: "rk", TaskName: "cpu_alert", ClientURL: "http://localhost:9092/kapacitor/v1",
			Links: []PagerDuty2Link{{Href: "http://x/{{ index .Tags \"host\" }}"}, {Href: "http://y", Text: "{{ .Level }}"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	check(t, got, "POST", "/v2/enqueue", `{"routing_key":"rk","event_action":"trigger","dedup_key":"cpu:nil","payload":{"summary":"cpu:nil is CRITICAL","source":"a","severity":"critical","timestamp":"2024-03-04T10:00:00.000000000Z","class":"cpu_alert","component":"","group":"","custom_details":{"result":`+dataJSON+`}},"images":null,"links":[{"href":"http://x/a","text":"http://x/a"},{"href":"http://y","text":"CRITICAL"}],"client":"kapacitor","client_url":"http://localhost:9092/kapacitor/v1"}`+"\n")
	if a := got.header.Get("Accept"); a != "application/vnd.pagerduty+json;version=2" {
		t.Errorf("Accept %q", a)
	}
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/v2/enqueue", `{"routing_key":"rk","dedup_key":"cpu:nil","event_action":"resolve"}`+"\n")
}

func TestVictorOps(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewVictorOps(conf{"victorops": {"enabled": true, "url": srv.URL + "/integrations/alert", "api-key": "KEY", "routing-key": "cfg"}}, VictorOpsOptions{RoutingKey: "team"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/integrations/alert/KEY/team", `{"data":"{\"series\":[{\"name\":\"cpu\",\"tags\":{\"host\":\"a\"},\"columns\":[\"time\",\"v\"],\"values\":[[\"2024-03-04T10:00:00Z\",1.5]]}]}","entity_id":"cpu:nil","message_type":"CRITICAL","monitoring_tool":"kapacitor","state_message":"cpu:nil is CRITICAL","timestamp":1709546400}`+"\n")
	h, _ = NewVictorOps(conf{"victorops": {"url": srv.URL, "api-key": "KEY", "routing-key": "cfg", "json-data": true}}, VictorOpsOptions{})
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/KEY/cfg", `{"data":`+dataJSON+`,"entity_id":"cpu:nil","message_type":"RECOVERY","monitoring_tool":"kapacitor","state_message":"cpu:nil is OK","timestamp":1709546400}`+"\n")
}

func TestOpsGenie2(t *testing.T) {
	srv, ch := server(t, 202)
	h, err := NewOpsGenie2(conf{"opsgenie2": {"enabled": true, "url": srv.URL + "/v2/alerts", "api-key": "GK", "teams": []any{"cfgteam"}, "recipients": []any{"bob"}}},
		OpsGenie2Options{Teams: []string{"ops", "db"}, RecoveryAction: "bogus"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Warning)); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	check(t, got, "POST", "/v2/alerts", `{"alias":"Y3B1Om5pbA==","description":"{\"series\":[{\"name\":\"cpu\",\"tags\":{\"host\":\"a\"},\"columns\":[\"time\",\"v\"],\"values\":[[\"2024-03-04T10:00:00Z\",1.5]]}]}","details":{"Kapacitor Task Name":"cpu","Level":"WARNING","Monitoring Tool":"Kapacitor","host":"a"},"entity":"cpu:nil","message":"cpu:nil is WARNING","note":"","priority":"P3","responders":[{"name":"ops","type":"team"},{"name":"db","type":"team"},{"type":"user","username":"bob"}]}`+"\n")
	if a := got.header.Get("Authorization"); a != "GenieKey GK" {
		t.Errorf("Authorization %q", a)
	}
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	got = <-ch
	check(t, got, "POST", "/v2/alerts/Y3B1Om5pbA==/notes", `{"note":"cpu:nil is OK"}`+"\n")
	if got.query != "identifierType=alias" {
		t.Errorf("query %q", got.query)
	}
}

func TestTeams(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewTeams(nil, TeamsOptions{ChannelURL: srv.URL + "/webhook/x"})
	if err != nil {
		t.Fatal(err)
	}
	d := event(alert.Critical)
	d.Message = strings.Repeat("m", 80)
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	summary := ("CRITICAL: [cpu:nil] - " + d.Message)[:70] + "..."
	check(t, <-ch, "POST", "/webhook/x", `{"@type":"MessageCard","@context":"http://schema.org/extensions","title":"CRITICAL: [cpu:nil]","text":"`+d.Message+`","summary":"`+summary+`","themeColor":"CC4A31"}`)
	if err := h.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/webhook/x", `{"@type":"MessageCard","@context":"http://schema.org/extensions","title":"OK: [cpu:nil]","text":"cpu:nil is OK","summary":"OK: [cpu:nil] - cpu:nil is OK...","themeColor":"34CC25"}`)
}

func TestDiscord(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewDiscord(conf{"discord": {"enabled": true, "url": srv.URL + "/api/webhooks/1/t"}}, DiscordOptions{Username: "kap", EmbedTitle: "Alert"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Warning)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/api/webhooks/1/t", `{"embeds":[{"color":16026936,"title":"Alert","description":"cpu:nil is WARNING","timestamp":""}],"username":"kap"}`+"\n")
	h.Opts = DiscordOptions{AvatarURL: "http://a/b.png", Timestamp: true}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/api/webhooks/1/t", `{"avatar_url":"http://a/b.png","embeds":[{"color":16342867,"title":"","description":"cpu:nil is CRITICAL","timestamp":"2024-03-04T10:00:00Z"}]}`+"\n")
}

func TestTelegram(t *testing.T) {
	srv, ch := server(t, 200)
	h, err := NewTelegram(conf{"telegram": {"enabled": true, "url": srv.URL + "/bot", "token": "123:abc", "chat-id": "-100", "disable-notification": true}},
		TelegramOptions{ParseMode: "Markdown", DisableWebPagePreview: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	check(t, <-ch, "POST", "/bot123:abc/sendMessage", `{"chat_id":"-100","disable_notification":true,"disable_web_page_preview":true,"parse_mode":"Markdown","text":"cpu:nil is CRITICAL"}`+"\n")
	if _, err := NewTelegram(conf{"telegram": {"token": "t", "chat-id": "1"}}, TelegramOptions{ParseMode: "rst"}); err == nil {
		t.Error("bad parse mode accepted")
	}
}

func TestAlerta(t *testing.T) {
	srv, ch := server(t, 201)
	h, err := NewAlerta(conf{"alerta": {"enabled": true, "url": srv.URL + "/api", "token": "tok", "environment": "Production", "origin": "kapacitor"}},
		AlertaOptions{Value: "{{ index .Fields \"v\" }}", Correlated: []string{"{{ .Name }}-high", "{{ .Name }}-low"}, Timeout: time.Hour, TaskName: "t"})
	if err != nil {
		t.Fatal(err)
	}
	d := event(alert.Critical)
	d.Group = "host=a"
	if err := h.Handle(d); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	check(t, got, "POST", "/api/alert", `{"correlate":["cpu-high","cpu-low"],"environment":"Production","event":"cpu:nil","group":"host=a","origin":"kapacitor","rawData":`+dataJSON+`,"resource":"cpu","service":["cpu"],"severity":"critical","tags":["host=a"],"text":"cpu:nil is CRITICAL","timeout":3600,"value":"1.5"}`+"\n")
	if a := got.header.Get("Authorization"); a != "Bearer tok" {
		t.Errorf("Authorization %q", a)
	}
}

// A handler whose service needs a setting the script does not give fails
// at task start, naming the section and the key.
func TestMissingConfig(t *testing.T) {
	for name, f := range map[string]func() error{
		"slack":      func() error { _, err := NewSlack(nil, SlackOptions{}); return err },
		"pagerduty2": func() error { _, err := NewPagerDuty2(nil, PagerDuty2Options{}); return err },
		"victorops":  func() error { _, err := NewVictorOps(nil, VictorOpsOptions{}); return err },
		"opsgenie2":  func() error { _, err := NewOpsGenie2(nil, OpsGenie2Options{}); return err },
		"teams":      func() error { _, err := NewTeams(nil, TeamsOptions{}); return err },
		"discord":    func() error { _, err := NewDiscord(nil, DiscordOptions{}); return err },
		"telegram":   func() error { _, err := NewTelegram(nil, TelegramOptions{}); return err },
		"alerta":     func() error { _, err := NewAlerta(nil, AlertaOptions{}); return err },
	} {
		err := f()
		if err == nil || !strings.Contains(err.Error(), "["+name+"]") {
			t.Errorf("%s: error %v does not name the [%s] section", name, err, name)
		}
	}
	if _, err := NewSlack(conf{"slack": {"enabled": false, "url": "http://x"}}, SlackOptions{}); err == nil || !strings.Contains(err.Error(), "enabled") {
		t.Errorf("disabled section: %v", err)
	}
}

func TestErrorStatus(t *testing.T) {
	srv, _ := server(t, 500)
	h, _ := NewTeams(nil, TeamsOptions{ChannelURL: srv.URL + "/secret"})
	err := h.Handle(event(alert.Critical))
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %v", err)
	}
}
