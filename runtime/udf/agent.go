package udf

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// agent is one connection to a UDF agent: a child process speaking on its
// stdin and stdout, or a unix socket. Requests are written by the caller
// into a buffer and, every timeout/2, by a keepalive goroutine, which also
// fails the agent when nothing came back for a whole timeout, as Kapacitor
// does. A reader goroutine decodes the agent's responses and queues its
// begin, point and end messages for the node to take.
type agent struct {
	name string
	fn   Function
	log  *slog.Logger

	cmd  *exec.Cmd // nil for a socket agent
	conn io.Closer // the socket, or the process's stdin
	mu   sync.Mutex
	w    *bufio.Writer
	enc  encoder

	replies chan *response // info, init, restore
	// onSnapshot receives the state of each snapshot response, on the
	// reader goroutine; nil: snapshots are not asked for.
	onSnapshot func(snapshot []byte)
	// queued holds the begin, point and end messages read and not yet
	// taken; free holds taken ones given back, to decode into again.
	qmu    sync.Mutex
	queued []*response
	free   []*response
	// token numbers keepalive requests; acked is the last one answered.
	token    atomic.Int64
	acked    atomic.Int64
	ack      chan struct{}
	lastSeen atomic.Int64 // when the agent last sent anything, Unix ns

	failOnce sync.Once
	err      error
	dead     chan struct{} // closed when the agent failed or stopped
	readDone chan struct{}
	stop     chan struct{}
}

// writeBuffer is the size of the buffer requests are written into: big
// enough that a fast stream writes to the agent in large chunks.
const writeBuffer = 64 << 10

// start connects to the agent of fn: it starts prog or dials socket.
// onSnapshot, if not nil, receives the agent's snapshots.
func start(name string, fn Function, log *slog.Logger, onSnapshot func([]byte)) (*agent, error) {
	a := &agent{
		name: name, fn: fn, log: log, onSnapshot: onSnapshot,
		replies: make(chan *response, 1), ack: make(chan struct{}, 1),
		dead: make(chan struct{}), readDone: make(chan struct{}), stop: make(chan struct{}),
	}
	a.token.Store(time.Now().UnixNano())
	var r io.Reader
	if fn.Socket != "" {
		conn, err := dial(fn.Socket, fn.Timeout)
		if err != nil {
			return nil, fmt.Errorf("UDF %s: %w", name, err)
		}
		a.conn, r = conn, conn
		a.w = bufio.NewWriterSize(conn, writeBuffer)
	} else {
		a.cmd = exec.Command(fn.Prog, fn.Args...)
		a.cmd.Env = os.Environ()
		for k, v := range fn.Env {
			a.cmd.Env = append(a.cmd.Env, k+"="+v)
		}
		stdin, err := a.cmd.StdinPipe()
		if err != nil {
			return nil, err
		}
		stdout, err := a.cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		stderr, err := a.cmd.StderrPipe()
		if err != nil {
			return nil, err
		}
		if err := a.cmd.Start(); err != nil {
			return nil, fmt.Errorf("UDF %s: starting %s: %w", name, fn.Prog, err)
		}
		go a.logStderr(stderr)
		a.conn, r = stdin, stdout
		a.w = bufio.NewWriterSize(stdin, writeBuffer)
	}
	a.enc.w = a.w
	a.lastSeen.Store(time.Now().UnixNano())
	go a.read(bufio.NewReaderSize(r, writeBuffer))
	if fn.Timeout > 0 {
		go a.keepalive()
	}
	return a, nil
}

// dial connects to a socket agent, retrying while it is starting up.
func dial(path string, timeout time.Duration) (net.Conn, error) {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	deadline := time.Now().Add(timeout)
	wait := 10 * time.Millisecond
	for {
		conn, err := net.Dial("unix", path)
		if err == nil || time.Now().After(deadline) {
			return conn, err
		}
		time.Sleep(wait)
		wait = min(2*wait, time.Second)
	}
}

