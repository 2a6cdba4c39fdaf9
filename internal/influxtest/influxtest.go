// Package influxtest runs a real InfluxDB 1.x server for tests.
//
// Start launches a private influxd (Debian package "influxdb") on free
// loopback ports with its data in t.TempDir(), and stops it when the test
// ends. When influxd is not installed the test is skipped, unless the
// environment variable TICKC_REQUIRE_INFLUXDB is set to a non-empty value,
// in which case it fails: CI sets it so that a missing server cannot turn
// the integration tests into silent skips.
package influxtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"
)

// RequireEnv is the environment variable that turns a missing influxd from a
// skip into a failure.
const RequireEnv = "TICKC_REQUIRE_INFLUXDB"

// fallbackPath is where Debian installs influxd; it is tried when influxd is
// not in PATH (e.g. a PATH without /usr/bin). A variable so tests can hide it.
var fallbackPath = "/usr/bin/influxd"

const (
	startTimeout = 30 * time.Second
	// startAttempts bounds retries when a port picked as free was taken by
	// someone else before influxd could bind it.
	startAttempts = 3
)

// Server is a running influxd owned by one test.
type Server struct {
	// URL is the HTTP API address, e.g. "http://127.0.0.1:41234".
	URL string
	// Version is the server version reported by /ping, e.g. "1.6.7~rc0".
	Version string
	// CAFile is, for a server started by StartTLS, the PEM file of the
	// self-signed certificate it serves HTTPS with, to trust as a CA.
	CAFile string

	client client.Client
	http   *http.Client
}

// Start runs a fresh influxd for t and returns once it answers /ping. The
// server is killed and its data removed when t ends; if t failed, the
// server's log is printed first.
func Start(t testing.TB) *Server {
	t.Helper()
	return startServer(t, false)
}

// StartTLS is Start with the HTTP API served over HTTPS only, with a
// self-signed certificate for 127.0.0.1 generated for the test (see
// CAFile); URL is then "https://127.0.0.1:PORT".
func StartTLS(t testing.TB) *Server {
	t.Helper()
	return startServer(t, true)
}

func startServer(t testing.TB, https bool) *Server {
	t.Helper()
	bin, err := findInfluxd()
	if err != nil {
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("influxtest: %v (%s is set, so InfluxDB is required)", err, RequireEnv)
		}
		t.Skipf("influxtest: %v; skipping (install the Debian package influxdb, or set %s=1 to fail instead)", err, RequireEnv)
	}

	for attempt := 1; ; attempt++ {
		s, err := start(t, bin, https)
		if err == nil {
			return s
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			t.Fatalf("influxtest: %v", err)
		}
	}
}

func findInfluxd() (string, error) {
	if p, err := exec.LookPath("influxd"); err == nil {
		return p, nil
	}
	if fi, err := os.Stat(fallbackPath); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
		return fallbackPath, nil
	}
	return "", fmt.Errorf("influxd not found in PATH or at %s", fallbackPath)
}

var errPortTaken = errors.New("port already in use")

// start makes one attempt to run influxd from bin in a new directory.
func start(t testing.TB, bin string, https bool) (*Server, error) {
	dir := t.TempDir()
	s := &Server{URL: "http://"}
	var tlsConfig *tls.Config
	if https {
		var err error
		if s.CAFile, tlsConfig, err = selfSigned(dir); err != nil {
			return nil, err
		}
		s.URL = "https://"
	}
	httpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	rpcAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "influxdb.conf")
	if err := os.WriteFile(conf, []byte(config(dir, httpAddr, rpcAddr, https)), 0o644); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "influxd.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor

	cmd := exec.Command(bin, "run", "-config", conf)
	cmd.Env = cleanEnv()
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	setPdeathsig(cmd)
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	stop := func() {
		cmd.Process.Kill()
		<-exited
	}

	s.URL += httpAddr
	transport := &http.Transport{TLSClientConfig: tlsConfig}
	if err := s.waitReady(exited, transport); err != nil {
		stop()
		log := readLog(logFile.Name())
		if strings.Contains(log, "address already in use") {
			err = errPortTaken
		}
		return nil, fmt.Errorf("%s did not start: %w\n--- influxd log ---\n%s", bin, err, log)
	}
	t.Logf("influxtest: influxd %s ready at %s in %v", s.Version, s.URL, time.Since(began).Round(time.Millisecond))

	s.http = &http.Client{Timeout: time.Minute, Transport: transport}
	s.client, err = client.NewHTTPClient(client.HTTPConfig{Addr: s.URL, Timeout: time.Minute, TLSConfig: tlsConfig})
	if err != nil {
		stop()
		return nil, err
	}
	t.Cleanup(func() {
		s.client.Close()
		stop()
		if t.Failed() {
			t.Logf("--- influxd log (%s) ---\n%s", s.URL, readLog(logFile.Name()))
		}
	})
	return s, nil
}

