package transport

import (
	"context"
	"errors"
	"log/slog"

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
func Presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var inputErr *scalar.InputError
		if errors.As(err, &inputErr) {
			gerr := graphql.DefaultErrorPresenter(ctx, err)
			arg := ""
			if n := len(gerr.Path); n > 0 {
				if name, ok := gerr.Path[n-1].(ast.PathName); ok {
					arg = string(name)
				}
			}
			gerr.Message = arg + ": " + inputErr.Error()
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
		if isTimeout(err) {
			presented.Message = "the query took longer than the statement timeout"
			presented.Extensions = map[string]any{"code": apierr.StatementTimeout, "requestId": id}
			return presented
		}
		log.Error("graphql error", "request_id", id, "path", presented.Path.String(), "err", err)
		presented.Message = "internal error (request " + id + ")"
		presented.Extensions = map[string]any{"code": apierr.Internal, "requestId": id}
		return presented
	}
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr pgdriver.Error
	return errors.As(err, &pgErr) && pgErr.Field('C') == "57014"
}
