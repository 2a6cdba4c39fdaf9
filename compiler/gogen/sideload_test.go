package gogen

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
)

// sideloadScript loads fields and a tag from a directory of YAML and JSON
// files, then posts through configured [[httppost]] endpoints: an httpPost
// node with a row-template and an alert's post handler with an
// alert-template.
const sideloadScript = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
    |sideload()
        .source('file://SIDELOAD_DIR')
        .order('host/{{.host}}.yml', 'host/{{.host}}.json', 'default.yml')
        .field('threshold', 0.0)
        .field('count', 1)
        .tag('team', 'none')
    |httpPost()
        .endpoint('rows')
    |alert()
        .crit(lambda: "value" > "threshold")
        .message('{{ index .Tags "team" }}')
        .post()
            .endpoint('alerts')
`

const sideloadInput = `cpu,host=a value=60 1709546400
cpu,host=b value=60 1709546410
cpu,host=c value=95 1709546420
`

func TestSideloadAndEndpoints(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	if _, err := exec.LookPath("go"); err != nil && os.Getenv("TICKC_GO") == "" {
		t.Fatal("this test builds a task program and needs the go command")
	}
	var mu sync.Mutex
	posts := map[string][]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u, _, _ := r.BasicAuth()
		mu.Lock()
		posts[r.URL.Path] = append(posts[r.URL.Path], u+" "+string(body))
		mu.Unlock()
	}))
	defer srv.Close()

	dir := t.TempDir()
	side := filepath.Join(dir, "side")
	for name, text := range map[string]string{
		"default.yml": "threshold: 90\nteam: ops\n",
		"host/a.yml":  "threshold: 50\ncount: 2\n",
		"host/b.json": `{"team": "web", "count": "5"}`,
	} {
		path := filepath.Join(side, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf := `[[httppost]]
  endpoint = "rows"
  url = "` + srv.URL + `/rows"
  row-template = '{{.Name}} {{index .Tags "host"}} {{index .Tags "team"}}{{range .Values}} {{index . "threshold"}} {{index . "count"}}{{end}}'
  basic-auth = { username = "rowuser", password = "p" }

[[httppost]]
  endpoint = "alerts"
  url = "` + srv.URL + `/alerts"
  alert-template = '{{.Level}} {{.Message}}'
`
	config := filepath.Join(dir, "task.conf")
	if err := os.WriteFile(config, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}

	script := strings.ReplaceAll(sideloadScript, "SIDELOAD_DIR", side)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildTask(ctx, t, dir, "sideload", script, compiler.Options{})
	input := filepath.Join(dir, "input.txt")
	if err := os.WriteFile(input, []byte(sideloadInput), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "replay", "--config", config, "--rec-time", "--precision", "s", input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.Bytes())
	}
	mu.Lock()
	defer mu.Unlock()
	wantRows := "rowuser cpu a ops 50 2\nrowuser cpu b web 90 5\nrowuser cpu c ops 90 1"
	if got := strings.Join(posts["/rows"], "\n"); got != wantRows {
		t.Errorf("rows:\ngot:\n%s\nwant:\n%s", got, wantRows)
	}
	wantAlerts := " CRITICAL ops\n OK web\n CRITICAL ops"
	if got := strings.Join(posts["/alerts"], "\n"); got != wantAlerts {
		t.Errorf("alerts:\ngot:\n%s\nwant:\n%s", got, wantAlerts)
	}
}
