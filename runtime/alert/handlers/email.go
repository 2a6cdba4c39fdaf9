package handlers

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/tickc/tickc/runtime/alert"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Kapacitor's [smtp] defaults.
const (
	DefaultSMTPHost        = "localhost"
	DefaultSMTPPort        = 25
	DefaultSMTPIdleTimeout = 30 * time.Second
)

// EmailOptions are the .email() recipients: its arguments and .to(), and
// .toTemplates(), templates over the event (Kapacitor's alert template
// data) rendering more recipients, several separated by commas.
type EmailOptions struct {
	To          []string
	ToTemplates []string
	TaskName    string
}

// Email sends the alert by mail, as Kapacitor's smtp service does: the
// message is the subject, the details the HTML body. An open connection is
// reused until it has been idle for IdleTimeout.
type Email struct {
	Host               string
	Port               int
	Username, Password string
	NoVerify           bool
	IdleTimeout        time.Duration
	From               string
	To                 []string
	// toTemplates render more recipients for each event.
	toTemplates []*template.Template
	taskName    string

	mu       sync.Mutex
	client   *smtp.Client
	lastUsed time.Time
}

// NewEmail returns an .email() handler: the [smtp] host, port, username,
// password, from, to, no-verify and idle-timeout; opts.To, when given,
// replaces the section's recipients.
func NewEmail(cfg pipeline.Config, opts EmailOptions) (*Email, error) {
	const name = "email"
	s := lookup(cfg, "smtp")
	if err := s.checkEnabled(name); err != nil {
		return nil, err
	}
	h := &Email{
		Host:        s.str("host", DefaultSMTPHost),
		Port:        DefaultSMTPPort,
		Username:    s.str("username", ""),
		Password:    s.str("password", ""),
		NoVerify:    s.boolean("no-verify", false),
		IdleTimeout: DefaultSMTPIdleTimeout,
		From:        s.str("from", ""),
		To:          s.strings("to"),
	}
	switch v := s.values["port"].(type) {
	case int64:
		h.Port = int(v)
	case int:
		h.Port = v
	case float64:
		h.Port = int(v)
	case string:
		p, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("%s handler: [smtp] port: %w", name, err)
		}
		h.Port = p
	}
	if v, ok := s.values["idle-timeout"].(string); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("%s handler: [smtp] idle-timeout: %w", name, err)
		}
		h.IdleTimeout = d
	}
	if len(opts.To) > 0 {
		h.To = opts.To
	}
	for i, text := range opts.ToTemplates {
		t, err := parse(name, fmt.Sprintf("toTemplates[%d]", i), text)
		if err != nil {
			return nil, err
		}
		h.toTemplates = append(h.toTemplates, t)
	}
	h.taskName = opts.TaskName
	if h.From == "" {
		return nil, s.missing(name, "from", "")
	}
	if _, err := mail.ParseAddress(h.From); err != nil {
		return nil, fmt.Errorf("%s handler: [smtp] from: %w", name, err)
	}
	if len(h.To) == 0 && len(h.toTemplates) == 0 {
		return nil, fmt.Errorf("%s handler: no recipients: set to in the [smtp] section of the configuration (--config) or give them to .email() in the script", name)
	}
	return h, nil
}

// Recipients returns the addresses of an event: To, then what the
// .toTemplates() render, each split at commas, blanks dropped.
func (h *Email) Recipients(d *alert.Data) ([]string, error) {
	if len(h.toTemplates) == 0 {
		return h.To, nil
	}
	to := slices.Clone(h.To)
	data := newTemplateData(d, h.taskName)
	for _, t := range h.toTemplates {
		out, err := execute(t, data)
		if err != nil {
			return nil, fmt.Errorf("email handler: %s: %w", t.Name(), err)
		}
		for _, addr := range strings.Split(out, ",") {
			if addr = strings.TrimSpace(addr); addr != "" {
				to = append(to, addr)
			}
		}
	}
	return to, nil
}

// Message returns the mail of an event to the recipients to: Mime-Version,
// Date, From, To, Subject (the message), then the details as
// quoted-printable text/html.
func (h *Email) Message(d *alert.Data, to []string, now time.Time) []byte {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("Mime-Version", "1.0")
	header("Date", now.Format(time.RFC1123Z))
	header("From", mime.QEncoding.Encode("UTF-8", h.From))
	enc := make([]string, len(to))
	for i, t := range to {
		enc[i] = mime.QEncoding.Encode("UTF-8", t)
	}
	header("To", strings.Join(enc, ", "))
	header("Subject", mime.QEncoding.Encode("UTF-8", d.Message))
	header("Content-Type", "text/html; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(d.Details))
	w.Close()
	return b.Bytes()
}

// dial opens and authenticates a connection: TLS from the start on port
// 465, STARTTLS when the server offers it, PLAIN auth when a username is
// set.
func (h *Email) dial() (*smtp.Client, error) {
	addr := net.JoinHostPort(h.Host, strconv.Itoa(h.Port))
	tlsConfig := &tls.Config{ServerName: h.Host, InsecureSkipVerify: h.NoVerify}
	conn, err := net.DialTimeout("tcp", addr, DefaultTimeout)
	if err != nil {
		return nil, err
	}
	if h.Port == 465 {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, h.Host)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && h.Port != 465 {
		if err := c.StartTLS(tlsConfig); err != nil {
			c.Close()
			return nil, err
		}
	}
	if h.Username != "" {
		if ok, _ := c.Extension("AUTH"); ok {
			if err := c.Auth(smtp.PlainAuth("", h.Username, h.Password, h.Host)); err != nil {
				c.Close()
				return nil, err
			}
		}
	}
	return c, nil
}

// Handle mails the event to the recipients from the sender.
func (h *Email) Handle(d *alert.Data) error {
	to, err := h.Recipients(d)
	if err != nil {
		return err
	}
	if len(to) == 0 {
		return fmt.Errorf("email handler: no recipients for %s: the .toTemplates() rendered none", d.ID)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if h.client != nil && (now.Sub(h.lastUsed) > h.IdleTimeout || h.client.Reset() != nil) {
		h.client.Close()
		h.client = nil
	}
	if h.client == nil {
		c, err := h.dial()
		if err != nil {
			return fmt.Errorf("email handler: %w", err)
		}
		h.client = c
	}
	if err := h.send(d, to, now); err != nil {
		h.client.Close()
		h.client = nil
		return fmt.Errorf("email handler: %w", err)
	}
	h.lastUsed = time.Now()
	return nil
}

func (h *Email) send(d *alert.Data, to []string, now time.Time) error {
	from, _ := mail.ParseAddress(h.From)
	if err := h.client.Mail(from.Address); err != nil {
		return err
	}
	for _, t := range to {
		addr := t
		if a, err := mail.ParseAddress(t); err == nil {
			addr = a.Address
		}
		if err := h.client.Rcpt(addr); err != nil {
			return err
		}
	}
	w, err := h.client.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(h.Message(d, to, now)); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// Close ends an open connection.
func (h *Email) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.client == nil {
		return nil
	}
	err := h.client.Quit()
	h.client = nil
	return err
}
