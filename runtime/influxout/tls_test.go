package influxout

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"
)

// TestConnectTLS checks that Connect reads the TLS keys of [[influxdb]]
// and writes to each of its urls in turn.
func TestConnectTLS(t *testing.T) {
	var writes [2]int
	var urls []any
	for i := range writes {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writes[i]++
			w.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		urls = append(urls, srv.URL)
	}
	c, err := Connect(fakeConfig{"influxdb": {{"name": "s", "urls": urls, "insecure-skip-verify": true}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	bp, _ := client.NewBatchPoints(client.BatchPointsConfig{Database: "db"})
	p, _ := client.NewPoint("m", nil, map[string]any{"v": 1.0}, time.Unix(1, 0))
	bp.AddPoint(p)
	for range 4 {
		if err := c.Write(bp); err != nil {
			t.Fatal(err)
		}
	}
	if writes != [2]int{2, 2} {
		t.Errorf("writes per URL %v, want 2 each", writes)
	}
	// Without insecure-skip-verify or ssl-ca, the test certificate is refused.
	c2, err := Connect(fakeConfig{"influxdb": {{"name": "s", "urls": urls[:1]}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := c2.Write(bp); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an unverified certificate: %v", err)
	}
	if _, err := Connect(fakeConfig{"influxdb": {{"name": "s", "urls": urls, "ssl-ca": "/nonexistent.pem"}}}, ""); err == nil {
		t.Error("a missing ssl-ca file: no error")
	}
}
