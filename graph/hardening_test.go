package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/uptrace/bun"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// One test per attack docs/security.md lists, each with real clients
// against the real gateway on real PostgreSQL.

// fanOutDocument is levels fragments each spreading the next width times.
func fanOutDocument(levels, width int) string {
	var b strings.Builder
	b.WriteString("query Bomb { ...F0 }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Query {%s }\n", i, strings.Repeat(fmt.Sprintf(" ...F%d", i+1), width))
	}
	fmt.Fprintf(&b, "fragment F%d on Query { _meta { chains { chain } } }\n", levels)
	return b.String()
}

// A 600-byte document with 10⁶ expansions is rejected, its analysis
// visiting each node of the document once: work counted, not timed.
func TestFragmentFanOutIsPricedInLinearWork(t *testing.T) {
	var visits atomic.Int64
	writer, url := storetest.NewWithURL(t)
	e := newEnvOn(t, writer, url, limits.Defaults(), graph.ObserveAnalyses(func(a limits.Analysis) { visits.Store(int64(a.Visits)) }))
	for _, levels := range []int{6, 9} {
		doc := fanOutDocument(levels, 10)
		e.counter.reset()
		resp := e.post(map[string]any{"query": doc})
		if resp.code() != limits.CodeComplexityLimit {
			t.Fatalf("%d levels: %d %s %+v", levels, resp.status, resp.code(), resp.Errors)
		}
		if v := visits.Load(); v == 0 || v > int64(len(doc)) {
			t.Errorf("%d levels (%d bytes): the analysis made %d visits", levels, len(doc), v)
		}
		if n := e.counter.n.Load(); n != 0 {
			t.Errorf("a rejected document ran %d statements", n)
		}
	}
}

// blockingHook holds the first statement of a request until its context
// ends, and says why it ended.
type blockingHook struct {
	started chan struct{}
	ended   chan error
	once    sync.Once
}

func (h *blockingHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if !strings.Contains(e.Query, "registrations") {
		return ctx
	}
	h.once.Do(func() {
		close(h.started)
		<-ctx.Done()
		h.ended <- ctx.Err()
	})
	return ctx
}

func (h *blockingHook) AfterQuery(context.Context, *bun.QueryEvent) {}

