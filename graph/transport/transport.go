// Package transport is herald's HTTP gateway: how GraphQL requests arrive
// (POST, GET, websockets, Server-Sent Events) and what every request passes
// before any of it is parsed — a request id, CORS, its client's rate limit,
// the body limit — and how errors are shown to clients.
package transport

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	gqltransport "github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/request"
)

// Options configure the HTTP gateway.
type Options struct {
	Limits limits.Limits
	// CORSOrigins may call the API from a browser; "*" allows any.
	CORSOrigins []string
	Logger      *slog.Logger
	Metrics     *Metrics
	// GqlgenPOST answers POSTs with gqlgen's own transport (tests compare
	// it with herald's).
	GqlgenPOST bool
}

// HTTP is the gateway's HTTP side.
type HTTP struct {
	opts    Options
	limiter *rateLimiter // nil without rate limiting
	conns   *connections
}

// New builds the HTTP side of a gateway.
func New(opts Options) *HTTP {
	h := &HTTP{opts: opts}
	if opts.Limits.RatePerSecond > 0 {
		h.limiter = newRateLimiter(opts.Limits.RatePerSecond, opts.Limits.RateBurst)
	}
	h.conns = &connections{max: opts.Limits.MaxConnectionsPerClient, open: map[string]int{}}
	return h
}

// Close stops the rate limiter's maintenance goroutines.
func (h *HTTP) Close() {
	if h.limiter != nil {
		h.limiter.close()
	}
}

// AddTransports adds every transport herald speaks to srv.
func (h *HTTP) AddTransports(srv *handler.Server) {
	srv.AddTransport(h.websocket())
	srv.AddTransport(gqltransport.Options{})
	srv.AddTransport(gqltransport.SSE{}) // before POST: both take POSTs
	srv.AddTransport(gqltransport.GET{})
	if h.opts.GqlgenPOST {
		srv.AddTransport(gqltransport.POST{})
	} else {
		srv.AddTransport(postTransport{})
	}
}

// Wrap puts next behind what every request passes first.
func (h *HTTP) Wrap(next http.Handler) http.Handler {
	return withRequestID(h.withCORS(h.withLimits(next)))
}

// withLimits rejects oversized bodies and clients over their rate before
// anything is parsed, let alone run.
func (h *HTTP) withLimits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.limiter != nil {
			if ok, wait := h.limiter.allow(request.Client(r.Context())); !ok {
				h.opts.Metrics.rejected.WithLabelValues("rate").Inc()
				w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
				writeError(w, http.StatusTooManyRequests, apierr.RateLimited, "rate limit exceeded; retry after the Retry-After seconds")
				return
			}
		}
		if max := h.opts.Limits.MaxBodyBytes; max > 0 {
			if r.ContentLength > max {
				h.opts.Metrics.rejected.WithLabelValues("size").Inc()
				writeError(w, http.StatusRequestEntityTooLarge, apierr.RequestTooLarge, fmt.Sprintf("request body over %d bytes", max))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

func (h *HTTP) withCORS(next http.Handler) http.Handler {
	origins := h.opts.CORSOrigins
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (slices.Contains(origins, "*") || slices.Contains(origins, origin)) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, "+APIKeyHeader+", X-Request-ID")
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// withRequestID tags each request with the caller's X-Request-ID or a new
// one, and with its client.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		ctx := request.WithClient(request.WithID(r.Context(), id), clientID(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// writeError answers with a GraphQL-shaped error before execution.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}
