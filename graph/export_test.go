package graph

import (
	"context"

	"github.com/herald-indexer/herald/graph/limits"
)

// Hooks into the gateway's parts for tests in package graph_test.

// OnStatusInvalidate makes the gateway's status cache call f on every eviction.
func OnStatusInvalidate(g *Gateway, f func(ids []string)) { g.status.OnInvalidate(f) }

// GeneratedOnly turns the gateway's fast paths off: every query is executed
// by gqlgen's generated code and answered by gqlgen's POST transport.
func GeneratedOnly(o *Options) { o.generatedOnly = true }

// FastPathAnswers is how many queries the nullifier fast path answered.
func FastPathAnswers(g *Gateway) int64 { return g.fast.Answered() }

// NFTFastPathAnswers is how many queries the NFT fast path answered.
func NFTFastPathAnswers(g *Gateway) int64 { return g.fastNFTs.Answered() }

// StatusCachePosition is the newest event the status cache has applied.
func StatusCachePosition(g *Gateway) int64 { return g.status.Position() }

// StatusCacheLive reports whether the status cache follows the event log.
func StatusCacheLive(g *Gateway) bool { return g.status.IsLive() }

// Subscribers is how many subscriptions the gateway is running for its
// clients (members of started groups).
func Subscribers(g *Gateway) int { return g.fanOut.Subscribers() }

// Executions is how many subscription executions follow the broker.
func Executions(g *Gateway) int { return g.broker.Subscriptions() }

// BrokerLive reports whether the event log follower is live.
func BrokerLive(g *Gateway) bool { return g.follower.Live() }

// BrokerPosition is the newest event the broker has handed out.
func BrokerPosition(g *Gateway) int64 { return g.broker.Last() }

// HoldFollower keeps the gateway's event log follower from starting until
// release is closed.
func HoldFollower(release <-chan struct{}) func(*Options) {
	return func(o *Options) {
		o.beforeFollow = func(ctx context.Context) {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
	}
}

// ObserveAnalyses makes the gateway call f with every operation's analysis.
func ObserveAnalyses(f func(limits.Analysis)) func(*Options) {
	return func(o *Options) { o.onAnalysis = f }
}

// QueryCacheBytes is what the persisted-query cache holds, by its weights.
func QueryCacheBytes(g *Gateway) uint64 { return g.queries.WeightedSize() }