// A request's work stops when its client goes away: the statement running
// for it is canceled, not left to the statement timeout.
func TestWorkStopsWhenTheClientLeaves(t *testing.T) {
	writer, url := storetest.NewWithURL(t)
	hook := &blockingHook{started: make(chan struct{}), ended: make(chan error, 1)}
	reader, err := store.Open(context.Background(), url, store.WithQueryHook(hook))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	lim := limits.Defaults()
	lim.StatementTimeout, lim.RequestTimeout = time.Hour, time.Hour // only the client's leaving ends it
	e := newEnvOn(t, writer, url, lim, func(o *graph.Options) { o.Store = reader })
	ctx, cancel := context.WithCancel(context.Background())
	body, _ := json.Marshal(map[string]any{"query": `{ registrations(first: 10) { nodes { txid } } }`})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-hook.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the query never reached the database")
	}
	cancel() // the client hangs up
	select {
	case err := <-hook.ended:
		if err != context.Canceled {
			t.Fatalf("the statement's context ended with %v, want its client's cancellation", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the statement went on 30 s after its client left")
	}
}

// Invented API keys are refused, over HTTP and on websockets, and get no
// rate-limit bucket of their own; a configured key has its own limits.
func TestInventedAPIKeysAreRefused(t *testing.T) {
	lim := limits.Defaults()
	lim.RatePerSecond, lim.RateBurst = 1, 2
	writer, url := storetest.NewWithURL(t)
	e := newEnvOn(t, writer, url, lim, withKeys("market"), func(o *graph.Options) {
		o.Access.APIKeys[0].RatePerSecond, o.Access.APIKeys[0].Burst = 1000, 1000
	})
	for i := range 50 {
		e.apiKey = fmt.Sprintf("invented-key-number-%04d", i)
		if resp := e.post(map[string]any{"query": "{ __typename }"}); resp.status != http.StatusUnauthorized || resp.code() != apierr.Unauthenticated {
			t.Fatalf("invented key %d: %d %s", i, resp.status, resp.code())
		}
	}
	e.apiKey = testKey("market") // its own rate, above the anonymous one
	for i := range 20 {
		if resp := e.post(map[string]any{"query": "{ __typename }"}); resp.status != http.StatusOK {
			t.Fatalf("configured key, request %d: %d %s", i, resp.status, resp.code())
		}
	}
	// A websocket bringing an invented key in its init payload is closed
	// as forbidden.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"apiKey": "invented-key-for-a-socket"}})
	if code := readUntilClosed(ctx, conn); code != 4403 {
		t.Fatalf("websocket with an invented key closed with %d, want 4403", code)
	}
}

// readUntilClosed reads a websocket to its end and returns its close code.
func readUntilClosed(ctx context.Context, conn *websocket.Conn) websocket.StatusCode {
	for {
		var m map[string]any
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// Only trusted proxies say who the client is, and IPv6 clients count per
// /64.
func TestClientAddressesForLimits(t *testing.T) {
	lim := limits.Defaults()
	lim.RatePerSecond, lim.RateBurst = 0.001, 1
	writer, url := storetest.NewWithURL(t)
	e := newEnvOn(t, writer, url, lim, func(o *graph.Options) { o.Access.TrustedProxies = []string{"127.0.0.0/8"} })
	get := func(forwardedFor string) int {
		body, _ := json.Marshal(map[string]any{"query": "{ __typename }"})
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// Behind the trusted proxy, each forwarded client has its own bucket
	// of one request…
	for _, client := range []string{"203.0.113.7", "203.0.113.8", "2001:db8:1:2::1"} {
		if got := get(client); got != http.StatusOK {
			t.Fatalf("first request of %s: %d", client, got)
		}
	}
	// …and an IPv6 neighbour in the same /64 shares it; so does a spoofed
	// X-Forwarded-For entry the client put before the proxy's.
	for _, client := range []string{"2001:db8:1:2::ffff", "198.51.100.1, 203.0.113.7"} {
		if got := get(client); got != http.StatusTooManyRequests {
			t.Errorf("%s: %d, want 429", client, got)
		}
	}
}

func subscribeMany(t *testing.T, ctx context.Context, conn *websocket.Conn, protocol string, n int) (accepted, refused int) {
	t.Helper()
	start := "subscribe"
	if protocol == "graphql-ws" {
		start = "start"
	}
	for i := range n {
		payload := map[string]any{"query": fmt.Sprintf("subscription S%d { chainHeads { height } }", i)}
		if err := wsjson.Write(ctx, conn, map[string]any{"id": fmt.Sprint(i), "type": start, "payload": payload}); err != nil {
			t.Fatal(err)
		}
	}
	// Each refusal is an error for that subscription, then its end. Reads
	// run in their own goroutine: coder/websocket closes a connection whose
	// read is abandoned.
	msgs := make(chan string, 4*n)
	go func() {
		for {
			var m struct {
				Type    string          `json:"type"`
				Payload json.RawMessage `json:"payload"`
			}
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				close(msgs)
				return
			}
			if m.Type == "next" || m.Type == "data" || m.Type == "error" {
				msgs <- string(m.Payload)
			}
		}
	}()
	for refused < n {
		select {
		case m, ok := <-msgs:
			if !ok {
				t.Fatal("the connection closed")
			}
			if strings.Contains(m, apierr.TooManySubscriptions) {
				refused++
			}
			continue
		case <-time.After(3 * time.Second): // quiet after the refusals: the rest run
		}
		break
	}
	return n - refused, refused
}

// Past its limit, a websocket's further subscriptions are refused, each
// with TOO_MANY_SUBSCRIPTIONS, and the connection stays up: on
// graphql-transport-ws and on the legacy graphql-ws.
func TestSubscriptionsPerConnection(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	for _, protocol := range []string{"graphql-transport-ws", "graphql-ws"} {
		t.Run(protocol, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{protocol}})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.CloseNow()
			_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"})
			accepted, refused := subscribeMany(t, ctx, conn, protocol, 25)
			if accepted != 20 || refused != 5 {
				t.Fatalf("%d accepted and %d refused, want 20 and 5", accepted, refused)
			}
			waitSubscribed(t, e, 20)
		})
	}
}

// A client's subscriptions are capped over all its connections and
// Server-Sent Event streams.
func TestSubscriptionsPerClient(t *testing.T) {
	lim := limits.Defaults()
	lim.MaxSubscriptionsPerClient = 3
	e := newEnv(t, lim)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"})
	if accepted, _ := subscribeMany(t, ctx, conn, "graphql-transport-ws", 2); accepted != 2 {
		t.Fatalf("%d of 2 accepted", accepted)
	}
	waitSubscribed(t, e, 2)
	stream := func() string {
		body, _ := json.Marshal(map[string]any{"query": "subscription { chainHeads { height } }"})
		sctx, scancel := context.WithCancel(ctx)
		t.Cleanup(scancel)
		req, _ := http.NewRequestWithContext(sctx, http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		first := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "data:") {
					first <- sc.Text()
					return
				}
			}
			first <- ""
		}()
		select {
		case line := <-first:
			return line
		case <-time.After(3 * time.Second):
			return "" // running, and quiet
		}
	}
	if got := stream(); strings.Contains(got, apierr.TooManySubscriptions) {
		t.Fatalf("the third subscription, over SSE, was refused: %s", got)
	}
	waitSubscribed(t, e, 3)
	if got := stream(); !strings.Contains(got, apierr.TooManySubscriptions) {
		t.Fatalf("the fourth subscription, over SSE, got %q, want TOO_MANY_SUBSCRIPTIONS", got)
	}
}

