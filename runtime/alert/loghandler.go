package alert

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// DefaultLogMode is the file mode of .log() files without .mode().
const DefaultLogMode os.FileMode = 0600

// LogHandler is the .log(path) handler: it appends each event's JSON line to
// a file.
//
// Kapacitor opens the file (O_WRONLY|O_APPEND|O_CREATE, with the handler's
// mode), writes the line and closes the file for every event. That costs
// three system calls per event, more than everything else an event costs.
// LogHandler instead keeps the file open and collects the lines of events
// that come in quick succession, to write them with one system call:
//
//   - a background goroutine writes the collected lines as soon as it gets
//     to run (at once on a multi-core machine; with GOMAXPROCS=1 when the
//     task goroutine waits, or within about 10 ms);
//   - Flush writes them at once: the task binary flushes after each write
//     request, before it answers, and when the task stops;
//   - no more than logBufferSize bytes are collected.
//
// The file is checked before each write: when Path no longer names the open
// file (removed or rotated), it is reopened, and so recreated, as
// Kapacitor's open per event would. Handlers of the same path share one
// buffer, so the lines and their order are those Kapacitor writes.
type LogHandler struct {
	Path string
	Mode os.FileMode

	once sync.Once
	file *logFile
}

// NewLogHandler returns a .log(path).mode(mode) handler, checked as
// Kapacitor checks it when the task starts: the path must be absolute and
// the mode user-writable. A zero mode means DefaultLogMode.
func NewLogHandler(path string, mode os.FileMode) (*LogHandler, error) {
	if mode == 0 {
		mode = DefaultLogMode
	}
	if mode.Perm()&0200 == 0 {
		return nil, fmt.Errorf("failed to create log alert handler: invalid file mode %v, must be user writable", mode)
	}
	if !filepath.IsAbs(path) {
		return nil, fmt.Errorf("failed to create log alert handler: log path must be absolute: %s is not absolute", path)
	}
	return &LogHandler{Path: path, Mode: mode}, nil
}

// Handle appends the event's JSON line to the file (see LogHandler). An
// error opening the file the first time is returned at once; errors writing
// collected lines are returned by a later Handle or by Flush.
func (h *LogHandler) Handle(d *Data) error {
	h.once.Do(func() { h.file = logFileOf(h.Path, h.Mode) })
	return h.file.add(d)
}

// Flush writes the lines collected so far for the handler's file.
func (h *LogHandler) Flush() error {
	if h.file == nil {
		return nil
	}
	return h.file.flush()
}

// Close writes the lines collected so far and closes the file; a later
// event opens it again.
func (h *LogHandler) Close() error {
	if h.file == nil {
		return nil
	}
	return h.file.close()
}

// logBufferSize is the most a log file collects before writing.
const logBufferSize = 256 << 10

// logFile is the open log file of one path, shared by its handlers.
type logFile struct {
	path string
	mode os.FileMode

	mu      sync.Mutex // guards pending, spare, dirty and err
	pending []byte     // lines not written yet
	spare   []byte     // the other buffer, while not being written
	dirty   bool       // in the list of files with pending lines
	err     error      // of a background write, for the next add

	wmu sync.Mutex  // held while writing; guards f and fi
	f   *os.File    // the open file, nil until the first event
	fi  os.FileInfo // of f, to notice when path names another file
}

// The log files of the process by path, and those with pending lines,
// which the background writer and Flush write.
var logs struct {
	flushing sync.Mutex // held while writing the files taken from dirty
	mu       sync.Mutex // guards files and dirty
	files    map[string]*logFile
	dirty    []*logFile
	wake     chan struct{}
	once     sync.Once
}

// logFileOf returns the log file of path, shared with other handlers of
// the same path.
func logFileOf(path string, mode os.FileMode) *logFile {
	path = filepath.Clean(path)
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if f := logs.files[path]; f != nil {
		return f
	}
	if logs.files == nil {
		logs.files = map[string]*logFile{}
	}
	f := &logFile{path: path, mode: mode}
	logs.files[path] = f
	return f
}

