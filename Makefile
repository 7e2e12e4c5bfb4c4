# diplograph: `make run` serves the API on the embedded store; `make test` runs every test,
# starting a real Neo4j (from Maven Central jars, see tools/neo4j) when NEO4J_URI is unset.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin/diplograph
NEO4J_PORT ?= 7687

include tools/neo4j/neo4j.mk

.PHONY: run build generate test test-go lint bench bench-import clean

## run: serve the API on http://127.0.0.1:8080 (embedded store unless NEO4J_URI is set)
run: build
	./$(BIN) serve

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/diplograph

## generate: regenerate the GraphQL executor from schema.graphqls
generate:
	$(GO) tool gqlgen generate

## test: vet, check generated code is current, and run every test against a real Neo4j
test:
	@if [ -n "$${NEO4J_URI:-}" ]; then \
		$(MAKE) --no-print-directory test-go; \
	else \
		trap '$(MAKE) --no-print-directory neo4j-stop NEO4J_PORT=$(NEO4J_PORT)' EXIT; \
		$(MAKE) --no-print-directory neo4j-start NEO4J_PORT=$(NEO4J_PORT); \
		NEO4J_URI=bolt://127.0.0.1:$(NEO4J_PORT) NEO4J_USERNAME=neo4j NEO4J_PASSWORD=password \
			$(MAKE) --no-print-directory test-go; \
	fi

test-go:
	$(GO) vet ./...
	@test -z "$$(gofmt -l . | grep -v '^tools/' || true)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) test -race -count=1 ./...

## bench: Go benchmarks against the embedded store and a real Neo4j
bench:
	@trap '$(MAKE) --no-print-directory neo4j-stop NEO4J_PORT=$(NEO4J_PORT)' EXIT; \
	$(MAKE) --no-print-directory neo4j-start NEO4J_PORT=$(NEO4J_PORT); \
	NEO4J_URI=bolt://127.0.0.1:$(NEO4J_PORT) $(GO) test -run '^$$' -bench . -benchmem ./...

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
