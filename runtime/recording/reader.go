// Package recording reads and writes Kapacitor stream recordings (.srpl)
// and reads plain line-protocol files in their place.
//
// A stream recording is text made of three-line records: the database, the
// retention policy, and one line-protocol point. Kapacitor's server writes
// them gzip-compressed with nanosecond timestamps; its test fixtures are
// plain text with timestamps in seconds.
package recording

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tickc/tickc/runtime/lineprotocol"
)

// Format is the layout of a recording file.
type Format uint8

const (
	// SRPL is Kapacitor's stream recording: database, retention policy and
	// point on three lines per record.
	SRPL Format = iota + 1
	// LineProtocol is a plain line-protocol file: one point per line, no
	// database or retention policy; blank lines and # comments are skipped.
	LineProtocol
)

func (f Format) String() string {
	if f == LineProtocol {
		return "line protocol"
	}
	return "srpl"
}

// maxLine bounds the length of a line, as InfluxDB bounds series keys.
const maxLine = 4 << 20

// Reader reads the records of a recording. As in Kapacitor, a point must fit
// on one line, so string fields cannot contain newlines.
type Reader struct {
	lines     *bufio.Scanner
	format    Format
	precision lineprotocol.Precision
	lineNo    int // of the last line read
	db, rp    string
	point     []byte
	pointLine int
	err       error
}

// NewReader detects whether r is gzip-compressed and whether it holds an
// srpl recording or plain line protocol: if its first line (blank lines and
// comments aside) is a valid point, it is line protocol.
//
// precision is the unit of the timestamps of plain-text files. Compressed
// srpl files are Kapacitor server recordings, always in nanoseconds.
func NewReader(r io.Reader, precision lineprotocol.Precision) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	compressed := false
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("recording: %w", err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
		compressed = true
	}

	format, err := detect(br)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	if compressed && format == SRPL {
		precision = lineprotocol.Nanosecond
	}
	lines := bufio.NewScanner(br)
	// Large reads: a Scanner starts with 4 KiB and only grows for long lines.
	lines.Buffer(make([]byte, 256<<10), maxLine)
	return &Reader{lines: lines, format: format, precision: precision}, nil
}

// detect looks at the first meaningful line of br without consuming it.
func detect(br *bufio.Reader) (Format, error) {
	for n := 64; ; n *= 2 {
		buf, err := br.Peek(n)
		rest := buf
		for len(rest) > 0 {
			line, after, found := bytes.Cut(rest, []byte{'\n'})
			if !found && err == nil {
				break // the line may go on beyond what was peeked
			}
			line = bytes.TrimSpace(line)
			if len(line) > 0 && line[0] != '#' {
				if isPoint(line) {
					return LineProtocol, nil
				}
				return SRPL, nil
			}
			rest = after
		}
		switch {
		case err == io.EOF:
			return LineProtocol, nil // only comments, which srpl does not have
		case errors.Is(err, bufio.ErrBufferFull):
			return SRPL, nil // a first line this long is no point we could read
		case err != nil:
			return 0, err
		}
	}
}

func isPoint(line []byte) bool {
	var p lineprotocol.Parser
	p.Reset(line, lineprotocol.Nanosecond, time.Time{})
	return p.Next()
}

// Format returns the detected layout.
func (r *Reader) Format() Format { return r.format }

// Precision returns the unit of the timestamps of the points.
func (r *Reader) Precision() lineprotocol.Precision { return r.precision }

// Next advances to the next record and reports whether there is one.
func (r *Reader) Next() bool {
	if r.err != nil {
		return false
	}
	if r.format == LineProtocol {
		return r.nextPoint()
	}
	return r.nextRecord()
}

func (r *Reader) nextPoint() bool {
	for r.scan() {
		line := bytes.TrimSpace(r.lines.Bytes())
		if len(line) > 0 && line[0] != '#' {
			r.point, r.pointLine = line, r.lineNo
			return true
		}
	}
	return false
}

func (r *Reader) nextRecord() bool {
	// Blank lines between records are skipped; Kapacitor would read one as
	// an empty database name, which no task uses.
	for {
		if !r.scan() {
			return false
		}
		if len(r.lines.Bytes()) > 0 {
			break
		}
	}
	r.db = reuse(r.db, r.lines.Bytes())
	if !r.scan() {
		r.truncated("retention policy")
		return false
	}
	r.rp = reuse(r.rp, r.lines.Bytes())
	if !r.scan() {
		r.truncated("point")
		return false
	}
	r.point, r.pointLine = r.lines.Bytes(), r.lineNo
	return true
}

func (r *Reader) scan() bool {
	if !r.lines.Scan() {
		if err := r.lines.Err(); err != nil {
			r.err = fmt.Errorf("recording: line %d: %w", r.lineNo+1, err)
		}
		return false
	}
	r.lineNo++
	return true
}

func (r *Reader) truncated(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("recording: line %d: record for database %q ends before its %s", r.lineNo, r.db, what)
	}
}

// reuse returns s if it equals b, so that records of one database and
// retention policy, the usual case, allocate no strings.
func reuse(s string, b []byte) string {
	if s == string(b) {
		return s
	}
	return string(b)
}

// DB returns the current record's database ("" for line protocol).
func (r *Reader) DB() string { return r.db }

// RP returns the current record's retention policy ("" for line protocol).
func (r *Reader) RP() string { return r.rp }

// Point returns the current record's line-protocol point, valid until the
// next call to Next.
func (r *Reader) Point() []byte { return r.point }

// Line returns the 1-based line number of the current point in the
// (decompressed) file.
func (r *Reader) Line() int { return r.pointLine }

// Err returns the first error met, if any.
func (r *Reader) Err() error { return r.err }
