package alert

import (
	"fmt"
	"os"
	"path/filepath"
)

// Handler handles the events of an alert node (Kapacitor's alert.Handler).
// Handlers run synchronously, in the order they were declared, right after
// the event is collected by the node's topic. An error does not stop the
// task: Kapacitor only logs it.
type Handler interface {
	Handle(d *Data) error
}

// DefaultLogMode is the file mode of .log() files without .mode().
const DefaultLogMode os.FileMode = 0600

// LogHandler is the .log(path) handler: it appends each event's JSON line to
// a file.
type LogHandler struct {
	Path string
	Mode os.FileMode
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

// Handle opens the file (O_WRONLY|O_APPEND|O_CREATE with the handler's mode,
// so a removed or rotated file is recreated), writes the event's JSON line
// in one write, and closes it, as Kapacitor does for every event.
func (h *LogHandler) Handle(d *Data) error {
	line, err := d.JSON()
	if err != nil {
		return fmt.Errorf("failed to marshal alert data json: %w", err)
	}
	f, err := os.OpenFile(h.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, h.Mode)
	if err != nil {
		return fmt.Errorf("failed to open file for alert logging: %w", err)
	}
	_, err = f.Write(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("failed to write alert log: %w", err)
	}
	return nil
}
