// Package devnet runs local chains with live traffic for `herald dev` and
// tests: a btcd regtest node that herald starts and stops (Bitcoin), and an
// in-process go-ethereum dev chain served over JSON-RPC on loopback (EVM),
// each with a traffic generator that makes what herald indexes —
// registration payments and records, badge claims and transfers, nullifier
// uses and replays — and, when asked, reorgs that drop some of it.
//
// Each devnet is started by its Start function, which returns once the
// chain is ready to be indexed and tells how to configure herald for it;
// Run generates traffic until its context ends; Stop stops the chain.
// The keys, addresses and passwords of a devnet guard nothing: its keys are
// derived from fixed labels so that addresses are the same every run.
package devnet
