package tickctest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/build"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/gogen"
	"github.com/tickc/tickc/compiler/ir"
)

// CompileOptions configure Compile.
type CompileOptions struct {
	// TaskID overrides the task ID (default: the script's base name).
	TaskID string
	// DBRPs are the database.retention_policy pairs the task reads, for
	// scripts without a dbrp statement.
	DBRPs []string
	// Vars give values to the script's template vars (`var x float`):
	// bool, int, float, string, or a duration as a string ("5m") or a
	// time.Duration.
	Vars map[string]any
	// CacheDir is compiler/build's cache directory (default: the user's
	// cache directory, as `tickc build` uses).
	CacheDir string
	// Dir is where the binary is written (default: a new temporary
	// directory, removed by Close).
	Dir string
}

// Program is a compiled task, ready to replay inputs. Its .log() handlers
// write to files in the program's directory, not to the paths in the
// script; replays of one Program must not run at the same time.
type Program struct {
	ID       string
	Bin      string   // the task binary
	HTTPOuts []string // the httpOut endpoint names
	// LogPaths are the .log() paths of the script, in order of first use;
	// logFiles are the files they are redirected to.
	LogPaths []string
	logFiles []string
	dir      string
	ownDir   bool
}

// A CheckError reports that the script has errors; Text holds the
// diagnostics as `tickc check` prints them.
type CheckError struct {
	Text string
}

func (e *CheckError) Error() string { return e.Text }

// Compile checks the script file, redirects its .log() handlers to
// temporary files, fills in the template vars, and builds the task binary.
func Compile(ctx context.Context, script string, opts CompileOptions) (*Program, error) {
	var dbrps []ir.DBRP
	for _, s := range opts.DBRPs {
		dbrp, err := ir.ParseDBRP(s)
		if err != nil {
			return nil, err
		}
		dbrps = append(dbrps, dbrp)
	}
	copts := compiler.Options{TaskID: opts.TaskID, DBRPs: dbrps}
	task, diags, src, err := compiler.CheckFile(script, copts)
	if err == nil && task != nil && (len(task.Vars) > 0 || len(opts.Vars) > 0) {
		task, diags, src, err = withVars(script, copts, task.Vars, opts.Vars)
	}
	if err != nil {
		return nil, err
	}
	if task == nil {
		var b bytes.Buffer
		diag.WriteText(&b, diags, diag.Sources{script: src})
		return nil, &CheckError{Text: strings.TrimRight(b.String(), "\n")}
	}
	p := &Program{ID: task.ID, dir: opts.Dir}
	if p.dir == "" {
		if p.dir, err = os.MkdirTemp("", "tickctest-"); err != nil {
			return nil, err
		}
		p.ownDir = true
	} else if p.dir, err = filepath.Abs(p.dir); err != nil {
		return nil, err
	}
	p.redirectLogs(task)
	for _, n := range task.Nodes {
		if n.Kind == "httpOut" && len(n.Args) > 0 {
			p.HTTPOuts = append(p.HTTPOuts, n.Args[0].Str)
		}
	}
	files, err := gogen.Generate(task, script, src)
	if err != nil {
		p.Close()
		return nil, err
	}
	p.Bin = filepath.Join(p.dir, "task-"+task.ID)
	if err := build.Build(ctx, files, build.Options{Output: p.Bin, CacheDir: opts.CacheDir}); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close removes the program's temporary directory.
func (p *Program) Close() error {
	if p.ownDir {
		return os.RemoveAll(p.dir)
	}
	return nil
}

// redirectLogs points each .log() handler of the task to a file in the
// program's directory: one file per distinct path of the script.
func (p *Program) redirectLogs(task *ir.Task) {
	for _, n := range task.Nodes {
		for i := range n.Handlers {
			h := &n.Handlers[i]
			if h.Kind != "log" || len(h.Args) == 0 {
				continue
			}
			k := slices.Index(p.LogPaths, h.Args[0].Str)
			if k < 0 {
				k = len(p.LogPaths)
				p.LogPaths = append(p.LogPaths, h.Args[0].Str)
				p.logFiles = append(p.logFiles, filepath.Join(p.dir, fmt.Sprintf("alerts-%d.log", k)))
			}
			h.Args[0].Str = p.logFiles[k]
		}
	}
}

// withVars checks the script again with values for its template vars:
// the test's vars map, given the types the script declares, becomes a vars
// file in Kapacitor's format for the compiler.
func withVars(script string, opts compiler.Options, declared []ir.TemplateVar, values map[string]any) (*ir.Task, diag.List, []byte, error) {
	types := map[string]string{}
	for _, v := range declared {
		types[v.Name] = v.Type.String()
	}
	file := map[string]any{}
	for name, value := range values {
		t, ok := types[name]
		if !ok {
			return nil, nil, nil, fmt.Errorf("vars: %s is not a template var of the script (declare it with `var %s TYPE`)", name, name)
		}
		file[name] = map[string]any{"type": t, "value": value}
	}
	src, err := json.Marshal(file)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("vars: %w", err)
	}
	opts.Vars = compiler.ParseVars(script+" vars", src)
	opts.NeedValues = true
	return compiler.CheckFile(script, opts)
}

