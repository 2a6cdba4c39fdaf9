package build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tickc/tickc"
)

// program stands in for generated code: a main package using the runtime and
// stdlib (and so a third-party module from the module cache).
const program = `package main

import (
	"fmt"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/stdlib"
)

func main() {
	fmt.Println(pipeline.FloatValue(1.5).Kind, stdlib.HumanBytesInt(%d))
}
`

func programFiles(n int) map[string][]byte {
	return map[string][]byte{"task.go": fmt.Appendf(nil, program, n)}
}

// needGo skips tests that run the Go toolchain when there is none.
func needGo(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command in PATH")
	}
}

func TestBuildRuns(t *testing.T) {
	needGo(t)
	t.Parallel()
	tmp := t.TempDir()
	cache := filepath.Join(tmp, "cache")
	out := filepath.Join(tmp, "task")
	var stderr bytes.Buffer
	if err := Build(context.Background(), programFiles(2048), Options{Output: out, CacheDir: cache, Stderr: &stderr}); err != nil {
		t.Fatal(err)
	}
	got, err := exec.Command(out).Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "float 2.0 kB\n"; string(got) != want {
		t.Errorf("task printed %q, want %q", got, want)
	}

	// The cache holds one source directory, and no build directory is left.
	src, err := embeddedSources()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"go.mod", "go.sum", "runtime/pipeline/point.go", "stdlib/misc.go"} {
		if _, err := os.Stat(filepath.Join(cache, "src", src.hash, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(cache, "src", src.hash, "stdlib/misc_test.go")); err == nil {
		t.Error("test files were written to the source directory")
	}
	if left, _ := os.ReadDir(filepath.Join(cache, "build")); len(left) != 0 {
		t.Errorf("build directories left behind: %v", left)
	}
}

// TestReproducible builds the same program three times, twice with one cache
// directory and once with another, and expects identical binaries.
func TestReproducible(t *testing.T) {
	needGo(t)
	t.Parallel()
	tmp := t.TempDir()
	var bins [][]byte
	for i, cache := range []string{"cache1", "cache1", "elsewhere/cache2"} {
		out := filepath.Join(tmp, fmt.Sprintf("task%d", i))
		opts := Options{Output: out, CacheDir: filepath.Join(tmp, cache)}
		if err := Build(context.Background(), programFiles(1), opts); err != nil {
			t.Fatal(err)
		}
		bin, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		bins = append(bins, bin)
	}
	for i := 1; i < len(bins); i++ {
		if !bytes.Equal(bins[0], bins[i]) {
			t.Errorf("build %d differs from build 0", i)
		}
	}
	if bytes.Contains(bins[0], []byte(tmp)) {
		t.Error("the binary contains the cache directory's path")
	}
}

func TestMissingToolchain(t *testing.T) {
	tmp := t.TempDir()
	opts := Options{Output: filepath.Join(tmp, "task"), CacheDir: tmp, Env: []string{"TICKC_GO=/nonexistent"}}
	err := Build(context.Background(), programFiles(1), opts)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"TICKC_GO=/nonexistent", "needs the Go toolchain (go 1.", "https://go.dev/dl/", "set TICKC_GO"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}

	t.Setenv("PATH", tmp) // no go here
	t.Setenv("TICKC_GO", "")
	err = Build(context.Background(), programFiles(1), Options{Output: filepath.Join(tmp, "task"), CacheDir: tmp})
	if err == nil || !strings.Contains(err.Error(), "no go command in PATH") || !strings.Contains(err.Error(), "https://go.dev/dl/") {
		t.Errorf("without go in PATH: got error %v", err)
	}
}

