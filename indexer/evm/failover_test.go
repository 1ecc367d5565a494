package evm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store/storetest"
)

// apiKey stands for a credential in a provider URL; it must never show in
// provider states or errors.
const apiKey = "k3yK3yk3yK3yk3yK3yk3yK3y"

// TestFailover indexes the scenario through two providers whose first is
// broken: everything still arrives, through the second, with no gap, and
// the first one's breaker is open.
func TestFailover(t *testing.T) {
	c := newServedChain(t)
	want := scenarioState(c.testChain, runScenario(t, c.testChain))
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"closed port", func(t *testing.T) string { return closedPort(t) }},
		{"JSON-RPC errors", func(t *testing.T) string {
			srv := newRPCProxy(t, "", func(*http.Request, rpcMessage) *rpcError {
				return &rpcError{Code: -32000, Message: "internal error: backend unavailable"}
			})
			return srv.URL
		}},
		{"garbage", func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, "<html>502 Bad Gateway</html>")
			}))
			t.Cleanup(srv.Close)
			return srv.URL
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := tc.url(t) + "/v3/" + apiKey
			cfg := c.config(bad, c.httpURL)
			ch := newTestEVMChain(t, cfg, WithPoolOptions(
				provider.WithBreaker(2, time.Hour),
				provider.WithBackoff(time.Millisecond, 10*time.Millisecond),
			))
			st := storetest.New(t)
			catchUp(t, newFollower(t, cfg, ch, st))

			assertCursorAtHead(t, c.testChain, st)
			assertState(t, readState(t, st), want)
			states := ch.States()
			if len(states) != 2 {
				t.Fatalf("%d provider states, want 2", len(states))
			}
			if s := states[0]; s.Breaker != "open" || s.Failures == 0 || s.LastError == "" {
				t.Errorf("broken provider: %+v, want an open breaker after failures", s)
			}
			if s := states[1]; s.Breaker != "closed" || s.Failures != 0 || s.Requests == 0 {
				t.Errorf("healthy provider: %+v, want a closed breaker that served requests", s)
			}
			for _, s := range states {
				if strings.Contains(s.Name, apiKey) || strings.Contains(s.LastError, apiKey) {
					t.Errorf("provider state shows the API key: %+v", s)
				}
			}
		})
	}
}

// TestAdaptiveLogRange puts the node behind a proxy that refuses
// eth_getLogs over more than 3 blocks, or answers them too slowly: the
// source shrinks its ranges and still gets every log.
func TestAdaptiveLogRange(t *testing.T) {
	const limit = 3
	c := newServedChain(t)
	want := scenarioState(c.testChain, runScenario(t, c.testChain))
	for _, tc := range []struct {
		name string
		// tooLarge answers an eth_getLogs request over more than limit
		// blocks.
		tooLarge func(r *http.Request) *rpcError
		opts     []Option
	}{
		{
			name: "refused",
			tooLarge: func(*http.Request) *rpcError {
				return &rpcError{Code: -32005, Message: "query returned more than 10000 results. Try with this block range [0x1, 0x3]."}
			},
		},
		{
			name: "slow",
			tooLarge: func(r *http.Request) *rpcError {
				select {
				case <-r.Context().Done():
				case <-time.After(time.Minute):
				}
				return &rpcError{Code: -32000, Message: "too late"}
			},
			// One attempt per call: each timeout shrinks the range at once.
			// The timeout is what makes a too-large range slow, but it
			// bounds every request: at 300 ms a loaded machine timed out
			// ordinary ones too, and the follower ran out of steps. At a
			// second they are rare, and catchUp retries them.
			opts: []Option{WithPoolOptions(provider.WithTimeout(time.Second), provider.WithAttempts(1))},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var refused, widest atomic.Int64
			proxy := newRPCProxy(t, c.httpURL, func(r *http.Request, m rpcMessage) *rpcError {
				if m.Method != "eth_getLogs" {
					return nil
				}
				var q []filterArg
				if err := json.Unmarshal(m.Params, &q); err != nil || len(q) != 1 {
					return &rpcError{Code: -32602, Message: "bad filter"}
				}
				n := int64(q[0].ToBlock) - int64(q[0].FromBlock) + 1
				if n > limit {
					refused.Add(1)
					return tc.tooLarge(r)
				}
				for w := widest.Load(); n > w && !widest.CompareAndSwap(w, n); w = widest.Load() {
				}
				return nil
			})
			cfg := c.config(proxy.URL)
			cfg.MaxLogRange, cfg.BatchSize = 64, 64
			ch := newTestEVMChain(t, cfg, tc.opts...)
			st := storetest.New(t)
			catchUp(t, newFollower(t, cfg, ch, st))

			assertCursorAtHead(t, c.testChain, st)
			assertState(t, readState(t, st), want)
			if refused.Load() == 0 || widest.Load() > limit || widest.Load() == 0 {
				t.Errorf("refused %d ranges, widest served %d; want refusals and no served range over %d",
					refused.Load(), widest.Load(), limit)
			}
			if tc.name == "refused" {
				if s := ch.States()[0]; s.Failures != 0 || s.Breaker != "closed" {
					t.Errorf("provider state %+v: a refused range must not count against the provider", s)
				}
			}
		})
	}
}

