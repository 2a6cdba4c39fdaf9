package batch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	client "github.com/influxdata/influxdb1-client/v2"
)

// ClientConfig says how to reach one InfluxDB cluster: an [[influxdb]]
// section of kapacitor.conf.
type ClientConfig struct {
	URLs               []string
	Username, Password string
	Timeout            time.Duration // per request; 0 means none
	// TLS, for https URLs: a CA file to trust, a client certificate and
	// key (PEM files), and whether to skip verifying the server.
	SSLCA, SSLCert, SSLKey string
	InsecureSkipVerify     bool
}

// Client queries an InfluxDB cluster. As Kapacitor's client does, it
// sends each request to the next of the cluster's URLs in turn (the
// first request to the second URL), so that a cluster of several servers
// shares the load and a server that is down fails only every n-th
// request, which the next tick retries on another. It is safe for
// concurrent use.
type Client struct {
	urls    []string
	clients []client.Client
	index   atomic.Uint32
}

// NewClient checks cfg and prepares a client for each URL.
func NewClient(cfg ClientConfig) (*Client, error) {
	if len(cfg.URLs) == 0 {
		return nil, errors.New("no InfluxDB URLs")
	}
	tlsConfig, err := TLSConfig(cfg.SSLCA, cfg.SSLCert, cfg.SSLKey, cfg.InsecureSkipVerify)
	if err != nil {
		return nil, err
	}
	c := &Client{urls: cfg.URLs}
	for _, u := range cfg.URLs {
		parsed, err := url.Parse(u)
		if err != nil {
			return nil, fmt.Errorf("invalid URL %q: %w", u, err)
		}
		if parsed.Scheme != "http" && parsed.Scheme != "https" {
			return nil, fmt.Errorf("unsupported protocol scheme %q in %q: the URL must start with http:// or https://", parsed.Scheme, u)
		}
		hc, err := client.NewHTTPClient(client.HTTPConfig{
			Addr: u, Username: cfg.Username, Password: cfg.Password,
			Timeout: cfg.Timeout, TLSConfig: tlsConfig, UserAgent: "KapacitorInfluxDBClient",
		})
		if err != nil {
			return nil, err
		}
		c.clients = append(c.clients, hc)
	}
	return c, nil
}

// Query runs q on the next URL.
func (c *Client) Query(q client.Query) (*client.Response, error) {
	i := int(c.index.Add(1) % uint32(len(c.clients)))
	resp, err := c.clients[i].Query(q)
	if err != nil && len(c.urls) > 1 {
		err = fmt.Errorf("%s: %w", c.urls[i], err)
	}
	return resp, err
}

// Write writes bp with the next URL.
func (c *Client) Write(bp client.BatchPoints) error {
	i := int(c.index.Add(1) % uint32(len(c.clients)))
	err := c.clients[i].Write(bp)
	if err != nil && len(c.urls) > 1 {
		err = fmt.Errorf("%s: %w", c.urls[i], err)
	}
	return err
}

// Close releases the connections.
func (c *Client) Close() error {
	for _, hc := range c.clients {
		hc.Close()
	}
	return nil
}

// TLSConfig builds the TLS settings of kapacitor.conf's ssl-ca, ssl-cert,
// ssl-key and insecure-skip-verify keys; nil when none is set.
func TLSConfig(caFile, certFile, keyFile string, insecureSkipVerify bool) (*tls.Config, error) {
	if caFile == "" && certFile == "" && keyFile == "" && !insecureSkipVerify {
		return nil, nil
	}
	t := &tls.Config{InsecureSkipVerify: insecureSkipVerify}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("ssl-ca: %w", err)
		}
		t.RootCAs = x509.NewCertPool()
		if !t.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ssl-ca: no PEM certificate in %s", caFile)
		}
	}
	switch {
	case certFile != "" && keyFile != "":
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("ssl-cert, ssl-key: %w", err)
		}
		t.Certificates = []tls.Certificate{cert}
	case certFile != "":
		return nil, errors.New("ssl-cert is set but ssl-key is not")
	case keyFile != "":
		return nil, errors.New("ssl-key is set but ssl-cert is not")
	}
	return t, nil
}
