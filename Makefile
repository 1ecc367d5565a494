# herald — the two commands that matter: `make dev` and `make test`.
GO       ?= go
GOBIN    ?= $(shell $(GO) env GOPATH)/bin
FUZZTIME ?= 3s
export PATH := $(GOBIN):$(PATH)

.PHONY: dev test test-go fuzz-short fuzz lint generate release contracts graphiql bench build tools

# The version comes from git (go build stamps it; this machine's go env may
# turn stamping off).
build:
	$(GO) build -buildvcs=auto -o bin/herald ./cmd/herald


## test: vet, every test against real PostgreSQL, and a short run of every fuzz target.
test: tools lint test-go fuzz-short

test-go:
	$(GO) test -count=1 -timeout 15m ./...

## fuzz-short: each fuzz target for FUZZTIME over its seed corpus (part of make test).
fuzz-short:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz.sh

## fuzz: long fuzzing, 5 minutes per target.
fuzz:
	FUZZTIME=5m ./scripts/fuzz.sh

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## tools: what the tests need beyond Go itself: a real btcd for the regtest nodes.
tools:
	@command -v btcd >/dev/null 2>&1 || $(GO) install github.com/btcsuite/btcd@v0.24.2

## generate: gqlgen's executor and models, and graph/schema.graphql, from graph/schema/*.graphqls.
generate:
	$(GO) tool gqlgen generate
	$(GO) test ./graph/contract -run TestSchemaIsCurrent -count=1 -update

## release: VERSION=x.y.z — after CHANGELOG.md names it: the schema snapshot, a commit and the tag.
release:
	./scripts/release.sh $(VERSION)

## contracts: compile the devnet contracts (solc-js from npm) and regenerate their Go bindings.
contracts:
	./indexer/evm/contracts/build.sh

## graphiql: refresh GraphiQL's embedded assets from npm.
graphiql:
	./graph/graphiql/build.sh

## bench: herald beside PostGraphile and pgbench on the same rows, and the Go benchmarks, fsync on; writes docs/benchmarks.md.
bench: tools
	./scripts/bench.sh

## dev: herald with everything embedded — PostgreSQL, a btcd regtest node, an EVM devnet — and live traffic.
## ARGS are herald dev's flags, e.g. make dev ARGS="-listen 127.0.0.1:9090 -evm-rpc 127.0.0.1:9545".
dev: tools build
	./bin/herald dev $(ARGS)
