package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	gqltransport "github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/apierr"
)

// postTransport is herald's POST transport. It differs from gqlgen's in
// what it tells a client whose request is at fault, and in how it writes
// a response that is only data.
//
// A body that does not decode is a 400 with the code BAD_REQUEST, saying
// what is wrong without echoing the body (gqlgen's quotes it, whole, into
// its answer). A document with several operations and no operationName is
// told that it needs one.
//
// A response that is only data is written as it was rendered: gqlgen
// marshals every response with encoding/json, which re-validates and
// compacts the rendered data byte by byte — a seventh of the CPU a
// 100-nullifier lookup costs. Responses with errors or extensions, and data
// with characters encoding/json would escape, are marshalled as gqlgen
// does, so the bytes sent are the same either way
// (TestPostTransportWritesWhatGqlgenWrites).
type postTransport struct{ gqltransport.POST }

func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, apierr.BadRequest, "could not read the request body")
		return
	}
	params := &graphql.RawParams{}
	if err := decodeParams(body, params); err != nil {
		writeError(w, http.StatusBadRequest, apierr.BadRequest, err.Error())
		return
	}
	serve(w, r, exec, params, nil)
}

// getTransport answers queries sent as GET, with their parameters in the
// URL, as the POST transport answers them; its errors carry codes too.
type getTransport struct{ gqltransport.GET }

func (t getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	q := r.URL.Query()
	params := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	for name, into := range map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if v := q.Get(name); v != "" {
			dec := json.NewDecoder(strings.NewReader(v))
			dec.UseNumber()
			if err := dec.Decode(into); err != nil {
				writeError(w, http.StatusBadRequest, apierr.BadRequest, "the "+name+" parameter is not a JSON object")
				return
			}
		}
	}
	serve(w, r, exec, params, func(op *ast.OperationDefinition) bool {
		if op.Operation == ast.Query {
			return true
		}
		// A GET must not change anything, nor hold a stream open.
		writeError(w, http.StatusMethodNotAllowed, apierr.BadRequest, "GET runs queries only: send a "+string(op.Operation)+" with POST or over a websocket")
		return false
	})
}

// serve runs a decoded request; allow, when set, may refuse its operation
// once it is known (having answered).
func serve(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, allow func(*ast.OperationDefinition) bool) {
	start := graphql.Now()
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	ctx := r.Context()
	contentType := responseContentType(r)
	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		opErr = explainOperationName(rc, params, opErr)
		status := statusFor(opErr)
		if contentType == "application/graphql-response+json" && status == http.StatusUnprocessableEntity {
			status = http.StatusBadRequest // GraphQL over HTTP's status for a document it cannot run
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	if allow != nil && !allow(rc.Operation) {
		return
	}
	w.Header().Set("Content-Type", contentType)
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
}

// decodeParams reads a request body as a GraphQL request, numbers as
// gqlgen decodes them; its error says what is wrong and quotes nothing of
// the body.
func decodeParams(body []byte, params *graphql.RawParams) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(params)
	if err == nil {
		return nil
	}
	why := "it is not JSON"
	var syntax *json.SyntaxError
	var wrongType *json.UnmarshalTypeError
	switch {
	case err == io.EOF:
		why = "it is empty"
	case err == io.ErrUnexpectedEOF:
		why = "it ends before the JSON does"
	case errors.As(err, &syntax):
		why = fmt.Sprintf("it is not JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &wrongType):
		why = fmt.Sprintf("%s must be a JSON %s", wrongType.Field, jsonType(wrongType.Type.Kind().String()))
	}
	return fmt.Errorf(`the request body is not a GraphQL request ({"query": "…", "variables": {…}, "operationName": "…"}): %s`, why)
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "map", "struct":
		return "object"
	}
	return kind
}

// explainOperationName says plainly that a document of several operations
// needs an operationName (gqlgen says "operation  not found").
func explainOperationName(rc *graphql.OperationContext, params *graphql.RawParams, errs gqlerror.List) gqlerror.List {
	if params.OperationName != "" || rc == nil || rc.Doc == nil || len(rc.Doc.Operations) < 2 {
		return errs
	}
	var names []string
	for _, op := range rc.Doc.Operations {
		names = append(names, op.Name)
	}
	err := gqlerror.Errorf("the document has %d operations (%s): say which to run with operationName", len(names), strings.Join(names, ", "))
	errcode.Set(err, errcode.ValidationFailed)
	return gqlerror.List{err}
}

// statusFor is gqlgen's: 422 for a document that cannot run, else 200.
func statusFor(errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) == errcode.KindProtocol {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

func writeResponse(w http.ResponseWriter, resp *graphql.Response) {
	if resp != nil && resp.Errors == nil && resp.Label == "" && resp.Path == nil && resp.HasNext == nil &&
		len(resp.Extensions) == 0 && len(resp.Data) > 0 && !needsJSONEscape(resp.Data) {
		// One write with its length: no chunked encoding, one syscall.
		out := make([]byte, 0, len(resp.Data)+len(`{"data":}`))
		out = append(append(append(out, `{"data":`...), resp.Data...), '}')
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		_, _ = w.Write(out)
		return
	}
	b, err := json.Marshal(resp)
	if err != nil {
		panic(fmt.Errorf("unable to marshal %s: %w", string(resp.Data), err)) // as gqlgen does
	}
	_, _ = w.Write(b)
}

// needsJSONEscape reports whether encoding/json would rewrite data: it
// escapes <, > and & (HTML safety) and U+2028/U+2029 in what it marshals.
func needsJSONEscape(data []byte) bool {
	return bytes.IndexByte(data, '<') >= 0 || bytes.IndexByte(data, '>') >= 0 ||
		bytes.IndexByte(data, '&') >= 0 || bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029"))
}

// responseContentType is gqlgen's choice for a POST without configured
// response headers (gqlgen does not export it): the first acceptable of JSON
// and GraphQL-over-HTTP's application/graphql-response+json.
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case "application/graphql-response+json":
			return "application/graphql-response+json"
		}
	}
	return "application/graphql-response+json"
}

// sseTransport is gqlgen's Server-Sent Events transport, but a body that
// does not decode is answered like a POST's: BAD_REQUEST, not quoted back
// (gqlgen's SSE quotes it, and logs it through the standard logger).
type sseTransport struct{ gqltransport.SSE }

func (t sseTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, apierr.BadRequest, "could not read the request body")
		return
	}
	if err := decodeParams(body, &graphql.RawParams{}); err != nil {
		writeError(w, http.StatusBadRequest, apierr.BadRequest, err.Error())
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	t.SSE.Do(w, r, exec)
}
