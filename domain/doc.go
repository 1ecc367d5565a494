// Package domain holds the rules both wings of herald apply: the indexer
// when it decodes and stores, the gateway when it answers. What an
// inscription id is, and when a registration makes its NFT registered, are
// decided here once, so that the two cannot drift apart.
//
// It imports nothing of herald's and does no I/O.
package domain
