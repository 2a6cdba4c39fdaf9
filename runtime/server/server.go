package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickc/tickc/runtime/lineprotocol"
)

// BasePath is the prefix of Kapacitor's HTTP API.
const BasePath = "/kapacitor/v1"

// Options configure a Server.
type Options struct {
	// Log receives request logs and write errors; nil discards them.
	Log *slog.Logger
	// Version is sent in the X-Kapacitor-Version header.
	Version string
	// Hostname is the host debug/vars reports (kapacitor.conf's
	// hostname); empty: the machine's.
	Hostname string
	// LogRequests logs every request, as kapacitor.conf's [http]
	// log-enabled does.
	LogRequests bool
	// SideloadReload is called by POST /kapacitor/v1/sideload/reload to
	// read the task's sideload sources again (taskcli passes
	// sideload.ReloadAll); nil: the route answers 204 doing nothing.
	SideloadReload func() error
}

// Server is the HTTP API of one task: the part of Kapacitor's API that a
// task needs (write, ping, tasks, httpOut endpoints, debug/vars). It is an
// http.Handler; serve it with net/http or httptest.
type Server struct {
	task *Task
	opts Options
	// tasks are the tasks served, by ID: task alone, or those of router.
	tasks  []*Task
	router *Router // nil: one task, written to directly

	bodies sync.Pool // *bytes.Buffer
	gzips  sync.Pool // *gzip.Reader

	requests      atomic.Int64
	pingRequests  atomic.Int64
	writeRequests atomic.Int64
	writeBytes    atomic.Int64
	pointsOK      atomic.Int64 // points of good lines written
	pointsFailed  atomic.Int64 // bad lines written

	metrics             http.Handler // GET /metrics (metrics.go)
	clusterID, serverID string       // debug/vars (debugvars.go)
}

// New returns the HTTP API of t.
func New(t *Task, opts Options) *Server {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{task: t, tasks: []*Task{t}, opts: opts, clusterID: newUUID(), serverID: newUUID()}
	s.metrics = s.metricsHandler()
	return s
}

// NewMulti returns the HTTP API of the tasks of r: writes go through r,
// and the task routes serve each task by its ID.
func NewMulti(r *Router, opts Options) *Server {
	s := New(nil, opts)
	s.tasks, s.router = r.Tasks(), r
	return s
}

// write delivers a write to the task or, with several, to the router.
func (s *Server) write(db, rp string, body []byte, precision lineprotocol.Precision, now time.Time) WriteResult {
	if s.router != nil {
		return s.router.Write(db, rp, body, precision, now)
	}
	return s.task.Write(db, rp, body, precision, now)
}

// taskByID returns the served task called id, or nil.
func (s *Server) taskByID(id string) *Task {
	for _, t := range s.tasks {
		if t.Program.ID == id {
			return t
		}
	}
	return nil
}

// Task returns the task the server serves; nil for a server of NewMulti.
func (s *Server) Task() *Task { return s.task }

