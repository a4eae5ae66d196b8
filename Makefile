# attendrisk: `make run` analyses the bundled sample school; `make test` runs
# every check CI runs. See README.md.

GO          ?= go
BIN         := bin/attendrisk
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -s -w -X github.com/attendrisk/attendrisk/pkg/version.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
SAMPLE      := testdata/sample
# Packages whose tests define -update (golden files).
GOLDEN_PKGS := ./pkg/render ./pkg/analysis ./cmd/attendrisk
AS_OF       := 2025-07-22

.PHONY: all build run test vet lint fmt-check tidy-check golden fuzz bench bench-go dist sample clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/attendrisk

# The main job on the bundled sample school: the prioritised list.
run: build
	./$(BIN) analyse --as-of $(AS_OF) --top 25 --context $(SAMPLE)/context.csv $(SAMPLE)/school-marks.csv

# Every test, plus the static checks that would otherwise fail in review.
# -race: the marks reader, figures, rules and CSV rows run on every core.
test: fmt-check vet lint tidy-check
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

lint:
	$(GO) run $(STATICCHECK) ./...

fmt-check:
	@out=$$(gofmt -l cmd pkg rules); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

tidy-check:
	$(GO) mod tidy -diff

golden:
	$(GO) test $(GOLDEN_PKGS) -update

# Short runs of every fuzz target (go test -fuzz takes one target at a time).
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzSplitRecord$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzReadCSV$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzParseDate$$' -fuzztime=10s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzReadExport$$' -fuzztime=30s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzReadSummary$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzGridRow$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzSplitDayCell$$' -fuzztime=10s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzParseProfile$$' -fuzztime=10s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzReadContext$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzTitleSchool$$' -fuzztime=10s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzChunkedRead$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzChunkedDetails$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzMarksPaths$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzMarksFastPaths$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzMarksMapped$$' -fuzztime=20s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzReadXLSXRows$$' -fuzztime=20s -fuzzminimizetime=10s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzReadXLSXBytes$$' -fuzztime=30s -fuzzminimizetime=10s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzXLSXStream$$' -fuzztime=20s -fuzzminimizetime=10s ./pkg/ingest
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=20s -fuzzminimizetime=5s ./pkg/rule
	$(GO) test -run='^$$' -fuzz='^FuzzContextDate$$' -fuzztime=10s ./pkg/analysis
	$(GO) test -run='^$$' -fuzz='^FuzzParseRulesContextUnknown$$' -fuzztime=20s ./pkg/analysis
	$(GO) test -run='^$$' -fuzz='^FuzzGenerate$$' -fuzztime=10s ./pkg/sqlgen
	$(GO) test -run='^$$' -fuzz='^FuzzXLInlineStr$$' -fuzztime=20s ./pkg/render
	$(GO) test -run='^$$' -fuzz='^FuzzXLRowsAsStreamWriter$$' -fuzztime=20s ./pkg/render
	$(GO) test -run='^$$' -fuzz='^FuzzRead$$' -fuzztime=20s ./pkg/actions
	$(GO) test -run='^$$' -fuzz='^FuzzCSVCell$$' -fuzztime=10s ./pkg/render
	$(GO) test -run='^$$' -fuzz='^FuzzIndentPupil$$' -fuzztime=10s ./pkg/render
	$(GO) test -run='^$$' -fuzz='^FuzzJSONString$$' -fuzztime=10s ./pkg/render

# Go benchmarks, then the whole-authority comparison with DuckDB.
bench: bench-go
	bash bench/run.sh
	bash bench/xlsx.sh

bench-go:
	$(GO) test -run='^$$' -bench=. -benchmem ./pkg/...

# Release builds for the machines officers use: one zip a system, each with
# the binary, README.md and QUICKSTART.txt (needs zip).
DIST_TARGETS := windows/amd64/.exe darwin/arm64/ darwin/amd64/ linux/amd64/
dist:
	@rm -rf dist && mkdir -p dist
	@for t in $(DIST_TARGETS); do \
	  os=$${t%%/*}; rest=$${t#*/}; arch=$${rest%%/*}; ext=$${rest#*/}; \
	  name=attendrisk-$(VERSION)-$$os-$$arch; \
	  mkdir -p dist/$$name && \
	  GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/$$name/attendrisk$$ext ./cmd/attendrisk && \
	  cp README.md QUICKSTART.txt dist/$$name/ && \
	  (cd dist && zip -q -r $$name.zip $$name) && rm -rf dist/$$name && \
	  echo "dist/$$name.zip" || exit 1; \
	done

# Regenerate the synthetic sample school (deterministic).
sample:
	$(GO) run ./cmd/synth -kind school -out $(SAMPLE)

clean:
	rm -rf bin dist
