package taskcli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/tickc/tickc/runtime/lineprotocol"
	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
)

// The files replay reads and record writes:
//
//   - Kapacitor's stream recordings (.srpl): records of three lines, the
//     database, the retention policy, and one point in line protocol.
//     Kapacitor writes them gzip-compressed with nanosecond timestamps; its
//     test fixtures are plain text with timestamps in seconds.
//   - Plain line protocol (.lp, .txt), all for one database and retention
//     policy.
//
// Either may be gzip-compressed; that is recognised by its magic number.

// pointSource yields the points of a recording. The point is valid until
// the next call to next.
type pointSource interface {
	next() (db, rp string, p *pipeline.Point, ok bool)
	// err is the error that ended the points early, if any.
	err() error
}

// badLineFunc is told about a line that could not be parsed.
type badLineFunc func(e lineprotocol.Error)

// openRecording opens path for reading, decompressing it if it is gzip.
// count, if not nil, is advanced by the bytes read from the file itself.
func openRecording(path string, count *countingReader) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var r io.Reader = f
	if count != nil {
		count.r = f
		r = count
	}
	br := bufio.NewReaderSize(r, 1<<16)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		return zr, f.Close, nil
	}
	return br, f.Close, nil
}

// srplReader reads a stream recording.
type srplReader struct {
	sc        *bufio.Scanner
	parser    lineprotocol.Parser
	conv      server.Converter
	precision lineprotocol.Precision
	now       time.Time
	bad       badLineFunc
	line      int // lines read
	db, rp    string
	e         error
}

// maxLine is the longest line a recording may hold.
const maxLine = 64 << 20

func newSRPLReader(r io.Reader, precision lineprotocol.Precision, now time.Time, bad badLineFunc) *srplReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	return &srplReader{sc: sc, precision: precision, now: now, bad: bad}
}

func (s *srplReader) next() (db, rp string, p *pipeline.Point, ok bool) {
	for {
		if !s.sc.Scan() {
			s.e = s.sc.Err()
			return "", "", nil, false
		}
		s.line++
		// Kapacitor's reader takes the database line as is; a blank line
		// between records is not something it writes, so skip it.
		if len(bytes.TrimSpace(s.sc.Bytes())) == 0 {
			continue
		}
		if string(s.sc.Bytes()) != s.db {
			s.db = string(s.sc.Bytes())
		}
		if !s.sc.Scan() {
			s.e = s.truncated()
			return "", "", nil, false
		}
		s.line++
		if string(s.sc.Bytes()) != s.rp {
			s.rp = string(s.sc.Bytes())
		}
		if !s.sc.Scan() {
			s.e = s.truncated()
			return "", "", nil, false
		}
		s.line++
		s.parser.Reset(s.sc.Bytes(), s.precision, s.now)
		if s.parser.Next() {
			return s.db, s.rp, s.conv.Point(&s.parser), true
		}
		for _, e := range s.parser.Errors() {
			e.Line = s.line
			s.bad(e)
		}
	}
}

func (s *srplReader) truncated() error {
	if err := s.sc.Err(); err != nil {
		return err
	}
	return fmt.Errorf("line %d: the recording ends in the middle of a record (database, retention policy, point)", s.line)
}

func (s *srplReader) err() error { return s.e }

// lpReader reads plain line protocol in chunks of whole lines, so that a
// large file need not fit in memory. (A string field value with a newline
// inside that falls on a chunk boundary would be split; chunks are 4 MiB.)
type lpReader struct {
	r         io.Reader
	db, rp    string
	parser    lineprotocol.Parser
	conv      server.Converter
	precision lineprotocol.Precision
	now       time.Time
	bad       badLineFunc

	buf      []byte
	body     int // length of buf being parsed
	lineBase int // lines before the chunk being parsed
	eof      bool
	e        error
}

const lpChunk = 4 << 20

func newLPReader(r io.Reader, db, rp string, precision lineprotocol.Precision, now time.Time, bad badLineFunc) *lpReader {
	return &lpReader{r: r, db: db, rp: rp, precision: precision, now: now, bad: bad}
}

