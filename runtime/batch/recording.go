package batch

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Recorded is a batch read from a recording; ByName says the group
// includes the measurement.
type Recorded struct {
	pipeline.Batch
	ByName bool
}

// Recording is an open batch recording: Kapacitor's .brpl zip archive,
// with entries "0", "1", ... holding the batches of each query node, or a
// plain file of JSON batches, which is query 0. A plain file named
// NAME.0.brpl is one of Kapacitor's test fixtures, whose query i is in
// NAME.i.brpl: the files that follow it are opened too, up to the first
// missing.
type Recording struct {
	// Queries reads the batches of each query node, in order.
	Queries []*BatchReader
	closers []io.Closer
}

// OpenRecording opens the recording at path.
func OpenRecording(path string) (_ *Recording, err error) {
	rec := &Recording{}
	defer func() {
		if err != nil {
			rec.Close()
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	rec.closers = append(rec.closers, f)
	magic := make([]byte, 2)
	if _, err := io.ReadFull(f, magic); err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if !bytes.Equal(magic, []byte("PK")) {
		rec.Queries = append(rec.Queries, NewBatchReader(f))
		base, fixture := strings.CutSuffix(path, ".0.brpl")
		for i := 1; fixture; i++ {
			f, err := os.Open(base + "." + strconv.Itoa(i) + ".brpl")
			if errors.Is(err, fs.ErrNotExist) {
				break
			}
			if err != nil {
				return nil, err
			}
			rec.closers = append(rec.closers, f)
			rec.Queries = append(rec.Queries, NewBatchReader(f))
		}
		return rec, nil
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// klauspost's inflate is about twice as fast as the standard library's.
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return flate.NewReader(r) })
	byIndex := map[int]*zip.File{}
	for _, f := range zr.File {
		i, err := strconv.Atoi(f.Name)
		if err != nil || i < 0 {
			return nil, fmt.Errorf("%s: unexpected entry %q (want 0, 1, ...)", path, f.Name)
		}
		byIndex[i] = f
	}
	for i := range len(byIndex) {
		f, ok := byIndex[i]
		if !ok {
			return nil, fmt.Errorf("%s: entry %d is missing", path, i)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rec.closers = append(rec.closers, rc)
		rec.Queries = append(rec.Queries, NewBatchReader(rc))
	}
	return rec, nil
}

// Close closes the recording's files.
func (r *Recording) Close() error {
	var err error
	for i := len(r.closers) - 1; i >= 0; i-- {
		if e := r.closers[i].Close(); err == nil {
			err = e
		}
	}
	r.closers = nil
	return err
}

// ReadRecording reads the whole recording at path: the batches with
// points of each query node.
func ReadRecording(path string) ([][]Recorded, error) {
	rec, err := OpenRecording(path)
	if err != nil {
		return nil, err
	}
	defer rec.Close()
	out := make([][]Recorded, len(rec.Queries))
	for i, q := range rec.Queries {
		for b, ok := q.Next(); ok; b, ok = q.Next() {
			out[i] = append(out[i], Recorded{Batch: b.Clone(), ByName: b.ByName})
		}
		if err := q.Err(); err != nil {
			return nil, fmt.Errorf("%s, query %d: %w", path, i, err)
		}
	}
	return out, nil
}

// Shifter prepares the batches of one query for replay, as Kapacitor's
// batch replay does: unless recTime, every point time moves by the
// difference between start and the first point of the first batch; a
// batch's time becomes its last point's time when that is later.
type Shifter struct {
	start   int64
	recTime bool
	started bool
	diff    int64
}

// NewShifter shifts a query's batches to start, unless recTime.
func NewShifter(start time.Time, recTime bool) *Shifter {
	return &Shifter{start: start.UnixNano(), recTime: recTime}
}

// Shift shifts b, a batch with points, and returns the time to wait for
// before delivering it: its last point's time.
func (s *Shifter) Shift(b *pipeline.Batch) (at int64) {
	if !s.started {
		s.started = true
		if !s.recTime {
			s.diff = s.start - b.Points[0].Time
		}
	}
	for j := range b.Points {
		b.Points[j].Time += s.diff
	}
	last := b.Points[len(b.Points)-1].Time
	if b.TMax < last {
		b.TMax = last
	}
	return last
}
