package handlers

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// MQTTOptions are the .mqtt(topic) properties: .brokerName(), .topic()
// (the handler's argument unless set), .qos() and .retained().
type MQTTOptions struct {
	BrokerName string
	Topic      string
	QoS        int64
	Retained   bool
}

// MQTT publishes the alert message (the text, not the event's JSON) to a
// topic of an MQTT broker, as Kapacitor's mqtt service does.
type MQTT struct {
	Broker   string // the [[mqtt]] section's name
	URL      string
	Topic    string
	QoS      byte
	Retained bool

	conn   *mqttConn
	closed sync.Once
}

// sectioner gives every element of an array of tables such as [[mqtt]]
// (see pipeline.Config).
type sectioner interface {
	Sections(name string) []map[string]any
}

// mqttBroker returns the [[mqtt]] section of the broker called name: as
// in Kapacitor, the only section, or the one marked default = true, when
// name is empty. A section's name defaults to "default".
func mqttBroker(cfg pipeline.Config, name string) (section, error) {
	var all []map[string]any
	if ms, ok := cfg.(sectioner); ok {
		all = ms.Sections("mqtt")
	} else if cfg != nil {
		if m, ok := cfg.Section("mqtt"); ok {
			all = []map[string]any{m}
		}
	}
	brokerName := func(m map[string]any) string {
		if n, ok := m["name"].(string); ok && n != "" {
			return n
		}
		return "default"
	}
	if name == "" {
		if len(all) == 1 {
			return section{name: "mqtt", values: all[0], found: true}, nil
		}
		for _, m := range all {
			if d, _ := m["default"].(bool); d {
				return section{name: "mqtt", values: m, found: true}, nil
			}
		}
		if len(all) == 0 {
			return section{}, fmt.Errorf("mqtt handler: no broker: add an [[mqtt]] section with a url to the configuration (--config)")
		}
		return section{}, fmt.Errorf("mqtt handler: no default broker: set default = true in one [[mqtt]] section of the configuration or give .brokerName() in the script")
	}
	for _, m := range all {
		if brokerName(m) == name {
			return section{name: "mqtt", values: m, found: true}, nil
		}
	}
	return section{}, fmt.Errorf("mqtt handler: unknown broker %q: add an [[mqtt]] section with name = %q to the configuration (--config)", name, name)
}

// NewMQTT returns a .mqtt() handler publishing to the broker of the
// [[mqtt]] section opts.BrokerName names (url, client-id, username,
// password, ssl-ca, ssl-cert, ssl-key, insecure-skip-verify). The broker
// is connected to at the first event, and the connection is shared by the
// handlers of the task that use the same section.
func NewMQTT(cfg pipeline.Config, opts MQTTOptions) (*MQTT, error) {
	s, err := mqttBroker(cfg, opts.BrokerName)
	if err != nil {
		return nil, err
	}
	if err := s.checkEnabled("mqtt"); err != nil {
		return nil, err
	}
	name := s.str("name", "default")
	h := &MQTT{Broker: name, URL: s.str("url", ""), Topic: opts.Topic, Retained: opts.Retained}
	if h.URL == "" {
		return nil, fmt.Errorf("mqtt handler: no url: set url (tcp://host:1883, ssl://host:8883, ws://...) in the [[mqtt]] section named %q of the configuration (--config)", name)
	}
	if h.Topic == "" {
		return nil, fmt.Errorf("mqtt handler: no topic: give .mqtt('topic') or .topic() in the script")
	}
	if opts.QoS < 0 || opts.QoS > 2 {
		return nil, fmt.Errorf("mqtt handler: qos %d: must be 0, 1 or 2", opts.QoS)
	}
	h.QoS = byte(opts.QoS)
	tlsCfg, err := mqttTLS(s, name)
	if err != nil {
		return nil, err
	}
	c := mqttSettings{
		url: h.URL, clientID: s.str("client-id", ""), username: s.str("username", ""), password: s.str("password", ""),
		ca: s.str("ssl-ca", ""), cert: s.str("ssl-cert", ""), key: s.str("ssl-key", ""),
		insecure: s.boolean("insecure-skip-verify", false),
	}
	h.conn = acquireMQTT(name, c, tlsCfg)
	return h, nil
}

