package transport

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/time/rate"
)

// APIKeyHeader identifies a client for rate limiting; without it, the
// client's IP does.
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

// allow takes a token for client, or says how long until one is free.
func (l *rateLimiter) allow(client string) (ok bool, retryAfter time.Duration) {
	b, _ := l.buckets.Compute(client, func(old *rate.Limiter, found bool) (*rate.Limiter, otter.ComputeOp) {
		if found {
			return old, otter.CancelOp
		}
		return rate.NewLimiter(l.rate, l.burst), otter.WriteOp
	})
	now := time.Now()
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *rateLimiter) close() { l.buckets.StopAllGoroutines() }

// clientID names the caller: its API key when it sends one, else its IP.
func clientID(r *http.Request) string {
	if key := r.Header.Get(APIKeyHeader); key != "" {
		return "key:" + key
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + strings.TrimSpace(host)
}
