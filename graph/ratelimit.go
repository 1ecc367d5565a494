package graph

import (
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// APIKeyHeader identifies a client for rate limiting; without it, the
// client's IP does.
const APIKeyHeader = "X-API-Key"

// rateLimiter is a token bucket per client. Buckets idle long enough to be
// full again are dropped, so memory follows the active clients.
type rateLimiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{rate: perSecond, burst: float64(max(burst, 1)), now: time.Now, buckets: make(map[string]*bucket)}
}

// allow takes a token for client, or says how long until one is free.
func (l *rateLimiter) allow(client string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, found := l.buckets[client]
	if !found {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

func (l *rateLimiter) sweep(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	if now.Sub(l.swept) < full {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
}

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