// fakeGo writes a shell script standing in for the go command: "go env"
// prints goVersion and a module cache; "go build" records its arguments and
// environment in the file named by $FAKE_GO_LOG.
func fakeGo(t *testing.T, goVersion string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake go command is a shell script")
	}
	script := fmt.Sprintf(`#!/bin/sh
case "$1" in
env) echo %s; echo /fake/modcache ;;
build) { echo "args: $*"; env; } > "$FAKE_GO_LOG" ;;
esac
`, goVersion)
	name := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(name, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestOldToolchain(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	opts := Options{Output: filepath.Join(tmp, "task"), CacheDir: tmp, GoCmd: fakeGo(t, "go1.21.0")}
	err := Build(context.Background(), programFiles(1), opts)
	if err == nil || !strings.Contains(err.Error(), "go1.21.0, too old") || !strings.Contains(err.Error(), "https://go.dev/dl/") {
		t.Errorf("got error %v, want go1.21.0 too old", err)
	}
}

// TestOfflineEnv checks the go build command's arguments and environment:
// the settings that keep it offline win over the caller's.
func TestOfflineEnv(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	log := filepath.Join(tmp, "log")
	opts := Options{
		Output:   filepath.Join(tmp, "task"),
		CacheDir: tmp,
		GoCmd:    fakeGo(t, "go1.99.0 X:someexperiment"),
		Env:      []string{"FAKE_GO_LOG=" + log, "GOPROXY=https://proxy.golang.org", "GOFLAGS=-mod=vendor", "GOARCH=arm64"},
	}
	if err := Build(context.Background(), programFiles(1), opts); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	wantArgs := "args: build -trimpath -buildvcs=false -o " + opts.Output + " ."
	if lines[0] != wantArgs {
		t.Errorf("got %q, want %q", lines[0], wantArgs)
	}
	for _, kv := range []string{"GOPROXY=off", "GOVCS=*:off", "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0", "GOARCH=arm64"} {
		if !slices.Contains(lines, kv) {
			t.Errorf("go build ran without %s", kv)
		}
	}
	if slices.Contains(lines, "GOPROXY=https://proxy.golang.org") {
		t.Error("the caller's GOPROXY reached go build")
	}
}

func TestMissingModule(t *testing.T) {
	needGo(t)
	t.Parallel()
	tmp := t.TempDir()
	modCache := filepath.Join(tmp, "modcache") // empty
	t.Cleanup(func() { makeWritable(modCache) })
	opts := Options{Output: filepath.Join(tmp, "task"), CacheDir: filepath.Join(tmp, "cache"), Env: []string{"GOMODCACHE=" + modCache}}
	err := Build(context.Background(), programFiles(1), opts)
	if err == nil {
		t.Fatal("built without the module cache")
	}
	for _, want := range []string{"not in the Go module cache (" + modCache + ")", "go mod download", "GOPROXY=off"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// makeWritable undoes the module cache's read-only permissions so that the
// test's temporary directory can be removed.
func makeWritable(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

func TestCompileError(t *testing.T) {
	needGo(t)
	t.Parallel()
	tmp := t.TempDir()
	files := map[string][]byte{
		"task.go":   []byte("package main\n\nfunc main() {\n\tprintln(helper())\n}\n"),
		"helper.go": []byte("package main\n\n// helper is wrong.\nfunc helper() int {\n\treturn undefinedName\n}\n"),
	}
	err := Build(context.Background(), files, Options{Output: filepath.Join(tmp, "task"), CacheDir: tmp})
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a CompileError", err)
	}
	want := `./helper.go:5:9: undefined: undefinedName
     3 | // helper is wrong.
     4 | func helper() int {
>    5 | 	return undefinedName
       | 	       ^
     6 | }
`
	if !strings.Contains(ce.Output, want) {
		t.Errorf("output:\n%s\nwant it to contain:\n%s", ce.Output, want)
	}
	if !strings.Contains(err.Error(), "bug in tickc") {
		t.Errorf("error %q does not blame tickc", err)
	}
}

func TestAnnotate(t *testing.T) {
	files := map[string][]byte{"a.go": []byte("package main\nvar x = y\nvar z = 1\n")}
	out := "# tickctask\n./a.go:2:5: initialization cycle\n\t./a.go:2:5: x refers to y\nb.go:1:1: elsewhere\n./a.go:7: past the end"
	got := annotate(out, files)
	want := `# tickctask
./a.go:2:5: initialization cycle
	./a.go:2:5: x refers to y
     1 | package main
>    2 | var x = y
       |     ^
     3 | var z = 1
b.go:1:1: elsewhere
./a.go:7: past the end
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestBadFileNames(t *testing.T) {
	for _, name := range []string{"", "dir/a.go", "../a.go", "a.txt", "a_test.go", "_a.go", ".a.go", "go.mod"} {
		err := Build(context.Background(), map[string][]byte{name: nil}, Options{Output: "x"})
		if err == nil || !strings.Contains(err.Error(), "bad generated file name") {
			t.Errorf("%q: got %v", name, err)
		}
	}
}

func TestLoadSources(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":                  {Data: []byte("module github.com/tickc/tickc\n\ngo 1.26.8\n")},
		"go.sum":                  {Data: []byte("sum\n")},
		"runtime/a/a.go":          {Data: []byte("package a\n")},
		"runtime/a/a_test.go":     {Data: []byte("package a\n")},
		"runtime/a/testdata/x.go": {Data: []byte("package x\n")},
	}
	s, err := loadSources(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range s.files {
		paths = append(paths, f.path)
	}
	if want := []string{"go.mod", "go.sum", "runtime/a/a.go"}; !slices.Equal(paths, want) {
		t.Errorf("files %v, want %v", paths, want)
	}
	if s.goVersion != "1.26.8" || string(s.goSum) != "sum\n" {
		t.Errorf("go version %q, go.sum %q", s.goVersion, s.goSum)
	}

	fsys["runtime/a/a.go"] = &fstest.MapFile{Data: []byte("package a // changed\n")}
	s2, err := loadSources(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if s2.hash == s.hash {
		t.Error("the hash does not change with the contents")
	}
}

// TestEmbeddedSourcesComplete checks embed.go against go list: every file of
// every runtime and stdlib package is embedded, and building package tickc
// needs every third-party module that those packages import (so that
// building tickc puts them in the module cache).
func TestEmbeddedSourcesComplete(t *testing.T) {
	needGo(t)
	goList := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command("go", append([]string{"list"}, args...)...)
		cmd.Dir = "../.."
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list %v: %v", args, err)
		}
		return out
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(goList("-json", "./runtime/...", "./stdlib/...")))
	for dec.More() {
		var pkg struct {
			Dir                                                              string
			GoFiles, CgoFiles, SFiles, HFiles, CFiles, SysoFiles, EmbedFiles []string
		}
		if err := dec.Decode(&pkg); err != nil {
			t.Fatal(err)
		}
		rel, err := filepath.Rel(root, pkg.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, list := range [][]string{pkg.GoFiles, pkg.CgoFiles, pkg.SFiles, pkg.HFiles, pkg.CFiles, pkg.SysoFiles, pkg.EmbedFiles} {
			for _, f := range list {
				name := filepath.ToSlash(filepath.Join(rel, f))
				if _, err := fs.Stat(tickc.Sources(), name); err != nil {
					t.Errorf("%s is not embedded: add it to the go:embed patterns in embed.go", name)
				}
			}
		}
	}

	// Each line: a package's module, then the package.
	const format = "{{with .Module}}{{.Path}} {{end}}{{.ImportPath}}"
	covered := make(map[string]bool)
	for line := range strings.Lines(string(goList("-deps", "-f", format, "github.com/tickc/tickc"))) {
		if mod, _, ok := strings.Cut(line, " "); ok {
			covered[mod] = true
		}
	}
	for line := range strings.Lines(string(goList("-deps", "-f", format, "./runtime/...", "./stdlib/..."))) {
		if mod, pkg, ok := strings.Cut(strings.TrimSpace(line), " "); ok && !covered[mod] {
			covered[mod] = true // report each module once
			t.Errorf("building tickc does not need module %s (package %s): blank-import the runtime package that uses it in embed.go", mod, pkg)
		}
	}
}

// BenchmarkWarmBuild measures a build after a first one, of a slightly
// different program each time, as when a script is edited and rebuilt.
func BenchmarkWarmBuild(b *testing.B) {
	needGo(b)
	tmp := b.TempDir()
	cache := filepath.Join(tmp, "cache")
	ctx := context.Background()
	if err := Build(ctx, programFiles(0), Options{Output: filepath.Join(tmp, "task"), CacheDir: cache}); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n++
		opts := Options{Output: filepath.Join(tmp, fmt.Sprint("task", n)), CacheDir: cache}
		if err := Build(ctx, programFiles(n), opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(n), "s/build")
}

func TestToolchainFailure(t *testing.T) {
	needGo(t)
	t.Parallel()
	tmp := t.TempDir()
	notADir := filepath.Join(tmp, "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{Output: filepath.Join(tmp, "task"), CacheDir: filepath.Join(tmp, "cache"), Env: []string{"GOCACHE=" + notADir}}
	err := Build(context.Background(), programFiles(1), opts)
	var ce *CompileError
	if err == nil || errors.As(err, &ce) {
		t.Fatalf("got %v, want an error that is not a CompileError", err)
	}
	if !strings.Contains(err.Error(), "build cache") {
		t.Errorf("error %q does not show go's message", err)
	}
}
