package graph

// Hooks into the status cache for tests in package graph_test.

// OnStatusInvalidate makes the gateway's status cache call f on every eviction.
func OnStatusInvalidate(g *Gateway, f func(ids []string)) {
	g.cache.mu.Lock()
	g.cache.onInvalidate = f
	g.cache.mu.Unlock()
}

// GeneratedOnly turns the gateway's fast paths off: every query is executed
// by gqlgen's generated code and answered by gqlgen's POST transport.
func GeneratedOnly(o *Options) { o.generatedOnly = true }

// FastPathAnswers is how many queries the nullifier fast path answered.
func FastPathAnswers(g *Gateway) int64 { return g.fastAnswers.Load() }

// StatusCachePosition is the newest event the status cache has applied.
func StatusCachePosition(g *Gateway) int64 { return g.cache.position.Load() }

// StatusCacheLive reports whether the status cache follows the event log.
func StatusCacheLive(g *Gateway) bool { return g.cache.live.Load() }

// Subscribers is how many subscriptions the gateway is running for its
// clients (members of started groups).
func Subscribers(g *Gateway) int {
	g.fanOut.mu.Lock()
	defer g.fanOut.mu.Unlock()
	return g.fanOut.active
}

// Executions is how many subscription executions follow the broker.
func Executions(g *Gateway) int {
	g.broker.mu.Lock()
	defer g.broker.mu.Unlock()
	return len(g.broker.subs)
}

// BrokerLive reports whether the broker follows the event log.
func BrokerLive(g *Gateway) bool { return g.broker.live.Load() }

// BrokerPosition is the newest event the broker has handed out.
func BrokerPosition(g *Gateway) int64 {
	g.broker.mu.Lock()
	defer g.broker.mu.Unlock()
	return g.broker.last
}
