package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// pagedConnection is a page of a connection as the tests read it.
type pagedConnection struct {
	Edges []struct {
		Cursor string
		Node   json.RawMessage
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
}

func (c pagedConnection) cursors() []string {
	out := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Cursor
	}
	return out
}

// pagingClients are two gateways on one database, one with its fast paths
// and one without: every page must be the same bytes from both.
type pagingClients struct {
	t         *testing.T
	fast, gen *env
	nftFast   int64
}

// page asks both for the connection at c in query (variables vars).
func (p *pagingClients) page(name, query string, vars map[string]any) pagedConnection {
	p.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	want := rawPost(p.t, p.gen, body)
	got := rawPost(p.t, p.fast, body)
	if !bytes.Equal(got, want) {
		p.t.Fatalf("%s, %v:\nfast path: %s\ngqlgen:    %s", name, vars, got, want)
	}
	var resp struct {
		Data   map[string]json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(got, &resp); err != nil || len(resp.Errors) > 0 {
		p.t.Fatalf("%s, %v: %s (%v)", name, vars, got, err)
	}
	raw := resp.Data["c"]
	if nft, ok := resp.Data["nft"]; ok {
		var n struct{ C json.RawMessage }
		if err := json.Unmarshal(nft, &n); err != nil {
			p.t.Fatal(err)
		}
		raw = n.C
	}
	var c pagedConnection
	if err := json.Unmarshal(raw, &c); err != nil {
		p.t.Fatalf("%s: %s: %v", name, raw, err)
	}
	return c
}

// walk pages through the connection of query from one end to the other,
// k rows a page, calling between (when set) after each page but the
// last, and checks each page's flags. It returns the pages as read.
func (p *pagingClients) walk(name, query string, extra map[string]any, backward bool, k int, between func()) []pagedConnection {
	p.t.Helper()
	var pages []pagedConnection
	for i := 0; ; i++ {
		vars := map[string]any{"first": k}
		if backward {
			vars = map[string]any{"last": k}
		}
		for key, v := range extra {
			vars[key] = v
		}
		if i > 0 {
			last := pages[len(pages)-1]
			if backward {
				vars["before"] = *last.PageInfo.StartCursor
			} else {
				vars["after"] = *last.PageInfo.EndCursor
			}
		}
		c := p.page(fmt.Sprintf("%s, page %d", name, i), query, vars)
		ahead, behind := c.PageInfo.HasNextPage, c.PageInfo.HasPreviousPage
		if backward {
			ahead, behind = behind, ahead
		}
		if behind != (i > 0) {
			p.t.Errorf("%s, page %d: rows behind it %v, want %v", name, i, behind, i > 0)
		}
		if len(c.Edges) > k {
			p.t.Fatalf("%s, page %d: %d rows, asked for %d", name, i, len(c.Edges), k)
		}
		if len(c.Edges) == 0 {
			if ahead || c.PageInfo.StartCursor != nil {
				p.t.Errorf("%s, page %d: empty, with rows ahead or a start cursor", name, i)
			}
			return pages
		}
		if *c.PageInfo.StartCursor != c.Edges[0].Cursor || *c.PageInfo.EndCursor != c.Edges[len(c.Edges)-1].Cursor {
			p.t.Errorf("%s, page %d: start and end cursors are not its first and last edges'", name, i)
		}
		pages = append(pages, c)
		if !ahead {
			return pages
		}
		if between != nil {
			between()
		}
		if i > 500 {
			p.t.Fatalf("%s: the walk does not end", name)
		}
	}
}

func inListOrder(pages []pagedConnection, backward bool) []string {
	if backward {
		pages = slices.Clone(pages)
		slices.Reverse(pages)
	}
	var out []string
	for _, pg := range pages {
		out = append(out, pg.cursors()...)
	}
	return out
}

// TestBackwardPagingThroughBothPaths: through the fast path and through
// gqlgen's execution alike, walking a list backward from its end with
// last/before shows the forward walk's rows, page for page when the
// pages line up, with exact flags; and a walk while new blocks arrive
// shows every row once — the new ones only where the walk has yet to go.
func TestBackwardPagingThroughBothPaths(t *testing.T) {
	lim := limits.Defaults()
	fast := newEnv(t, lim)
	gen := newEnvOn(t, fast.writer, fast.url, lim, graph.GeneratedOnly)
	ctx := context.Background()
	a := nftID(7)
	btc := bitcoinBlocks(200)
	for i := range btc {
		btc[i].Registrations = []store.Registration{
			registration(a, txid("back", i, 1), 1, store.StatusValid, 50000),
			registration(nftID(8), txid("back", i, 2), 2, store.StatusUnderpaid, 10),
			registration(a, txid("back", i, 3), 3, store.StatusExpired, 50000),
		}
		if i >= 12 { // the blocks that arrive while clients page: one of a's each
			btc[i].Registrations = btc[i].Registrations[:1]
		}
	}
	applyBitcoin(t, fast, btc[:12]) // 36 registrations, 24 of them a's
	refs := storetest.Chain(1, 200, storetest.Hash("evm-backward"), "evm")
	evm := make([]store.Block, len(refs))
	for i, r := range refs {
		evm[i] = storetest.SampleBlock(r)
	}
	applyEVM := func(from, to int) {
		t.Helper()
		if err := fast.writer.Apply(ctx, store.Batch{Chain: "abstract", Blocks: evm[from:to], Head: int64(to), KeepBlocks: 100}); err != nil {
			t.Fatal(err)
		}
	}
	applyEVM(0, 15)
	caughtUp(t, fast)
	caughtUp(t, gen)
	p := &pagingClients{t: t, fast: fast, gen: gen}

	const conn = `{ edges { cursor node { __typename } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`
	const args = `first: $first, after: $after, last: $last, before: $before`
	const vars = `$first: Int, $after: String, $last: Int, $before: String`
	lists := []struct {
		name, query string
		extra       map[string]any
		fast        bool // answered by the fast path
	}{
		{"registrations", `query(` + vars + `) { c: registrations(` + args + `) ` + conn + ` }`, nil, true},
		{"registrations, oldest first", `query(` + vars + `) { c: registrations(orderBy: BLOCK_ASC, ` + args + `) ` + conn + ` }`, nil, true},
		{"an NFT's registrations", `query($id: InscriptionID!, ` + vars + `) { nft(id: $id) { c: registrations(` + args + `) ` + conn + ` } }`,
			map[string]any{"id": a}, true},
		{"an NFT's valid registrations", `query($id: InscriptionID!, ` + vars + `) { nft(id: $id) { c: registrations(status: [VALID], ` + args + `) ` + conn + ` } }`,
			map[string]any{"id": a}, true},
		{"badge claims", `query(` + vars + `) { c: badgeClaims(` + args + `) ` + conn + ` }`, nil, true},
		{"reuse attempts, oldest first", `query(` + vars + `) { c: reuseAttempts(orderBy: BLOCK_ASC, ` + args + `) ` + conn + ` }`, nil, true},
		{"failed calls", `query(` + vars + `) { c: failedCalls(` + args + `) ` + conn + ` }`, nil, false},
		{"badges", `query(` + vars + `) { c: badges(` + args + `) ` + conn + ` }`, nil, true},
	}
	for _, l := range lists {
		for _, k := range []int{4, 5} {
			name := fmt.Sprintf("%s, %d a page", l.name, k)
			before := graph.NFTFastPathAnswers(fast.gateway)
			forward := p.walk(name+", forward", l.query, l.extra, false, k, nil)
			backward := p.walk(name+", backward", l.query, l.extra, true, k, nil)
			if answered := graph.NFTFastPathAnswers(fast.gateway) > before; answered != l.fast {
				t.Errorf("%s: answered by the fast path: %v", name, answered)
			}
			rows := inListOrder(forward, false)
			if len(rows) < 2*k || !slices.Equal(rows, inListOrder(backward, true)) {
				t.Fatalf("%s: forward %d rows, backward %d, or not the same", name, len(rows), len(inListOrder(backward, true)))
			}
			if len(rows)%k == 0 {
				// The pages line up: the same pages, the other way round.
				for i := range forward {
					if !slices.Equal(forward[i].cursors(), backward[len(backward)-1-i].cursors()) {
						t.Fatalf("%s: forward page %d is not the backward walk's %d", name, i, len(backward)-1-i)
					}
				}
			}
			// From each forward page's start, the page before it.
			for i := 1; i < len(forward); i++ {
				vars := map[string]any{"last": k, "before": *forward[i].PageInfo.StartCursor}
				for key, v := range l.extra {
					vars[key] = v
				}
				c := p.page(name+", the page before", l.query, vars)
				if !slices.Equal(c.cursors(), forward[i-1].cursors()) || !c.PageInfo.HasNextPage || c.PageInfo.HasPreviousPage != (i > 1) {
					t.Fatalf("%s: last %d before forward page %d: %v, want page %d", name, k, i, c.cursors(), i-1)
				}
			}
		}
	}

	// While new blocks arrive: a Bitcoin block and an EVM block after
	// each page of 10, each with a registration (and the EVM block a
	// claim).
	nextBTC, nextEVM := 12, 15
	grow := func() {
		applyBitcoin(t, fast, btc[nextBTC:nextBTC+1])
		applyEVM(nextEVM, nextEVM+1)
		nextBTC, nextEVM = nextBTC+1, nextEVM+1
		caughtUp(t, fast)
		caughtUp(t, gen)
	}
	for _, l := range lists[:5] {
		for _, backward := range []bool{false, true} {
			name := fmt.Sprintf("%s, backward %v, under inserts", l.name, backward)
			all := func() []string { return inListOrder(p.walk(name+", all", l.query, l.extra, false, 1000, nil), false) }
			start := all()
			seen := inListOrder(p.walk(name, l.query, l.extra, backward, 10, grow), backward)
			end := all()
			pos := -1
			for _, c := range seen {
				i := slices.Index(end, c)
				if i <= pos {
					t.Fatalf("%s: a row out of order or twice", name)
				}
				pos = i
			}
			for _, c := range start {
				if !slices.Contains(seen, c) {
					t.Fatalf("%s: a row there all along was not seen", name)
				}
			}
			// New blocks come at the newest end: a walk toward it sees
			// them, one away from it does not.
			towardNew := backward == !slices.Contains([]string{"registrations, oldest first"}, l.name)
			if towardNew != (len(seen) > len(start)) || len(end) <= len(start) {
				t.Fatalf("%s: %d rows at the start, %d seen, %d at the end", name, len(start), len(seen), len(end))
			}
		}
	}
}

// TestNFTAskedForTwiceHasItsRegistrationsOnce: an NFT listed twice in
// nfts(ids:) has the same page of registrations at both places, each
// registration once, through the resolvers (a record's problems are not
// the fast path's) as through the fast path.
func TestNFTAskedForTwiceHasItsRegistrationsOnce(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	a := nftID(3)
	blocks := bitcoinBlocks(3)
	for i := range blocks {
		blocks[i].Registrations = []store.Registration{registration(a, txid("twice", i), 1, store.StatusValid, 50000)}
	}
	applyBitcoin(t, e, blocks)
	for _, sel := range []string{"", "record { problems }"} {
		var got struct {
			NFTs []struct {
				Registrations struct{ Nodes []struct{ Txid string } }
			} `json:"nfts"`
		}
		e.query(`query($ids: [InscriptionID!]!) { nfts(ids: $ids) { `+sel+` registrations(first: 20) { nodes { txid } } } }`,
			map[string]any{"ids": []string{a, a}}, &got)
		for i, n := range got.NFTs {
			if len(n.Registrations.Nodes) != 3 {
				t.Errorf("selecting %q, NFT %d: %d registrations, want 3", sel, i, len(n.Registrations.Nodes))
			}
		}
	}
}
