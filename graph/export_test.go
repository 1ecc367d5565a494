package graph

// Hooks into the status cache for tests in package graph_test.

// OnStatusInvalidate makes the gateway's status cache call f on every eviction.
func OnStatusInvalidate(g *Gateway, f func(ids []string)) {
	g.cache.mu.Lock()
	g.cache.onInvalidate = f
	g.cache.mu.Unlock()
}

// StatusCacheLive reports whether the status cache follows the event log.
func StatusCacheLive(g *Gateway) bool { return g.cache.live.Load() }
