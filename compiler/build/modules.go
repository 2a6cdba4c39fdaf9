package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Module is a local Go module that generated code imports: the build
// requires it and replaces it with its directory, and adds its go.sum so
// that its own requirements resolve from the module cache, offline.
type Module struct {
	Path string // module path, from its go.mod
	Dir  string // absolute directory holding its go.mod
}

// localModules returns the go.mod lines that use mods from their
// directories, and their go.sum contents.
func localModules(mods []Module) (goMod string, goSum []byte, err error) {
	var b strings.Builder
	for _, m := range mods {
		if m.Path == "" || m.Path == "github.com/tickc/tickc" || m.Path == "tickctask" || !filepath.IsAbs(m.Dir) {
			return "", nil, fmt.Errorf("build: bad local module %q in %q", m.Path, m.Dir)
		}
		fmt.Fprintf(&b, "\nrequire %s v0.0.0\n\nreplace %s => %q\n", m.Path, m.Path, filepath.ToSlash(m.Dir))
		sum, err := os.ReadFile(filepath.Join(m.Dir, "go.sum"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", nil, err
		}
		goSum = append(goSum, sum...)
	}
	return b.String(), goSum, nil
}
