package multitask

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tickc/tickc/compiler"
	"github.com/tickc/tickc/compiler/diag"
	"github.com/tickc/tickc/compiler/ir"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const plainTask = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 10.0)
`

const template = `var measurement string
var threshold float

stream
    |from()
        .measurement(measurement)
    |alert()
        .crit(lambda: "value" > threshold)
`

// Kapacitor's load directory: a task of its own, and two tasks of one
// template, defined in YAML and in JSON.
func TestLoadDirKapacitorLayout(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"tasks/cpu_alert.tick": plainTask,
		"tasks/mem_high.yaml": `template-id: threshold
dbrps:
  - db: telegraf
    rp: autogen
vars:
  measurement: {type: string, value: mem}
  threshold: {type: float, value: 90.0}
`,
		"tasks/disk_high.json": `{"template-id": "threshold", "dbrps": [{"db": "telegraf", "rp": "weekly"}],
 "vars": {"measurement": {"type": "string", "value": "disk"}, "threshold": {"type": "float", "value": 95.5}}}`,
		"templates/threshold.tick": template,
		"handlers/slack.yaml":      "id: slack\ntopic: cpu\nkind: slack\n",
		"tasks/notes.txt":          "not a task",
	})
	d, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := filepath.Join(dir, "templates", "threshold.tick")
	want := []Task{
		{ID: "cpu_alert", Script: filepath.Join(dir, "tasks", "cpu_alert.tick")},
		{ID: "disk_high", Script: tmpl, Definition: filepath.Join(dir, "tasks", "disk_high.json"), TemplateID: "threshold",
			DBRPs: []ir.DBRP{{DB: "telegraf", RP: "weekly"}}},
		{ID: "mem_high", Script: tmpl, Definition: filepath.Join(dir, "tasks", "mem_high.yaml"), TemplateID: "threshold",
			DBRPs: []ir.DBRP{{DB: "telegraf", RP: "autogen"}}},
	}
	if !reflect.DeepEqual(d.Tasks, want) {
		t.Fatalf("tasks:\n%+v\nwant\n%+v", d.Tasks, want)
	}

	tasks, diags, _, err := Check(d, compiler.Options{})
	if err != nil || tasks == nil || len(diags) > 0 {
		t.Fatalf("check: %v %v", err, diags)
	}
	for i, id := range []string{"cpu_alert", "disk_high", "mem_high"} {
		if tasks[i].Task.ID != id {
			t.Errorf("task %d is %s, want %s", i, tasks[i].Task.ID, id)
		}
	}
	if got := tasks[1].Task.DBRPs; !reflect.DeepEqual(got, []ir.DBRP{{DB: "telegraf", RP: "weekly"}}) {
		t.Errorf("disk_high reads %v", got)
	}

	files, err := Generate(tasks)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	for _, name := range []string{"main.go", "tasks/cpu_alert/cpu_alert.go", "tasks/disk_high/disk_high.go", "tasks/mem_high/mem_high.go"} {
		if _, ok := files[name]; !ok {
			t.Errorf("no %s in %v", name, names)
		}
	}
	if len(files) != 4 {
		t.Errorf("files %v", names)
	}
	// The values of the vars are constants of each task's package.
	if !bytes.Contains(files["tasks/disk_high/disk_high.go"], []byte("95.5")) ||
		!bytes.Contains(files["tasks/mem_high/mem_high.go"], []byte(`"mem"`)) {
		t.Error("the template tasks do not hold their vars' values")
	}
	// A template task's program reports its template and vars, as
	// Kapacitor's task resource does; a task of its own, neither.
	wantTemplate := "TemplateID: \"threshold\",\n\tVars: []pipeline.Var{{\n\t\tName:  \"measurement\",\n\t\tType:  \"string\",\n\t\tValue: \"disk\",\n\t}, {\n\t\tName:  \"threshold\",\n\t\tType:  \"float\",\n\t\tValue: 95.5,\n\t}},\n"
	if got := string(files["tasks/disk_high/disk_high.go"]); !strings.Contains(got, wantTemplate) {
		t.Errorf("disk_high.go lacks\n%s\n%s", wantTemplate, got)
	}
	if got := files["tasks/cpu_alert/cpu_alert.go"]; bytes.Contains(got, []byte("TemplateID")) || bytes.Contains(got, []byte("Vars:")) {
		t.Errorf("cpu_alert.go has a template or vars:\n%s", got)
	}
	main := string(files["main.go"])
	for _, s := range []string{`"tickctask/tasks/cpu_alert"`, "taskcli.MainMulti(", "&cpu_alert.Program,", "&mem_high.Program,"} {
		if !strings.Contains(main, s) {
			t.Errorf("main.go lacks %s:\n%s", s, main)
		}
	}
	for name, src := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		wantPkg := "main"
		if name != "main.go" {
			wantPkg = filepath.Base(filepath.Dir(name))
		}
		if f.Name.Name != wantPkg {
			t.Errorf("%s is package %s, want %s", name, f.Name.Name, wantPkg)
		}
	}
}

// Every script's errors are reported, with their files.
func TestCheckReportsEveryFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.tick":  strings.Replace(plainTask, `"usage_idle" < 10.0`, "1 + 2.0 > 0.0", 1),
		"b.tick":  plainTask,
		"c.tick":  "stream\n    |from()\n        .nope()\n",
		"c.txt":   "ignored",
		"sub/d.x": "ignored",
	})
	d, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tasks) != 3 {
		t.Fatalf("tasks %+v", d.Tasks)
	}
	tasks, diags, sources, err := Check(d, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tasks != nil {
		t.Error("tasks returned despite errors")
	}
	files := map[string]bool{}
	for _, dg := range diags {
		if dg.Severity == diag.Error {
			files[filepath.Base(dg.File)] = true
		}
	}
	if !files["a.tick"] || !files["c.tick"] || files["b.tick"] {
		t.Errorf("errors in %v, want a.tick and c.tick:\n%v", files, diags)
	}
	var text bytes.Buffer
	if err := diag.WriteText(&text, diags, sources); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "a.tick:7:") || !strings.Contains(text.String(), "c.tick:3:") {
		t.Errorf("diagnostics:\n%s", text.String())
	}
}

func TestLoadDirErrors(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"empty":            {"x.txt": ""},
		"no template":      {"tasks/a.yaml": "template-id: nope\n", "templates/t.tick": template},
		"no template-id":   {"tasks/a.json": `{"vars": {}}`, "templates/t.tick": template},
		"two definitions":  {"tasks/a.tick": plainTask, "tasks/a.json": `{"template-id": "t"}`, "templates/t.tick": template},
		"not a definition": {"tasks/a.yaml": "[1, 2", "templates/t.tick": template},
	} {
		if _, err := LoadDir(writeFiles(t, files)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestPackageName(t *testing.T) {
	taken := map[string]bool{"main": true}
	for _, c := range []struct{ id, want string }{
		{"cpu_alert", "cpu_alert"},
		{"CPU-Alert.v2", "cpu_alert_v2"},
		{"cpu_alert", "cpu_alert_2"},
		{"9lives", "task_9lives"},
		{"type", "task_type"},
		{"main", "main_2"},
	} {
		if got := packageName(c.id, taken); got != c.want {
			t.Errorf("packageName(%q) = %q, want %q", c.id, got, c.want)
		}
	}
}
