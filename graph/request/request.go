// Package request carries what the HTTP gateway learns about a request to
// the parts that act on it: its id, for logs and error messages, and the
// client it comes from, for limits. The transport sets both; nothing else
// does.
package request

import "context"

type idKey struct{}

// WithID tags ctx with a request id.
func WithID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, idKey{}, id)
}

// ID is ctx's request id, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(idKey{}).(string)
	return id
}

type clientKey struct{}

// WithClient tags ctx with the client a request comes from: an API key's
// name, or the client's address.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// Client is ctx's client, or "".
func Client(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}
