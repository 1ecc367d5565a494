package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/transport"
	"github.com/herald-indexer/herald/store/storetest"
)

// accessLines collects a gateway's access log as JSON lines.
type accessLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (a *accessLines) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buf.Write(p)
}

func (a *accessLines) raw() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buf.String()
}

// lines are the access lines written so far.
func (a *accessLines) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(a.raw()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["msg"] == "access" {
			out = append(out, m)
		}
	}
	return out
}

// waitFor waits for an access line with the given fields.
func (a *accessLines) waitFor(t *testing.T, fields map[string]any) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, l := range a.lines(t) {
			if matches(l, fields) {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no access line with %v in:\n%s", fields, a.raw())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func matches(line, fields map[string]any) bool {
	for k, v := range fields {
		if line[k] != v {
			return false
		}
	}
	return true
}

func withAccessLog(out io.Writer, conf transport.AccessLog) func(*graph.Options) {
	return func(o *graph.Options) {
		o.Logger = slog.New(slog.NewJSONHandler(out, nil))
		o.AccessLog = &conf
	}
}

// postWithHeaders sends body with headers and returns the response with its body.
func postWithHeaders(t *testing.T, e *env, body string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// Every operation is logged once, with who asked, what it cost and how it
// ended, and never with its variables or the client's API key.
func TestAccessLog(t *testing.T) {
	log := &accessLines{}
	writer, url := storetest.NewWithURL(t)
	e := newEnvOn(t, writer, url, limits.Defaults(), withKeys("market"), withAccessLog(log, transport.AccessLog{Sample: 1}))
	key := testKey("market")
	const secret = "a-variable-that-is-a-secret"

	// A query with a key: its client's name, its cost, status and bytes.
	resp, body := postWithHeaders(t, e, `{"query":"query Lookup($id: InscriptionID!) { nft(id: $id) { id } _meta { chains { chain } } }","variables":{"id":"`+nftID(1)+`","note":"`+secret+`"}}`,
		map[string]string{transport.APIKeyHeader: key})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("lookup: %d %s", resp.StatusCode, body)
	}
	l := log.waitFor(t, map[string]any{"kind": "operation", "operation": "Lookup"})
	want := map[string]any{
		"request_id": resp.Header.Get("X-Request-ID"), "client": "market", "ip": "127.0.0.1", "transport": "POST",
		"type": "query", "status": float64(200), "bytes": float64(len(body)),
	}
	if !matches(l, want) {
		t.Errorf("lookup line %v, want %v", l, want)
	}
	if cost, _ := l["cost"].(float64); cost < 1 {
		t.Errorf("lookup line's cost %v", l["cost"])
	}
	if doc, _ := l["document"].(string); len(doc) != 16 {
		t.Errorf("lookup line's document %q, want a 16-digit hash", doc)
	}
	if _, ok := l["errors"]; ok {
		t.Errorf("a query without errors logged errors: %v", l)
	}

	// Client errors, with their codes, whichever layer refused them.
	refusals := []struct {
		name, body string
		header     map[string]string
		fields     map[string]any
	}{
		{"bad argument", `{"query":"query Bad { nft(id: \"not-an-id\") { id } }"}`, nil,
			map[string]any{"kind": "operation", "operation": "Bad", "errors": apierr.BadUserInput}},
		{"over its cost", `{"query":"query Costly { registrations(first: 1000) { edges { node { nft { registrations(first: 1000) { edges { node { txid } } } } } } } }"}`, nil,
			map[string]any{"kind": "operation", "operation": "Costly", "errors": limits.CodeComplexityLimit, "status": float64(200)}},
		{"invented key", `{"query":"{ __typename }"}`, map[string]string{transport.APIKeyHeader: "invented-" + secret},
			map[string]any{"kind": "request", "status": float64(401), "errors": apierr.Unauthenticated, "client": "anonymous"}},
		{"not JSON", `{"query":`, nil,
			map[string]any{"kind": "request", "status": float64(400), "errors": apierr.BadRequest}},
	}
	for _, r := range refusals {
		resp, _ := postWithHeaders(t, e, r.body, r.header)
		r.fields["request_id"] = resp.Header.Get("X-Request-ID")
		_ = log.waitFor(t, r.fields)
	}

	// A subscription over a websocket that brought its key in its init
	// payload: logged when it starts and when it ends, with its events.
	applyBlocks(t, e.writer, bitcoinBlocks(1))
	caughtUp(t, e)
	c := dialWS(t, e, map[string]any{"apiKey": key})
	c.subscribe("heads", `subscription Heads { chainHeads { eventId } }`, nil)
	waitSubscribed(t, e, 1)
	log.waitFor(t, map[string]any{"kind": "subscription_start", "operation": "Heads", "client": "market", "transport": "websocket", "type": "subscription"})
	blocks := bitcoinBlocks(3)
	applyBlocks(t, e.writer, blocks[1:2])
	applyBlocks(t, e.writer, blocks[2:3])
	for range 2 {
		if m := c.nextFor("heads"); m.Type != "next" {
			t.Fatalf("heads: %s %s", m.Type, m.Payload)
		}
	}
	c.send(wsMessage{ID: "heads", Type: "complete"})
	end := log.waitFor(t, map[string]any{"kind": "subscription_end", "operation": "Heads"})
	if end["events"] != float64(2) || end["client"] != "market" || end["sequence"] != float64(1) {
		t.Errorf("subscription end %v, want 2 events, client market, sequence 1", end)
	}
	// A query on the same connection is its second operation.
	payload, _ := json.Marshal(map[string]any{"query": "query OnSocket { _meta { chains { chain } } }"})
	c.send(wsMessage{ID: "q", Type: "subscribe", Payload: payload})
	if m := c.nextFor("q"); m.Type != "next" {
		t.Fatalf("query on the socket: %s %s", m.Type, m.Payload)
	}
	log.waitFor(t, map[string]any{"kind": "operation", "operation": "OnSocket", "transport": "websocket", "sequence": float64(2)})
	_ = c.conn.Close(websocket.StatusNormalClosure, "")
	log.waitFor(t, map[string]any{"kind": "connection", "transport": "websocket", "operations": float64(2), "client": "market"})

	// Server-Sent Events: a line per operation, none for the request.
	resp, _ = postWithHeaders(t, e, `{"query":"query OverSSE { _meta { chains { chain } } }"}`, map[string]string{"Accept": "text/event-stream"})
	log.waitFor(t, map[string]any{"kind": "operation", "operation": "OverSSE", "transport": "sse", "request_id": resp.Header.Get("X-Request-ID")})
	n := 0
	for _, l := range log.lines(t) {
		if l["request_id"] == resp.Header.Get("X-Request-ID") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("an SSE request with one operation has %d lines", n)
	}

	if raw := log.raw(); strings.Contains(raw, secret) || strings.Contains(raw, key) {
		t.Errorf("the access log holds a variable's value or an API key:\n%s", raw)
	}
}

// Sampled out, a successful operation is not logged; a failed one is.
func TestAccessLogSamplesSuccessesOnly(t *testing.T) {
	log := &accessLines{}
	writer, url := storetest.NewWithURL(t)
	e := newEnvOn(t, writer, url, limits.Defaults(), withAccessLog(log, transport.AccessLog{Sample: 0}))
	for range 20 {
		e.query("query Fine { _meta { chains { chain } } }", nil, nil)
	}
	resp, _ := postWithHeaders(t, e, `{"query":"query Broken { nft(id: \"x\") { id } }"}`, nil)
	log.waitFor(t, map[string]any{"operation": "Broken", "request_id": resp.Header.Get("X-Request-ID")})
	for _, l := range log.lines(t) {
		if l["operation"] == "Fine" {
			t.Fatalf("a sampled-out success was logged: %v", l)
		}
	}
}
