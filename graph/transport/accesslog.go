package transport

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph/request"
)

// AccessLog configures the gateway's access log: one line per operation,
// with who asked, what it cost and how it ended. Variables are never
// logged (they may hold secrets), nor are API keys: a keyed client is
// logged by its key's name.
type AccessLog struct {
	// Sample is the share of successful operations logged, from 0 to 1.
	// An operation that ends in an error, or takes Slow or longer, is
	// always logged.
	Sample float64 `yaml:"sample"`
	// Slow is the duration from which an operation is logged whatever the
	// sample; 0 leaves it to the sample.
	Slow time.Duration `yaml:"slow"`
}

// DefaultAccessLog logs every operation.
func DefaultAccessLog() AccessLog { return AccessLog{Sample: 1, Slow: time.Second} }

// Kinds of access log lines.
const (
	accessOperation         = "operation"          // a query or mutation, answered
	accessSubscriptionStart = "subscription_start" // a subscription admitted
	accessSubscriptionEnd   = "subscription_end"   // and ended, with its event count
	accessConnection        = "connection"         // a websocket closed
	accessRequest           = "request"            // refused before it was an operation
)

// accessEntry is what the access log learns about one HTTP request as it
// passes the gateway's layers.
type accessEntry struct {
	start     time.Time
	requestID string
	ip        string
	transport string
	client    string // set once the client is known
	streaming bool   // websocket or SSE: operations are logged as they end

	// A plain request's single operation, filled by the extension.
	op       *operationRecord
	status   int
	code     string // the refusal's code, before any operation
	bytes    int64
	sequence atomic.Int64 // operations on a streaming connection
}

type accessEntryKey struct{}

func accessEntryOf(ctx context.Context) *accessEntry {
	e, _ := ctx.Value(accessEntryKey{}).(*accessEntry)
	return e
}

// operationRecord is one operation as the access log writes it.
type operationRecord struct {
	name, kind, document string
	cost                 int
	codes                []string
	events, bytes        int64
	sequence             int64
	sampled              bool
}

// noteErrors adds resp's error codes to the record, once each.
func (o *operationRecord) noteErrors(resp *graphql.Response) {
	if resp == nil {
		return
	}
	for _, err := range resp.Errors {
		code, _ := err.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		if !slices.Contains(o.codes, code) {
			o.codes = append(o.codes, code)
		}
	}
}

// accessLog writes the gateway's access log; nil writes none.
type accessLog struct {
	log  *slog.Logger
	conf AccessLog
}

func (a *accessLog) sampled() bool {
	return a.conf.Sample >= 1 || a.conf.Sample > 0 && rand.Float64() < a.conf.Sample
}

// keep reports whether a finished line is logged: sampled, failed or slow.
func (a *accessLog) keep(sampled, failed bool, took time.Duration) bool {
	return sampled || failed || a.conf.Slow > 0 && took >= a.conf.Slow
}

// withAccessLog opens the request's entry and, for a plain request, writes
// its line once it is answered. Streams and websockets write a line per
// operation instead, from the extension, and one for the connection.
func (h *HTTP) withAccessLog(next http.Handler) http.Handler {
	a := h.access
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := &accessEntry{
			start:     time.Now(),
			requestID: request.ID(r.Context()),
			ip:        h.clients.clientAddr(r).String(),
			transport: r.Method,
			client:    "anonymous",
		}
		switch {
		case isUpgrade(r):
			e.transport, e.streaming = "websocket", true
		case isStream(r):
			e.transport, e.streaming = "sse", true
		}
		aw := &accessWriter{ResponseWriter: w, entry: e}
		sampled := a.sampled()
		next.ServeHTTP(aw, r.WithContext(context.WithValue(r.Context(), accessEntryKey{}, e)))
		took := time.Since(e.start)
		switch {
		case e.streaming && e.code == "" && e.status < 400:
			// Its operations were logged as they ended, and a websocket
			// is logged when it closes.
		case e.op != nil:
			failed := len(e.op.codes) > 0 || e.status >= 400
			if a.keep(sampled, failed, took) {
				a.log.Info("access", e.opAttrs(accessOperation, e.op, took,
					slog.Int("status", e.status), slog.Int64("bytes", e.bytes))...)
			}
		default:
			failed := e.code != "" || e.status >= 400
			if a.keep(sampled, failed, took) {
				attrs := e.attrs(accessRequest, took, slog.Int("status", e.status), slog.Int64("bytes", e.bytes))
				if e.code != "" {
					attrs = append(attrs, slog.String("errors", e.code))
				}
				a.log.Info("access", attrs...)
			}
		}
	})
}

func (e *accessEntry) attrs(kind string, took time.Duration, more ...any) []any {
	return append([]any{
		slog.String("kind", kind),
		slog.String("request_id", e.requestID),
		slog.String("client", e.client),
		slog.String("ip", e.ip),
		slog.String("transport", e.transport),
		slog.Float64("duration_ms", float64(took.Microseconds())/1000),
	}, more...)
}

func (e *accessEntry) opAttrs(kind string, o *operationRecord, took time.Duration, more ...any) []any {
	attrs := e.attrs(kind, took,
		slog.String("operation", o.name),
		slog.String("type", o.kind),
		slog.String("document", o.document),
		slog.Int("cost", o.cost),
	)
	if o.sequence > 0 {
		attrs = append(attrs, slog.Int64("sequence", o.sequence))
	}
	if len(o.codes) > 0 {
		attrs = append(attrs, slog.String("errors", strings.Join(o.codes, ",")))
	}
	return append(attrs, more...)
}