func (l *lpReader) next() (db, rp string, p *pipeline.Point, ok bool) {
	for {
		if l.body > 0 && l.parser.Next() {
			return l.db, l.rp, l.conv.Point(&l.parser), true
		}
		if l.body > 0 {
			for _, e := range l.parser.Errors() {
				e.Line += l.lineBase
				l.bad(e)
			}
			l.lineBase += bytes.Count(l.buf[:l.body], []byte{'\n'})
		}
		if !l.fill() {
			return "", "", nil, false
		}
		l.parser.Reset(l.buf[:l.body], l.precision, l.now)
	}
}

// fill moves the unparsed rest of the buffer to its start and reads on to
// the end of the last whole line of the next chunk (or to the end of the
// file).
func (l *lpReader) fill() bool {
	rest := copy(l.buf, l.buf[l.body:])
	l.buf = l.buf[:rest]
	l.body = 0
	for want := lpChunk; ; want *= 2 {
		for !l.eof && len(l.buf) < want {
			if cap(l.buf)-len(l.buf) < 1<<16 {
				l.buf = append(l.buf, make([]byte, 1<<16)...)[:len(l.buf)]
			}
			n, err := l.r.Read(l.buf[len(l.buf):cap(l.buf)])
			l.buf = l.buf[:len(l.buf)+n]
			if errors.Is(err, io.EOF) {
				l.eof = true
			} else if err != nil {
				l.e = err
				return false
			}
		}
		if l.eof {
			l.body = len(l.buf)
			return l.body > 0
		}
		if i := bytes.LastIndexByte(l.buf, '\n'); i >= 0 {
			l.body = i + 1
			return true
		}
		if len(l.buf) > maxLine {
			l.e = fmt.Errorf("line %d is longer than %d bytes", l.lineBase+1, maxLine)
			return false
		}
	}
}

func (l *lpReader) err() error { return l.e }

// recorder writes the points a task receives as a gzip-compressed stream
// recording with nanosecond timestamps, as Kapacitor's record stream does.
type recorder struct {
	f      *os.File
	zw     *gzip.Writer
	bw     *bufio.Writer
	buf    []byte
	points int64
	e      error
}

func newRecorder(path string) (*recorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	zw := gzip.NewWriter(f)
	return &recorder{f: f, zw: zw, bw: bufio.NewWriterSize(zw, 1<<16)}, nil
}

// write records one point; it fits server.Task.SetTap.
func (r *recorder) write(db, rp string, p *pipeline.Point) {
	if r.e != nil {
		return
	}
	b := append(r.buf[:0], db...)
	b = append(b, '\n')
	b = append(b, rp...)
	b = append(b, '\n')
	b = appendLine(b, p)
	b = append(b, '\n')
	r.buf = b
	_, r.e = r.bw.Write(b)
	r.points++
}

// close flushes the recording and closes the file.
func (r *recorder) close() error {
	err := r.e
	for _, f := range []func() error{r.bw.Flush, r.zw.Close, r.f.Close} {
		if e := f(); err == nil {
			err = e
		}
	}
	return err
}

// appendLine appends p in line protocol with a nanosecond timestamp, as
// InfluxDB writes points: measurement and tags, fields, time.
func appendLine(b []byte, p *pipeline.Point) []byte {
	b = appendEscaped(b, p.Name, ", ")
	for _, t := range p.Tags {
		b = append(b, ',')
		b = appendEscaped(b, t.Key, ",= ")
		b = append(b, '=')
		b = appendEscaped(b, t.Value, ",= ")
	}
	for i, f := range p.Fields {
		if i == 0 {
			b = append(b, ' ')
		} else {
			b = append(b, ',')
		}
		b = appendEscaped(b, f.Key, ",= ")
		b = append(b, '=')
		switch v := f.Value; v.Kind {
		case pipeline.Float:
			b = strconv.AppendFloat(b, v.F, 'f', -1, 64)
		case pipeline.Int:
			b = strconv.AppendInt(b, v.I, 10)
			b = append(b, 'i')
		case pipeline.String:
			b = append(b, '"')
			b = appendEscaped(b, v.S, `"\`)
			b = append(b, '"')
		case pipeline.Bool:
			b = strconv.AppendBool(b, v.B)
		}
	}
	b = append(b, ' ')
	return strconv.AppendInt(b, p.Time, 10)
}

// appendEscaped appends s with a backslash before each byte in special.
func appendEscaped(b []byte, s, special string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		for j := 0; j < len(special); j++ {
			if c == special[j] {
				b = append(b, '\\')
				break
			}
		}
		b = append(b, c)
	}
	return b
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