// mqttTLS returns the TLS settings of the section: nil when it sets none.
func mqttTLS(s section, name string) (*tls.Config, error) {
	ca, cert, key := s.str("ssl-ca", ""), s.str("ssl-cert", ""), s.str("ssl-key", "")
	insecure := s.boolean("insecure-skip-verify", false)
	if ca == "" && cert == "" && key == "" && !insecure {
		return nil, nil
	}
	t := &tls.Config{InsecureSkipVerify: insecure}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("mqtt handler: ssl-ca of the [[mqtt]] section named %q: %w", name, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqtt handler: ssl-ca of the [[mqtt]] section named %q: no PEM certificate in %s", name, ca)
		}
		t.RootCAs = pool
	}
	if (cert == "") != (key == "") {
		return nil, fmt.Errorf("mqtt handler: set both ssl-cert and ssl-key (or neither) in the [[mqtt]] section named %q of the configuration", name)
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("mqtt handler: ssl-cert/ssl-key of the [[mqtt]] section named %q: %w", name, err)
		}
		t.Certificates = []tls.Certificate{pair}
	}
	return t, nil
}

// mqttSettings identifies a broker connection.
type mqttSettings struct {
	url, clientID, username, password, ca, cert, key string
	insecure                                         bool
}

// mqttConn is a broker connection shared by the handlers of a process.
type mqttConn struct {
	settings mqttSettings
	opts     *paho.ClientOptions
	refs     int

	mu     sync.Mutex
	client paho.Client
}

var mqttConns struct {
	sync.Mutex
	m map[mqttSettings]*mqttConn
}

// acquireMQTT returns the connection of the settings, creating it (not yet
// connected) if no handler holds it.
func acquireMQTT(name string, c mqttSettings, tlsCfg *tls.Config) *mqttConn {
	mqttConns.Lock()
	defer mqttConns.Unlock()
	if conn, ok := mqttConns.m[c]; ok {
		conn.refs++
		return conn
	}
	id := c.clientID
	if id == "" {
		// Kapacitor uses the section's name; a broker drops a client when
		// another connects with its ID, so each task process gets its own.
		var b [4]byte
		_, _ = rand.Read(b[:])
		id = name + "-" + hex.EncodeToString(b[:])
	}
	o := paho.NewClientOptions()
	o.AddBroker(c.url)
	o.SetClientID(id)
	o.SetUsername(c.username)
	o.SetPassword(c.password)
	o.SetCleanSession(true) // only publishing: the broker keeps no session
	o.SetConnectTimeout(DefaultTimeout)
	if tlsCfg != nil {
		o.SetTLSConfig(tlsCfg)
	}
	conn := &mqttConn{settings: c, opts: o, refs: 1}
	if mqttConns.m == nil {
		mqttConns.m = map[mqttSettings]*mqttConn{}
	}
	mqttConns.m[c] = conn
	return conn
}

// connected returns the client, connecting on first use; after that the
// client reconnects by itself.
func (c *mqttConn) connected() (paho.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client != nil {
		return c.client, nil
	}
	cl := paho.NewClient(c.opts)
	tok := cl.Connect()
	if !tok.WaitTimeout(DefaultTimeout + time.Second) {
		return nil, fmt.Errorf("timed out connecting to %s", c.settings.url)
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", c.settings.url, err)
	}
	c.client = cl
	return cl, nil
}

// Handle publishes the event's message to the topic.
func (h *MQTT) Handle(d *alert.Data) error {
	cl, err := h.conn.connected()
	if err != nil {
		return fmt.Errorf("mqtt handler: broker %q: %w", h.Broker, err)
	}
	tok := cl.Publish(h.Topic, h.QoS, h.Retained, []byte(d.Message))
	if !tok.WaitTimeout(DefaultTimeout) {
		return fmt.Errorf("mqtt handler: broker %q: timed out publishing to %q", h.Broker, h.Topic)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("mqtt handler: broker %q: publishing to %q: %w", h.Broker, h.Topic, err)
	}
	return nil
}

// Close releases the handler's connection, disconnecting from the broker
// when no other handler uses it.
func (h *MQTT) Close() error {
	h.closed.Do(func() {
		mqttConns.Lock()
		c := h.conn
		c.refs--
		last := c.refs == 0
		if last {
			delete(mqttConns.m, c.settings)
		}
		mqttConns.Unlock()
		if last {
			c.mu.Lock()
			if c.client != nil {
				c.client.Disconnect(250)
				c.client = nil
			}
			c.mu.Unlock()
		}
	})
	return nil
}
