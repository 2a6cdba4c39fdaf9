package handlers

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/tickc/tickc/runtime/alert"
)

// trapReceiver starts a gosnmp TrapListener on a free loopback UDP port;
// the traps it receives arrive on the returned channel.
func trapReceiver(t *testing.T) (string, chan *gosnmp.SnmpPacket) {
	t.Helper()
	// Find a free port, then let the listener take it.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()

	ch := make(chan *gosnmp.SnmpPacket, 4)
	tl := gosnmp.NewTrapListener()
	tl.Params = gosnmp.Default
	tl.OnNewTrap = func(p *gosnmp.SnmpPacket, _ *net.UDPAddr) { ch <- p }
	errc := make(chan error, 1)
	go func() { errc <- tl.Listen(addr) }()
	select {
	case <-tl.Listening():
	case err := <-errc:
		t.Fatalf("trap listener: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("trap listener did not start")
	}
	t.Cleanup(tl.Close)
	return addr, ch
}

func TestSNMPTrap(t *testing.T) {
	addr, ch := trapReceiver(t)
	h, err := NewSNMPTrap(conf{"snmptrap": {"enabled": true, "addr": addr, "community": "public", "retries": int64(2)}}, SNMPTrapOptions{
		TrapOID: "1.3.6.1.4.1.1",
		Data: []SNMPTrapData{
			{OID: "1.3.6.1.4.1.1.2", Type: "s", Value: "{{.Message}} on {{index .Tags \"host\"}}"},
			{OID: "1.3.6.1.4.1.1.3", Type: "i", Value: "{{if eq .Level \"CRITICAL\"}}2{{else}}1{{end}}"},
			{OID: "1.3.6.1.4.1.1.4", Type: "c", Value: "42"},
			{OID: "1.3.6.1.4.1.1.5", Type: "n", Value: ""},
			{OID: ".1.3.6.1.4.1.1.6", Type: "t", Value: "12345"},
		},
		TaskName: "task",
	})
	if err != nil {
		t.Fatal(err)
	}
	if h.Retries != 2 {
		t.Errorf("retries %d, want 2", h.Retries)
	}
	if err := h.Handle(event(alert.Critical)); err != nil {
		t.Fatal(err)
	}
	var p *gosnmp.SnmpPacket
	select {
	case p = <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("no trap received")
	}
	if p.Version != gosnmp.Version2c || p.Community != "public" || p.PDUType != gosnmp.SNMPv2Trap {
		t.Errorf("version %v community %q pdu %v", p.Version, p.Community, p.PDUType)
	}
	type vb struct {
		name string
		typ  gosnmp.Asn1BER
		val  any
	}
	want := []vb{
		{".1.3.6.1.2.1.1.3.0", gosnmp.TimeTicks, uint32(1000)},
		{".1.3.6.1.6.3.1.1.4.1.0", gosnmp.ObjectIdentifier, ".1.3.6.1.4.1.1"},
		{".1.3.6.1.4.1.1.2", gosnmp.OctetString, "cpu:nil is CRITICAL on a"},
		{".1.3.6.1.4.1.1.3", gosnmp.Integer, 2},
		{".1.3.6.1.4.1.1.4", gosnmp.Counter64, uint64(42)},
		{".1.3.6.1.4.1.1.5", gosnmp.Null, nil},
		{".1.3.6.1.4.1.1.6", gosnmp.TimeTicks, uint32(12345)},
	}
	if len(p.Variables) != len(want) {
		t.Fatalf("%d varbinds, want %d: %+v", len(p.Variables), len(want), p.Variables)
	}
	for i, w := range want {
		v := p.Variables[i]
		val := v.Value
		if b, ok := val.([]byte); ok {
			val = string(b)
		}
		if v.Name != w.name || v.Type != w.typ || val != w.val {
			t.Errorf("varbind %d: %s %v %#v, want %s %v %#v", i, v.Name, v.Type, val, w.name, w.typ, w.val)
		}
	}
}

func TestSNMPTrapValueError(t *testing.T) {
	h, err := NewSNMPTrap(conf{"snmptrap": {"addr": "127.0.0.1:1"}}, SNMPTrapOptions{
		TrapOID: "1.1.1.1",
		Data:    []SNMPTrapData{{OID: "1.1.1.1.2", Type: "i", Value: "{{.Message}}"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(event(alert.Warning)); err == nil || !strings.Contains(err.Error(), "1.1.1.1.2") {
		t.Errorf("error %v", err)
	}
}

func TestSNMPTrapConfigErrors(t *testing.T) {
	ok := SNMPTrapOptions{TrapOID: "1.1.1.1"}
	for _, c := range []struct {
		cfg  conf
		opts SNMPTrapOptions
		want string
	}{
		{conf{"snmptrap": {"enabled": false}}, ok, "[snmptrap]"},
		{conf{"snmptrap": {"addr": ""}}, ok, "addr"},
		{conf{"snmptrap": {"addr": "nohost"}}, ok, "[snmptrap] addr"},
		{conf{"snmptrap": {"retries": "x"}}, ok, "[snmptrap] retries"},
		{nil, SNMPTrapOptions{}, "trap OID"},
		{nil, SNMPTrapOptions{TrapOID: "1.a.3"}, "trap OID"},
		{nil, SNMPTrapOptions{TrapOID: "1.1", Data: []SNMPTrapData{{OID: "1.2", Type: "a"}}}, "IP address"},
		{nil, SNMPTrapOptions{TrapOID: "1.1", Data: []SNMPTrapData{{OID: "1.2", Type: "z"}}}, "not known"},
		{nil, SNMPTrapOptions{TrapOID: "1.1", Data: []SNMPTrapData{{OID: "1.2", Type: "s", Value: "{{"}}}, "template"},
	} {
		_, err := NewSNMPTrap(c.cfg, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %+v: error %v, want it to mention %q", c.cfg, c.opts, err, c.want)
		}
	}
	h, err := NewSNMPTrap(nil, ok)
	if err != nil {
		t.Fatal(err)
	}
	if h.Addr != DefaultSNMPTrapAddr || h.Community != "kapacitor" || h.Retries != 1 {
		t.Errorf("defaults %+v", h)
	}
}
