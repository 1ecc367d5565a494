package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// pageTab is a GraphiQL tab as the page carries it.
type pageTab struct{ Query, Variables string }

var graphiqlConfig = regexp.MustCompile(`(?s)<script id="graphiql-config" type="application/json">(.*?)</script>`)

// serveRegistered runs a gateway on st, mounted as herald mounts it, until
// the test ends, and returns its base URL. Each has its own example cache.
func serveRegistered(t *testing.T, st *store.Store) string {
	t.Helper()
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
	mux := http.NewServeMux()
	gw.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
	})
	return srv.URL
}

// graphiqlTabs loads GraphiQL's page and returns its tabs.
func graphiqlTabs(t *testing.T, base string) []pageTab {
	t.Helper()
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	m := graphiqlConfig.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no GraphiQL config in the page:\n%s", page)
	}
	var cfg struct{ Tabs []pageTab }
	if err := json.Unmarshal(m[1], &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Tabs) != 4 {
		t.Fatalf("%d tabs, want 4 (frontend, marketplace, analyst, player): %s", len(cfg.Tabs), m[1])
	}
	for i, tab := range cfg.Tabs {
		for _, line := range strings.Split(tab.Query+"\n"+tab.Variables, "\n") {
			if n := utf8.RuneCountInString(line); n > 80 {
				t.Errorf("tab %d: a line of %d columns (at most 80): %s", i+1, n, line)
			}
		}
	}
	return cfg.Tabs
}

// GraphiQL's tabs are filled on each page load from the data indexed now:
// before there is any, with placeholders and a comment saying how to find
// an id; then with the newest registered NFTs and the top of the
// leaderboard, and every query tab answers them with data and no errors.
func TestGraphiQLTabsFromLiveData(t *testing.T) {
	st := storetest.New(t)

	before := graphiqlTabs(t, serveRegistered(t, st))
	if before[0].Variables != `{"ids": []}` || !strings.Contains(before[0].Query, "{ registrations(first: 5) { nodes { inscriptionId } } }") {
		t.Errorf("the first tab, before any registration: %+v", before[0])
	}
	if !strings.Contains(before[3].Variables, "0x0000000000000000000000000000000000000000") ||
		!strings.Contains(before[3].Query, "{ players(first: 5) { nodes { address xp } } }") {
		t.Errorf("the player tab, before any player: %+v", before[3])
	}

	refs := storetest.Chain(1, 6, storetest.Hash("examples"), "examples")
	var blocks []store.Block
	for _, r := range refs {
		blocks = append(blocks, storetest.SampleBlock(r))
	}
	ctx := context.Background()
	if err := st.SyncCollections(ctx, "devnet", []store.Collection{
		{Name: "demo", Creator: "bcrt1qcreator", MinFeeSats: 50000, MinConfirmations: 2},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(ctx, store.Batch{Chain: "devnet", Blocks: blocks, Head: 6, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	top, err := st.Players(ctx, store.PlayerFilter{}, store.Page{First: 1})
	if err != nil || len(top.Rows) == 0 {
		t.Fatalf("no top player: %v", err)
	}

	// A new gateway: the first one keeps its placeholders for a few seconds.
	base := serveRegistered(t, st)
	tabs := graphiqlTabs(t, base)
	// SampleBlock registers NFT height%5 in each block: the newest three,
	// newest first, are those of heights 6, 5 and 4.
	nft := func(n int) string { return storetest.Hash("nft", n) + "i0" }
	wantIDs, _ := json.MarshalIndent(map[string]any{"ids": []string{nft(1), nft(0), nft(4)}}, "", "  ")
	if tabs[0].Variables != string(wantIDs) {
		t.Errorf("the first tab's variables: %s, want %s", tabs[0].Variables, wantIDs)
	}
	if strings.Contains(tabs[0].Query, "No NFT is registered yet") {
		t.Errorf("the first tab still says no NFT is registered:\n%s", tabs[0].Query)
	}
	if want := "{\n  \"address\": \"" + top.Rows[0].Player + "\"\n}"; tabs[3].Variables != want {
		t.Errorf("the player tab's variables: %s, want %s", tabs[3].Variables, want)
	}

	for i, tab := range tabs {
		if strings.Contains(tab.Query, "subscription ") {
			continue
		}
		var vars map[string]any
		if tab.Variables != "" {
			if err := json.Unmarshal([]byte(tab.Variables), &vars); err != nil {
				t.Fatalf("tab %d: variables %q: %v", i+1, tab.Variables, err)
			}
		}
		body, _ := json.Marshal(map[string]any{"query": tab.Query, "variables": vars})
		resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var r struct {
			Data   map[string]json.RawMessage
			Errors []any
		}
		if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 || len(r.Data) == 0 {
			t.Errorf("tab %d answered %s", i+1, raw)
		}
		for field, v := range r.Data {
			if s := string(v); s == "null" || s == "[]" {
				t.Errorf("tab %d: %s is %s: %s", i+1, field, s, raw)
			}
		}
	}
}
