#!/usr/bin/env bash
# make bench: runs every benchmark herald has and writes the results, with
# the machine and the date, to docs/benchmarks.md. Benchmarks measure; the
# tests assert. Run it on an idle machine: the figures are only as good as
# the quiet around them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/benchmarks.md
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT

run() { # package, benchmark, benchtime, what it measures (the environment passes through)
  echo "== $2 ($1)" >&2
  go test -run '^$' -bench "^$2\$" -benchtime "$3" -timeout 30m "$1" 2>&1 | grep -E "^Benchmark" | sed "s|\$| @@$4|" | tee -a "$raw" >&2 || true
}

run ./indexer/bitcoin BenchmarkDecodeApply 60x "Bitcoin: verify + decode + apply mainnet-sized blocks (3,000 tx) into PostgreSQL"
run ./indexer/bitcoin BenchmarkBackfillUnderFaults 3x "Bitcoin backfill of 100 mainnet-sized blocks from one Esplora provider on loopback, healthy and failing 30% of requests at random (immediate 503s)"
run ./indexer/evm BenchmarkDecodeApply 30x "EVM: decode + apply logs (claims, transfers, nullifier uses) into PostgreSQL"
run ./graph BenchmarkNFTStatus 20000x "nft with 200 registrations (first page), 50 concurrent clients"
run ./graph BenchmarkNullifierLookups 3000x "nullifiers(hashes: 100) over 1,000,000 stored, 50 concurrent clients"
run ./store BenchmarkNullifiersByHash 3000x "the database's share of that: one 100-hash lookup over 1,000,000 stored, serially"
run ./graph BenchmarkReplicaDelivery 200x "a gateway on a streaming replica, LISTENing on its primary, 100 websocket subscribers: commit on the primary → the replica has it (replay) → every subscriber has it (delivery)"
run ./graph BenchmarkSubscriptionFanOut 30x "10,000 websocket subscribers to the same subscription (their client process on the same 2 cores): commit → last subscriber"

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB memory, $(go version | cut -d' ' -f3), PostgreSQL $(postgres --version 2>/dev/null | awk '{print $3}' || echo '?') (herald's embedded launcher, fsync off for benchmarks). Client, server and database share the machine."
  echo
  echo "| benchmark | what | result |"
  echo "|---|---|---|"
  while IFS= read -r line; do
    what=${line##*@@}
    line=${line%@@*}
    name=$(echo "$line" | awk '{print $1}' | sed 's/-[0-9]*$//')
    # Every "value unit" pair after the iteration count, ns/op dropped.
    metrics=$(echo "$line" | awk '{for (i = 3; i < NF; i += 2) if ($(i+1) != "ns/op") printf "%s %s, ", $i, $(i+1)}' | sed 's/, $//')
    echo "| $name | $what | $metrics |"
  done < "$raw"
  echo
  echo "Targets from the product documents (floors): status p95 < 100 ms; 10,000+ nullifier lookups/s;"
  echo "500+ badge claims/min. herald's own: nft p95 well under 10 ms, 100,000+ nullifier lookups/s,"
  echo "20,000+ EVM logs/s, subscription p99 under 250 ms at 10,000 subscribers, and within 250 ms of the"
  echo "replication lag on a replica; Bitcoin backfill through a provider failing 30% of requests at 50% or"
  echo "more of its healthy rate."
  echo
  echo "cpu_us/op is the CPU time the whole machine (clients, gateway, PostgreSQL) spent per"
  echo "request, from /proc/stat: on a shared host it moves less than throughput does."
} > "$out"
echo "wrote $out" >&2
