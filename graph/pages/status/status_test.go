package status

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// TestChainsFromStore: a chain at its head is ok, one far behind lagging,
// one whose providers are all open down.
func TestChainsFromStore(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	apply := func(chain string, n int, head int64) {
		refs := storetest.Chain(1, n, storetest.Hash(chain), chain)
		b := store.Batch{Chain: chain, Head: head, KeepBlocks: 100}
		for _, r := range refs {
			b.Blocks = append(b.Blocks, store.Block{BlockRef: r})
		}
		if err := st.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	apply("fine", 5, 6)
	apply("behind", 5, 100)
	apply("dark", 5, 5)
	for chain, breakers := range map[string][]string{"fine": {"open", "closed"}, "dark": {"open", "half-open"}} {
		var rows []store.ProviderHealth
		for i, b := range breakers {
			rows = append(rows, store.ProviderHealth{Name: "https://rpc.example/" + string(rune('a'+i)), Breaker: b})
		}
		if err := st.ReportProviders(ctx, chain, rows); err != nil {
			t.Fatal(err)
		}
	}
	chains, err := ChainsFromStore(st, 10)(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Chain{}
	for _, c := range chains {
		got[c.Chain] = c
	}
	if c := got["fine"]; c.State != StateOK || c.Lag != 1 || c.IndexedHeight != 5 || len(c.Providers) != 2 || c.Providers[1] != (Provider{Position: 2, Up: true, Breaker: "closed"}) {
		t.Errorf("fine: %+v", c)
	}
	if c := got["behind"]; c.State != StateLagging || c.Lag != 95 {
		t.Errorf("behind: %+v", c)
	}
	if c := got["dark"]; c.State != StateDown {
		t.Errorf("dark: %+v", c)
	}
}

func TestHandler(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	errs := Errors{Operations: 100, ServerErrors: 1, ClientErrors: 5}
	var chainsErr error
	h, err := Handler(Options{
		Chains: func(context.Context) ([]Chain, error) {
			return []Chain{{Chain: "a", State: StateOK}, {Chain: "b", State: StateLagging}}, chainsErr
		},
		Reorgs: func(_ context.Context, since time.Time) ([]store.Reorg, error) {
			if since != now.Add(-24*time.Hour) {
				t.Errorf("reorgs since %s", since)
			}
			return []store.Reorg{{Chain: "a", Depth: 2, FromHeight: 10, Ancestor: 8}}, nil
		},
		Errors:   func() Errors { return errs },
		CacheFor: time.Nanosecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.(*handler).opts.now = func() time.Time { return now }
	get := func(accept string) (*http.Response, string) {
		req := httptest.NewRequest(http.MethodGet, "/status", nil)
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Result().Body)
		return rec.Result(), string(body)
	}
	resp, body := get("application/json")
	var s Snapshot
	if err := json.Unmarshal([]byte(body), &s); err != nil || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("JSON: %v %q", err, resp.Header.Get("Content-Type"))
	}
	if s.Status != StateLagging || len(s.Chains) != 2 || len(s.Reorgs) != 1 || resp.StatusCode != http.StatusOK {
		t.Fatalf("snapshot %+v (%d)", s, resp.StatusCode)
	}
	// The first read has no earlier sample: counts since start.
	if s.Gateway.Operations != 100 || s.Gateway.ErrorRate != 0.01 {
		t.Fatalf("gateway %+v", s.Gateway)
	}
	// A minute later, 50 more operations of which 5 failed on the server.
	now = now.Add(time.Minute)
	errs = Errors{Operations: 150, ServerErrors: 6, ClientErrors: 5}
	_, body = get("application/json")
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	if s.Gateway.Operations != 50 || s.Gateway.ServerErrors != 5 || s.Gateway.ErrorRate != 0.1 || s.Gateway.WindowSeconds != 60 {
		t.Fatalf("gateway over the window %+v", s.Gateway)
	}
	resp, body = get("text/html,application/xhtml+xml,*/*")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "lagging") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") || strings.Contains(body, "<script") {
		t.Fatalf("HTML page: %s\n%s", resp.Header, body)
	}
	// Unreadable data: down, 503, for status services to alert on.
	chainsErr = errors.New("database away")
	now = now.Add(time.Minute)
	resp, body = get("application/json")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"down"`) || strings.Contains(body, "database away") {
		t.Fatalf("unreadable: %d %s", resp.StatusCode, body)
	}
}