// accessWriter counts a response's status and bytes. It passes on the
// hijacking a websocket needs and the flushing a stream needs.
type accessWriter struct {
	http.ResponseWriter
	entry *accessEntry
}

func (w *accessWriter) WriteHeader(code int) {
	if w.entry.status == 0 {
		w.entry.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *accessWriter) Write(b []byte) (int, error) {
	if w.entry.status == 0 {
		w.entry.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.entry.bytes += int64(n)
	return n, err
}

func (w *accessWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *accessWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	if w.entry.status == 0 {
		w.entry.status = http.StatusSwitchingProtocols
	}
	return hj.Hijack()
}

// Unwrap lets http.ResponseController reach the connection's deadlines.
func (w *accessWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// noteRefusal tells the access log which code a refusal answered with.
func noteRefusal(w http.ResponseWriter, code string) {
	for {
		switch u := w.(type) {
		case *accessWriter:
			u.entry.code = code
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = u.Unwrap()
		default:
			return
		}
	}
}

// logClosed writes a websocket's line as it closes, which may be after
// its request's handler returned.
func (a *accessLog) logClosed(ctx context.Context, closeCode int) {
	e := accessEntryOf(ctx)
	if a == nil || e == nil {
		return
	}
	took := time.Since(e.start)
	if a.keep(a.sampled(), closeCode >= 4000, took) {
		a.log.Info("access", e.attrs(accessConnection, took,
			slog.Int64("operations", e.sequence.Load()), slog.Int("close_code", closeCode))...)
	}
}

// noteClient tells the access log who a request's client is.
func noteClient(ctx context.Context, c client) {
	if e := accessEntryOf(ctx); e != nil {
		e.client = c.name()
	}
}

// AccessLogExtension fills a plain request's line with its operation, and
// writes the lines of operations on streams and websockets. It must be the
// first extension used, so that what it sees is what the client got.
func (h *HTTP) AccessLogExtension() graphql.HandlerExtension { return accessExtension{h.access} }

type accessExtension struct{ a *accessLog }

var (
	_ graphql.HandlerExtension     = accessExtension{}
	_ graphql.OperationInterceptor = accessExtension{}
	_ graphql.ResponseInterceptor  = accessExtension{}
)

func (accessExtension) ExtensionName() string                   { return "AccessLog" }
func (accessExtension) Validate(graphql.ExecutableSchema) error { return nil }

type inOperationKey struct{}

func (x accessExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	e := accessEntryOf(ctx)
	if x.a == nil || e == nil {
		return next(ctx)
	}
	o := newOperationRecord(ctx)
	o.sampled = !e.streaming || x.a.sampled() // a plain request was sampled already
	if e.streaming {
		o.sequence = e.sequence.Add(1)
	}
	start := time.Now()
	responses := next(ctx)
	if o.kind == string(ast.Subscription) && e.streaming && o.sampled {
		x.a.log.Info("access", e.opAttrs(accessSubscriptionStart, o, 0)...)
	}
	var ended bool
	return func(ctx context.Context) *graphql.Response {
		resp := responses(context.WithValue(ctx, inOperationKey{}, true))
		if ended {
			return resp
		}
		if resp != nil {
			o.noteErrors(resp)
			o.events++
			o.bytes += int64(len(resp.Data))
		}
		switch {
		case !e.streaming:
			e.op = o
		case o.kind != string(ast.Subscription):
			ended = true
			x.logStreamed(e, o, accessOperation, time.Since(start))
		case resp == nil:
			ended = true
			x.logStreamed(e, o, accessSubscriptionEnd, time.Since(start), slog.Int64("events", o.events))
		}
		return resp
	}
}

// InterceptResponse sees the responses of requests refused before they
// became operations: a document that does not parse or validate, or one
// over its cost.
func (x accessExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	e := accessEntryOf(ctx)
	if x.a == nil || e == nil || ctx.Value(inOperationKey{}) != nil {
		return resp
	}
	o := newOperationRecord(ctx)
	o.noteErrors(resp)
	if e.streaming {
		o.sequence = e.sequence.Add(1)
		x.logStreamed(e, o, accessOperation, 0)
	} else {
		e.op = o
	}
	return resp
}

func (x accessExtension) logStreamed(e *accessEntry, o *operationRecord, kind string, took time.Duration, more ...any) {
	if !x.a.keep(o.sampled, len(o.codes) > 0, took) {
		return
	}
	x.a.log.Info("access", e.opAttrs(kind, o, took, append(more, slog.Int64("bytes", o.bytes))...)...)
}

// newOperationRecord reads what the operation context knows: nothing of
// a body that did not decode, a name and no type for a document that did
// not parse.
func newOperationRecord(ctx context.Context) *operationRecord {
	o := &operationRecord{}
	if !graphql.HasOperationContext(ctx) {
		return o
	}
	op := graphql.GetOperationContext(ctx)
	o.name = operationName(ctx)
	if op.Operation != nil {
		o.kind = string(op.Operation.Operation)
	}
	if op.RawQuery != "" {
		sum := sha256.Sum256([]byte(op.RawQuery))
		o.document = hex.EncodeToString(sum[:8])
	}
	if stats := extension.GetComplexityStats(ctx); stats != nil {
		o.cost = stats.Complexity
	}
	return o
}

// name is how the access log shows a client: its key's name, never the
// key, or anonymous.
func (c client) name() string {
	if c.key != nil {
		return c.key.Name
	}
	return "anonymous"
}
