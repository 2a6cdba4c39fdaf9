package taskcli

// InfluxDB subscriptions for stream tasks, as Kapacitor's
// services/influxdb links them.
//
// For every enabled [[influxdb]] section of the configuration (none when
// the configuration has no such section: the defaults subscribe nowhere)
// without disable-subscriptions = true, serve keeps one subscription per
// DBRP that a stream task of the binary reads (for a binary of several
// tasks, the union of their DBRPs, each subscribed once):
//
//	CREATE SUBSCRIPTION "kapacitor-<id>" ON "<db>"."<rp>" DESTINATIONS ANY '<protocol>://<host>:<port>'
//
// with mode ANY and a single destination, as Kapacitor creates them. The
// host is kapacitor-hostname, else the top-level hostname setting; the
// port is http-port, else the port serve actually listens on. It links
// them when serving starts and again every subscriptions-sync-interval
// (default 1m, as in Kapacitor; 0 means the default): a missing
// subscription is created, one whose destination changed is dropped and
// created again, and one with the binary's name on a DBRP none of its
// tasks reads is dropped. Errors (InfluxDB down, database not yet created) are
// logged and retried at the next sync; they never stop the task. As in
// Kapacitor, a graceful stop leaves the subscriptions in place (Kapacitor
// drops them only when a cluster is removed or disabled at run time).
//
// Where Kapacitor puts its cluster ID (subscription-mode = "cluster", the
// default) or server ID (subscription-mode = "server"), a task binary puts
// a stable ID derived from its owner and the destination host name (and,
// in server mode, the destination port too): the first 16 bytes of
// SHA-1("tickc\x00" + mode + "\x00" + owner + "\x00" + host [+ "\x00" +
// port]), printed as a UUID. The owner of a single-task binary is its task
// ID; that of a binary of several tasks is "tasks\x00" and the name it was
// run as (so not any task's ID), which stays the same when tasks are added
// or removed: its subscription follows the new DBRPs instead of leaving
// the old ones behind. The same binary on the same host therefore finds
// its subscription again after a restart, and different binaries get
// different subscriptions, since each binary is its own "Kapacitor".
//
// Not supported: subscription-protocol = "udp", subscription tokens (auth),
// and the subscriptions / excluded-subscriptions lists (the task's DBRPs
// decide).

import (
	"context"
	"crypto/sha1"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"

	"github.com/tickc/tickc/runtime/batch"
	"github.com/tickc/tickc/runtime/pipeline"
)

const (
	defaultSubscriptionsSyncInterval = time.Minute
	subscriptionQueryTimeout         = 30 * time.Second
)

