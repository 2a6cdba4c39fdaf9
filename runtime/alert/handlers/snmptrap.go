package handlers

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Defaults of Kapacitor's [snmptrap] section.
const (
	DefaultSNMPTrapAddr      = "localhost:162"
	DefaultSNMPTrapCommunity = "kapacitor"
	DefaultSNMPTrapRetries   = 1
)

// SNMPTrapData is one .data(oid, type, value) of .snmpTrap(): a variable
// binding whose value is a text template over the alert data.
type SNMPTrapData struct {
	OID   string
	Type  string
	Value string
}

// SNMPTrapOptions are the .snmpTrap() argument and properties.
type SNMPTrapOptions struct {
	TrapOID  string
	Data     []SNMPTrapData
	TaskName string
}

// snmpVar is a .data() binding with its template compiled.
type snmpVar struct {
	oid  string
	typ  string
	tmpl *template.Template
}

// SNMPTrap sends an SNMP v2c trap for each event, as Kapacitor's snmptrap
// service does: sysUpTime.0, snmpTrapOID.0 = the trap OID, then the
// .data() bindings.
type SNMPTrap struct {
	Addr      string
	Community string
	Retries   int
	TrapOID   string
	TaskName  string
	// Timeout bounds writing the trap; zero means 5s.
	Timeout time.Duration

	vars []snmpVar
}

// NewSNMPTrap returns a .snmpTrap() handler: the [snmptrap] section's addr
// (host:port, default DefaultSNMPTrapAddr), community (default "kapacitor")
// and retries (default 1), with the trap OID and bindings of opts.
func NewSNMPTrap(cfg pipeline.Config, opts SNMPTrapOptions) (*SNMPTrap, error) {
	const name = "snmpTrap"
	s := lookup(cfg, "snmptrap")
	if err := s.checkEnabled(name); err != nil {
		return nil, err
	}
	h := &SNMPTrap{
		Addr:      s.str("addr", DefaultSNMPTrapAddr),
		Community: s.str("community", DefaultSNMPTrapCommunity),
		Retries:   DefaultSNMPTrapRetries,
		TaskName:  opts.TaskName,
	}
	if h.Addr == "" {
		return nil, s.missing(name, "addr", "")
	}
	if _, port, err := net.SplitHostPort(h.Addr); err != nil {
		return nil, fmt.Errorf("%s handler: [snmptrap] addr %q: %w", name, h.Addr, err)
	} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return nil, fmt.Errorf("%s handler: [snmptrap] addr %q: bad port %q", name, h.Addr, port)
	}
	switch v := s.values["retries"].(type) {
	case nil:
	case int64:
		h.Retries = int(v)
	case int:
		h.Retries = v
	case float64:
		h.Retries = int(v)
	case string:
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("%s handler: [snmptrap] retries: %w", name, err)
		}
		h.Retries = n
	default:
		return nil, fmt.Errorf("%s handler: [snmptrap] retries: not a number: %v", name, v)
	}
	if h.Retries < 0 {
		return nil, fmt.Errorf("%s handler: [snmptrap] retries: %d is negative", name, h.Retries)
	}
	oid, err := normalizeOID(opts.TrapOID)
	if err != nil {
		return nil, fmt.Errorf("%s handler: trap OID: %w", name, err)
	}
	h.TrapOID = oid
	for i, d := range opts.Data {
		oid, err := normalizeOID(d.OID)
		if err != nil {
			return nil, fmt.Errorf("%s handler: .data() #%d: OID: %w", name, i+1, err)
		}
		if err := checkSNMPType(d.Type); err != nil {
			return nil, fmt.Errorf("%s handler: .data(%q, %q, ...): %w", name, d.OID, d.Type, err)
		}
		t, err := parse(name, "data "+d.OID, d.Value)
		if err != nil {
			return nil, err
		}
		h.vars = append(h.vars, snmpVar{oid: oid, typ: d.Type, tmpl: t})
	}
	return h, nil
}