// freeAddr returns a loopback address whose port is free right now. Another
// process may take it before influxd binds it; Start retries in that case.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// config is a minimal influxd configuration: everything lives under dir,
// only the HTTP API and the RPC service listen (on loopback), and the
// server logs only warnings so test output stays readable. With https, the
// API serves HTTPS with dir's cert.pem and key.pem.
func config(dir, httpAddr, rpcAddr string, https bool) string {
	tlsKeys := ""
	if https {
		tlsKeys = fmt.Sprintf("  https-enabled = true\n  https-certificate = %q\n  https-private-key = %q\n",
			filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	}
	return fmt.Sprintf(`reporting-enabled = false
bind-address = %q

[meta]
  dir = %q
  logging-enabled = false

[data]
  dir = %q
  wal-dir = %q
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = %q
  auth-enabled = false
  log-enabled = false
%s
# Listens on :8082 by default, which would collide between parallel servers.
[ifql]
  enabled = false

[logging]
  level = "warn"
  suppress-logo = true

# Kapacitor receives data through subscriptions.
[subscriber]
  enabled = true

[continuous_queries]
  log-enabled = false
`, rpcAddr, filepath.Join(dir, "meta"), filepath.Join(dir, "data"), filepath.Join(dir, "wal"), httpAddr, tlsKeys)
}

// cleanEnv is the test's environment without INFLUXDB_* variables, which
// influxd would otherwise apply on top of the generated config.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "INFLUXDB_") {
			env = append(env, kv)
		}
	}
	return env
}

// waitReady polls /ping until the server answers, exits, or startTimeout passes.
func (s *Server) waitReady(exited <-chan struct{}, transport *http.Transport) error {
	hc := &http.Client{Timeout: time.Second, Transport: transport}
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := hc.Get(s.URL + "/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusNoContent {
				s.Version = resp.Header.Get("X-Influxdb-Version")
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("influxd exited")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer on %s/ping after %v", s.URL, startTimeout)
		}
	}
}

func readLog(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	return string(b)
}

// Write creates database db if it does not exist and writes lineProtocol
// (points in InfluxDB line protocol, nanosecond timestamps) into its default
// retention policy. The points are queryable when Write returns.
func (s *Server) Write(t testing.TB, db, lineProtocol string) {
	t.Helper()
	s.Query(t, "", "CREATE DATABASE "+quoteIdent(db))
	resp, err := s.http.Post(s.URL+"/write?db="+url.QueryEscape(db), "text/plain", strings.NewReader(lineProtocol))
	if err != nil {
		t.Fatalf("influxtest: write to %q: %v", db, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("influxtest: write to %q: %s: %s", db, resp.Status, bytes.TrimSpace(body))
	}
}

// Query runs the InfluxQL statements q against database db (which may be ""
// for statements that name none) and returns one result per statement. Any
// error, including an error in one statement, fails the test. (InfluxDB 1.6
// reports an error in one of several statements only as "not executed";
// send statements one by one to see the cause.)
func (s *Server) Query(t testing.TB, db, q string) []client.Result {
	t.Helper()
	resp, err := s.client.Query(client.NewQuery(q, db, ""))
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		t.Fatalf("influxtest: query %q on %q: %v", q, db, err)
	}
	return resp.Results
}

// quoteIdent quotes name as an InfluxQL identifier.
func quoteIdent(name string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(name) + `"`
}

// selfSigned writes a new self-signed certificate for 127.0.0.1 and its
// key to dir's cert.pem and key.pem, and returns the certificate's path
// and a TLS configuration that trusts it.
func selfSigned(dir string) (caFile string, _ *tls.Config, _ error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "influxtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	caFile = filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(caFile, certPEM, 0o644); err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return caFile, &tls.Config{RootCAs: pool}, nil
}
