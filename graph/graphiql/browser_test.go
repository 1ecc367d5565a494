package graphiql_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/graphiql"
	"github.com/herald-indexer/herald/graph/graphiql/browsertest"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// These tests run GraphiQL in headless Chromium (Debian package chromium)
// against herald's gateway on a test database, and skip when Chromium is not
// installed.

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

const testChain = "bitcoin-regtest"

// testServer serves GraphiQL at / and herald's gateway at /graphql.
type testServer struct {
	*httptest.Server
	store *store.Store
	// tip is the newest block applied; only one goroutine applies at a time.
	tip store.BlockRef

	mu sync.Mutex
	// exampleHeaders are the X-Example header values of the GraphQL
	// requests, to see that the headers editor's content is sent.
	exampleHeaders []string
}

func newTestServer(t *testing.T, opts graphiql.Options) *testServer {
	t.Helper()
	st := storetest.New(t)
	gw, err := graph.New(graph.Options{Store: st, Limits: limits.Defaults()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gw.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	ts := &testServer{store: st, tip: store.BlockRef{Hash: storetest.Hash("genesis")}}
	gql := gw.Handler()
	mux := http.NewServeMux()
	mux.Handle("/graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("X-Example"); v != "" {
			ts.mu.Lock()
			ts.exampleHeaders = append(ts.exampleHeaders, v)
			ts.mu.Unlock()
		}
		gql.ServeHTTP(w, r)
	}))
	mux.Handle("/", graphiql.Handler(opts))
	ts.Server = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) sawExampleHeader(want string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return slices.Contains(ts.exampleHeaders, want)
}

// applyBlock indexes the block after the tip, as the indexer would.
func (ts *testServer) applyBlock() error {
	ref := storetest.Chain(ts.tip.Height+1, 1, ts.tip.Hash, "browser")[0]
	batch := store.Batch{Chain: testChain, Blocks: []store.Block{{BlockRef: ref}}, Head: ref.Height, KeepBlocks: 100}
	if err := ts.store.Apply(context.Background(), batch); err != nil {
		return err
	}
	ts.tip = ref
	return nil
}

// feedBlocks applies a block every so often until the returned func is
// called: a subscriber sees the blocks applied once the gateway follows the
// event log and its subscription has started, and nothing tells the test
// when both have happened.
func (ts *testServer) feedBlocks(t *testing.T) (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if err := ts.applyBlock(); err != nil {
				t.Errorf("apply block: %v", err)
				return
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	stop = sync.OnceFunc(func() {
		close(done)
		<-stopped
	})
	t.Cleanup(stop)
	return stop
}

const (
	lookupQuery = "query Lookup($hash: Bytes32!) {\n  nullifier(hash: $hash) {\n    used\n  }\n  _meta {\n    chains {\n      chain\n    }\n  }\n}"
	lookupVars  = `{"hash": "0x0000000000000000000000000000000000000000000000000000000000000001"}`
	headsQuery  = "subscription Heads {\n  chainHeads {\n    chain\n    height\n  }\n}"
)

func TestBrowserRendersPage(t *testing.T) {
	srv := newTestServer(t, graphiql.Options{
		Title:   "herald test",
		Headers: `{"X-Example": "1"}`,
		DefaultTabs: []graphiql.Tab{
			{Query: lookupQuery, Variables: lookupVars},
			{Query: headsQuery},
		},
	})

	dom, screenshot := browsertest.Run(t, srv.URL+"/")

	for _, want := range []string{
		"graphiql-container",
		"<title>herald test</title>",
		// Tabs are titled with their operation names.
		">Lookup<", ">Heads<",
		// The active tab's query, as CodeMirror renders it.
		">nullifier<",
		// The documentation explorer lists the schema's root types.
		">Query<", ">Subscription<",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	if filepath.Ext(screenshot) != ".png" {
		t.Errorf("screenshot %q is not a PNG", screenshot)
	}
}

func TestBrowserExecutes(t *testing.T) {
	tests := []struct {
		name string
		tab  graphiql.Tab
		want []string
		// subscription is whether the operation goes over a websocket and
		// waits for blocks to be applied.
		subscription bool
		// wantHeader is an X-Example request header value the server must see.
		wantHeader string
	}{
		{
			name: "query over HTTP",
			tab:  graphiql.Tab{Query: lookupQuery, Variables: lookupVars, Headers: `{"X-Example": "from the tab"}`},
			// The block applied before the page opened.
			want:       []string{`"chain": "` + testChain + `"`, `"used": false`},
			wantHeader: "from the tab",
		},
		{
			name:         "subscription over graphql-transport-ws",
			tab:          graphiql.Tab{Query: headsQuery},
			want:         []string{`"height"`, `"chain": "` + testChain + `"`},
			subscription: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, graphiql.Options{DefaultTabs: []graphiql.Tab{tt.tab}})
			if err := srv.applyBlock(); err != nil {
				t.Fatal(err)
			}
			// The page has fetched the schema: the gateway answers.
			page := browsertest.OpenGraphiQL(t, srv.URL+"/")

			if tt.subscription {
				stop := srv.feedBlocks(t)
				defer stop()
			}
			got, err := page.Execute(tt.want[0])
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want[1:] {
				if !strings.Contains(got, want) {
					t.Errorf("response lacks %s: %s", want, got)
				}
			}
			if strings.Contains(got, `"errors"`) {
				t.Errorf("response has errors: %s", got)
			}
			page.CheckSelfContained(t)

			requests, err := page.Requests()
			if err != nil {
				t.Fatal(err)
			}
			wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
			sawWebsocket := false
			for _, r := range requests {
				if r.Method == "WEBSOCKET" && r.URL == wsURL {
					sawWebsocket = true
				}
			}
			if sawWebsocket != tt.subscription {
				t.Errorf("websocket to %s opened: %v, want %v; requests: %v", wsURL, sawWebsocket, tt.subscription, requests)
			}
			if tt.wantHeader != "" && !srv.sawExampleHeader(tt.wantHeader) {
				t.Errorf("no request had X-Example: %s", tt.wantHeader)
			}

			shot := filepath.Join(t.TempDir(), "executed.png")
			if err := page.Screenshot(shot); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", shot)
		})
	}
}