// subscriptionID is the stable ID described above.
func subscriptionID(mode, owner, host, port string) string {
	key := "tickc\x00" + mode + "\x00" + owner + "\x00" + host
	if mode == "server" {
		key += "\x00" + port
	}
	h := sha1.Sum([]byte(key))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x50 // version 5 layout
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// subscriber keeps one [[influxdb]] section's subscriptions in sync.
type subscriber struct {
	section  string
	name     string // kapacitor-<id>
	dest     string // protocol://host:port
	interval time.Duration
	want     map[[2]string]bool // db, rp
	client   *batch.Client
	log      *slog.Logger
}

// streamDBRPs is the set of DBRPs the stream tasks of progs read: what a
// binary serving them subscribes to.
func streamDBRPs(progs ...*pipeline.Program) map[[2]string]bool {
	want := map[[2]string]bool{}
	for _, p := range progs {
		if p.Type != "stream" {
			continue
		}
		for _, d := range p.DBRPs {
			want[[2]string{d.DB, d.RP}] = true
		}
	}
	return want
}

// startSubscriptions links the subscriptions of the DBRPs want (db, rp) of
// the binary owner (see subscriptionID) served on addr, and keeps them in
// sync until stop is called. It fails only on a configuration it cannot
// use.
func startSubscriptions(ctx context.Context, cfg *Config, log *slog.Logger, addr net.Addr, owner string, want map[[2]string]bool) (stop func(), err error) {
	nothing := func() {}
	if len(want) == 0 {
		return nothing, nil
	}
	_, bindPort, err := net.SplitHostPort(addr.String())
	if err != nil {
		return nil, err
	}
	var subs []*subscriber
	closeAll := func() {
		for _, s := range subs {
			s.client.Close()
		}
	}
	for _, sec := range cfg.InfluxDB {
		if sec.Enabled != nil && !*sec.Enabled || sec.DisableSubscriptions || len(sec.URLs) == 0 {
			continue
		}
		mode := strings.ToLower(sec.SubscriptionMode)
		if mode == "" {
			mode = "cluster"
		}
		if mode != "cluster" && mode != "server" {
			closeAll()
			return nil, fmt.Errorf("[[influxdb]] %q: subscription-mode must be \"cluster\" or \"server\", got %q", sec.Name, sec.SubscriptionMode)
		}
		proto := sec.SubscriptionProtocol
		if proto == "" {
			proto = "http"
		}
		if proto != "http" && proto != "https" {
			closeAll()
			return nil, fmt.Errorf("[[influxdb]] %q: subscription-protocol %q is not supported (use http or https)", sec.Name, proto)
		}
		host := sec.KapacitorHostname
		if host == "" {
			host = cfg.Hostname
		}
		port := bindPort
		if sec.HTTPPort != 0 {
			port = strconv.Itoa(sec.HTTPPort)
		}
		interval := time.Duration(sec.SubscriptionsSyncInterval)
		if interval <= 0 {
			interval = defaultSubscriptionsSyncInterval
		}
		c, err := batch.NewClient(sec.clientConfig(subscriptionQueryTimeout))
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("[[influxdb]] %q: %w", sec.Name, err)
		}
		u := url.URL{Scheme: proto, Host: net.JoinHostPort(host, port)}
		subs = append(subs, &subscriber{
			section:  sec.Name,
			name:     "kapacitor-" + subscriptionID(mode, owner, host, port),
			dest:     u.String(),
			interval: interval,
			want:     want,
			client:   c,
			log:      log.With("influxdb", sec.Name, "urls", sec.URLs),
		})
	}
	if len(subs) == 0 {
		return nothing, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, s := range subs {
		s.log.Info("subscribing", "subscription", s.name, "destination", s.dest, "sync_interval", s.interval)
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.run(ctx)
		}()
	}
	return func() {
		cancel()
		// A query in progress ends within the client's timeout; do not
		// hold up the stop that long.
		done := make(chan struct{})
		go func() {
			wg.Wait()
			closeAll()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}, nil
}

// run links the subscriptions now and on every interval until ctx is done.
func (s *subscriber) run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		if err := s.sync(); err != nil {
			s.log.Warn("linking subscriptions failed; retrying", "subscription", s.name, "in", s.interval, "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sync makes the server's subscriptions named s.name match s.want and s.dest.
func (s *subscriber) sync() error {
	res, err := s.query("SHOW SUBSCRIPTIONS")
	if err != nil {
		return err
	}
	existing := map[[2]string][]string{}
	for _, r := range res {
		for _, series := range r.Series {
			for _, v := range series.Values {
				var rp, name string
				var dests []string
				for i, col := range series.Columns {
					if i >= len(v) {
						break
					}
					switch col {
					case "retention_policy":
						rp, _ = v[i].(string)
					case "name":
						name, _ = v[i].(string)
					case "destinations":
						ds, _ := v[i].([]any)
						for _, d := range ds {
							if str, ok := d.(string); ok {
								dests = append(dests, str)
							}
						}
					}
				}
				if name == s.name {
					existing[[2]string{series.Name, rp}] = dests
				}
			}
		}
	}
	var firstErr error
	note := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for dbrp, dests := range existing {
		if s.want[dbrp] && len(dests) == 1 && dests[0] == s.dest {
			continue
		}
		note(s.drop(dbrp))
		if !s.want[dbrp] {
			delete(existing, dbrp)
		}
	}
	for dbrp := range s.want {
		if dests, ok := existing[dbrp]; ok && len(dests) == 1 && dests[0] == s.dest {
			continue
		}
		q := fmt.Sprintf("CREATE SUBSCRIPTION %s ON %s.%s DESTINATIONS ANY %s",
			quoteIdent(s.name), quoteIdent(dbrp[0]), quoteIdent(dbrp[1]), quoteString(s.dest))
		if _, err := s.query(q); err != nil {
			note(fmt.Errorf("creating subscription %s on %q.%q: %w", s.name, dbrp[0], dbrp[1], err))
			continue
		}
		s.log.Info("created subscription", "subscription", s.name, "db", dbrp[0], "rp", dbrp[1], "destination", s.dest)
	}
	return firstErr
}

func (s *subscriber) drop(dbrp [2]string) error {
	q := fmt.Sprintf("DROP SUBSCRIPTION %s ON %s.%s", quoteIdent(s.name), quoteIdent(dbrp[0]), quoteIdent(dbrp[1]))
	if _, err := s.query(q); err != nil {
		return fmt.Errorf("dropping subscription %s on %q.%q: %w", s.name, dbrp[0], dbrp[1], err)
	}
	s.log.Info("dropped subscription", "subscription", s.name, "db", dbrp[0], "rp", dbrp[1])
	return nil
}

func (s *subscriber) query(q string) ([]client.Result, error) {
	resp, err := s.client.Query(client.NewQuery(q, "", ""))
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		return nil, err
	}
	return resp.Results, nil
}

// quoteIdent quotes an InfluxQL identifier.
func quoteIdent(name string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(name) + `"`
}

// quoteString quotes an InfluxQL string literal.
func quoteString(s string) string {
	return `'` + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + `'`
}
