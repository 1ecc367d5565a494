#!/usr/bin/env bash
# Compiles the Solidity sources with a pinned solc-js and regenerates the Go
# bindings. The ABI, bytecode and bindings are checked in, so only a change to
# src/*.sol needs this script (and Node.js + npm).
set -euo pipefail

SOLC_VERSION=0.8.28
CONTRACTS=(XPBadge721 XPBadge1155 XPVerifier XPVerifierStub Points20)

dir=$(cd "$(dirname "$0")" && pwd)
cd "$dir"

# solc-js goes into an ignored directory next to the sources, never into a
# package.json: the Go module does not depend on npm.
tools="$dir/.solc"
installed=$(node -p "try { require('$tools/node_modules/solc/package.json').version } catch (e) { '' }")
if [[ "$installed" != "$SOLC_VERSION" ]]; then
	mkdir -p "$tools"
	npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$tools" "solc@$SOLC_VERSION"
fi

rm -rf build
NODE_PATH="$tools/node_modules" node compile.js

for name in "${CONTRACTS[@]}"; do
	out=$(echo "$name" | tr '[:upper:]' '[:lower:]').go
	go tool abigen --abi "build/$name.abi" --bin "build/$name.bin" --pkg contracts --type "$name" --out "$out"
	chmod 644 "$out" # abigen creates its output private to the user
	echo "generated $out"
done
