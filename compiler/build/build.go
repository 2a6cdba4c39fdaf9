// Package build turns the Go source generated for a task into a standalone
// binary by running the Go toolchain.
//
// # Offline
//
// Builds never download anything. The tickc binary carries the sources of
// its runtime and stdlib packages (see [tickc.Sources]); Build writes them
// out once per content hash and points the generated module at them with a
// replace directive. The few third-party modules the runtime imports come
// from the local Go module cache (GOMODCACHE): building tickc from source
// (go install, make build) puts them there, because the tickc package
// imports every runtime package. The go command runs with GOPROXY=off,
// GOVCS=*:off, GOSUMDB=off, GOTOOLCHAIN=local, GOWORK=off and
// GOFLAGS=-mod=mod, so a module missing from the cache is an error that
// says how to fetch it rather than a download, and the local toolchain is
// used as is.
//
// # Cache layout
//
//	CacheDir/src/<hash>/          the runtime and stdlib sources of one tickc version
//	    go.mod, go.sum, runtime/..., stdlib/...
//	CacheDir/build/<random>/      one build, removed when it ends
//	    go.mod                    module tickctask; replace github.com/tickc/tickc => ../../src/<hash>
//	    go.sum                    tickc's go.sum
//	    *.go                      the generated files
//
// The source directory does not change while tickc does not, so Go's build
// cache (GOCACHE) keeps the compiled runtime and a warm build only compiles
// the generated package and links.
//
// # Reproducibility
//
// The same files built by the same tickc and Go toolchain, for the same
// GOOS/GOARCH, give a byte-identical binary: Build passes -trimpath and
// -buildvcs=false, and the replace directive is relative, so neither the
// cache directory nor the temporary build directory appears in the binary.
// CGO_ENABLED defaults to 0, which also makes the binary static.
package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/version"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tickc/tickc"
)

// Options configure Build. Only Output is required.
type Options struct {
	// Output is the path of the binary to write.
	Output string
	// CacheDir holds the runtime sources and the build directories. The
	// default is "tickc" in os.UserCacheDir.
	CacheDir string
	// GoCmd is the go command to run. The default is $TICKC_GO if set, else
	// "go" looked up in PATH.
	GoCmd string
	// Env holds KEY=value settings for the go command, applied after the
	// process environment (and so overriding it): GOOS and GOARCH to cross
	// compile, CGO_ENABLED=1, GOCACHE, GOMODCACHE, TICKC_GO. The settings that
	// keep builds offline (GOFLAGS, GOPROXY, GOVCS, GOSUMDB, GOTOOLCHAIN,
	// GOWORK) cannot be overridden.
	Env []string
	// Stderr, if not nil, receives the go command's output as it runs. The
	// output is also part of the error Build returns.
	Stderr io.Writer
	// Modules are local modules the generated code imports, such as the
	// Go UDF packages of tickc build --udf (modules.go).
	Modules []Module
}

// A CompileError reports that go build rejected the code: generated code
// that does not compile is a bug in tickc, not in the script.
type CompileError struct {
	// Output is the go command's output, each error in a generated file
	// followed by the lines of that file around it.
	Output string
}

func (e *CompileError) Error() string {
	return "go build failed on the generated code; this is a bug in tickc, please report it with the script:\n" +
		strings.TrimRight(e.Output, "\n")
}

// offlineEnv is appended last to the go command's environment, so that it
// wins over anything in the process environment or Options.Env.
var offlineEnv = []string{
	"GOFLAGS=-mod=mod",  // let go add the runtime's indirect requirements to the generated go.mod
	"GOPROXY=off",       // never download a module
	"GOVCS=*:off",       // not even modules matching GOPRIVATE, which bypass GOPROXY
	"GOSUMDB=off",       // never ask the checksum database: go.sum, tickc's own, has the modules' sums
	"GOTOOLCHAIN=local", // never download a toolchain
	"GOWORK=off",        // ignore any go.work around the cache directory
}

// Build compiles files, the generated Go sources of one main package keyed
// by file name, into the binary opts.Output.
func Build(ctx context.Context, files map[string][]byte, opts Options) error {
	if err := checkFileNames(files, false); err != nil {
		return err
	}
	return build(ctx, files, opts)
}

