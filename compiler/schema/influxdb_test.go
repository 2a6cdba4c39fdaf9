package schema_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/compiler/schema"
	"github.com/tickc/tickc/compiler/types"
	"github.com/tickc/tickc/internal/influxtest"
)

// Points in three shards (1970, 2017 and 2033) give field f of "conflict"
// three types and g two, to check that the type InfluxDB reads them as wins
// (not, say, the alphabetically first).
const telegrafPoints = `cpu,host=a,cpu=cpu0 usage_idle=97.5,cores=4i,state="ok",online=true 1000000000
cpu,host=b,cpu=cpu1 usage_idle=12 1000000000
mem,host=a used=1024i 1000000000
conflict f=1i,g=true 1000000000
conflict f="x",g="y" 1500000000000000000
conflict f=false 2000000000000000000
`

func TestFromInfluxDB(t *testing.T) {
	srv := influxtest.Start(t)
	srv.Write(t, "telegraf", telegrafPoints)
	// Points of a new default retention policy; FromInfluxDB must keep the
	// two policies apart.
	srv.Query(t, "telegraf", `CREATE RETENTION POLICY "short" ON "telegraf" DURATION 1h REPLICATION 1 DEFAULT`)
	srv.Write(t, "telegraf", "disk,path=/ free=1.5\n")

	autogen := &schema.Schema{Measurements: map[string]*schema.Measurement{
		"cpu": {
			Fields: map[string]types.Type{"usage_idle": types.Float, "cores": types.Int, "state": types.String, "online": types.Bool},
			Tags:   []string{"cpu", "host"},
		},
		"mem": {
			Fields: map[string]types.Type{"used": types.Int},
			Tags:   []string{"host"},
		},
		"conflict": {
			Fields: map[string]types.Type{"f": types.Int, "g": types.String},
		},
	}}
	short := &schema.Schema{Measurements: map[string]*schema.Measurement{
		"disk": {Fields: map[string]types.Type{"free": types.Float}, Tags: []string{"path"}},
	}}
	for _, tt := range []struct {
		rp   string
		want *schema.Schema
	}{
		{"autogen", autogen},
		{"short", short},
		{"", short}, // the default retention policy
	} {
		got, err := schema.FromInfluxDB(context.Background(), srv.URL, "telegraf", tt.rp, "", "")
		if err != nil {
			t.Fatalf("FromInfluxDB(rp %q): %v", tt.rp, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FromInfluxDB(rp %q) mismatch (-want +got):\n%s", tt.rp, diff)
		}
	}
}

func TestFromInfluxDBErrors(t *testing.T) {
	srv := influxtest.Start(t)
	srv.Write(t, "telegraf", "cpu usage_idle=1\n")

	tests := []struct {
		name, url, db, rp string
		want              string
	}{
		{"no database", srv.URL, "nope", "", `database "nope" from InfluxDB at ` + srv.URL + ": database not found: nope"},
		{"no retention policy", srv.URL, "telegraf", "nope", "retention policy not found: nope"},
		{"unreachable", "http://" + closedAddr(t), "telegraf", "", "server unreachable: dial tcp"},
		{"not a URL", "localhost:8086", "telegraf", "", "Unsupported protocol scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := schema.FromInfluxDB(context.Background(), tt.url, tt.db, tt.rp, "", "")
			if err == nil {
				t.Fatalf("got schema %v, want an error containing %q", s, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestFromInfluxDBCancel checks that cancelling the context ends a request
// to a server that never answers.
func TestFromInfluxDBCancel(t *testing.T) {
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) }) // runs first, so Close does not wait forever

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := schema.FromInfluxDB(ctx, hung.URL, "telegraf", "", "", "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got error %v, want context.Canceled", err)
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
