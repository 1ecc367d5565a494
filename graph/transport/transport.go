// Package transport is herald's HTTP gateway: how GraphQL requests arrive
// (POST, GET, websockets, Server-Sent Events) and what every request passes
// before any of it is parsed — a request id, CORS, who its client is, the
// client's rate limit, the body limit and deadlines — and how errors are
// shown to clients.
package transport

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
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
	Access Access
	// CORSOrigins may call the API from a browser; "*" allows any.
	CORSOrigins []string
	Logger      *slog.Logger
	Metrics     *Metrics
	// AccessLogger receives the access log, configured by AccessLog; nil
	// writes none.
	AccessLogger *slog.Logger
	AccessLog    AccessLog
	// GqlgenPOST answers POSTs with gqlgen's own transport (tests compare
	// it with herald's).
	GqlgenPOST bool
}

// HTTP is the gateway's HTTP side.
type HTTP struct {
	opts    Options
	clients *clients
	limiter *rateLimiter // nil without rate limiting
	conns   *connections
	access  *accessLog // nil without an access log
}

// New builds the HTTP side of a gateway; opts.Access must be valid.
func New(opts Options) *HTTP {
	h := &HTTP{opts: opts, clients: newClients(opts.Access)}
	if opts.Limits.RatePerSecond > 0 {
		h.limiter = newRateLimiter(opts.Limits.RatePerSecond, opts.Limits.RateBurst)
	}
	h.conns = &connections{max: opts.Limits.MaxConnectionsPerClient, open: map[string]int{}}
	if opts.AccessLogger != nil {
		h.access = &accessLog{log: opts.AccessLogger, conf: opts.AccessLog}
	}
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
	srv.AddTransport(sseTransport{}) // before POST: both take POSTs
	srv.AddTransport(getTransport{})
	if h.opts.GqlgenPOST {
		srv.AddTransport(gqltransport.POST{})
	} else {
		srv.AddTransport(postTransport{})
	}
}

// Wrap puts next behind what every request passes first.
func (h *HTTP) Wrap(next http.Handler) http.Handler {
	return withRequestID(h.withAccessLog(h.withCORS(supported(h.withClient(h.withLimits(next))))))
}

// supported refuses, with a code, what no transport takes: another method,
// or a POST whose body is not JSON.
func supported(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			if mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mediaType != "application/json" {
				writeError(w, http.StatusUnsupportedMediaType, apierr.BadRequest, `send GraphQL requests as application/json: {"query": "…", "variables": {…}}`)
				return
			}
		case r.Method != http.MethodGet && r.Method != http.MethodOptions:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeError(w, http.StatusMethodNotAllowed, apierr.BadRequest, "GraphQL takes GET (queries) and POST")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withRequestID tags each request with the caller's X-Request-ID or a new
// one.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(request.WithID(r.Context(), id)))
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

// withClient names the request's client, or refuses it: an API key that is
// none of the configured ones is 401, so that invented keys neither pass
// nor each get a rate limit of their own. A websocket may bring its key in
// its connection_init payload instead, which browsers can send.
func (h *HTTP) withClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := h.clients.identify(r, r.Header.Get(APIKeyHeader))
		if errors.Is(err, errKeyRequired) && isUpgrade(r) {
			c, err = client{id: "ip:" + h.clients.address(r)}, nil // the init payload decides
		}
		if err != nil {
			h.opts.Metrics.rejected.WithLabelValues("auth").Inc()
			writeError(w, http.StatusUnauthorized, apierr.Unauthenticated, err.Error())
			return
		}
		noteClient(r.Context(), c)
		ctx := request.WithClient(r.Context(), c.id)
		next.ServeHTTP(w, r.WithContext(withClient(ctx, c)))
	})
}

type clientKey struct{}

func withClient(ctx context.Context, c client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

func clientOf(ctx context.Context) client {
	c, _ := ctx.Value(clientKey{}).(client)
	return c
}

// withLimits rejects clients over their rate and oversized bodies before
// anything is parsed, let alone run, and bounds the request's phases: the
// whole body must arrive within BodyTimeout, and a request that is not a
// stream is handled within RequestTimeout.
func (h *HTTP) withLimits(next http.Handler) http.Handler {
	lim := h.opts.Limits
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.limiter != nil {
			if ok, wait := h.limiter.allow(clientOf(r.Context())); !ok {
				h.opts.Metrics.rejected.WithLabelValues("rate").Inc()
				// The answer waits until a token is free (a second at
				// most): a client sending as fast as it is answered
				// otherwise turns a rate limit into a stream of cheap
				// refusals that still cost the cores. Four such clients
				// tripled an unrelated query's p99 (BenchmarkUnderFragmentAttack).
				hold := time.NewTimer(min(wait, time.Second))
				select {
				case <-hold.C:
				case <-r.Context().Done():
				}
				hold.Stop()
				w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
				writeError(w, http.StatusTooManyRequests, apierr.RateLimited, "rate limit exceeded; retry after the Retry-After seconds")
				return
			}
		}
		if max := lim.MaxBodyBytes; max > 0 && r.ContentLength > max {
			h.opts.Metrics.rejected.WithLabelValues("size").Inc()
			writeError(w, http.StatusRequestEntityTooLarge, apierr.RequestTooLarge, fmt.Sprintf("request body over %d bytes", max))
			return
		}
		if isUpgrade(r) {
			next.ServeHTTP(w, r) // a websocket: its protocol has deadlines of its own
			return
		}
		if err := h.readBody(w, r); err != nil {
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				h.opts.Metrics.rejected.WithLabelValues("size").Inc()
				writeError(w, http.StatusRequestEntityTooLarge, apierr.RequestTooLarge, fmt.Sprintf("request body over %d bytes", lim.MaxBodyBytes))
			default:
				h.opts.Metrics.rejected.WithLabelValues("body").Inc()
				writeError(w, http.StatusRequestTimeout, apierr.BadRequest, "the request body did not arrive in time")
			}
			return
		}
		if isStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		if d := lim.RequestTimeout; d > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			// A client that does not read its answer holds it no longer.
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + 5*time.Second))
			r = r.WithContext(ctx)
		}
		w, r = withOutcome(w, r)
		next.ServeHTTP(w, r)
	})
}

// readBody reads the whole body within BodyTimeout and the size limit, and
// hands the handler a copy. Reading it here, not as the handler goes, lets
// the deadline cover the body alone: once it is read, the deadline is
// lifted, since net/http's watch for a disconnecting client would take an
// expired one for a disconnect.
func (h *HTTP) readBody(w http.ResponseWriter, r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	rc := http.NewResponseController(w)
	if d := h.opts.Limits.BodyTimeout; d > 0 {
		_ = rc.SetReadDeadline(time.Now().Add(d))
	}
	var body io.Reader = r.Body
	if max := h.opts.Limits.MaxBodyBytes; max > 0 {
		body = http.MaxBytesReader(w, r.Body, max)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		// The connection ends with the answer: net/http would otherwise
		// wait for the rest of the body to reuse it, deadline or not.
		w.Header().Set("Connection", "close")
		return err
	}
	_ = rc.SetReadDeadline(time.Time{})
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return nil
}

func isUpgrade(r *http.Request) bool { return r.Header.Get("Upgrade") != "" }

// isStream reports whether a request asks for a stream of responses
// (Server-Sent Events), which lasts as long as its subscription.
func isStream(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// writeError answers with a GraphQL-shaped error before execution.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	noteRefusal(w, code)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}
