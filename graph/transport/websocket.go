package transport

import (
	"context"
	"errors"
	"sync"
	"time"

	gqltransport "github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/realtime"
	"github.com/herald-indexer/herald/graph/request"
)

// connections counts each client's open websockets.
type connections struct {
	mu   sync.Mutex
	max  int
	open map[string]int
}

type connState struct {
	client string
}

type connStateKey struct{}

// websocket is the graphql-transport-ws (and legacy graphql-ws) transport.
// A client may send its API key in the init payload as apiKey; it is then
// the same rate-limit identity as for queries.
func (h *HTTP) websocket() gqltransport.Websocket {
	conns := h.conns
	return gqltransport.Websocket{
		KeepAlivePingInterval: 15 * time.Second, // graphql-ws (legacy) keep-alive
		PingPongInterval:      15 * time.Second, // graphql-transport-ws ping/pong
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, payload gqltransport.InitPayload) (context.Context, *gqltransport.InitPayload, error) {
			client := request.Client(ctx)
			if key, ok := payload["apiKey"].(string); ok && key != "" {
				client = "key:" + key
			}
			if h.limiter != nil {
				if ok, _ := h.limiter.allow(client); !ok {
					return ctx, nil, errors.New(apierr.RateLimited + ": rate limit exceeded")
				}
			}
			conns.mu.Lock()
			defer conns.mu.Unlock()
			if conns.max > 0 && conns.open[client] >= conns.max {
				return ctx, nil, errors.New(apierr.TooManyConnections + ": too many open connections for this client")
			}
			conns.open[client]++
			ctx = request.WithClient(ctx, client)
			ctx = context.WithValue(ctx, connStateKey{}, &connState{client: client})
			return realtime.WithConnection(ctx, &realtime.Connection{}), nil, nil
		},
		CloseFunc: func(ctx context.Context, _ int) {
			cs, ok := ctx.Value(connStateKey{}).(*connState)
			if !ok {
				return
			}
			conns.mu.Lock()
			defer conns.mu.Unlock()
			if conns.open[cs.client]--; conns.open[cs.client] <= 0 {
				delete(conns.open, cs.client)
			}
		},
	}
}
