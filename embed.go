// Package tickc carries the Go sources that compiled tasks are built from.
//
// A task binary is a generated main package that imports tickc's runtime and
// stdlib packages. So that `tickc build` works offline and always uses the
// runtime of the tickc that generated the code, the tickc binary embeds those
// sources, with go.mod and go.sum, and the build driver (compiler/build)
// writes them out as a local module replacing github.com/tickc/tickc.
package tickc

import (
	"embed"
	"io/fs"

	// Task builds are offline: they take the runtime's third-party modules
	// from the Go module cache. Importing the runtime packages that use such
	// modules makes them part of building tickc itself, so that wherever
	// tickc was built from source (go install, make build) they are in the
	// cache. A test in compiler/build checks that these imports cover every
	// module a runtime or stdlib package needs.
	_ "github.com/tickc/tickc/runtime/taskcli"
	_ "github.com/tickc/tickc/runtime/udf"
	_ "github.com/tickc/tickc/stdlib"
)

// The patterns list Go files rather than directories so that build artefacts
// lying in a checkout (*.test binaries, profiles) are not embedded. Test files
// match too; the build driver skips them when writing the sources out. A
// test in compiler/build checks that every file `go list` reports for the
// runtime and stdlib packages is embedded (a pattern matching no file is a
// compile error: drop it then).
//
//go:embed go.mod go.sum runtime/*/*.go runtime/*/*/*.go stdlib/*.go stdlib/*/*.go
var sources embed.FS

// Sources returns the module's go.mod and go.sum and the Go files of the
// runtime/... and stdlib/... packages, with slash-separated paths relative to
// the module root (for example "runtime/pipeline/point.go"). It includes
// _test.go files, which builds do not need.
func Sources() fs.FS { return sources }