// GraphiQL's dialogs insert a <style> element, which the page's CSP admits
// only with the per-response nonce page.js hands over.
func TestBrowserDialogsKeepToCSP(t *testing.T) {
	srv := newTestServer(t, graphiql.Options{})
	page := browsertest.OpenGraphiQL(t, srv.URL+"/")
	for _, label := range []string{"Open settings dialog", "Open short keys dialog"} {
		open := `document.querySelector('button[aria-label="` + label + `"]').click()`
		if err := page.Eval(open, nil); err != nil {
			t.Fatal(err)
		}
		if err := page.WaitFor(`document.querySelector('[role="dialog"]')`); err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		// Escape closes the dialog, as a person would.
		closeDialog := `document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))`
		if err := page.Eval(closeDialog, nil); err != nil {
			t.Fatal(err)
		}
		if err := page.WaitFor(`!document.querySelector('[role="dialog"]')`); err != nil {
			t.Fatalf("%s: %v", label, err)
		}
	}
	page.CheckSelfContained(t)
}

// herald's GraphiQL, as the gateway mounts it, on indexed data: the first
// tab's variables hold the newest registered NFTs, and its first Run shows
// their status.
func TestBrowserFirstTabHoldsLiveIDs(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	if err := st.SyncCollections(ctx, testChain, []store.Collection{
		{Name: "demo", Creator: "bcrt1qcreator", MinFeeSats: 50000, MinConfirmations: 2},
	}); err != nil {
		t.Fatal(err)
	}
	var blocks []store.Block
	for _, ref := range storetest.Chain(1, 6, storetest.Hash("genesis"), "live") {
		blocks = append(blocks, storetest.SampleBlock(ref))
	}
	if err := st.Apply(ctx, store.Batch{Chain: testChain, Blocks: blocks, Head: 6, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	gw, err := graph.New(graph.Options{Store: st, Limits: limits.Defaults()})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gw.Run(runCtx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	mux := http.NewServeMux()
	gw.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	page := browsertest.OpenGraphiQL(t, srv.URL+"/")
	// The newest block (height 6) registers SampleBlock's NFT 6 % 5.
	newest := storetest.Hash("nft", 1) + "i0"
	var editors []string
	if err := page.Eval(`Array.from(document.querySelectorAll('.graphiql-editor-tool .CodeMirror'))
		.map(function (e) { return e.CodeMirror.getValue(); })`, &editors); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(editors, func(v string) bool { return strings.Contains(v, `"`+newest+`"`) }) {
		t.Fatalf("the variables editor does not hold the newest NFT %s: %q", newest, editors)
	}
	got, err := page.Execute(`"id": "` + newest + `"`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"isRegistered"`, `"registrationCount"`, `"chain": "` + testChain + `"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the answer lacks %s: %s", want, got)
		}
	}
	if strings.Contains(got, `"errors"`) {
		t.Errorf("the answer has errors: %s", got)
	}
	page.CheckSelfContained(t)
	// HERALD_SCREENSHOT_DIR keeps the screenshot past the test.
	dir := os.Getenv("HERALD_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "graphiql-live-tab.png")
	if err := page.Screenshot(shot); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
}
