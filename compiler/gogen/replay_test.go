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
	"github.com/tickc/tickc/compiler/build"
)

// replayScript checks, generates and builds script (whose CAPTURE_URL is
// replaced by a loopback capture server), replays input (line protocol in
// seconds) with --rec-time and --dot, and returns the bodies posted to each
// path, compacted, and the replay's standard output.
func replayScript(t *testing.T, name, script, input string) (posts map[string][]string, stdout string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	if _, err := exec.LookPath("go"); err != nil && os.Getenv("TICKC_GO") == "" {
		t.Fatal("this test builds a task program and needs the go command")
	}
	var mu sync.Mutex
	posts = map[string][]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		line, err := compactPost(body)
		if err != nil {
			t.Errorf("%s: %v: %s", r.URL.Path, err, body)
		}
		mu.Lock()
		posts[r.URL.Path] = append(posts[r.URL.Path], line)
		mu.Unlock()
		w.Write([]byte("{}"))
	}))
	defer srv.Close()

	script = strings.ReplaceAll(script, "CAPTURE_URL", srv.URL)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildTask(ctx, t, dir, name, script, compiler.Options{})
	in := filepath.Join(dir, "input.txt")
	if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "replay", "--rec-time", "--precision", "s", "--dot", in)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("replay: %v\n%s", err, errOut.Bytes())
	}
	return posts, out.String()
}

// buildTask checks, generates and builds script as <name>.tick with opts
// and returns the path of the binary, <dir>/<name>.
func buildTask(ctx context.Context, t *testing.T, dir, name, script string, opts compiler.Options) string {
	t.Helper()
	task, diags := compiler.Check(name+".tick", []byte(script), opts)
	if task == nil {
		t.Fatalf("check: %v", diags)
	}
	files, err := Generate(task, name+".tick", []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, name)
	if err := build.Build(ctx, files, build.Options{Output: bin, CacheDir: filepath.Join(dir, "cache")}); err != nil {
		t.Fatalf("build: %v", err)
	}
	return bin
}
