package alert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testTemplates(t *testing.T, id, message, details string) *Templates {
	t.Helper()
	tmpl, err := NewTemplates("cpu_alert", ServerInfo{Hostname: "localhost", ClusterID: "c", ServerID: "s"}, id, message, details)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestTemplateDefaults(t *testing.T) {
	tmpl := testTemplates(t, DefaultID, DefaultMessage, DefaultDetails)
	tags := map[string]string{"host": "a<b", "cpu": "cpu-total"}
	fields := map[string]any{"usage_idle": 47.33, "n": int64(3), "s": "x&y", "ok": true}
	ev := Event{Level: Critical, Time: time.Date(2024, 3, 4, 10, 0, 30, 500, time.UTC), Duration: 10 * time.Second}

	id, err := tmpl.RenderID("cpu", "host=a<b", tags)
	if err != nil || id != "cpu:host=a<b" { // text/template: no escaping
		t.Fatalf("id %q, %v", id, err)
	}
	if id, _ := tmpl.RenderID("cpu", "", tags); id != "cpu:nil" {
		t.Fatalf("ungrouped id %q", id)
	}
	msg, details, err := tmpl.RenderMessageAndDetails(id, "cpu", "host=a<b", tags, fields, ev)
	if err != nil {
		t.Fatal(err)
	}
	if msg != "cpu:host=a<b is CRITICAL" {
		t.Fatalf("message %q", msg)
	}
	// The JSON of detailsInfo (field order as Kapacitor's structs, maps
	// sorted, "<" escaped by encoding/json), then HTML-escaped by
	// html/template, with Encode's newline.
	want := `{"Name":"cpu","TaskName":"cpu_alert","Group":"host=a\u003cb","Tags":{"cpu":"cpu-total","host":"a\u003cb"},` +
		`"ServerInfo":{"Hostname":"localhost","ClusterID":"c","ServerID":"s"},"ID":"cpu:host=a\u003cb",` +
		`"Fields":{"n":3,"ok":true,"s":"x\u0026y","usage_idle":47.33},"Level":"CRITICAL",` +
		`"Time":"2024-03-04T10:00:30.0000005Z","Duration":10000000000,"Message":"cpu:host=a\u003cb is CRITICAL"}` + "\n"
	want = strings.ReplaceAll(want, `"`, "&#34;")
	if details != want {
		t.Fatalf("details\n got %s\nwant %s", details, want)
	}
}

func TestTemplateData(t *testing.T) {
	tmpl := testTemplates(t,
		`{{ .TaskName }}/{{ .Name }}/{{ index .Tags "host" }}/{{ .ServerInfo.Hostname }}`,
		`{{ .ID }} {{ .Level }} {{ .Time }} {{ .Duration }} {{ index .Fields "v" }} {{ .Group }} {{ .Time.Unix }}`,
		`<b>{{ .Message }}</b> {{ jsonCompact .Tags }}|{{ .Level }}`)
	tags := map[string]string{"host": "h1"}
	ev := Event{Level: Warning, Time: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC), Duration: 90 * time.Second}
	id, err := tmpl.RenderID("cpu", "host=h1", tags)
	if err != nil || id != "cpu_alert/cpu/h1/localhost" {
		t.Fatalf("id %q %v", id, err)
	}
	msg, details, err := tmpl.RenderMessageAndDetails(id, "cpu", "", tags, map[string]any{"v": 1.5}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if want := "cpu_alert/cpu/h1/localhost WARNING 2024-03-04 10:00:00 +0000 UTC 1m30s 1.5 nil 1709546400"; msg != want {
		t.Fatalf("message\n got %q\nwant %q", msg, want)
	}
	if want := `<b>cpu_alert/cpu/h1/localhost WARNING 2024-03-04 10:00:00 &#43;0000 UTC 1m30s 1.5 nil 1709546400</b> {&#34;host&#34;:&#34;h1&#34;}|WARNING`; details != want {
		t.Fatalf("details\n got %q\nwant %q", details, want)
	}
}

func TestTemplateErrors(t *testing.T) {
	for _, c := range [][3]string{
		{"{{ .Name", DefaultMessage, DefaultDetails},
		{DefaultID, "{{ if }}", DefaultDetails},
		{DefaultID, DefaultMessage, "{{ nosuchfunc . }}"},
	} {
		if _, err := NewTemplates("t", ServerInfo{}, c[0], c[1], c[2]); err == nil {
			t.Errorf("%q: no error", c)
		}
	}
	tmpl := testTemplates(t, "{{ .Nope }}", DefaultMessage, DefaultDetails)
	if _, err := tmpl.RenderID("cpu", "", nil); err == nil {
		t.Error("RenderID: no error for an unknown field")
	}
	n, _ := NewNode(Config{}, tmpl, "x")
	if _, err := n.Fire(Event{Level: Critical}, &Input{Name: "cpu"}); err == nil {
		t.Error("Fire: no error")
	}
	if n.Stats.AlertsTriggered.Load() != 0 {
		t.Error("failed event counted")
	}
}

func TestLogHandler(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alerts.log")
	h, err := NewLogHandler(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h.Mode != 0600 {
		t.Fatalf("mode %v", h.Mode)
	}
	d1 := &Data{ID: "a", Level: Critical, Time: t0, Recoverable: true}
	d2 := &Data{ID: "b", Level: OK, Time: t0}
	for _, d := range []*Data{d1, d2} {
		if err := h.Handle(d); err != nil {
			t.Fatal(err)
		}
	}
	// Lines of events in quick succession are written together, at the
	// latest when the handlers are flushed.
	if err := Flush(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	j1, _ := d1.JSON()
	j2, _ := d2.JSON()
	if string(b) != string(j1)+string(j2) {
		t.Fatalf("log %q", b)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm()&^0600 != 0 {
		t.Fatalf("file mode %v", fi.Mode())
	}
	// As with Kapacitor's open per event, a removed log is recreated and a
	// rotated one is followed.
	os.Remove(path)
	if err := h.Handle(d1); err != nil {
		t.Fatal(err)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(j1) {
		t.Fatalf("recreated log %q", b)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(d2); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(j2) {
		t.Fatalf("log after rotation %q", b)
	}
	if b, _ := os.ReadFile(path + ".1"); string(b) != string(j1) {
		t.Fatalf("rotated log %q", b)
	}
	// After Close, the next event opens the file again.
	if err := h.Handle(d1); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(j2)+string(j1) {
		t.Fatalf("log after reopening %q", b)
	}

	if _, err := NewLogHandler("relative.log", 0); err == nil {
		t.Error("relative path accepted")
	}
	if _, err := NewLogHandler(path, 0444); err == nil {
		t.Error("read-only mode accepted")
	}
	if h, err := NewLogHandler(path, 0644); err != nil || h.Mode != 0644 {
		t.Errorf("mode 0644: %v", err)
	}
	bad := &LogHandler{Path: filepath.Join(dir, "missing", "x.log"), Mode: 0600}
	if err := bad.Handle(d1); err == nil {
		t.Error("unopenable file: no error")
	}
}
