package alert

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// parsedDefaults returns templates that render the defaults with
// text/template and html/template, as Kapacitor does.
func parsedDefaults(t *testing.T, server ServerInfo) *Templates {
	t.Helper()
	tmpl, err := NewTemplates("cpu_alert", server, DefaultID, DefaultMessage, DefaultDetails)
	if err != nil {
		t.Fatal(err)
	}
	if !tmpl.defaultID || !tmpl.defaultMessage || !tmpl.defaultDetails {
		t.Fatal("the defaults are not recognised")
	}
	tmpl.defaultID, tmpl.defaultMessage, tmpl.defaultDetails = false, false, false
	return tmpl
}

// The hand-written rendering of the default templates matches the parsed
// templates byte for byte, on random names, tags, fields and times, including
// what encoding/json rejects (NaN, years beyond 9999) and what html/template
// escapes (quotes, '+', '&', '<').
func TestDefaultTemplatesMatchParsed(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	empty, escaped := 0, 0
	for i := range 20000 {
		server := ServerInfo{Hostname: randString(r), ClusterID: randString(r), ServerID: randString(r)}
		if i%2 == 0 {
			server = ServerInfo{Hostname: "localhost"}
		}
		fast, err := NewTemplates("cpu_alert", server, DefaultID, DefaultMessage, DefaultDetails)
		if err != nil {
			t.Fatal(err)
		}
		slow := parsedDefaults(t, server)
		if i%3 == 0 {
			fast.TaskName = randString(r) + "'+"
			slow.TaskName = fast.TaskName
		}
		name, group := randString(r), randString(r)
		if i%4 == 0 {
			group = ""
		}
		var tags map[string]string
		if r.IntN(5) > 0 {
			tags = map[string]string{}
			for n := r.IntN(12); n > 0; n-- {
				tags[randString(r)+"+'"[:r.IntN(3)]] = randString(r)
			}
		}
		var fields map[string]any
		if r.IntN(5) > 0 {
			fields = map[string]any{}
			for n := r.IntN(12); n > 0; n-- {
				v := randValue(r)
				switch r.IntN(20) {
				case 0:
					v = math.NaN()
				case 1:
					v = 1e21 // "1e+21": html/template escapes the '+'
				case 2:
					v = map[string]any{"a<": []int{1, 2}}
				}
				fields[randString(r)] = v
			}
		}
		ev := Event{Level: Level(r.IntN(4)), Time: time.Unix(r.Int64N(1<<34), r.Int64N(1e9)).UTC(),
			Duration: time.Duration(r.Int64()) - 1<<62}
		switch r.IntN(10) {
		case 0:
			ev.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		case 1:
			ev.Time = time.Unix(r.Int64N(1<<34), 0).In(time.FixedZone("X", 3600))
		}

		wantID, err1 := slow.RenderID(name, group, tags)
		gotID, err2 := fast.RenderID(name, group, tags)
		if err1 != nil || err2 != nil || gotID != wantID {
			t.Fatalf("id %q (%v), want %q (%v)", gotID, err2, wantID, err1)
		}
		wantMsg, wantDetails, err1 := slow.RenderMessageAndDetails(wantID, name, group, tags, fields, ev)
		gotMsg, gotDetails, err2 := fast.RenderMessageAndDetails(wantID, name, group, tags, fields, ev)
		if err1 != nil || err2 != nil {
			t.Fatalf("errors %v, %v", err2, err1)
		}
		if gotMsg != wantMsg {
			t.Fatalf("message %q, want %q", gotMsg, wantMsg)
		}
		if gotDetails != wantDetails {
			t.Fatalf("details\n got %q\nwant %q", gotDetails, wantDetails)
		}
		if gotDetails == "" {
			empty++
		} else if strings.Contains(gotDetails, "&#43;") && strings.Contains(gotDetails, "&#39;") {
			escaped++
		}
	}
	if empty < 100 || escaped < 100 {
		t.Errorf("only %d failed encodings and %d details with ' and +", empty, escaped)
	}
}

func BenchmarkRenderDefaults(b *testing.B) {
	tmpl, _ := NewTemplates("cpu_alert", ServerInfo{Hostname: "localhost"}, DefaultID, DefaultMessage, DefaultDetails)
	tags := map[string]string{"cpu": "cpu-total", "host": "host001"}
	fields := map[string]any{"usage_idle": 67.33}
	ev := Event{Level: Critical, Time: t0, Duration: time.Minute}
	b.ReportAllocs()
	for b.Loop() {
		id, _ := tmpl.RenderID("cpu", "", tags)
		tmpl.RenderMessageAndDetails(id, "cpu", "", tags, fields, ev)
	}
}

// BenchmarkFirePoint is the cost of one event of the guide's cpu_alert task
// (default templates, a stream point, the .log() handler), as its replay
// pays it for 14% critical points.
func BenchmarkFirePoint(b *testing.B) {
	tmpl, err := NewTemplates("cpu_alert", ServerInfo{Hostname: "localhost"}, DefaultID, DefaultMessage, DefaultDetails)
	if err != nil {
		b.Fatal(err)
	}
	h, err := NewLogHandler(filepath.Join(b.TempDir(), "alerts.log"), 0)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	n, _ := NewNode(Config{History: DefaultHistory}, tmpl, "kapacitor:cpu_alert:alert2", h)
	p := &pipeline.Point{
		DB: "telegraf", RP: "autogen", Name: "cpu", Time: t0.UnixNano(),
		Tags:   []pipeline.Tag{{Key: "cpu", Value: "cpu-total"}, {Key: "host", Value: "host042"}},
		Fields: []pipeline.Field{{Key: "usage_idle", Value: pipeline.FloatValue(67.25)}},
		Group:  pipeline.NewGroups().Root(),
	}
	ev := Event{Level: Critical, Time: t0, Duration: time.Minute}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Fire(ev, PointInput(p)); err != nil {
			b.Fatal(err)
		}
	}
}