// A websocket that never sends connection_init is closed with 4408; one
// client past its websocket limit with 4429.
func TestWebsocketCloseCodes(t *testing.T) {
	lim := limits.Defaults()
	lim.WebsocketInitTimeout = 200 * time.Millisecond
	lim.MaxConnectionsPerClient = 1
	e := newEnv(t, lim)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dial := func() *websocket.Conn {
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.CloseNow() })
		return conn
	}
	if code := readUntilClosed(ctx, dial()); code != 4408 {
		t.Errorf("silent websocket closed with %d, want 4408", code)
	}
	first := dial()
	_ = wsjson.Write(ctx, first, map[string]any{"type": "connection_init"})
	var ack map[string]any
	if err := wsjson.Read(ctx, first, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("first connection: %v %v", ack, err)
	}
	second := dial()
	_ = wsjson.Write(ctx, second, map[string]any{"type": "connection_init"})
	if code := readUntilClosed(ctx, second); code != 4429 {
		t.Errorf("second connection of a client allowed one closed with %d, want 4429", code)
	}
}

// Connections that send their body a byte at a time are cut off once the
// body timeout passes, and an address holds at most its share of
// connections: the rest are closed as they open.
func TestSlowBodiesAndConnectionFloods(t *testing.T) {
	lim := limits.Defaults()
	lim.BodyTimeout = 2 * time.Second // longer than opening the connections takes
	lim.MaxHTTPConnectionsPerAddress = 10
	e := newEnv(t, lim)
	host := strings.TrimPrefix(e.srv.URL, "http://")
	type ending struct {
		status string // the answer's status line, "" when closed without one
		open   bool   // still open 30 s on
	}
	endings := make(chan ending, 30)
	var conns []net.Conn
	for range 30 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
		// The headers, and a body that never comes.
		fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	}
	for _, c := range conns {
		go func() {
			_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			endings <- ending{status: strings.TrimSpace(line), open: err != nil && isTimeout(err)}
		}()
	}
	answered, refused := 0, 0
	for range conns {
		switch e := <-endings; {
		case e.open:
			t.Fatal("a connection sending no body is still open after 30 s")
		case strings.Contains(e.status, "408"):
			answered++
		case e.status == "":
			refused++
		default:
			t.Fatalf("unexpected answer %q", e.status)
		}
	}
	if answered != 10 || refused != 20 {
		t.Fatalf("%d answered 408 and %d refused, want 10 and 20 (10 connections per address)", answered, refused)
	}
}

// Persisted queries are kept within a byte budget, whatever their number
// and size.
func TestPersistedQueriesAreBoundedInBytes(t *testing.T) {
	const budget = 1 << 20
	writer, url := storetest.NewWithURL(t)
	lim := limits.Defaults()
	lim.RatePerSecond = 0
	e := newEnvOn(t, writer, url, lim, func(o *graph.Options) { o.Caches.QueryBytes = budget })
	for i := range 60 {
		q := fmt.Sprintf("query Q%d { _meta { chains { chain } } }", i) + strings.Repeat(" ", 100_000)
		sum := sha256.Sum256([]byte(q))
		resp := e.post(map[string]any{"query": q, "extensions": map[string]any{
			"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])},
		}})
		if len(resp.Errors) > 0 {
			t.Fatalf("persisted query %d: %+v", i, resp.Errors)
		}
	}
	if got := graph.QueryCacheBytes(e.gateway); got > budget {
		t.Fatalf("persisted queries hold %d bytes, over the budget of %d", got, budget)
	}
}

