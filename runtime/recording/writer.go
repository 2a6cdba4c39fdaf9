package recording

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tickc/tickc/runtime/lineprotocol"
)

// Writer writes a stream recording as Kapacitor's server does: gzip-compressed
// srpl with nanosecond timestamps.
type Writer struct {
	zw  *gzip.Writer
	buf []byte
}

// NewWriter starts a recording on w. Close must be called to complete it.
func NewWriter(w io.Writer) *Writer {
	return &Writer{zw: gzip.NewWriter(w)}
}

// WritePoint appends one record. Tags and fields should be sorted by key, as
// lineprotocol.Parser returns them; t is in nanoseconds.
func (w *Writer) WritePoint(db, rp string, measurement []byte, tags []lineprotocol.Tag, fields []lineprotocol.Field, t int64) error {
	// A newline, which line protocol leaves unescaped even in string fields,
	// would break the record apart.
	if strings.IndexByte(db, '\n') >= 0 || strings.IndexByte(rp, '\n') >= 0 {
		return errors.New("recording: database or retention policy contains a newline")
	}
	b := append(w.buf[:0], db...)
	b = append(b, '\n')
	b = append(b, rp...)
	b = append(b, '\n')
	start := len(b)
	b = lineprotocol.AppendPoint(b, measurement, tags, fields, t)
	w.buf = b
	if bytes.IndexByte(b[start:], '\n') >= 0 {
		return fmt.Errorf("recording: point %q contains a newline", b[start:])
	}
	b = append(b, '\n')
	w.buf = b
	_, err := w.zw.Write(b)
	return err
}

// Close flushes the recording. It does not close the underlying writer.
func (w *Writer) Close() error { return w.zw.Close() }
