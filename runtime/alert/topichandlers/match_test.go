package topichandlers

import (
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/alert"
)

func TestMatch(t *testing.T) {
	d := &alert.Data{ID: "cpu:a", Level: alert.Warning, PreviousLevel: alert.OK, Name: "cpu",
		TaskName: "cpu_alert", Duration: 90 * time.Second, Tags: map[string]string{"host": "a", "dc": "eu-1"}}
	for _, c := range []struct {
		expr string
		want bool
	}{
		{`level() >= WARNING`, true},
		{`level() == CRITICAL`, false},
		{`level() > OK AND level() < CRITICAL`, true},
		{`changed()`, true},
		{`changed() == TRUE`, true},
		{`!changed()`, false},
		{`changed() == FALSE OR "host" == 'a'`, true},
		{`"host" == 'b' OR ("dc" =~ /^eu-/ AND name() == 'cpu')`, true},
		{`"dc" !~ /^eu-/`, false},
		{`taskName() == 'cpu_alert'`, true},
		{`duration() > 1m`, true},
		{`duration() >= 2m`, false},
		{`level() == 2`, true},
		{`level() < 2.5`, true},
		{`"host" != 'a' AND "missing" == 'x'`, false}, // short-circuit: no error
	} {
		m, err := ParseMatch(c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		got, err := m.Eval(d)
		if err != nil || got != c.want {
			t.Errorf("%s = %v, %v; want %v", c.expr, got, err, c.want)
		}
	}
}

func TestMatchErrors(t *testing.T) {
	for expr, want := range map[string]string{
		`level() >= WARNIN`:     `unknown identifier "WARNIN"`,
		`sigma() > 3`:           "unknown function sigma()",
		`level(1) > 1`:          "takes no arguments",
		`"host" == 'a`:          "unterminated '",
		`(level() > 1`:          "missing )",
		`level() > 1 changed()`: `unexpected "changed"`,
		`"dc" =~ /[/`:           "missing closing ]",
	} {
		if _, err := ParseMatch(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", expr, err, want)
		}
	}
	// A missing tag and a non-boolean result are errors when evaluated.
	d := &alert.Data{Tags: map[string]string{}}
	for expr, want := range map[string]string{`"host" == 'a'`: "no tag exists for host", `name()`: "not boolean"} {
		m, err := ParseMatch(expr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Eval(d); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", expr, err, want)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	m, err := ParseMatch(`level() >= WARNING AND changed() AND "host" =~ /^web/`)
	if err != nil {
		b.Fatal(err)
	}
	d := &alert.Data{Level: alert.Critical, Tags: map[string]string{"host": "web1"}}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := m.Eval(d); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