// A NUL byte in a string argument is the client's mistake, named, and no
// error in herald's log; so are malformed values inside lists.
func TestStringsPostgreSQLCannotHoldAreBadInput(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	for _, tc := range []struct {
		query string
		vars  map[string]any
		arg   string
	}{
		{`query($c: String) { registrations(where: {collection: $c}) { totalCount } }`, map[string]any{"c": "a\x00b"}, "where.collection"},
		{`{ registrations(where: {collection: "a\u0000b"}) { totalCount } }`, nil, "where.collection"},
		{`query($ids: [InscriptionID!]!) { nfts(ids: $ids) { id } }`, map[string]any{"ids": []string{nftID(1), "bad"}}, "ids[1]"},
		{`{ nfts(ids: ["` + nftID(1) + `", "` + nftID(2) + `", "x"]) { id } }`, nil, "ids[2]"},
		{`query($c: String) { player(address: "0x0000000000000000000000000000000000000000") { xp } registrations(where: {creator: $c}) { totalCount } }`, map[string]any{"c": "\x00"}, "where.creator"},
	} {
		before := e.errorLogs.Load()
		resp := e.post(map[string]any{"query": tc.query, "variables": tc.vars})
		if resp.code() != apierr.BadUserInput || resp.Errors[0].Extensions["argument"] != tc.arg {
			t.Errorf("%s %v: %d %+v, want BAD_USER_INPUT naming %s", tc.query, tc.vars, resp.status, resp.Errors, tc.arg)
		}
		if n := e.errorLogs.Load() - before; n != 0 {
			t.Errorf("%s: %d ERROR log lines for a client's mistake", tc.query, n)
		}
	}
}

// With PostgreSQL unreachable the gateway says "retry later": HTTP 503,
// SERVICE_UNAVAILABLE and Retry-After, not an internal error; and it serves
// again once the database is back.
func TestDatabaseOutageIsServiceUnavailable(t *testing.T) {
	writer, url := storetest.NewWithURL(t)
	sw := storetest.NewSwitch(t, url)
	e := newEnvOn(t, writer, sw.URL(url), limits.Defaults())
	const q = `{ registrations(first: 1) { totalCount } }`
	if resp := e.post(map[string]any{"query": q}); len(resp.Errors) > 0 {
		t.Fatalf("before the outage: %+v", resp.Errors)
	}
	sw.Down()
	for range 3 {
		resp := e.post(map[string]any{"query": q})
		if resp.status != http.StatusServiceUnavailable || resp.code() != apierr.ServiceUnavailable || resp.header.Get("Retry-After") == "" {
			t.Fatalf("during the outage: %d %q Retry-After %q %+v", resp.status, resp.code(), resp.header.Get("Retry-After"), resp.Errors)
		}
	}
	sw.Up(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp := e.post(map[string]any{"query": q})
		if len(resp.Errors) == 0 {
			break
		}
		if resp.code() != apierr.ServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("after the outage: %d %+v", resp.status, resp.Errors)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A document of several operations without operationName is told it needs
// one; an undecodable body gets a code (TestMalformedBodyIsAClientError).
func TestSeveralOperationsNeedAName(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	resp := e.post(map[string]any{"query": "query A { __typename } query B { __typename }"})
	if resp.code() != "GRAPHQL_VALIDATION_FAILED" || len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "operationName") {
		t.Fatalf("%d %+v", resp.status, resp.Errors)
	}
	resp = e.post(map[string]any{"query": "query A { __typename } query B { __typename }", "operationName": "B"})
	if len(resp.Errors) > 0 {
		t.Fatalf("with operationName: %+v", resp.Errors)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// Every refusal says why with a code, and none quotes the request back.
func TestEveryClientErrorHasACode(t *testing.T) {
	lim := limits.Defaults()
	lim.MaxBodyBytes = 1000
	e := newEnv(t, lim)
	const marker = "quoted-back-marker"
	for _, tc := range []struct {
		name, method, contentType, path, body string
		status                                int
	}{
		{"not JSON", http.MethodPost, "application/json", "/graphql", `{"query": "` + marker, 400},
		{"wrong type", http.MethodPost, "application/json", "/graphql", `{"query": ["` + marker + `"]}`, 400},
		{"text body", http.MethodPost, "text/plain", "/graphql", marker, 415},
		{"another method", http.MethodPut, "application/json", "/graphql", `{}`, 405},
		{"GET variables", http.MethodGet, "", "/graphql?query={__typename}&variables=" + marker, "", 400},
		{"GET subscription", http.MethodGet, "", "/graphql?query=subscription{chainHeads{height}}", "", 405},
		{"oversized", http.MethodPost, "application/json", "/graphql", `{"query": "` + strings.Repeat(marker, 100) + `"}`, 413},
		{"parse error", http.MethodPost, "application/json", "/graphql", `{"query": "{ ` + marker + `"}`, 422},
	} {
		req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, strings.NewReader(tc.body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var body struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		_ = json.Unmarshal(out, &body)
		switch {
		case resp.StatusCode != tc.status:
			t.Errorf("%s: status %d, want %d: %s", tc.name, resp.StatusCode, tc.status, out)
		case len(body.Errors) == 0 || body.Errors[0].Extensions["code"] == nil:
			t.Errorf("%s: no error code: %s", tc.name, out)
		case tc.name != "parse error" && bytes.Contains(out, []byte(marker)):
			t.Errorf("%s: the request is quoted back: %s", tc.name, out)
		}
	}
}
