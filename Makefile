# diplograph: `make run` serves the API on the embedded store; `make test` runs every test,
# starting a real Neo4j (from Maven Central jars, see tools/neo4j) when NEO4J_URI is unset.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin/diplograph
NEO4J_PORT ?= 7687

include tools/neo4j/neo4j.mk
# The password the tests use for the Neo4j that `make test` starts (user neo4j; see NEO4J_AUTH).
NEO4J_TEST_PASSWORD = $(patsubst neo4j/%,%,$(NEO4J_AUTH))

.PHONY: run build generate web web-deps e2e-deps screenshots test test-go audit-deps clients-deps lint bench bench-build bench-go bench-quick bench-deps bench-import clean

# The graphql-http audit suite (npm, pinned by package-lock.json) that internal/server's tests run.
AUDIT_DIR := tools/graphql-http-audit
# The client suite (Apollo, urql, graphql-request, GraphQL Code Generator; npm, pinned by
# package-lock.json) that internal/server's TestClientSuite runs.
CLIENTS_DIR := tools/client-suite

# Root installs Debian packages directly (CI runs as root on a fresh machine); others via sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

## run: serve the API on http://127.0.0.1:8080 (embedded store unless NEO4J_URI is set)
run: build
	./$(BIN) serve

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/diplograph

## generate: regenerate the GraphQL executor from graph/schema/*.graphqls (then marshal its lists
## in the calling goroutine rather than a goroutine per element: graph/lists.go says why)
generate:
	$(GO) tool gqlgen generate
	$(GO) run ./graph/internal/execpatch graph/generated.go

## web: rebuild the explorer and GraphiQL (web/) into web/dist, which is committed and embedded
web: web-deps
	cd web && npm run build

# npm ci reinstalls only when the lock file changed. The go.mod keeps `go ... ./...` out of
# node_modules, should a package there ever ship Go files.
web-deps: web/node_modules/.package-lock.json
web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund
	printf 'module ignored\n' > web/node_modules/go.mod

## e2e-deps: what the browser tests need: Debian's Chromium and playwright-core (web/node_modules)
e2e-deps: web-deps
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

## screenshots: run the browser test and keep its screenshots in docs/screenshots
screenshots: e2e-deps
	SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run TestExplorerInBrowser ./cmd/diplograph

## test: vet, check generated code is current, and run every test against a real Neo4j
test: e2e-deps
	@if [ -n "$${NEO4J_URI:-}" ]; then \
		$(MAKE) --no-print-directory test-go; \
	else \
		trap '$(MAKE) --no-print-directory neo4j-stop NEO4J_PORT=$(NEO4J_PORT)' EXIT; \
		$(MAKE) --no-print-directory neo4j-start NEO4J_PORT=$(NEO4J_PORT); \
		NEO4J_URI=bolt://127.0.0.1:$(NEO4J_PORT) NEO4J_USERNAME=neo4j NEO4J_PASSWORD='$(NEO4J_TEST_PASSWORD)' \
			$(MAKE) --no-print-directory test-go; \
	fi

test-go: audit-deps clients-deps lint
	$(GO) vet ./...
	@test -z "$$(gofmt -l . | grep -v '^tools/' || true)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) test -race -count=1 -timeout 20m ./...
	cd bench && $(GO) vet ./... && $(GO) test -race -count=1 ./...

# golangci-lint v2, pinned: built once from the Go module proxy into bin/ (its own go.sum pins
# its dependencies). Configuration in .golangci.yml; it also checks gofmt.
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := bin/golangci-lint-$(GOLANGCI_LINT_VERSION)

## lint: golangci-lint (staticcheck, errcheck, revive, govet, unused, ineffassign, gofmt) over the
## product and bench/
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...
	cd bench && ../$(GOLANGCI_LINT) run --config ../.golangci.yml ./...

$(GOLANGCI_LINT):
	mkdir -p bin/.golangci-lint
	GOBIN=$(CURDIR)/bin/.golangci-lint $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	mv bin/.golangci-lint/golangci-lint $@

