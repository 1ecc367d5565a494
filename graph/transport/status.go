package transport

import (
	"context"
	"net/http"
	"sync/atomic"
)

// retryAfterSeconds is what a client told the service is unavailable waits.
const retryAfterSeconds = "2"

// outcome is what executing a request taught about its HTTP status: the
// error presenter marks it unavailable when the database could not serve it,
// and the response then goes out as a 503 with Retry-After, so that a
// client can tell "retry later" from its own mistake or a bug.
type outcome struct{ unavailable atomic.Bool }

type outcomeKey struct{}

// markUnavailable is the presenter's note that ctx's request could not be
// served for want of the database.
func markUnavailable(ctx context.Context) {
	if o, ok := ctx.Value(outcomeKey{}).(*outcome); ok {
		o.unavailable.Store(true)
	}
}

// statusWriter sets a request's status from its outcome when the response
// is first written.
type statusWriter struct {
	http.ResponseWriter
	o     *outcome
	wrote bool
}

func withOutcome(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	o := &outcome{}
	return &statusWriter{ResponseWriter: w, o: o}, r.WithContext(context.WithValue(r.Context(), outcomeKey{}, o))
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if w.o.unavailable.Load() && code < http.StatusInternalServerError {
			w.Header().Set("Retry-After", retryAfterSeconds)
			code = http.StatusServiceUnavailable
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
