package batch

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	client "github.com/influxdata/influxdb1-client/v2"

	"github.com/tickc/tickc/runtime/pipeline"
)

// TestRecordingWriter checks the JSON of each kind of batch against
// Kapacitor's (edge.bufferedBatchMessageJSON as encoding/json writes it),
// and that ReadRecording reads the archive back.
func TestRecordingWriter(t *testing.T) {
	tags := []pipeline.Tag{{Key: "cpu", Value: "cpu0"}, {Key: "host", Value: "a"}}
	t1 := time.Date(2015, 10, 30, 17, 14, 12, 500, time.UTC).UnixNano()
	batches := [][]pipeline.Batch{
		{
			{Name: "cpu", TMax: t1, Tags: tags, Points: []pipeline.Point{
				{Name: "cpu", Time: t1 - 1e9, Tags: tags, Fields: []pipeline.Field{{Key: "mean", Value: pipeline.FloatValue(90.5)}, {Key: "s", Value: pipeline.StringValue("<ok>")}}},
				{Name: "cpu", Time: t1, Tags: tags, Fields: []pipeline.Field{{Key: "mean", Value: pipeline.FloatValue(50)}, {Key: "up", Value: pipeline.BoolValue(true)}}},
			}},
			{Name: "cpu"}, // a series with no rows
		},
		{
			{Name: "mem", TMax: t1, Points: []pipeline.Point{{Name: "mem", Time: t1, Tags: []pipeline.Tag{}, Fields: []pipeline.Field{{Key: "v", Value: pipeline.FloatValue(1)}}}}},
		},
	}
	var buf bytes.Buffer
	w := NewRecordingWriter(&buf)
	for i, bs := range batches {
		if err := w.StartQuery(); err != nil {
			t.Fatal(err)
		}
		for j := range bs {
			if err := w.WriteBatch(&bs[j], i == 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"name":"cpu","tmax":"2015-10-30T17:14:12.0000005Z","group":"cpu=cpu0,host=a","tags":{"cpu":"cpu0","host":"a"},"points":[` +
			`{"fields":{"mean":90.5,"s":"\u003cok\u003e"},"tags":{"cpu":"cpu0","host":"a"},"time":"2015-10-30T17:14:11.0000005Z"},` +
			`{"fields":{"mean":50,"up":true},"tags":{"cpu":"cpu0","host":"a"},"time":"2015-10-30T17:14:12.0000005Z"}]}` + "\n" +
			`{"name":"cpu","tmax":"0001-01-01T00:00:00Z"}` + "\n",
		`{"name":"mem","tmax":"2015-10-30T17:14:12.0000005Z","group":"mem","byname":true,"points":[{"fields":{"v":1},"tags":null,"time":"2015-10-30T17:14:12.0000005Z"}]}` + "\n",
	}
	if len(zr.File) != 2 {
		t.Fatalf("%d entries, want 2", len(zr.File))
	}
	for i, f := range zr.File {
		if f.Name != []string{"0", "1"}[i] {
			t.Errorf("entry %d is named %q", i, f.Name)
		}
		rc, _ := f.Open()
		got, _ := io.ReadAll(rc)
		rc.Close()
		if string(got) != want[i] {
			t.Errorf("entry %d:\ngot  %s\nwant %s", i, got, want[i])
		}
	}

	path := filepath.Join(t.TempDir(), "r.brpl")
	os.WriteFile(path, buf.Bytes(), 0o644)
	qs, err := ReadRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || len(qs[0]) != 1 || len(qs[1]) != 1 { // the empty batch is skipped
		t.Fatalf("read back %+v", qs)
	}
	got := qs[0][0]
	if diff := cmp.Diff(Recorded{Batch: batches[0][0]}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Recorded{Batch: batches[1][0], ByName: true}, qs[1][0], cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

// TestTicks checks the walk of record batch over a past range.
func TestTicks(t *testing.T) {
	at := func(h, m, s int) time.Time { return time.Date(2020, 1, 1, h, m, s, 0, time.UTC) }
	start, stop, now := at(10, 0, 30), at(10, 5, 0), at(12, 0, 0)
	for _, c := range []struct {
		name   string
		every  time.Duration
		align  bool
		cron   string
		offset time.Duration
		now    time.Time
		want   []time.Time
	}{
		{"every", 2 * time.Minute, false, "", 0, now, []time.Time{at(10, 2, 30), at(10, 4, 30)}},
		{"aligned", 2 * time.Minute, true, "", 0, now, []time.Time{at(10, 2, 0), at(10, 4, 0)}},
		{"until now", time.Minute, false, "", 0, at(10, 2, 0), []time.Time{at(10, 1, 30)}},
		{"offset", time.Minute, false, "", 2 * time.Minute, at(10, 2, 0), []time.Time{at(10, 1, 30), at(10, 2, 30), at(10, 3, 30)}},
		{"cron", 0, false, "*/2 * * * *", 0, now, []time.Time{at(10, 2, 0), at(10, 4, 0)}},
	} {
		s, err := NewSchedule(c.every, c.align, c.cron)
		if err != nil {
			t.Fatal(err)
		}
		got := s.Ticks(start, stop, c.now, c.offset)
		if len(got) != len(c.want) {
			t.Errorf("%s: ticks %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if !got[i].Equal(c.want[i]) {
				t.Errorf("%s: ticks %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

// fakeInflux answers /query with one series per request, recording the
// queries; fail makes it answer 500 instead.
type fakeInflux struct {
	mu      sync.Mutex
	queries []string
	writes  int
	fail    atomic.Bool
	delay   time.Duration
}

func (f *fakeInflux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	w.Header().Set("Content-Type", "application/json")
	if f.fail.Load() {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":"boom"}`)
		return
	}
	f.mu.Lock()
	if r.URL.Path == "/write" {
		f.writes++
	} else {
		f.queries = append(f.queries, r.FormValue("q"))
	}
	f.mu.Unlock()
	io.WriteString(w, `{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],"values":[["2020-01-01T10:00:00Z",1.5],["2020-01-01T10:01:00Z",null]]}]}]}`)
}

