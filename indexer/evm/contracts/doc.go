// Package contracts holds herald's own XP badge and verifier contracts: the
// Solidity sources (src/), their ABI and bytecode (build/) and the Go bindings
// abigen generated from them. The devnet and the EVM tests deploy them to
// produce real logs of every event variant in spec/xp-badges.md.
//
// Everything generated is checked in; after editing src/*.sol, run build.sh
// (Node.js and npm needed) to recompile and regenerate the bindings.
package contracts