// build compiles files, whose names have been checked, into opts.Output.
func build(ctx context.Context, files map[string][]byte, opts Options) error {
	if opts.Output == "" {
		return errors.New("build: no output path")
	}
	output, err := filepath.Abs(opts.Output)
	if err != nil {
		return err
	}
	cacheDir, err := cacheDir(opts.CacheDir)
	if err != nil {
		return err
	}
	src, err := embeddedSources()
	if err != nil {
		return err
	}
	env := commandEnv(opts.Env)
	goCmd, err := findGo(opts.GoCmd, env, src.goVersion)
	if err != nil {
		return err
	}
	modCache, err := checkGoVersion(ctx, goCmd, env, cacheDir, src.goVersion)
	if err != nil {
		return err
	}
	srcDir, err := writeSources(cacheDir, src)
	if err != nil {
		return err
	}

	buildRoot := filepath.Join(cacheDir, "build")
	if err := os.MkdirAll(buildRoot, 0o755); err != nil {
		return err
	}
	dir, err := os.MkdirTemp(buildRoot, "")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := writeModule(dir, srcDir, src, files, opts.Modules); err != nil {
		return err
	}

	var out bytes.Buffer
	cmd := goCommand(ctx, goCmd, env, "build", "-trimpath", "-buildvcs=false", "-o", output, ".")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &out
	if opts.Stderr != nil {
		w := io.MultiWriter(&out, opts.Stderr)
		cmd.Stdout, cmd.Stderr = w, w
	}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return buildError(err, out.String(), files, modCache)
	}
	return nil
}

// checkFileNames rejects names the go command would not compile as files of
// the build directory's main package or, with dirs, of packages in its
// subdirectories (slash-separated relative paths).
func checkFileNames(files map[string][]byte, dirs bool) error {
	if len(files) == 0 {
		return errors.New("build: no files")
	}
	for name := range files {
		ok := name == filepath.Base(name) && name == path.Base(name)
		if dirs {
			ok = name != "" && name == path.Clean(name) && !path.IsAbs(name) && !strings.Contains(name, "\\")
			for _, elem := range strings.Split(name, "/") {
				ok = ok && elem != ".." && !strings.HasPrefix(elem, ".") && !strings.HasPrefix(elem, "_") && elem != "testdata"
			}
		}
		base := path.Base(name)
		if !ok || !strings.HasSuffix(base, ".go") || strings.HasSuffix(base, "_test.go") ||
			strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") {
			want := "a Go file name without a directory"
			if dirs {
				want = "a relative slash-separated path of a Go file"
			}
			return fmt.Errorf("build: bad generated file name %q: want %s", name, want)
		}
	}
	return nil
}

func cacheDir(dir string) (string, error) {
	if dir == "" {
		userCache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("build: no cache directory: %w", err)
		}
		dir = filepath.Join(userCache, "tickc")
	}
	return filepath.Abs(dir)
}

// commandEnv returns the go command's environment: the process environment,
// then the defaults, then extra, then offlineEnv. For a key set more than
// once, os/exec uses the last value.
func commandEnv(extra []string) []string {
	env := os.Environ()
	env = append(env, "CGO_ENABLED=0")
	env = append(env, extra...)
	return append(env, offlineEnv...)
}

// lookupEnv returns the last value of key in env, as os/exec would use it.
func lookupEnv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// goCommand returns the go command running args with env.
func goCommand(ctx context.Context, goCmd string, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second // compilers still running when ctx ends
	return cmd
}

// noGo explains how to get a Go toolchain.
func noGo(goVersion string) string {
	return fmt.Sprintf("tickc build needs the Go toolchain (go %s or later): "+
		"install it from https://go.dev/dl/ or your package manager (apt-get install golang), "+
		"or set TICKC_GO to its path", goVersion)
}

// findGo returns the path of the go command: goCmd, else $TICKC_GO, else go
// in PATH.
func findGo(goCmd string, env []string, goVersion string) (string, error) {
	name, origin := goCmd, "the go command "
	if name == "" {
		name, origin = lookupEnv(env, "TICKC_GO"), "TICKC_GO="
	}
	if name == "" {
		p, err := exec.LookPath("go")
		if err != nil {
			return "", fmt.Errorf("no go command in PATH: %s", noGo(goVersion))
		}
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s%s is not usable (%v): %s", origin, name, errors.Unwrap(err), noGo(goVersion))
	}
	return p, nil
}

