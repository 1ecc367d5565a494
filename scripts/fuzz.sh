#!/usr/bin/env bash
# Runs every fuzz target in the module for $FUZZTIME each (go test can fuzz
# only one target per invocation).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}
found=0
while IFS=: read -r file target; do
  pkg=./$(dirname "$file")
  echo "fuzz $pkg $target ($fuzztime)"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
  found=$((found + 1))
done < <(grep -rhoE --include='*_test.go' '^func (Fuzz[A-Za-z0-9_]+)' --with-filename . | sed -E 's/^\.\///; s/:func /:/' | sort -u)
echo "fuzzed $found targets"