// TestRecord runs record batch's walk against a fake server and checks the
// queries sent and the batches written.
func TestRecord(t *testing.T) {
	fake := &fakeInflux{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	c, err := NewClient(ClientConfig{URLs: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	spec := pipeline.Query{Node: "query1", Text: `SELECT mean(v) FROM "db"."rp"."cpu"`, Every: 2 * time.Minute, Period: 2 * time.Minute,
		GroupBy: []string{"host"}}
	at := func(h, m int) time.Time { return time.Date(2020, 1, 1, h, m, 0, 0, time.UTC) }
	var buf bytes.Buffer
	w := NewRecordingWriter(&buf)
	st, err := Record(context.Background(), []Querier{c}, []pipeline.Query{spec}, at(10, 0), at(10, 5), at(11, 0), w)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	wantQ := []string{
		`SELECT mean(v) FROM db.rp.cpu WHERE time >= '2020-01-01T10:00:00Z' AND time < '2020-01-01T10:02:00Z' GROUP BY host`,
		`SELECT mean(v) FROM db.rp.cpu WHERE time >= '2020-01-01T10:02:00Z' AND time < '2020-01-01T10:04:00Z' GROUP BY host`,
	}
	if !reflect.DeepEqual(fake.queries, wantQ) {
		t.Errorf("queries\n%q\nwant\n%q", fake.queries, wantQ)
	}
	if st != (RecordStats{Queries: 1, Batches: 2, Points: 2}) {
		t.Errorf("stats %+v", st)
	}
	// A failing query ends the recording with its error.
	fake.fail.Store(true)
	_, err = Record(context.Background(), []Querier{c}, []pipeline.Query{spec}, at(10, 0), at(10, 5), at(11, 0), NewRecordingWriter(io.Discard))
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("failing query: err %v", err)
	}
}

// TestClientRotates checks that a cluster's URLs take the requests in
// turn, as in Kapacitor (the first goes to the second URL).
func TestClientRotates(t *testing.T) {
	var fakes [3]fakeInflux
	var urls []string
	for i := range fakes {
		srv := httptest.NewServer(&fakes[i])
		defer srv.Close()
		urls = append(urls, srv.URL)
	}
	c, err := NewClient(ClientConfig{URLs: urls})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fakes[0].fail.Store(true)
	var failed int
	for range 6 {
		if _, err := c.Query(client.Query{Command: "SELECT 1"}); err != nil {
			failed++
			if !strings.Contains(err.Error(), urls[0]) {
				t.Errorf("the error does not name the URL: %v", err)
			}
		}
	}
	if failed != 2 || len(fakes[1].queries) != 2 || len(fakes[2].queries) != 2 {
		t.Errorf("failed %d, served %d %d; want 2 each", failed, len(fakes[1].queries), len(fakes[2].queries))
	}
	// Writes take their turn too: the 7th request goes to the second URL.
	bp, _ := client.NewBatchPoints(client.BatchPointsConfig{Database: "db"})
	pt, _ := client.NewPoint("m", nil, map[string]any{"v": 1.0}, time.Unix(1, 0))
	bp.AddPoint(pt)
	if err := c.Write(bp); err != nil || fakes[1].writes != 1 {
		t.Errorf("write: %v, writes %d %d %d", err, fakes[0].writes, fakes[1].writes, fakes[2].writes)
	}
	for _, bad := range []ClientConfig{{}, {URLs: []string{"udp://x:1"}}, {URLs: []string{"http://x"}, SSLCert: "c.pem"}} {
		if _, err := NewClient(bad); err == nil {
			t.Errorf("NewClient(%+v): no error", bad)
		}
	}
}

// TestClientTLS checks ssl-ca, ssl-cert, ssl-key and insecure-skip-verify
// against an HTTPS server that requires a client certificate.
func TestClientTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(&fakeInflux{})
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	cert := srv.TLS.Certificates[0]
	caFile := filepath.Join(dir, "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644)
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "key.pem")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)

	query := func(cfg ClientConfig) error {
		cfg.URLs = []string{srv.URL}
		c, err := NewClient(cfg)
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Query(client.Query{Command: "SELECT 1"})
		return err
	}
	if err := query(ClientConfig{SSLCA: caFile, SSLCert: caFile, SSLKey: keyFile}); err != nil {
		t.Errorf("trusted CA with a client certificate: %v", err)
	}
	if err := query(ClientConfig{InsecureSkipVerify: true, SSLCert: caFile, SSLKey: keyFile}); err != nil {
		t.Errorf("insecure-skip-verify: %v", err)
	}
	if err := query(ClientConfig{SSLCA: caFile}); err == nil {
		t.Error("no client certificate: no error")
	}
	if err := query(ClientConfig{SSLCert: caFile, SSLKey: keyFile}); err == nil {
		t.Error("untrusted server certificate: no error")
	}
}

