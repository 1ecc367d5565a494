package graph

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes of subscription admission.
const (
	CodeTooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS"
	CodeTooManyConnections   = "TOO_MANY_CONNECTIONS"
)

// connState is one websocket connection's bookkeeping.
type connState struct {
	client string
	subs   atomic.Int32
}

type connKey struct{}

// subscriptionError is what a subscription ends with.
func subscriptionError(_ context.Context, err error) error {
	var slow errSlowConsumer
	if errors.As(err, &slow) {
		return slowConsumerError(slow)
	}
	return err
}

// slowConsumerError tells a subscriber it was cut off and where to resume.
func slowConsumerError(slow errSlowConsumer) *gqlerror.Error {
	e := gqlerror.Errorf("%s", slow.Error())
	e.Extensions = map[string]any{"code": CodeSlowConsumer, "resumeAfterEventId": strconv.FormatInt(slow.resumeAfter, 10)}
	return e
}

// connections counts each client's open websockets.
type connections struct {
	mu     sync.Mutex
	max    int
	open   map[string]int
	limits *rateLimiter
}

// websocket is the graphql-transport-ws (and legacy graphql-ws) transport.
// A client may send its API key in the init payload as apiKey; it is then
// the same rate-limit identity as for queries.
func (g *Gateway) websocket() transport.Websocket {
	conns := &connections{max: g.opts.Limits.MaxConnectionsPerClient, open: map[string]int{}, limits: g.limiter}
	return transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second, // graphql-ws (legacy) keep-alive
		PingPongInterval:      15 * time.Second, // graphql-transport-ws ping/pong
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			client := clientFromContext(ctx)
			if key, ok := payload["apiKey"].(string); ok && key != "" {
				client = "key:" + key
			}
			if conns.limits != nil {
				if ok, _ := conns.limits.allow(client); !ok {
					return ctx, nil, errors.New(CodeRateLimited + ": rate limit exceeded")
				}
			}
			conns.mu.Lock()
			defer conns.mu.Unlock()
			if conns.max > 0 && conns.open[client] >= conns.max {
				return ctx, nil, errors.New(CodeTooManyConnections + ": too many open connections for this client")
			}
			conns.open[client]++
			return context.WithValue(ctx, connKey{}, &connState{client: client}), nil, nil
		},
		CloseFunc: func(ctx context.Context, _ int) {
			cs, ok := ctx.Value(connKey{}).(*connState)
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

type clientKey struct{}

func clientFromContext(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}
