package tickctest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// File is a test file (see the package documentation).
type File struct {
	Script string         `yaml:"script"`
	ID     string         `yaml:"id,omitempty"`
	DBRP   []string       `yaml:"dbrp,omitempty"`
	Vars   map[string]any `yaml:"vars,omitempty"`
	Input  *InputSpec     `yaml:"input,omitempty"`
	Clock  Clock          `yaml:"clock,omitempty"`
	Tests  []Case         `yaml:"tests"`
}

// InputSpec is the input of a test: a recording or inline line protocol.
type InputSpec struct {
	Recording string `yaml:"recording,omitempty"`
	Lines     string `yaml:"lines,omitempty"`
	DB        string `yaml:"db,omitempty"`
	RP        string `yaml:"rp,omitempty"`
	Precision string `yaml:"precision,omitempty"`
}

// Case is one test of a file.
type Case struct {
	Name       string           `yaml:"name"`
	Input      *InputSpec       `yaml:"input,omitempty"`
	Clock      Clock            `yaml:"clock,omitempty"`
	Alerts     *[]any           `yaml:"alerts,omitempty"`
	AlertCount *int             `yaml:"alert_count,omitempty"`
	HTTPOut    map[string][]any `yaml:"httpout,omitempty"`
}

// LoadFile reads and decodes a test file, rejecting unknown keys.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if f.Script == "" {
		return nil, fmt.Errorf("%s: no script", path)
	}
	if len(f.Tests) == 0 {
		return nil, fmt.Errorf("%s: no tests", path)
	}
	return &f, nil
}

// CaseResult is the outcome of one test.
type CaseResult struct {
	File     string
	Name     string
	Duration time.Duration
	// Failure is empty if the test passed; else what differs, or the
	// error that stopped the test.
	Failure string
}

// Failed reports whether the test failed.
func (r CaseResult) Failed() bool { return r.Failure != "" }

// Runner runs test files, building each script (with its vars) once.
type Runner struct {
	// CacheDir is compiler/build's cache directory (default: the user's).
	CacheDir string
	// Update rewrites the expectations of each test file from what the
	// tests produced, instead of comparing.
	Update bool
	// Timeout bounds each build and each replay (default 5 minutes).
	Timeout time.Duration

	programs map[string]*Program
	errs     map[string]error
}

// Close removes the programs the runner built.
func (r *Runner) Close() {
	for _, p := range r.programs {
		p.Close()
	}
	r.programs = nil
}

func (r *Runner) timeout() time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return 5 * time.Minute
}

