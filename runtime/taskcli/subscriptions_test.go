package taskcli

import (
	"regexp"
	"testing"
)

func TestSubscriptionID(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a := subscriptionID("cluster", "cpu_alert", "kap01", "9092")
	if !uuid.MatchString(a) {
		t.Errorf("%q is not a UUID", a)
	}
	if b := subscriptionID("cluster", "cpu_alert", "kap01", "9093"); b != a {
		t.Errorf("cluster mode depends on the port: %s %s", a, b)
	}
	for _, other := range []string{
		subscriptionID("cluster", "mem_alert", "kap01", "9092"),
		subscriptionID("cluster", "cpu_alert", "kap02", "9092"),
		subscriptionID("server", "cpu_alert", "kap01", "9092"),
	} {
		if other == a {
			t.Errorf("same ID %s for a different task, host or mode", a)
		}
	}
	if subscriptionID("server", "t", "h", "1") == subscriptionID("server", "t", "h", "2") {
		t.Error("server mode ignores the port")
	}
}

func TestQuoteString(t *testing.T) {
	if got := quoteString(`http://a'b\c`); got != `'http://a\'b\\c'` {
		t.Errorf("quoteString = %s", got)
	}
}
