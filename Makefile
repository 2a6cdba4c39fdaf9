# tickc build, test and benchmark entry points. `make test` is what CI runs.

GO        ?= go
BIN       := bin/tickc
STATICCHECK_VERSION := v0.8.2

.PHONY: all build demo test deps bench golden lint fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/tickc

# The main job on a bundled example: compile the guide's cpu_alert task,
# replay a recording of 4 hosts through it, and show the alerts it wrote
# (one line each: time, level, message; the full JSON is in /tmp/alerts.log).
demo: build
	$(BIN) build examples/cpu_alert.tick -o bin/cpu_alert
	rm -f /tmp/alerts.log
	bin/cpu_alert replay --rec-time examples/cpu.srpl
	@sed -E 's/.*"message":"([^"]*)".*"time":"([^"]*)".*"level":"([^"]*)".*/\2 \3 \1/' /tmp/alerts.log

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
# Only the packages that define the -update flag get it (a test binary
# rejects flags it does not know): golden (golden/cases: generated Go,
# alert logs, httpOut results), compiler/check (IR) and compiler/format.
GOLDEN_PKGS := $(sort $(dir $(shell grep -rl --include='*_test.go' 'flag\.Bool."update"' .)))
golden:
	$(GO) test -count=1 $(GOLDEN_PKGS) -run 'Golden|IR|Format' -update

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./compiler/parser
	$(GO) test -run '^$$' -fuzz FuzzCheck -fuzztime 30s ./compiler/check
	$(GO) test -run '^$$' -fuzz FuzzFormat -fuzztime 30s ./compiler/format

clean:
	rm -rf bin