// program builds the script of f, once per script, ID, dbrps and vars.
func (r *Runner) program(ctx context.Context, script string, f *File) (*Program, error) {
	keyData, _ := json.Marshal([]any{script, f.ID, f.DBRP, f.Vars})
	key := string(keyData)
	if p, ok := r.programs[key]; ok {
		return p, nil
	}
	if err, ok := r.errs[key]; ok {
		return nil, err
	}
	if r.programs == nil {
		r.programs, r.errs = map[string]*Program{}, map[string]error{}
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()
	p, err := Compile(ctx, script, CompileOptions{TaskID: f.ID, DBRPs: f.DBRP, Vars: f.Vars, CacheDir: r.CacheDir})
	if err != nil {
		r.errs[key] = err
		return nil, err
	}
	r.programs[key] = p
	return p, nil
}

// RunFile runs the tests of one file. An error is returned only for a file
// that cannot be read or rewritten; a script that does not build fails
// each of its tests.
func (r *Runner) RunFile(ctx context.Context, path string) ([]CaseResult, error) {
	f, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	script := f.Script
	if !filepath.IsAbs(script) {
		script = filepath.Join(dir, script)
	}
	results := make([]CaseResult, len(f.Tests))
	p, buildErr := r.program(ctx, script, f)
	actual := make([]*Result, len(f.Tests))
	for i, c := range f.Tests {
		start := time.Now()
		res := CaseResult{File: path, Name: c.Name}
		if res.Name == "" {
			res.Name = fmt.Sprintf("test %d", i+1)
		}
		if buildErr != nil {
			res.Failure = "build: " + buildErr.Error()
			results[i] = res
			continue
		}
		in, err := f.input(dir, c)
		if err == nil {
			rctx, cancel := context.WithTimeout(ctx, r.timeout())
			actual[i], err = p.Replay(rctx, in)
			cancel()
		}
		switch {
		case err != nil:
			res.Failure = err.Error()
		case !r.Update:
			res.Failure = c.check(actual[i])
		}
		res.Duration = time.Since(start)
		results[i] = res
	}
	if r.Update && buildErr == nil {
		if err := updateFile(path, actual); err != nil {
			return results, err
		}
	}
	return results, nil
}

// input returns the replay input of test c.
func (f *File) input(dir string, c Case) (Input, error) {
	spec := c.Input
	if spec == nil {
		spec = f.Input
	}
	if spec == nil {
		return Input{}, fmt.Errorf("no input: give input.recording or input.lines")
	}
	in := Input{Lines: spec.Lines, DB: spec.DB, RP: spec.RP, Precision: spec.Precision, Clock: c.Clock}
	if in.Clock == "" {
		in.Clock = f.Clock
	}
	switch {
	case spec.Recording != "" && spec.Lines != "":
		return Input{}, fmt.Errorf("input: give recording or lines, not both")
	case spec.Recording != "":
		in.Path = spec.Recording
		if !filepath.IsAbs(in.Path) {
			in.Path = filepath.Join(dir, in.Path)
		}
	case spec.Lines == "":
		return Input{}, fmt.Errorf("input: give recording or lines")
	}
	return in, nil
}

// check compares the result with the expectations of c.
func (c Case) check(res *Result) string {
	var fails []string
	if c.AlertCount != nil && *c.AlertCount != len(res.Alerts) {
		fails = append(fails, fmt.Sprintf("alert_count: want %d alerts, got %d", *c.AlertCount, len(res.Alerts)))
	}
	if c.Alerts != nil {
		if d := Match(*c.Alerts, eventValues(res.Alerts)); d != "" {
			fails = append(fails, fmt.Sprintf("alerts differ (-want +got):\n%s", d))
		}
	}
	names := make([]string, 0, len(c.HTTPOut))
	for name := range c.HTTPOut {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		got, ok := res.HTTPOut[name]
		if !ok {
			fails = append(fails, fmt.Sprintf("httpout %s: the script has no httpOut('%s')", name, name))
			continue
		}
		if d := Match(c.HTTPOut[name], seriesValues(got)); d != "" {
			fails = append(fails, fmt.Sprintf("httpout %s differs (-want +got):\n%s", name, d))
		}
	}
	return strings.Join(fails, "\n")
}

// updateFile rewrites the expectations of the tests in path from the
// results (nil for a test that did not run), keeping the rest of the file,
// comments included.
func updateFile(path string, results []*Result) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	tests := mapValue(doc.Content[0], "tests")
	if tests == nil || tests.Kind != yaml.SequenceNode {
		return fmt.Errorf("%s: tests is not a list", path)
	}
	for i, res := range results {
		if res == nil || i >= len(tests.Content) {
			continue
		}
		tc := tests.Content[i]
		if mapValue(tc, "alert_count") != nil {
			setMapValue(tc, "alert_count", scalar(fmt.Sprint(len(res.Alerts)), "!!int"))
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range res.Alerts {
			seq.Content = append(seq.Content, eventNode(e))
		}
		if len(seq.Content) == 0 {
			seq.Style = yaml.FlowStyle
		}
		setMapValue(tc, "alerts", seq)
		if len(res.HTTPOut) > 0 {
			hm := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			names := make([]string, 0, len(res.HTTPOut))
			for name := range res.HTTPOut {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				hm.Content = append(hm.Content, scalar(name, "!!str"), seriesNode(res.HTTPOut[name]))
			}
			setMapValue(tc, "httpout", hm)
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func scalar(v, tag string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

// valueNode encodes v as a YAML node.
func valueNode(v any) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		panic(err)
	}
	return &n
}

// eventNode is an alert event as -update writes it: every key but details,
// the duration as a Go duration, data on one line.
func eventNode(e Event) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, k := range sortedKeys(e, "details") {
		var v *yaml.Node
		switch x := e[k].(type) {
		case float64:
			if k == "duration" {
				v = scalar(time.Duration(int64(x)).String(), "!!str")
			} else {
				v = valueNode(x)
			}
		default:
			v = valueNode(x)
			if k == "data" {
				v.Style = yaml.FlowStyle
			}
		}
		m.Content = append(m.Content, scalar(k, "!!str"), v)
	}
	return m
}

// seriesNode is an httpOut result as -update writes it.
func seriesNode(r HTTPOutResult) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range r.Series {
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		m.Content = append(m.Content, scalar("name", "!!str"), scalar(s.Name, "!!str"))
		if len(s.Tags) > 0 {
			t := valueNode(s.Tags)
			t.Style = yaml.FlowStyle
			m.Content = append(m.Content, scalar("tags", "!!str"), t)
		}
		rows := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, vals := range s.Values {
			row := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
			for j, c := range s.Columns {
				if j < len(vals) {
					row.Content = append(row.Content, scalar(c, "!!str"), valueNode(vals[j]))
				}
			}
			rows.Content = append(rows.Content, row)
		}
		m.Content = append(m.Content, scalar("rows", "!!str"), rows)
		seq.Content = append(seq.Content, m)
	}
	return seq
}

// mapValue returns the value of key in the mapping node m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setMapValue sets key in the mapping node m, keeping its place and
// comments if it exists.
func setMapValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			old := m.Content[i+1]
			v.LineComment, v.HeadComment, v.FootComment = old.LineComment, old.HeadComment, old.FootComment
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key, "!!str"), v)
}

