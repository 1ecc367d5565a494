package transport

import (
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/time/rate"
)

// APIKeyHeader identifies a client; without it, the client's address does.
const APIKeyHeader = "X-API-Key"

// maxLimitedClients bounds the clients whose token buckets are kept: the
// least recently seen go first, and a client seen again after that starts
// with a full bucket.
const maxLimitedClients = 100_000

// rateLimiter is a token bucket per client, kept in a bounded cache: its
// memory does not grow with the clients an attacker invents.
type rateLimiter struct {
	rate    rate.Limit
	burst   int
	buckets *otter.Cache[string, *rate.Limiter]
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	burst = max(burst, 1)
	// A bucket idle long enough to be full again is no different from a
	// new one.
	refill := time.Duration(float64(burst)/perSecond*float64(time.Second)) + time.Second
	return &rateLimiter{
		rate: rate.Limit(perSecond), burst: burst,
		buckets: otter.Must(&otter.Options[string, *rate.Limiter]{
			MaximumSize:      maxLimitedClients,
			ExpiryCalculator: otter.ExpiryAccessing[string, *rate.Limiter](refill),
		}),
	}
}

// allow takes a token for c, or says how long until one is free. A key's
// own rate and burst apply to it; everyone else shares the defaults.
func (l *rateLimiter) allow(c client) (ok bool, retryAfter time.Duration) {
	b, _ := l.buckets.Compute(c.id, func(old *rate.Limiter, found bool) (*rate.Limiter, otter.ComputeOp) {
		if found {
			return old, otter.CancelOp
		}
		r, burst := l.rate, l.burst
		if c.key != nil && c.key.RatePerSecond > 0 {
			r = rate.Limit(c.key.RatePerSecond)
		}
		if c.key != nil && c.key.Burst > 0 {
			burst = c.key.Burst
		}
		return rate.NewLimiter(r, burst), otter.WriteOp
	})
	now := time.Now()
	res := b.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *rateLimiter) close() { l.buckets.StopAllGoroutines() }