func TestIsRangeError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&testRPCError{-32005, "query returned more than 10000 results"}, true},
		{&testRPCError{-32602, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"}, true},
		{&testRPCError{-32000, "exceed maximum block range: 5000"}, true},
		{&testRPCError{-32000, "block range is too wide"}, true},
		{&testRPCError{-32002, "request timed out"}, true},
		{&testRPCError{-32005, "daily request count exceeded, request rate limited"}, false},
		{&testRPCError{-32000, "header not found"}, false},
		{fmt.Errorf("dial tcp: connection refused"), false},
	} {
		if got := isRangeError(tc.err); got != tc.want {
			t.Errorf("isRangeError(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

type testRPCError struct {
	code int
	msg  string
}

func (e *testRPCError) Error() string  { return e.msg }
func (e *testRPCError) ErrorCode() int { return e.code }

func TestSpan(t *testing.T) {
	s := newSpan(64)
	steps := []struct {
		op   string
		n    int64
		want int64
	}{
		{"shrink", 64, 32},
		{"shrink", 32, 16},
		{"ok", 16, 16}, {"ok", 16, 16}, {"ok", 16, 16},
		{"ok", 8, 16}, // a short tail range says nothing about the limit
		{"ok", 16, 32},
		{"shrink", 3, 1},
		{"shrink", 1, 1},
		{"ok", 1, 1}, {"ok", 1, 1}, {"ok", 1, 1}, {"ok", 1, 2},
	}
	for i, st := range steps {
		if st.op == "shrink" {
			s.shrink(st.n)
		} else {
			s.succeeded(st.n)
		}
		if got := s.size(); got != st.want {
			t.Fatalf("step %d (%s %d): size %d, want %d", i, st.op, st.n, got, st.want)
		}
	}
	for range 100 {
		s.succeeded(s.size())
	}
	if got := s.size(); got != 64 {
		t.Errorf("after many successes: size %d, want the maximum 64", got)
	}
}

func TestSortLogs(t *testing.T) {
	lg := func(block uint64, index uint, data string) types.Log {
		return types.Log{BlockNumber: block, Index: index, Data: []byte(data)}
	}
	got, err := sortLogs([]types.Log{lg(2, 0, "c"), lg(1, 1, "b"), lg(1, 0, "a"), lg(1, 1, "b")})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, l := range got {
		order = append(order, hexutil.Encode(l.Data))
	}
	if want := []string{"0x61", "0x62", "0x63"}; !slices.Equal(order, want) {
		t.Errorf("sorted logs %v, want %v (duplicate dropped)", order, want)
	}
	if _, err := sortLogs([]types.Log{lg(1, 0, "a"), lg(1, 0, "x")}); err == nil {
		t.Error("two different logs at one index: no error")
	}
}

// newLaggingProxy serves upstream's chain as a node that is lag() blocks
// behind it sees it: eth_blockNumber answers the upstream head minus lag,
// blocks above that height are null (by number or as the latest, safe or
// finalized block), and logs above it are refused as geth refuses a range
// beyond its head. Everything else is forwarded.
func newLaggingProxy(tb testing.TB, upstream string, lag func() int64) *httptest.Server {
	call := func(r *http.Request, method string, params ...any) (json.RawMessage, error) {
		raw, err := json.Marshal(params)
		if err != nil {
			return nil, err
		}
		answers, err := forwardRPC(r.Context(), upstream, []rpcMessage{{JSONRPC: "2.0", ID: json.RawMessage("1"), Method: method, Params: raw}})
		switch {
		case err != nil:
			return nil, err
		case len(answers) != 1 || answers[0].Error != nil:
			return nil, fmt.Errorf("%s: %+v", method, answers)
		}
		return answers[0].Result, nil
	}
	return newRPCRewriter(tb, upstream, func(r *http.Request, m rpcMessage) (rpcMessage, *rpcMessage) {
		answer := func(result any, e *rpcError) (rpcMessage, *rpcMessage) {
			a := &rpcMessage{JSONRPC: "2.0", ID: m.ID, Error: e}
			if e == nil {
				raw, err := json.Marshal(result)
				if err != nil {
					tb.Error(err)
				}
				a.Result = raw
			}
			return m, a
		}
		fail := func(err error) (rpcMessage, *rpcMessage) {
			return answer(nil, &rpcError{Code: -32000, Message: err.Error()})
		}
		if m.Method != "eth_blockNumber" && m.Method != "eth_getBlockByNumber" && m.Method != "eth_getLogs" {
			return m, nil
		}
		raw, err := call(r, "eth_blockNumber")
		if err != nil {
			return fail(err)
		}
		var upHead hexutil.Uint64
		if err := json.Unmarshal(raw, &upHead); err != nil {
			return fail(err)
		}
		head := max(int64(upHead)-lag(), 0)
		switch m.Method {
		case "eth_blockNumber":
			return answer(hexutil.Uint64(head), nil)
		case "eth_getLogs":
			var q []filterArg
			if err := json.Unmarshal(m.Params, &q); err == nil && len(q) == 1 && int64(q[0].ToBlock) > head {
				return answer(nil, &rpcError{Code: -32000, Message: "block range extends beyond current head block"})
			}
			return m, nil
		}
		var params []json.RawMessage
		var tag string
		if err := json.Unmarshal(m.Params, &params); err != nil || len(params) == 0 || json.Unmarshal(params[0], &tag) != nil {
			return m, nil
		}
		height, err := hexutil.DecodeUint64(tag)
		switch {
		case tag == "latest" || tag == "pending":
			height = uint64(head)
		case tag == "safe" || tag == "finalized":
			raw, err := call(r, "eth_getBlockByNumber", tag, false)
			var h *header
			if err == nil {
				err = json.Unmarshal(raw, &h)
			}
			if err != nil {
				return fail(err)
			}
			if h == nil {
				return answer(nil, nil)
			}
			// The lagging node's final block cannot be above its head.
			height = min(uint64(h.Number), uint64(head))
		case err != nil:
			return m, nil // earliest, or a malformed number
		case int64(height) > head:
			return answer(nil, nil)
		}
		params[0], _ = json.Marshal(hexutil.Uint64(height))
		m.Params, _ = json.Marshal(params)
		return m, nil
	})
}

// TestLaggingProvider indexes through a first provider that then stops
// answering, leaving a second one that lags behind the indexed tip. Steps
// through the laggard roll nothing back, whatever it says the head is, and
// _meta's head is the laggard's; once the first provider is back,
// indexing goes on to the tip.
func TestLaggingProvider(t *testing.T) {
	c := newServedChain(t)
	ctx := context.Background()
	var down atomic.Bool
	first := newRPCProxy(t, c.httpURL, func(*http.Request, rpcMessage) *rpcError {
		if down.Load() {
			return &rpcError{Code: -32000, Message: "internal error: backend unavailable"}
		}
		return nil
	})
	var lag atomic.Int64
	second := newLaggingProxy(t, c.httpURL, lag.Load)
	cfg := c.config(first.URL, second.URL)
	ch := newTestEVMChain(t, cfg, WithPoolOptions(
		// The first provider's breaker never opens: it is asked first
		// every time, and serves again as soon as it answers.
		provider.WithBreaker(1_000_000, time.Hour),
		provider.WithBackoff(time.Millisecond, 10*time.Millisecond),
	))
	st := storetest.New(t)
	f := newFollower(t, cfg, ch, st)

	steps := scenario(c.testChain)
	receipts := make(map[string]*types.Receipt)
	run := func(steps []step) {
		for _, s := range steps {
			receipts[s.name] = c.run(t, s)
		}
	}
	third := len(steps) / 3
	run(steps[:third])
	catchUp(t, f)
	assertCursorAtHead(t, c.testChain, st)
	indexed, _, err := st.Cursor(ctx, testChainName)
	if err != nil {
		t.Fatal(err)
	}

	// The first provider goes down and the chain grows; the second lags
	// three blocks behind the indexed tip.
	down.Store(true)
	run(steps[third : 2*third])
	tip, err := c.client.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lagHead := indexed.Height - 3
	lag.Store(int64(tip) - lagHead)
	laggard := newTestEVMChain(t, c.config(second.URL), WithPoolOptions(provider.WithBackoff(time.Millisecond, 10*time.Millisecond)))
	if head, err := laggard.Head(ctx); err != nil || head.Height != lagHead {
		t.Fatalf("the lagging provider's head: %+v (%v), want %d", head, err, lagHead)
	}
	if _, err := laggard.BlockRef(ctx, lagHead+1); !errors.Is(err, errNoBlock) {
		t.Fatalf("the lagging provider's block %d: err %v, want errNoBlock", lagHead+1, err)
	}
	before := storetest.Snapshot(t, st, storetest.Tables...)
	for range 3 {
		if progressed, err := f.Step(ctx); err != nil || progressed {
			t.Fatalf("step through the lagging provider: progressed %v, err %v", progressed, err)
		}
	}
	if got := storetest.Snapshot(t, st, storetest.Tables...); !maps.Equal(got, before) {
		for _, tbl := range storetest.Tables {
			if got[tbl] != before[tbl] {
				t.Errorf("table %s changed behind a lagging provider:\ngot  %.600s\nwas  %.600s", tbl, got[tbl], before[tbl])
			}
		}
	}
	cur, _, err := st.Cursor(ctx, testChainName)
	if err != nil || cur.Height != indexed.Height || cur.Hash != indexed.Hash || cur.Head != lagHead {
		t.Errorf("cursor at %d %s, head %d (%v); want still at %d %s, head the lagging provider's %d",
			cur.Height, cur.Hash, cur.Head, err, indexed.Height, indexed.Hash, lagHead)
	}
	states := ch.States()
	if states[0].ConsecutiveFailures == 0 || states[1].Requests == 0 {
		t.Fatalf("provider states %+v: want the steps served by the second provider, the first failing", states)
	}

	// The first provider is back: indexing goes on to the tip.
	down.Store(false)
	run(steps[2*third:])
	catchUp(t, f)
	assertCursorAtHead(t, c.testChain, st)
	tip, err = c.client.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cur, _, err := st.Cursor(ctx, testChainName); err != nil || cur.Head != int64(tip) {
		t.Errorf("cursor head %d (%v), want the node's head %d", cur.Head, err, tip)
	}
	assertState(t, readState(t, st), scenarioState(c.testChain, receipts))
	fresh := storetest.New(t)
	catchUp(t, newFollower(t, cfg, newTestEVMChain(t, c.config(c.httpURL)), fresh))
	got, want := storetest.Snapshot(t, st, storetest.Tables...), storetest.Snapshot(t, fresh, storetest.Tables...)
	for _, tbl := range storetest.Tables {
		if got[tbl] != want[tbl] {
			t.Errorf("table %s differs from a clean index:\ngot  %.600s\nwant %.600s", tbl, got[tbl], want[tbl])
		}
	}
}
