package transport

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	gqltransport "github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/realtime"
	"github.com/herald-indexer/herald/graph/request"
)

// Close codes of graphql-transport-ws (its PROTOCOL.md), used for legacy
// graphql-ws connections too.
const (
	closeForbidden       = 4403
	closeInitTimeout     = 4408
	closeTooManyRequests = 4429
)

// connections counts each client's open websockets.
type connections struct {
	mu   sync.Mutex
	max  int
	open map[string]int
}

type connStateKey struct{}

// websocket is the graphql-transport-ws (and legacy graphql-ws) transport.
// A client may send its API key in the init payload as apiKey; it is then
// the same identity as the X-API-Key header for queries.
func (h *HTTP) websocket() gqltransport.Websocket {
	return gqltransport.Websocket{
		Implementation:        closeCodes{},
		KeepAlivePingInterval: 15 * time.Second, // graphql-ws (legacy) keep-alive
		PingPongInterval:      15 * time.Second, // graphql-transport-ws ping/pong
		InitTimeout:           h.opts.Limits.WebsocketInitTimeout,
		InitFunc:              h.initWebsocket,
		CloseFunc: func(ctx context.Context, code int) {
			h.access.logClosed(ctx, code)
			id, ok := ctx.Value(connStateKey{}).(string)
			if !ok {
				return
			}
			h.conns.mu.Lock()
			defer h.conns.mu.Unlock()
			if h.conns.open[id]--; h.conns.open[id] <= 0 {
				delete(h.conns.open, id)
			}
		},
	}
}

// initWebsocket admits a connection: its client is known (or may be
// anonymous), within its rate and its number of connections.
func (h *HTTP) initWebsocket(ctx context.Context, payload gqltransport.InitPayload) (context.Context, *gqltransport.InitPayload, error) {
	refuse := func(code int, msg string) (context.Context, *gqltransport.InitPayload, error) {
		ctx = gqltransport.WithWebsocketCloseCode(ctx, code)
		return gqltransport.AppendCloseReason(ctx, msg), nil, errors.New(msg)
	}
	c := clientOf(ctx)
	if key, ok := payload["apiKey"].(string); ok && key != "" {
		var err error
		if c, err = h.clients.byKey(key); err != nil {
			return refuse(closeForbidden, apierr.Unauthenticated+": "+err.Error())
		}
	} else if h.clients.require && c.key == nil {
		return refuse(closeForbidden, apierr.Unauthenticated+": "+errKeyRequired.Error())
	}
	noteClient(ctx, c)
	if h.limiter != nil {
		if ok, _ := h.limiter.allow(c); !ok {
			return refuse(closeTooManyRequests, apierr.RateLimited+": rate limit exceeded")
		}
	}
	max := h.conns.max
	if c.key != nil && c.key.MaxConnections > 0 {
		max = c.key.MaxConnections
	}
	h.conns.mu.Lock()
	defer h.conns.mu.Unlock()
	if max > 0 && h.conns.open[c.id] >= max {
		return refuse(closeTooManyRequests, apierr.TooManyConnections+": too many open connections for this client")
	}
	h.conns.open[c.id]++
	ctx = withClient(request.WithClient(ctx, c.id), c)
	ctx = context.WithValue(ctx, connStateKey{}, c.id)
	return realtime.WithConnection(ctx, &realtime.Connection{}), nil, nil
}

// closeCodes is gqlgen's websocket implementation, closing a connection
// whose connection_init does not come in time with the protocol's 4408
// rather than gqlgen's 1002.
type closeCodes struct {
	gqltransport.CoderWebsocketImplementation
}

func (i closeCodes) Accept(w http.ResponseWriter, r *http.Request, o gqltransport.WebsocketAcceptOptions) (gqltransport.WebsocketConn, error) {
	conn, err := i.CoderWebsocketImplementation.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	return initTimeoutCode{conn}, nil
}

type initTimeoutCode struct{ gqltransport.WebsocketConn }

func (c initTimeoutCode) WriteClose(code int, message string) error {
	if code == gqltransport.WebsocketCloseProtocolError && message == "connection initialisation timeout" {
		code, message = closeInitTimeout, "Connection initialisation timeout"
	}
	return c.WebsocketConn.WriteClose(code, message)
}

// SetReadLimit keeps gqlgen's payload limit: it applies it only to
// connections that can.
func (c initTimeoutCode) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(gqltransport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

// SetReadDeadline keeps gqlgen's missing-pong deadline.
func (c initTimeoutCode) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(gqltransport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