// normalizeOID checks a dotted numeric OID and returns it with a leading
// dot, as gosnmp writes OIDs.
func normalizeOID(s string) (string, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), ".")
	if t == "" {
		return "", fmt.Errorf("empty OID")
	}
	parts := strings.Split(t, ".")
	if len(parts) < 2 {
		return "", fmt.Errorf("invalid OID %q: needs at least two components", s)
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 32); err != nil {
			return "", fmt.Errorf("invalid OID %q", s)
		}
	}
	return "." + t, nil
}

// checkSNMPType accepts the types Kapacitor supports and names the ones it
// refuses the way Kapacitor does.
func checkSNMPType(t string) error {
	switch t {
	case "c", "i", "n", "s", "t":
		return nil
	case "a":
		return fmt.Errorf("datatype 'IP address' (a) not supported")
	case "d":
		return fmt.Errorf("datatype 'Decimal string' (d) not supported")
	case "o":
		return fmt.Errorf("datatype 'Object ID' (o) not supported")
	case "u":
		return fmt.Errorf("datatype 'Unsigned integer' (u) not supported")
	case "x":
		return fmt.Errorf("datatype 'Hexadecimal string' (x) not supported")
	}
	return fmt.Errorf("datatype %q not known: use c (counter), i (integer), n (null), s (string) or t (timeticks)", t)
}

// varbind renders one binding's value and converts it to its SNMP type.
func (v snmpVar) varbind(td templateData) (gosnmp.SnmpPDU, error) {
	val, err := execute(v.tmpl, td)
	if err != nil {
		return gosnmp.SnmpPDU{}, fmt.Errorf("data %s: %w", v.oid, err)
	}
	pdu := gosnmp.SnmpPDU{Name: v.oid}
	bad := func(err error) (gosnmp.SnmpPDU, error) {
		return gosnmp.SnmpPDU{}, fmt.Errorf("data %s (type %s): value %q: %w", v.oid, v.typ, val, err)
	}
	switch v.typ {
	case "c":
		n, err := strconv.ParseUint(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return bad(err)
		}
		pdu.Type, pdu.Value = gosnmp.Counter64, n
	case "i":
		n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 32)
		if err != nil {
			return bad(err)
		}
		pdu.Type, pdu.Value = gosnmp.Integer, int(n)
	case "n":
		pdu.Type, pdu.Value = gosnmp.Null, nil
	case "s":
		pdu.Type, pdu.Value = gosnmp.OctetString, []byte(val)
	case "t":
		n, err := strconv.ParseUint(strings.TrimSpace(val), 10, 32)
		if err != nil {
			return bad(err)
		}
		pdu.Type, pdu.Value = gosnmp.TimeTicks, uint32(n)
	}
	return pdu, nil
}

// Handle sends the trap.
func (h *SNMPTrap) Handle(d *alert.Data) error {
	td := newTemplateData(d, h.TaskName)
	vars := []gosnmp.SnmpPDU{
		// Kapacitor sends a fixed sysUpTime of 1000.
		{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.TimeTicks, Value: uint32(1000)},
		{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.ObjectIdentifier, Value: h.TrapOID},
	}
	for _, v := range h.vars {
		pdu, err := v.varbind(td)
		if err != nil {
			return fmt.Errorf("snmpTrap handler: %w", err)
		}
		vars = append(vars, pdu)
	}
	host, port, err := net.SplitHostPort(h.Addr)
	if err != nil {
		return fmt.Errorf("snmpTrap handler: addr %q: %w", h.Addr, err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return fmt.Errorf("snmpTrap handler: addr %q: bad port", h.Addr)
	}
	timeout := h.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	c := &gosnmp.GoSNMP{
		Target:    host,
		Port:      uint16(p),
		Transport: "udp",
		Community: h.Community,
		Version:   gosnmp.Version2c,
		Retries:   h.Retries,
		Timeout:   timeout,
		MaxOids:   gosnmp.MaxOids,
	}
	if err := c.Connect(); err != nil {
		return fmt.Errorf("snmpTrap handler: connect %s: %w", h.Addr, err)
	}
	defer c.Conn.Close()
	if _, err := c.SendTrap(gosnmp.SnmpTrap{Variables: vars}); err != nil {
		return fmt.Errorf("snmpTrap handler: send trap to %s: %w", h.Addr, err)
	}
	return nil
}
