#!/usr/bin/env bash
# make bench: herald beside its peer and the database's ceiling, and
# herald's Go benchmarks, on one PostgreSQL with fsync on; writes
# docs/benchmarks.md with the machine and the date (bench/peers).
# Benchmarks measure; the tests assert. Run it on an idle machine: the
# figures are only as good as the quiet around them. It takes about 30
# minutes, 10 of them the memory run (-soak). To work on a few workloads:
#   go run ./bench/peers -dir /tmp/herald-bench -only 'player|badges' -out /tmp/b.md
# (-dir keeps the seeded rows for the next run; -only skips every other run).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v pgbench >/dev/null || { echo "pgbench not found: it ships with PostgreSQL's client binaries" >&2; exit 1; }
command -v node >/dev/null || { echo "node not found: PostGraphile needs node 20" >&2; exit 1; }
# PostGraphile 4, pinned by bench/postgraphile/package-lock.json.
(cd bench/postgraphile && npm ci --no-audit --no-fund --loglevel=error)
go build -o bin/herald ./cmd/herald
go run ./bench/peers -out docs/benchmarks.md "$@"
echo "wrote docs/benchmarks.md" >&2
