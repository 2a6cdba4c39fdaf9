package alert

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"time"
)

// jsonLine returns the event's JSON line (Data.JSON) for a handler on a
// goroutine of its own: the line made by freeze, or one made for the
// handler, as the event may be read by other handlers at the same time.
func jsonLine(d *Data) ([]byte, error) {
	if d.line != nil {
		return d.line, nil
	}
	b, err := d.AppendJSON(make([]byte, 0, 1024))
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// PostHandler is the .post(url) handler: it POSTs each event's JSON to a
// URL, with the .header() headers, as Kapacitor's httppost service does.
type PostHandler struct {
	URL     string
	Headers map[string]string
	// Timeout bounds one request (.timeout(); 0 means none, as in Kapacitor).
	Timeout time.Duration
	Client  *http.Client
}

// NewPostHandler returns a .post(url) handler.
func NewPostHandler(url string, headers map[string]string, timeout time.Duration) (*PostHandler, error) {
	if url == "" {
		return nil, fmt.Errorf("post handler: no URL (configured [[httppost]] endpoints are not supported yet)")
	}
	return &PostHandler{URL: url, Headers: headers, Timeout: timeout, Client: http.DefaultClient}, nil
}

// Handle posts the event and reads the answer; a status outside 2xx is a
// *StatusError.
func (h *PostHandler) Handle(d *Data) error { return h.HandleContext(context.Background(), d) }

// HandleContext is Handle, interrupted when ctx is canceled.
func (h *PostHandler) HandleContext(ctx context.Context, d *Data) error {
	body, err := jsonLine(d)
	if err != nil {
		return err
	}
	if h.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post handler: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h.Headers {
		req.Header.Set(k, v)
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		return fmt.Errorf("post handler: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post handler: %w", &StatusError{URL: h.URL, Status: resp.Status, Code: resp.StatusCode})
	}
	return nil
}

// TCPHandler is the .tcp(address) handler: it writes each event's JSON
// line to a new TCP connection.
type TCPHandler struct {
	Address string
	Timeout time.Duration
}

// NewTCPHandler returns a .tcp(address) handler.
func NewTCPHandler(address string) (*TCPHandler, error) {
	if address == "" {
		return nil, fmt.Errorf("tcp handler: no address")
	}
	return &TCPHandler{Address: address, Timeout: 10 * time.Second}, nil
}

// Handle dials, writes the event, and closes the connection.
func (h *TCPHandler) Handle(d *Data) error { return h.HandleContext(context.Background(), d) }

// HandleContext is Handle, interrupted when ctx is canceled.
func (h *TCPHandler) HandleContext(ctx context.Context, d *Data) error {
	body, err := jsonLine(d)
	if err != nil {
		return err
	}
	dialer := net.Dialer{Timeout: h.Timeout}
	conn, err := dialer.DialContext(ctx, "tcp", h.Address)
	if err != nil {
		return fmt.Errorf("tcp handler: %w", err)
	}
	defer conn.Close()
	_ = conn.SetWriteDeadline(time.Now().Add(h.Timeout))
	if _, err := conn.Write(body); err != nil {
		return fmt.Errorf("tcp handler: %w", err)
	}
	return nil
}

// ExecHandler is the .exec(prog, args...) handler: it runs a program with
// each event's JSON on its standard input.
type ExecHandler struct {
	Prog string
	Args []string
}

// NewExecHandler returns an .exec(prog, args...) handler.
func NewExecHandler(prog string, args ...string) (*ExecHandler, error) {
	if prog == "" {
		return nil, fmt.Errorf("exec handler: no program")
	}
	return &ExecHandler{Prog: prog, Args: args}, nil
}

// Handle runs the program and waits for it; its output is included in the
// error when it fails.
func (h *ExecHandler) Handle(d *Data) error { return h.HandleContext(context.Background(), d) }

// HandleContext is Handle; the program is killed when ctx is canceled.
func (h *ExecHandler) HandleContext(ctx context.Context, d *Data) error {
	body, err := jsonLine(d)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, h.Prog, h.Args...)
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("exec handler %s: %w: %s", h.Prog, err, bytes.TrimSpace(out))
	}
	return nil
}