// TestRunnerErrors checks that a query error, a server that is down and a
// timeout are each logged once, counted in the node's errors, and retried
// at the next tick, which succeeds once the server is back.
func TestRunnerErrors(t *testing.T) {
	fake := &fakeInflux{}
	srv := httptest.NewServer(fake)
	slow := httptest.NewServer(&fakeInflux{delay: 300 * time.Millisecond})
	defer slow.Close()
	spec := pipeline.Query{Node: "query1", Text: `SELECT mean(v) FROM "db"."rp"."cpu"`, Every: time.Minute, Period: time.Minute}
	run := func(url string, timeout time.Duration) (logged string, errs int64, got int, err error) {
		c, cerr := NewClient(ClientConfig{URLs: []string{url}, Timeout: timeout})
		if cerr != nil {
			t.Fatal(cerr)
		}
		var log strings.Builder
		st := pipeline.NewNodeStats(1, "batches_queried", "points_queried")
		r, nerr := NewRunner([]pipeline.Query{spec}, c, slogTo(&log), []*pipeline.NodeStats{st}, func(int, *pipeline.Batch) { got++ })
		if nerr != nil {
			t.Fatal(nerr)
		}
		err = r.Tick(context.Background(), 0, time.Now())
		return log.String(), st.Errors.Load(), got, err
	}
	fake.fail.Store(true)
	log, errs, got, err := run(srv.URL, 0)
	if err == nil || errs != 1 || got != 0 || strings.Count(log, "level=ERROR") != 1 || !strings.Contains(log, "boom") {
		t.Errorf("query error: err %v, errors %d, batches %d, log %q", err, errs, got, log)
	}
	fake.fail.Store(false)
	if _, errs, got, err := run(srv.URL, 0); err != nil || errs != 0 || got != 1 {
		t.Errorf("next tick: err %v, errors %d, batches %d", err, errs, got)
	}
	url := srv.URL
	srv.Close()
	if log, errs, _, err := run(url, 0); err == nil || errs != 1 || strings.Count(log, "level=ERROR") != 1 {
		t.Errorf("server down: err %v, errors %d, log %q", err, errs, log)
	}
	if log, errs, _, err := run(slow.URL, 50*time.Millisecond); err == nil || errs != 1 || strings.Count(log, "level=ERROR") != 1 {
		t.Errorf("timeout: err %v, errors %d, log %q", err, errs, log)
	}
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// TestRunnerGoesOn checks that the schedule goes on after a failing tick:
// the server fails the first query, and the next ticks deliver batches.
func TestRunnerGoesOn(t *testing.T) {
	fake := &fakeInflux{}
	fake.fail.Store(true)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	c, err := NewClient(ClientConfig{URLs: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	spec := pipeline.Query{Node: "query1", Text: `SELECT mean(v) FROM "db"."rp"."cpu"`, Every: time.Minute, Period: time.Minute}
	st := pipeline.NewNodeStats(1, "batches_queried", "points_queried")
	got := make(chan struct{}, 10)
	r, err := NewRunner([]pipeline.Query{spec}, c, slogTo(io.Discard), []*pipeline.NodeStats{st}, func(int, *pipeline.Batch) { got <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	// A clock that jumps to each tick at once.
	var now atomic.Int64
	now.Store(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	r.Now = func() time.Time { return time.Unix(0, now.Load()) }
	r.After = func(d time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		ch <- time.Unix(0, now.Add(int64(d)))
		if st.Errors.Load() == 1 {
			fake.fail.Store(false)
		}
		return ch
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	for range 2 {
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("no batches after the failed tick; errors %d", st.Errors.Load())
		}
	}
	cancel()
	<-done
	if st.Errors.Load() != 1 {
		t.Errorf("errors %d, want 1", st.Errors.Load())
	}
}