// checkGoVersion checks that the go command is at least goVersion (the go
// directive of tickc's go.mod) and returns its module cache directory.
func checkGoVersion(ctx context.Context, goCmd string, env []string, dir, goVersion string) (modCache string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	cmd := goCommand(ctx, goCmd, env, "env", "GOVERSION", "GOMODCACHE")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("%s env: %v\n%s%s", goCmd, err, stderr.Bytes(), noGo(goVersion))
	}
	have, modCache, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	// GOVERSION may carry experiments ("go1.26.8 X:jsonv2"); development
	// toolchains ("devel go1.27-abcdef") are taken to be new enough.
	fields := strings.Fields(have)
	if len(fields) == 0 {
		return "", fmt.Errorf("%s env GOVERSION printed nothing: %s", goCmd, noGo(goVersion))
	}
	if v := fields[0]; v != "devel" && version.Compare(v, "go"+goVersion) < 0 {
		return "", fmt.Errorf("%s is %s, too old: %s", goCmd, v, noGo(goVersion))
	}
	return strings.TrimSpace(modCache), nil
}

// sourceSet is the embedded module trimmed to what builds need.
type sourceSet struct {
	files     []sourceFile // in lexical path order
	hash      string       // of paths and contents
	goMod     []byte
	goSum     []byte
	goVersion string // go.mod's go directive, "1.26.8"
}

type sourceFile struct {
	path string // slash-separated, relative to the module root
	data []byte
}

var embeddedSources = sync.OnceValues(func() (*sourceSet, error) {
	return loadSources(tickc.Sources())
})

// loadSources reads the module in fsys, skipping tests and testdata.
func loadSources(fsys fs.FS) (*sourceSet, error) {
	s := new(sourceSet)
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		s.files = append(s.files, sourceFile{p, data})
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		switch p {
		case "go.mod":
			s.goMod = data
		case "go.sum":
			s.goSum = data
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build: reading tickc's embedded sources: %w", err)
	}
	s.hash = hex.EncodeToString(h.Sum(nil)[:16])
	for line := range strings.Lines(string(s.goMod)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			s.goVersion = strings.TrimSpace(v)
		}
	}
	if s.goVersion == "" {
		return nil, errors.New("build: tickc's embedded go.mod has no go directive")
	}
	return s, nil
}

// writeSources writes s to cacheDir/src/<hash> unless it is there already,
// and returns that directory. The directory appears atomically (written
// under a temporary name, then renamed), so concurrent builds are safe.
func writeSources(cacheDir string, s *sourceSet) (string, error) {
	dir := filepath.Join(cacheDir, "src", s.hash)
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, f := range s.files {
		name := filepath.Join(tmp, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(name, f.data, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another build may have written the same sources meanwhile.
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			return dir, nil
		}
		return "", fmt.Errorf("build: writing tickc's runtime sources: %w", err)
	}
	return dir, nil
}

// writeModule writes the task's module into dir: a go.mod requiring tickc
// from srcDir, tickc's go.sum and the generated files.
func writeModule(dir, srcDir string, s *sourceSet, files map[string][]byte, mods []Module) error {
	rel, err := filepath.Rel(dir, srcDir)
	if err != nil {
		return err
	}
	goMod := fmt.Sprintf(`module tickctask

go %s

require github.com/tickc/tickc v0.0.0

replace github.com/tickc/tickc => %s
`, s.goVersion, filepath.ToSlash(rel))
	modLines, modSums, err := localModules(mods)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod+modLines), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), append(slices.Clip(s.goSum), modSums...), 0o644); err != nil {
		return err
	}
	for name, data := range files {
		file := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// BuildTree is Build for a program of several packages: files are keyed by
// slash-separated paths relative to the module root ("main.go",
// "tasks/cpu/cpu.go"), and the packages import each other as
// "tickctask/<dir>".
func BuildTree(ctx context.Context, files map[string][]byte, opts Options) error {
	if err := checkFileNames(files, true); err != nil {
		return err
	}
	return build(ctx, files, opts)
}