## bench-quick: side by side (bench/): size S, point/nested/search, own Neo4j on port 7751; bench/out/quick.json
bench-quick: build bench-deps bench-build
	./bin/benchrun -sizes S -queries point,nested,search -duration 4s -rounds 2 -rate 20 -out bench/out/quick.json

## bench: side by side, every query, sizes S, M and L (bench/out/full.json); about 22 minutes on 2 cores
## (the Go benchmarks are `make bench-go`)
bench: build bench-deps bench-build
	./bin/benchrun -sizes S,M,L -queries point,nested,search,path,neighborhood -duration 4s -rounds 2 -rate 20 -out bench/out/full.json

# bench/ is a Go module of its own (gonum/plot and vegeta stay out of the product's go.mod); its
# go.mod replaces the product module with this checkout.
bench-build:
	cd bench && $(GO) build -o ../bin/benchrun ./cmd/benchrun

# @neo4j/graphql 7 and Apollo Server 5, pinned by bench/neo4j-graphql/package-lock.json.
bench-deps: bench/neo4j-graphql/node_modules/.package-lock.json
bench/neo4j-graphql/node_modules/.package-lock.json: bench/neo4j-graphql/package.json bench/neo4j-graphql/package-lock.json
	npm ci --prefix bench/neo4j-graphql --no-audit --no-fund
	printf 'module ignored\n' > bench/neo4j-graphql/node_modules/go.mod
	@touch $@

## bench-go: Go benchmarks against the embedded store and a real Neo4j, and the explorer's drawing
bench-go: e2e-deps
	@trap '$(MAKE) --no-print-directory neo4j-stop NEO4J_PORT=$(NEO4J_PORT)' EXIT; \
	$(MAKE) --no-print-directory neo4j-start NEO4J_PORT=$(NEO4J_PORT); \
	NEO4J_URI=bolt://127.0.0.1:$(NEO4J_PORT) NEO4J_USERNAME=neo4j NEO4J_PASSWORD='$(NEO4J_TEST_PASSWORD)' \
		$(GO) test -run '^$$' -bench . -benchmem ./...

## audit-deps: install the GraphQL-over-HTTP audit suite (npm ci) when missing or out of date
audit-deps: $(AUDIT_DIR)/node_modules/.package-lock.json

$(AUDIT_DIR)/node_modules/.package-lock.json: $(AUDIT_DIR)/package.json $(AUDIT_DIR)/package-lock.json
	npm ci --prefix $(AUDIT_DIR) --no-audit --no-fund
	@touch $@

## clients-deps: install the client suite (npm ci) when missing or out of date
clients-deps: $(CLIENTS_DIR)/node_modules/.package-lock.json

# The go.mod keeps `go ... ./...` out of node_modules, should a package there ever ship Go files.
$(CLIENTS_DIR)/node_modules/.package-lock.json: $(CLIENTS_DIR)/package.json $(CLIENTS_DIR)/package-lock.json
	npm ci --prefix $(CLIENTS_DIR) --no-audit --no-fund
	printf 'module ignored\n' > $(CLIENTS_DIR)/node_modules/go.mod
	@touch $@

## bench-import: import throughput of generated 10k and 100k bundles on both stores (Neo4j with a
## 4g heap: a 100k import is one transaction)
bench-import:
	@trap '$(MAKE) --no-print-directory neo4j-stop NEO4J_PORT=$(NEO4J_PORT)' EXIT; \
	NEO4J_HEAP=4g NEO4J_PAGECACHE=1g $(MAKE) --no-print-directory neo4j-start NEO4J_PORT=$(NEO4J_PORT); \
	DIPLOGRAPH_BENCH_IMPORT_ENTITIES=10000,100000 NEO4J_URI=bolt://127.0.0.1:$(NEO4J_PORT) \
		NEO4J_PID=$$(cat tools/neo4j/data/$(NEO4J_PORT)/neo4j.pid) \
		$(GO) test -run '^$$' -bench BenchmarkImport -benchtime 1x -timeout 2h ./internal/memstore ./internal/neo4jstore

clean:
	rm -rf bin
