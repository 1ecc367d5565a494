// Package apierr holds the error codes herald's GraphQL API answers with, in
// `extensions.code`, and the constructors every part of the gateway uses to
// report a client's mistake. A client can act on every code; the list is in
// docs/api.md.
package apierr

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Codes herald sets besides gqlgen's own (GRAPHQL_PARSE_FAILED,
// GRAPHQL_VALIDATION_FAILED, COMPLEXITY_LIMIT_EXCEEDED,
// PERSISTED_QUERY_NOT_FOUND).
const (
	BadUserInput         = "BAD_USER_INPUT"
	BadRequest           = "BAD_REQUEST"
	Unauthenticated      = "UNAUTHENTICATED"
	ServiceUnavailable   = "SERVICE_UNAVAILABLE"
	DepthLimit           = "DEPTH_LIMIT_EXCEEDED"
	AliasLimit           = "ALIAS_LIMIT_EXCEEDED"
	RateLimited          = "RATE_LIMITED"
	RequestTooLarge      = "REQUEST_TOO_LARGE"
	StatementTimeout     = "STATEMENT_TIMEOUT"
	TooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS"
	TooManyConnections   = "TOO_MANY_CONNECTIONS"
	SlowConsumer         = "SLOW_CONSUMER"
	Internal             = "INTERNAL_SERVER_ERROR"
)

// BadInput is a BAD_USER_INPUT error at the current field, naming the
// argument at fault.
func BadInput(ctx context.Context, arg string, format string, args ...any) *gqlerror.Error {
	err := gqlerror.ErrorPathf(graphql.GetPath(ctx), "%s: %s", arg, fmt.Sprintf(format, args...))
	err.Extensions = map[string]any{"code": BadUserInput, "argument": arg}
	return err
}

// New is an error with a code and no path: an operation refused as a whole.
func New(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code}
	return err
}
