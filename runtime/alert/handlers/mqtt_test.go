package handlers

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/tickc/tickc/runtime/alert"
)

// brokers is a configuration with [[mqtt]] array sections.
type brokers []map[string]any

func (b brokers) Section(name string) (map[string]any, bool) {
	if name != "mqtt" || len(b) == 0 {
		return nil, false
	}
	return b[0], true
}

func (b brokers) Sections(name string) []map[string]any {
	if name != "mqtt" {
		return nil
	}
	return b
}

type received struct {
	topic, payload string
	qos            byte
	retain         bool
}

// broker starts an MQTT broker on loopback; the messages published to
// topic arrive on the returned channel.
func broker(t *testing.T, topic string) (url string, srv *mochi.Server, ch chan received) {
	t.Helper()
	srv = mochi.New(&mochi.Options{InlineClient: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := srv.AddHook(new(auth.AllowHook), nil); err != nil {
		t.Fatal(err)
	}
	l := listeners.NewTCP(listeners.Config{ID: "t", Address: "127.0.0.1:0"})
	if err := srv.AddListener(l); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })
	ch = make(chan received, 8)
	if err := srv.Subscribe(topic, 1, func(_ *mochi.Client, _ packets.Subscription, pk packets.Packet) {
		ch <- received{pk.TopicName, string(pk.Payload), pk.FixedHeader.Qos, pk.FixedHeader.Retain}
	}); err != nil {
		t.Fatal(err)
	}
	return "tcp://" + l.Address(), srv, ch
}

func receive(t *testing.T, ch chan received) received {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no message reached the broker")
	}
	return received{}
}

func TestMQTT(t *testing.T) {
	url, srv, ch := broker(t, "alerts/#")
	h, err := NewMQTT(brokers{{"name": "main", "url": url}}, MQTTOptions{Topic: "alerts/cpu", QoS: 1, Retained: true})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	got := receive(t, ch)
	want := received{"alerts/cpu", "cpu:nil is CRITICAL", 1, true}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// The broker kept it for later subscribers.
	late := make(chan received, 1)
	if err := srv.Subscribe("alerts/cpu", 2, func(_ *mochi.Client, _ packets.Subscription, pk packets.Packet) {
		late <- received{pk.TopicName, string(pk.Payload), pk.FixedHeader.Qos, pk.FixedHeader.Retain}
	}); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, late); got.payload != want.payload || !got.retain {
		t.Errorf("retained message %+v", got)
	}

	// QoS 2, not retained, on a second handler sharing the connection.
	h2, err := NewMQTT(brokers{{"name": "main", "url": url}}, MQTTOptions{BrokerName: "main", Topic: "alerts/mem", QoS: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	if h2.conn != h.conn {
		t.Error("handlers of one broker do not share the connection")
	}
	if err := h2.Handle(event(alert.OK)); err != nil {
		t.Fatal(err)
	}
	if got, want := receive(t, ch), (received{"alerts/mem", "cpu:nil is OK", 2, false}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestMQTTBrokerChoice(t *testing.T) {
	url, _, ch := broker(t, "t")
	cfg := brokers{
		{"name": "a", "url": "tcp://127.0.0.1:1"},
		{"name": "b", "url": url, "default": true, "client-id": "tickc-test"},
	}
	h, err := NewMQTT(cfg, MQTTOptions{Topic: "t"})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if h.Broker != "b" {
		t.Fatalf("broker %q, want the default b", h.Broker)
	}
	if err := h.Handle(event(alert.Warning)); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch); got.payload != "cpu:nil is WARNING" || got.qos != 0 || got.retain {
		t.Errorf("got %+v", got)
	}
}

func TestMQTTErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  brokers
		opts MQTTOptions
		want string
	}{
		{nil, MQTTOptions{Topic: "t"}, "add an [[mqtt]] section"},
		{brokers{{"url": "tcp://h:1"}}, MQTTOptions{Topic: "t", BrokerName: "x"}, `unknown broker "x"`},
		{brokers{{"name": "a", "url": "tcp://h:1"}, {"name": "b", "url": "tcp://h:1"}}, MQTTOptions{Topic: "t"}, "set default = true"},
		{brokers{{"name": "a"}}, MQTTOptions{Topic: "t"}, `no url: set url`},
		{brokers{{"url": "tcp://h:1", "enabled": false}}, MQTTOptions{Topic: "t"}, "enabled = false"},
		{brokers{{"url": "tcp://h:1"}}, MQTTOptions{}, "no topic"},
		{brokers{{"url": "tcp://h:1", "ssl-cert": "c.pem"}}, MQTTOptions{Topic: "t"}, "ssl-key"},
		{brokers{{"url": "tcp://h:1", "ssl-ca": "/nonexistent/ca.pem"}}, MQTTOptions{Topic: "t"}, "ssl-ca"},
	} {
		_, err := NewMQTT(c.cfg, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %+v: error %v, want %q", c.cfg, c.opts, err, c.want)
		}
	}
	// An unreachable broker fails the event, not the start.
	h, err := NewMQTT(brokers{{"url": "tcp://127.0.0.1:1"}}, MQTTOptions{Topic: "t"})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Handle(event(alert.Critical)); err == nil || !strings.Contains(err.Error(), `broker "default"`) {
		t.Errorf("error %v", err)
	}
}