// logStderr logs what a process agent writes to its stderr, line by line.
func (a *agent) logStderr(r io.Reader) {
	s := bufio.NewScanner(r)
	for s.Scan() {
		a.log.Info("UDF log", "udf", a.name, "text", s.Text())
	}
}

// read decodes responses until the agent closes its output.
func (a *agent) read(r *bufio.Reader) {
	defer close(a.readDone)
	var buf []byte
	var strs interner
	for {
		b, err := readFrame(r, &buf)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the agent closed its output")
			}
			a.fail(fmt.Errorf("read error: %w", err))
			return
		}
		if r.Buffered() == 0 { // once per read of the connection, not per message
			a.lastSeen.Store(time.Now().UnixNano())
		}
		resp := a.newResponse()
		if err := decodeResponse(b, resp, &strs); err != nil {
			a.fail(fmt.Errorf("read error: %w", err))
			return
		}
		switch resp.kind {
		case msgKeepalive:
			if resp.keepalive > a.acked.Load() {
				a.acked.Store(resp.keepalive)
			}
			select {
			case a.ack <- struct{}{}:
			default:
			}
		case msgSnapshot:
			if a.onSnapshot != nil {
				a.onSnapshot(resp.snapshot)
			} else {
				a.log.Error("UDF sent a snapshot without a request", "udf", a.name)
			}
		case msgInfo, msgInit, msgRestore:
			select {
			case a.replies <- resp:
			default:
				a.log.Error("UDF sent a response without a request", "udf", a.name, "kind", int(resp.kind))
			}
		case msgError:
			a.fail(fmt.Errorf("the agent reported an error: %s", resp.err))
			return
		case msgBegin, msgPoint, msgEnd:
			a.qmu.Lock()
			a.queued = append(a.queued, resp)
			a.qmu.Unlock()
			continue
		}
		a.recycle(resp)
	}
}

// newResponse returns a response to decode into: a recycled one if any.
func (a *agent) newResponse() *response {
	a.qmu.Lock()
	defer a.qmu.Unlock()
	if n := len(a.free); n > 0 {
		r := a.free[n-1]
		a.free = a.free[:n-1]
		return r
	}
	return new(response)
}

// take returns the queued messages, in the agent's order, and makes
// dst[:0] the queue: the caller passes the list it took last time.
func (a *agent) take(dst []*response) []*response {
	a.qmu.Lock()
	defer a.qmu.Unlock()
	list := a.queued
	a.queued = dst[:0]
	return list
}

// maxFree bounds the responses kept for reuse after a burst.
const maxFree = 4096

// recycle gives back taken messages: the caller no longer uses them.
func (a *agent) recycle(rs ...*response) {
	a.qmu.Lock()
	a.free = append(a.free, rs[:min(len(rs), maxFree-len(a.free))]...)
	a.qmu.Unlock()
}

// keepalive sends a keepalive request every timeout/2 and fails the agent
// when it has sent nothing back for a whole timeout.
func (a *agent) keepalive() {
	tick := time.NewTicker(a.fn.Timeout / 2)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-a.dead:
			return
		case <-a.stop:
			return
		}
		last := time.Unix(0, a.lastSeen.Load())
		if time.Since(last) > a.fn.Timeout {
			a.fail(fmt.Errorf("keepalive timed out, last keepalive received was: %s", last.UTC().Format(time.RFC3339Nano)))
			return
		}
		// A write in progress (maybe blocked on an agent that stopped
		// reading) must not keep this loop from noticing a timeout, and
		// makes a keepalive needless anyway.
		if !a.mu.TryLock() {
			continue
		}
		a.enc.keepalive(a.token.Add(1))
		err := a.enc.frame()
		if err == nil {
			err = a.w.Flush()
		}
		a.mu.Unlock()
		if err != nil {
			a.fail(fmt.Errorf("write error: %w", err))
			return
		}
	}
}

// fail records the first error and kills a process agent.
func (a *agent) fail(err error) {
	a.failOnce.Do(func() {
		a.err = fmt.Errorf("UDF %s: %w", a.name, err)
		close(a.dead)
		a.conn.Close()
		if a.cmd != nil && a.cmd.Process != nil {
			a.cmd.Process.Kill()
		}
	})
}