// FindFiles returns the test files named by args: files as given, and for
// a directory its *_test.yaml and *_test.yml files. No args means ".".
func FindFiles(args []string) ([]string, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	var files []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		var found []string
		for _, pat := range []string{"*_test.yaml", "*_test.yml"} {
			m, err := filepath.Glob(filepath.Join(a, pat))
			if err != nil {
				return nil, err
			}
			found = append(found, m...)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *_test.yaml files", a)
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, nil
}

// WriteText prints one line per test, ok or FAIL, with what differs
// under each failure.
func WriteText(w io.Writer, results []CaseResult) {
	for _, r := range results {
		status := "ok  "
		if r.Failed() {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s %s: %s (%.2fs)\n", status, r.File, r.Name, r.Duration.Seconds())
		if r.Failed() {
			fmt.Fprintln(w, indent(r.Failure, "    "))
		}
	}
}

// WriteJUnit writes the results as JUnit XML, one test suite per file.
func WriteJUnit(w io.Writer, results []CaseResult) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      string   `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
	}
	type suite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Time     string     `xml:"time,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	type suites struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []*suite `xml:"testsuite"`
	}
	var out suites
	byFile := map[string]*suite{}
	secs := func(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
	durs := map[string]time.Duration{}
	for _, r := range results {
		s := byFile[r.File]
		if s == nil {
			s = &suite{Name: r.File}
			byFile[r.File] = s
			out.Suites = append(out.Suites, s)
		}
		tc := testcase{Name: r.Name, Classname: strings.TrimSuffix(filepath.Base(r.File), filepath.Ext(r.File)), Time: secs(r.Duration)}
		if r.Failed() {
			msg, _, _ := strings.Cut(r.Failure, "\n")
			tc.Failure = &failure{Message: msg, Text: r.Failure}
			s.Failures++
			out.Failures++
		}
		s.Tests++
		out.Tests++
		durs[r.File] += r.Duration
		s.Time = secs(durs[r.File])
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
