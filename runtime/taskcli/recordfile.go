package taskcli

import (
	"bufio"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/recording"
	"github.com/tickc/tickc/runtime/server"
)

// pointSource yields the points of a recording file (see package
// recording): an srpl stream recording, or plain line protocol whose points
// all go to one database and retention policy.
type pointSource struct {
	r      *recording.Reader
	db, rp string // for line protocol
	parser lineprotocol.Parser
	conv   server.Converter
	now    time.Time // the time of points without a timestamp
	bad    func(lineprotocol.Error)
}

// next returns the next point, valid until the following call, with the
// database and retention policy it was written to.
func (s *pointSource) next() (db, rp string, p *pipeline.Point, ok bool) {
	for s.r.Next() {
		s.parser.ResetLine(s.r.Point(), s.r.Precision(), s.now) // a line: no newline
		if !s.parser.Next() {
			for _, e := range s.parser.Errors() {
				e.Line = s.r.Line()
				s.bad(e)
			}
			continue
		}
		db, rp := s.r.DB(), s.r.RP()
		if s.r.Format() == recording.LineProtocol {
			db, rp = s.db, s.rp
		}
		return db, rp, s.conv.Point(&s.parser), true
	}
	return "", "", nil, false
}

// err is the error that ended the points early, if any.
func (s *pointSource) err() error { return s.r.Err() }

// recorder writes the points a task receives as a stream recording
// (gzip-compressed, nanosecond timestamps), as Kapacitor's record stream
// does.
type recorder struct {
	f       *os.File
	bw      *bufio.Writer
	w       *recording.Writer
	points  int64
	skipped int64 // points the format cannot hold (a newline in a string)
	onSkip  func(error)
}

func newRecorder(path string, onSkip func(error)) (*recorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	return &recorder{f: f, bw: bw, w: recording.NewWriter(bw), onSkip: onSkip}, nil
}

// write records one point; it fits server.Task.SetTap. A point that cannot
// be recorded is skipped. Errors writing the file show when it is closed.
func (r *recorder) write(db, rp string, lp *lineprotocol.Parser) {
	if err := r.w.WritePoint(db, rp, lp.Measurement(), lp.Tags(), lp.Fields(), lp.Time()); err != nil {
		r.skipped++
		r.onSkip(err)
		return
	}
	r.points++
}

// close completes the recording and closes the file.
func (r *recorder) close() error {
	err := r.w.Close()
	if e := r.bw.Flush(); err == nil {
		err = e
	}
	if e := r.f.Close(); err == nil {
		err = e
	}
	return err
}

// countingReader counts the bytes read through it, for the progress bar.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