// ServeHTTP routes a request as Kapacitor does. Unknown paths and methods
// get 404 with a JSON error, like Kapacitor's catch-all route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.opts.LogRequests {
		start := time.Now()
		lw := &loggingWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			s.opts.Log.Info("http request", "method", r.Method, "path", r.URL.Path,
				"status", lw.status, "bytes", lw.bytes, "duration", time.Since(start), "remote", r.RemoteAddr)
		}()
		w = lw
	}
	h := w.Header()
	h.Set("X-Kapacitor-Version", s.opts.Version)
	h.Set("Content-Type", "application/json")

	path := r.URL.Path
	method := r.Method
	switch {
	case path == "/write" || path == BasePath+"/write":
		switch method {
		case http.MethodPost:
			s.serveWrite(w, r)
		case http.MethodOptions:
			w.WriteHeader(http.StatusNoContent)
		default:
			notFound(w)
		}
	case path == BasePath+"/ping":
		if method == http.MethodGet || method == http.MethodHead {
			s.pingRequests.Add(1)
			w.WriteHeader(http.StatusNoContent)
		} else {
			notFound(w)
		}
	case path == BasePath+"/tasks" && method == http.MethodGet:
		s.serveTasks(w, r)
	case strings.HasPrefix(path, BasePath+"/tasks/") && method == http.MethodGet:
		s.serveTask(w, r, path[len(BasePath+"/tasks/"):])
	case path == BasePath+"/sideload/reload" && method == http.MethodPost:
		if s.opts.SideloadReload != nil {
			if err := s.opts.SideloadReload(); err != nil {
				writeError(w, http.StatusInternalServerError, err.Error())
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	case path == BasePath+"/debug/vars" && method == http.MethodGet:
		s.serveVars(w)
	case path == "/metrics" && method == http.MethodGet:
		s.metrics.ServeHTTP(w, r)
	default:
		notFound(w)
	}
}

// serveWrite handles POST /write and /kapacitor/v1/write.
func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request) {
	s.writeRequests.Add(1)
	q := r.URL.Query()
	db, rp := q.Get("db"), q.Get("rp")
	if db == "" {
		writeError(w, http.StatusBadRequest, "database is required")
		return
	}
	precision := lineprotocol.ParsePrecision(q.Get("precision"))

	buf, err := s.readBody(r)
	if buf != nil {
		defer s.putBody(buf)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.writeBytes.Add(int64(buf.Len()))

	res := s.write(db, rp, buf.Bytes(), precision, time.Now())
	s.pointsOK.Add(int64(res.Points + res.Ignored))
	s.pointsFailed.Add(int64(res.Bad))
	if res.Bad == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	msg := writeErrorMessage(res)
	s.opts.Log.Warn("bad lines in write", "db", db, "rp", rp, "bad", res.Bad, "points", res.Points+res.Ignored, "error", msg)
	writeJSON(w, http.StatusBadRequest, struct {
		Error string `json:"error"`
		Line  int    `json:"line"`
	}{msg, res.First.Line})
}

// writeErrorMessage describes a write with bad lines the way InfluxDB
// does, with the line number of the first bad line: "unable to parse
// '<line>': <why>", prefixed by "partial write: " and followed by the
// number of dropped lines when other lines were written.
func writeErrorMessage(res WriteResult) string {
	text := res.First.Text
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	msg := fmt.Sprintf("unable to parse '%s': line %d: %s", text, res.First.Line, res.First.Msg)
	if res.Bad > 1 {
		msg += fmt.Sprintf(" (and %d more bad lines)", res.Bad-1)
	}
	if res.Points+res.Ignored > 0 {
		msg = fmt.Sprintf("partial write: %s dropped=%d", msg, res.Bad)
	}
	return msg
}

// maxPooledBody is the largest body buffer kept for reuse.
const maxPooledBody = 64 << 20

// readBody reads the request body, gunzipping it if it says it is gzip,
// into a pooled buffer. The buffer is returned even on error, for putBody.
func (s *Server) readBody(r *http.Request) (*bytes.Buffer, error) {
	buf, _ := s.bodies.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	var src io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, _ := s.gzips.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(r.Body)
		} else {
			err = zr.Reset(r.Body)
		}
		if err != nil {
			return buf, fmt.Errorf("invalid gzip body: %w", err)
		}
		defer s.gzips.Put(zr)
		src = zr
	} else if r.ContentLength > 0 && r.ContentLength <= maxPooledBody {
		// Room for the body and the final read that sees EOF. (A larger
		// body grows the buffer as it arrives, so that a false length
		// cannot make the server allocate much.)
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(src)
	return buf, err
}

func (s *Server) putBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		s.bodies.Put(buf)
	}
}

// notFound is Kapacitor's answer to unknown routes.
func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "Not Found")
}

// writeError writes Kapacitor's JSON error: {"error": msg}, indented.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, struct {
		Error string `json:"error"`
	}{msg})
}

// writeJSON writes v as Kapacitor does: indented by four spaces, without
// a final newline.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		code = http.StatusInternalServerError
		b, _ = json.Marshal(struct {
			Error string `json:"error"`
		}{err.Error()})
	}
	w.WriteHeader(code)
	w.Write(b)
}

// loggingWriter remembers the status and size of a response.
type loggingWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *loggingWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *loggingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}
