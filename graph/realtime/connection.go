package realtime

import (
	"context"
	"sync/atomic"
)

// Connection is one websocket connection as subscription admission counts
// it. The transport makes one per connection.
type Connection struct {
	subs atomic.Int32
}

type connectionKey struct{}

// WithConnection is ctx belonging to connection c.
func WithConnection(ctx context.Context, c *Connection) context.Context {
	return context.WithValue(ctx, connectionKey{}, c)
}

func connectionOf(ctx context.Context) *Connection {
	c, _ := ctx.Value(connectionKey{}).(*Connection)
	return c
}
