package handlers

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/tickc/tickc/runtime/alert"
)

// smtpMail is one mail the test server received.
type smtpMail struct {
	from string
	to   []string
	data string
}

type smtpBackend struct{ mails chan smtpMail }

func (b *smtpBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) {
	return &smtpSession{b: b}, nil
}

type smtpSession struct {
	b *smtpBackend
	m smtpMail
}

func (s *smtpSession) Reset()        { s.m = smtpMail{} }
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.m.from = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.m.to = append(s.m.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.data = string(b)
	s.b.mails <- s.m
	return nil
}

func TestEmail(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be := &smtpBackend{mails: make(chan smtpMail, 4)}
	srv := gosmtp.NewServer(be)
	srv.Domain = "localhost"
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	h, err := NewEmail(conf{"smtp": {"enabled": true, "host": host, "port": port, "from": "Kapacitor <k@example.com>",
		"to": []any{"cfg@example.com"}, "idle-timeout": "1m"}}, EmailOptions{To: []string{"a@example.com", "B <b@example.com>"}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for i, level := range []alert.Level{alert.Critical, alert.OK} { // the second reuses the connection
		d := event(level)
		d.Details = "<b>cpu</b> é"
		if err := h.Handle(d); err != nil {
			t.Fatal(i, err)
		}
		got := <-be.mails
		if got.from != "k@example.com" || strings.Join(got.to, ",") != "a@example.com,b@example.com" {
			t.Errorf("envelope %s -> %v", got.from, got.to)
		}
		msg, err := mail.ReadMessage(strings.NewReader(got.data))
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{"From": "Kapacitor <k@example.com>", "To": "a@example.com, B <b@example.com>",
			"Subject": d.Message, "Content-Type": "text/html; charset=UTF-8", "Content-Transfer-Encoding": "quoted-printable", "Mime-Version": "1.0"} {
			v, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get(k))
			if v != want {
				t.Errorf("%s: %q, want %q", k, v, want)
			}
		}
		if _, err := msg.Header.Date(); err != nil {
			t.Errorf("Date: %v", err)
		}
		body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if strings.TrimSuffix(string(body), "\r\n") != d.Details { // DATA ends with CRLF
			t.Errorf("body %q", body)
		}
	}
	if _, err := NewEmail(conf{"smtp": {"to": []any{"x@example.com"}}}, EmailOptions{}); err == nil || !strings.Contains(err.Error(), "[smtp]") {
		t.Errorf("missing from: %v", err)
	}
}
