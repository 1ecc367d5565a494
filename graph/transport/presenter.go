package transport

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/request"
	"github.com/herald-indexer/herald/graph/scalar"
)

// Presenter shows clients what is theirs to fix and hides the rest: an
// internal error is logged with the request id, and the client gets the id.
// A database that cannot serve — unreachable, shutting down, out of
// connections, or a pool with none free within the statement timeout
// (saturated reports that) — is SERVICE_UNAVAILABLE, and the request's
// HTTP status 503.
func Presenter(log *slog.Logger, saturated func() bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var inputErr *scalar.InputError
		if errors.As(err, &inputErr) {
			gerr := graphql.DefaultErrorPresenter(ctx, err)
			arg := argumentPath(ctx, gerr.Path)
			gerr.Message = arg + ": " + inputErr.Error()
			gerr.Extensions = map[string]any{"code": apierr.BadUserInput, "argument": arg}
			return gerr
		}
		// An error while reading an argument is the client's too, whatever
		// reported it (a scalar of gqlgen's): its path goes below the field
		// into one of the field's arguments.
		if gerr := graphql.DefaultErrorPresenter(ctx, err); gerr.Extensions["code"] == nil && inArgument(ctx, gerr.Path) {
			arg := argumentPath(ctx, gerr.Path)
			gerr.Message = arg + ": " + gerr.Message
			gerr.Extensions = map[string]any{"code": apierr.BadUserInput, "argument": arg}
			return gerr
		}
		// Errors with a code are meant for the client; so are gqlgen's own
		// messages (a body that is not JSON, an unknown operation), which
		// wrap no Go error. The rest may carry internals: logged, not shown.
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && (gerr.Extensions["code"] != nil || gerr.Err == nil) {
			return graphql.DefaultErrorPresenter(ctx, err)
		}
		id := request.ID(ctx)
		presented := graphql.DefaultErrorPresenter(ctx, err)
		switch {
		case unavailable(err) || isTimeout(err) && saturated != nil && saturated():
			markUnavailable(ctx)
			log.Warn("database unavailable", "request_id", id, "path", presented.Path.String(), "err", err)
			presented.Message = "the service is unavailable for a moment: retry after a few seconds"
			presented.Extensions = map[string]any{"code": apierr.ServiceUnavailable, "requestId": id}
		case isTimeout(err):
			presented.Message = "the query took longer than the statement timeout"
			presented.Extensions = map[string]any{"code": apierr.StatementTimeout, "requestId": id}
		default:
			log.Error("graphql error", "request_id", id, "path", presented.Path.String(), "err", err)
			presented.Message = "internal error (request " + id + ")"
			presented.Extensions = map[string]any{"code": apierr.Internal, "requestId": id}
		}
		return presented
	}
}

// argumentPath names the argument an input error is in, as a client wrote
// it: the part of the error's path below the field being resolved
// ("ids[3]", "where.collection").
func argumentPath(ctx context.Context, path ast.Path) string {
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		field := fc.Path()
		if len(path) >= len(field) && path[:len(field)].String() == field.String() {
			path = path[len(field):]
		}
	}
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(p))
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(p))
		}
	}
	return b.String()
}

// inArgument reports whether an error's path leads into an argument of the
// field being resolved.
func inArgument(ctx context.Context, path ast.Path) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return false
	}
	field := fc.Path()
	if len(path) <= len(field) || path[:len(field)].String() != field.String() {
		return false
	}
	name, ok := path[len(field)].(ast.PathName)
	return ok && fc.Field.Definition.Arguments.ForName(string(name)) != nil
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr pgdriver.Error
	return errors.As(err, &pgErr) && pgErr.Field('C') == "57014"
}

// unavailable reports whether err says the database could not serve: a
// connection that failed or broke, or a server that refused the work for
// want of resources or because it is stopping or starting.
func unavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false // the request's own deadline, or its client gone
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		code := pgErr.Field('C')
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") ||
			code == "57P01" || code == "57P02" || code == "57P03"
	}
	var netErr *net.OpError // a dial, read or write on the database's socket
	// A socket deadline the driver reports without its OpError (an "i/o
	// timeout" from a read cut short under load) is the database not
	// answering in time too.
	return errors.As(err, &netErr) || errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
