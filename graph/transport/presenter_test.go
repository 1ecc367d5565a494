package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"testing"

	"github.com/herald-indexer/herald/graph/apierr"
)

// The database failing to answer — however the driver words it — is
// SERVICE_UNAVAILABLE, which a client retries; a bug is INTERNAL.
func TestPresenterTellsOutageFromBug(t *testing.T) {
	present := Presenter(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	for _, c := range []struct {
		name string
		err  error
		code string
	}{
		{"a refused dial", fmt.Errorf("load: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), apierr.ServiceUnavailable},
		{"a read past its deadline", fmt.Errorf("player badges: %w", os.ErrDeadlineExceeded), apierr.ServiceUnavailable},
		{"a broken connection", fmt.Errorf("scan: %w", io.ErrUnexpectedEOF), apierr.ServiceUnavailable},
		{"a bug", errors.New("nil map"), apierr.Internal},
	} {
		if got := present(context.Background(), c.err).Extensions["code"]; got != c.code {
			t.Errorf("%s: %v, want %s", c.name, got, c.code)
		}
	}
}
