package evm

import (
	"encoding/json"
	"fmt"
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