// failed returns the agent's error once it has failed.
func (a *agent) failed() error {
	select {
	case <-a.dead:
		return a.err
	default:
		return nil
	}
}

// write calls build, which encodes and frames requests into the buffer,
// without flushing it (the buffer goes out when full, or on flush).
func (a *agent) write(build func(e *encoder) error) error {
	if err := a.failed(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := build(&a.enc); err != nil {
		a.fail(fmt.Errorf("write error: %w", err))
		return a.err
	}
	return nil
}

// flush sends what the buffer holds.
func (a *agent) flush() error {
	if err := a.failed(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.w.Flush(); err != nil {
		a.fail(fmt.Errorf("write error: %w", err))
		return a.err
	}
	return nil
}

// send writes the request that build encodes, and flushes the buffer.
func (a *agent) send(build func(e *encoder)) error {
	err := a.write(func(e *encoder) error {
		build(e)
		return e.frame()
	})
	if err != nil {
		return err
	}
	return a.flush()
}

// sync sends a keepalive request and waits for its answer. Agents answer
// requests in order, so everything the agent sent in response to the
// requests before it has then been queued.
func (a *agent) sync() error {
	tok := a.token.Add(1)
	if err := a.send(func(e *encoder) { e.keepalive(tok) }); err != nil {
		return err
	}
	for a.acked.Load() < tok {
		select {
		case <-a.ack:
		case <-a.dead:
			return a.err
		}
	}
	return nil
}

// request sends a request and waits for the response of that kind.
func (a *agent) request(kind int, build func(e *encoder)) (*response, error) {
	if err := a.send(build); err != nil {
		return nil, err
	}
	var timeout <-chan time.Time
	if a.fn.Timeout > 0 {
		t := time.NewTimer(a.fn.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case r := <-a.replies:
		if int(r.kind) != kind {
			return nil, fmt.Errorf("UDF %s: expected response %d, got %d", a.name, kind, r.kind)
		}
		return r, nil
	case <-a.dead:
		return nil, a.err
	case <-timeout:
		a.fail(fmt.Errorf("no response to the request within the timeout %s", a.fn.Timeout))
		return nil, a.err
	}
}

// askSnapshot asks the agent for its state, which onSnapshot receives
// when it comes: the task does not wait for it. The agent answers requests
// in order, so the state is the one after every point written before.
func (a *agent) askSnapshot() error {
	return a.send(func(e *encoder) { e.snapshot() })
}

// restore gives the agent a state it answered a snapshot request with.
func (a *agent) restore(snapshot []byte) error {
	r, err := a.request(msgRestore, func(e *encoder) { e.restore(snapshot) })
	if err != nil {
		return err
	}
	if !r.ok {
		return fmt.Errorf("UDF %s: error restoring snapshot: %s", a.name, r.err)
	}
	return nil
}

// close stops the agent: it closes the agent's input, so a process agent
// exits, and waits up to the timeout (or a second) for it to finish.
func (a *agent) close() error {
	close(a.stop)
	a.mu.Lock()
	a.w.Flush()
	a.mu.Unlock()
	err := a.failed()
	if a.cmd == nil {
		a.fail(errors.New("stopped"))
		<-a.readDone
		return err
	}
	a.conn.Close()
	wait := a.fn.Timeout
	if wait <= 0 {
		wait = time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	select {
	case <-a.readDone:
	case <-ctx.Done():
	}
	a.fail(errors.New("stopped"))
	a.cmd.Wait()
	return err
}

// AskInfo starts the agent of fn, asks for its info and stops it: what
// `tickc build` checks a script's @name() nodes against when the config
// declares no options.
func AskInfo(name string, fn Function) (Info, error) {
	if fn.Timeout <= 0 {
		fn.Timeout = DefaultTimeout
	}
	a, err := start(name, fn, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		return Info{}, err
	}
	defer a.close()
	r, err := a.request(msgInfo, func(e *encoder) { e.info() })
	if err != nil {
		return Info{}, err
	}
	return r.info, nil
}
