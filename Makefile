# tickc build, test and benchmark entry points. `make test` is what CI runs.

GO        ?= go
BIN       := bin/tickc
STATICCHECK_VERSION := 2025.1.1

.PHONY: all build demo test deps bench golden lint fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/tickc

# The main job on a bundled example: check the guide's cpu_alert task and
# print its pipeline.
demo: build
	$(BIN) check examples/cpu_alert.tick
	$(BIN) dot examples/cpu_alert.tick

# Installs what the tests need that Go does not bring: a real InfluxDB 1.x.
deps:
	@./.ci/install-deps

# The whole test suite. Tests that need InfluxDB fail (rather than skip)
# when it is missing, so a green run means everything ran.
test: deps
	$(GO) vet ./...
	TICKC_REQUIRE_INFLUXDB=1 $(GO) test -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Regenerates golden files from the code; review the diff before committing.
golden:
	$(GO) test ./... -run 'Golden|IR|Format' -update

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./compiler/parser
	$(GO) test -run '^$$' -fuzz FuzzCheck -fuzztime 30s ./compiler/check
	$(GO) test -run '^$$' -fuzz FuzzFormat -fuzztime 30s ./compiler/format

clean:
	rm -rf bin