// Clock says which times a replay gives the points.
type Clock string

const (
	// Recorded keeps the recorded times (replay --rec-time), the default.
	Recorded Clock = "recorded"
	// Now shifts the times so that the first point happens now.
	Now Clock = "now"
)

// Input is what a replay feeds the task.
type Input struct {
	// Path is a recording (.srpl, plain or gzip) or a line protocol file.
	Path string
	// Lines is inline line protocol, used when Path is empty. With DB (and
	// RP, default "autogen") the points go to that database; without, to
	// the task's.
	Lines  string
	DB, RP string
	// Precision is the unit of plain-text timestamps: n (default), u, ms,
	// s, m or h.
	Precision string
	Clock     Clock
}

// Result is what one replay produced.
type Result struct {
	// Alerts are the events the .log() handlers wrote, decoded, file by
	// file in the order of the script's .log() paths.
	Alerts []Event
	// AlertsByLog are the events by .log() path of the script.
	AlertsByLog map[string][]Event
	// HTTPOut holds the result of each httpOut endpoint at the end of the
	// replay, as GET /kapacitor/v1/tasks/ID/NAME answers.
	HTTPOut map[string]HTTPOutResult
	// Stderr is what the replay printed on its standard error.
	Stderr string
}

// Event is one alert event as a .log() handler writes it (Kapacitor's
// alert JSON: id, message, details, time, duration, level, data,
// previousLevel, recoverable). JSON numbers are float64.
type Event map[string]any

// ID returns the event's id.
func (e Event) ID() string { s, _ := e["id"].(string); return s }

// Level returns the event's level: OK, INFO, WARNING or CRITICAL.
func (e Event) Level() string { s, _ := e["level"].(string); return s }

// Message returns the event's message.
func (e Event) Message() string { s, _ := e["message"].(string); return s }

// Time returns the event's time.
func (e Event) Time() time.Time {
	s, _ := e["time"].(string)
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// HTTPOutResult is the JSON an httpOut endpoint answers.
type HTTPOutResult struct {
	Series []Series `json:"series"`
}

// Series is one series of an httpOut result.
type Series struct {
	Name    string            `json:"name"`
	Tags    map[string]string `json:"tags,omitempty"`
	Columns []string          `json:"columns"`
	Values  [][]any           `json:"values"`
}

// Rows returns the series' values as maps from column to value.
func (s Series) Rows() []map[string]any {
	rows := make([]map[string]any, len(s.Values))
	for i, vals := range s.Values {
		row := map[string]any{}
		for j, c := range s.Columns {
			if j < len(vals) {
				row[c] = vals[j]
			}
		}
		rows[i] = row
	}
	return rows
}

// Replay runs the input through the program and collects its outputs.
func (p *Program) Replay(ctx context.Context, in Input) (*Result, error) {
	run, err := os.MkdirTemp(p.dir, "run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(run)
	for _, f := range p.logFiles {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	path := in.Path
	if path == "" {
		path = filepath.Join(run, "input.txt")
		if err := os.WriteFile(path, inlineInput(in), 0o644); err != nil {
			return nil, err
		}
	}
	if path, err = filepath.Abs(path); err != nil {
		return nil, err
	}
	args := []string{"replay", "--httpout", filepath.Join(run, "httpout")}
	switch in.Clock {
	case "", Recorded:
		args = append(args, "--rec-time")
	case Now:
	default:
		return nil, fmt.Errorf("clock %q: want recorded or now", in.Clock)
	}
	if in.Precision != "" {
		args = append(args, "--precision", in.Precision)
	}
	args = append(args, path)
	cmd := exec.CommandContext(ctx, p.Bin, args...)
	cmd.Dir = run
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("replay: %v\n%s", err, strings.TrimRight(stderr.String(), "\n"))
	}
	res := &Result{Stderr: stderr.String(), AlertsByLog: map[string][]Event{}, HTTPOut: map[string]HTTPOutResult{}}
	for i, f := range p.logFiles {
		events, err := readEvents(f)
		if err != nil {
			return nil, err
		}
		res.AlertsByLog[p.LogPaths[i]] = events
		res.Alerts = append(res.Alerts, events...)
	}
	for _, name := range p.HTTPOuts {
		data, err := os.ReadFile(filepath.Join(run, "httpout", name+".json"))
		if err != nil {
			return nil, err
		}
		var r HTTPOutResult
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("httpOut %s: %v", name, err)
		}
		res.HTTPOut[name] = r
	}
	return res, nil
}

// inlineInput is the file replayed for inline lines: a plain stream
// recording when a database is given, else line protocol.
func inlineInput(in Input) []byte {
	var b bytes.Buffer
	rp := in.RP
	if rp == "" {
		rp = "autogen"
	}
	for line := range strings.Lines(in.Lines) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if in.DB != "" {
			fmt.Fprintf(&b, "%s\n%s\n", in.DB, rp)
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// readEvents decodes the JSON lines of an alert log; a missing file has
// no events.
func readEvents(path string) ([]Event, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var events []Event
	for line := range strings.Lines(string(data)) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var e Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		events = append(events, e)
	}
	return events, nil
}