// add appends the JSON line of d.
func (l *logFile) add(d *Data) error {
	if err := l.openFirst(); err != nil {
		return fmt.Errorf("failed to open file for alert logging: %w", err)
	}
	l.mu.Lock()
	err := l.err
	l.err = nil
	start := len(l.pending)
	if d.line != nil {
		l.pending = append(l.pending, d.line...)
	} else {
		var jerr error
		if l.pending, jerr = d.AppendJSON(l.pending); jerr != nil {
			l.pending = l.pending[:start]
			l.mu.Unlock()
			return errors.Join(err, fmt.Errorf("failed to marshal alert data json: %w", jerr))
		}
		l.pending = append(l.pending, '\n')
	}
	full := len(l.pending) >= logBufferSize
	if !full && !l.dirty {
		l.dirty = true
		markDirty(l)
	}
	l.mu.Unlock()
	if full {
		err = errors.Join(err, l.flush())
	}
	return err
}

// openFirst opens the file if it is not open, so that a path that cannot
// be opened is an error of the event.
func (l *logFile) openFirst() error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if l.f != nil {
		return nil
	}
	return l.open()
}

// open makes l.f the file the path names, opening it if it is not open or
// the path has been removed or replaced since. l.wmu is held.
func (l *logFile) open() error {
	if l.f != nil {
		if fi, err := os.Stat(l.path); err == nil && os.SameFile(fi, l.fi) {
			return nil
		}
		l.closeFile()
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, l.mode)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	l.f, l.fi = f, fi
	return nil
}

// closeFile closes the file; l.wmu is held.
func (l *logFile) closeFile() error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f, l.fi = nil, nil
	return err
}

// flush writes the pending lines in one write.
func (l *logFile) flush() error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.mu.Lock()
	buf := l.pending
	l.pending = l.spare[:0]
	l.spare = nil
	l.dirty = false
	l.mu.Unlock()
	var err error
	if len(buf) > 0 {
		if err = l.open(); err != nil {
			err = fmt.Errorf("failed to open file for alert logging: %w", err)
		} else if _, err = l.f.Write(buf); err != nil {
			l.closeFile()
			err = fmt.Errorf("failed to write alert log: %w", err)
		}
	}
	l.mu.Lock()
	if cap(buf) <= 2*logBufferSize {
		l.spare = buf[:0]
	}
	l.mu.Unlock()
	return err
}

// close writes the pending lines and closes the file.
func (l *logFile) close() error {
	err := l.flush()
	l.wmu.Lock()
	defer l.wmu.Unlock()
	return errors.Join(err, l.closeFile())
}

// markDirty puts l in the list of files with pending lines and wakes the
// background writer.
func markDirty(l *logFile) {
	logs.once.Do(func() {
		logs.wake = make(chan struct{}, 1)
		go backgroundWriter()
	})
	logs.mu.Lock()
	logs.dirty = append(logs.dirty, l)
	logs.mu.Unlock()
	select {
	case logs.wake <- struct{}{}:
	default:
	}
}

func backgroundWriter() {
	for range logs.wake {
		logs.flushing.Lock()
		for _, l := range takeDirty() {
			if err := l.flush(); err != nil {
				l.mu.Lock()
				l.err = errors.Join(l.err, err)
				l.mu.Unlock()
			}
		}
		logs.flushing.Unlock()
	}
}

func takeDirty() []*logFile {
	logs.mu.Lock()
	defer logs.mu.Unlock()
	d := logs.dirty
	logs.dirty = nil
	return d
}

// Flush writes the lines that the LogHandlers of the process have collected
// and returns the first error. Hosts call it when the lines should be in
// the files: after a write request, before the process exits.
func Flush() error {
	logs.flushing.Lock() // wait for the background writer's writes
	defer logs.flushing.Unlock()
	var err error
	for _, l := range takeDirty() {
		if e := l.flush(); e != nil && err == nil {
			err = e
		}
	}
	return err
}
