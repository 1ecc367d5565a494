package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/herald-indexer/herald/graph/graphiql"
	"github.com/herald-indexer/herald/store"
)

// exampleData is what GraphiQL's example tabs are filled with: ids read
// from the live data, so that a first Run shows an answer.
type exampleData struct {
	// ids are the newest NFTs with a valid registration, newest first;
	// none before the first is indexed.
	ids []string
	// player is the top of the leaderboard; empty before anyone has XP.
	player string
}

// exampleIDs is how many NFTs the frontend tab asks about.
const exampleIDs = 3

// Placeholders for a tab whose live value does not exist yet; the tab's
// comment says how to find one.
const (
	placeholderIDs     = `{"ids": []}`
	placeholderAddress = `{"address": "0x0000000000000000000000000000000000000000"}`
)

// exampleTabs are GraphiQL's opening tabs, one per kind of user, filled
// with d. Every line fits an 80-column editor (a test holds them to it).
func exampleTabs(d exampleData) []graphiql.Tab {
	const frontendTitle = "# Frontend: is this NFT registered? (a page of them at once)\n"
	frontend := graphiql.Tab{Query: frontendTitle + `# No NFT is registered yet, so "ids" below is empty: list some with
#   { registrations(first: 5) { nodes { inscriptionId } } }
# and put their inscriptionIds in "ids".
` + nftStatusQuery, Variables: placeholderIDs}
	if len(d.ids) > 0 {
		frontend = graphiql.Tab{Query: frontendTitle + "# The variables below hold the newest registered NFTs.\n" + nftStatusQuery,
			Variables: jsonObject("ids", d.ids)}
	}
	const playerTitle = "# Player: XP, badges and nullifiers across every indexed chain.\n"
	player := graphiql.Tab{Query: playerTitle + `# No player has XP yet, so "address" below is a placeholder: find one with
#   { players(first: 5) { nodes { address xp } } }
` + playerQuery, Variables: placeholderAddress}
	if d.player != "" {
		player = graphiql.Tab{Query: playerTitle + "# The variables below hold the top of the leaderboard.\n" + playerQuery,
			Variables: jsonObject("address", d.player)}
	}
	return []graphiql.Tab{frontend, {Query: registrationsSubscription}, {Query: dashboardQuery}, player}
}

const nftStatusQuery = `query NFTStatus($ids: [InscriptionID!]!) {
  nfts(ids: $ids) {
    id
    isRegistered
    confirmations
    registrationCount
    lastRegistration {
      txid paidSats creator
      block { height time confirmations }
    }
    record { inscriptionId feeTxid problems }
    lastUpdated { chain height time }
  }
  _meta { chains { chain indexedHeight head lag lastBlockTime } }
}`

const registrationsSubscription = `# Marketplace: hear about registrations as they happen, and when a reorg
# removes one. After a disconnect, resume from the last eventId you
# processed: {"after": "<eventId>"}; "0" replays the whole log.
subscription Registrations($after: ID) {
  registrationEvents(minConfirmations: 1, afterEventId: $after) {
    eventId
    kind
    confirmations
    registration {
      txid inscriptionId status paidSats
      block { height }
    }
  }
}`

const dashboardQuery = `# Analyst: claims per day, tiers, XP histogram, replayed nullifiers.
query Dashboard {
  stats(bucket: DAY) {
    badgeClaims { time count }
    registrations { time count }
    reuseAttempts { time count }
    tiers { tier count }
    xpHistogram { min count }
    uniquePlayers
  }
  reuseAttempts(first: 10) {
    totalCount
    nodes { nullifier player kind block { chain height time } }
  }
  badgeClaims(first: 10, where: { tier: [LEGENDARY, EPIC] }) {
    nodes { player tokenId xpEarned tier block { height } }
    pageInfo { hasNextPage endCursor }
  }
}`

const playerQuery = `query Player($address: Address!) {
  player(address: $address) {
    xp
    verifiedUses
    badges(first: 20) {
      nodes { contract tokenId balance standard claim { tier season } }
    }
    nullifiers(first: 20) {
      nodes { nullifier claimedXP verified block { height } }
    }
  }
}`

// jsonObject is {"key": value} as GraphiQL's variables editor shows it,
// a list's items a line each (three ids on one line are 216 columns).
func jsonObject(key string, value any) string {
	b, err := json.MarshalIndent(map[string]any{key: value}, "", "  ")
	if err != nil {
		// A string or a list of strings always marshals.
		return "{}"
	}
	return string(b)
}

// How long the example data is kept, and how long reading it may take:
// a page load reads the database at most once per exampleTTL, and a slow
// database delays it by at most exampleTimeout (then the placeholders are
// shown).
const (
	exampleTTL     = 5 * time.Second
	exampleTimeout = 2 * time.Second
)

// newExampleCache keeps the one exampleData value for exampleTTL; its
// loader runs once for concurrent page loads.
func newExampleCache() *otter.Cache[struct{}, exampleData] {
	return otter.Must(&otter.Options[struct{}, exampleData]{
		MaximumSize:      1,
		ExpiryCalculator: otter.ExpiryWriting[struct{}, exampleData](exampleTTL),
	})
}

// liveTabs are the example tabs of one page load, filled from the cached
// example data.
func (g *Gateway) liveTabs(r *http.Request) []graphiql.Tab {
	d, err := g.examples.Get(r.Context(), struct{}{}, otter.LoaderFunc[struct{}, exampleData](g.loadExamples))
	if err != nil {
		// The request ended while the data was read: nobody sees the page.
		return exampleTabs(exampleData{})
	}
	return exampleTabs(d)
}

// loadExamples reads the example data from the store. A read that fails
// or times out gives no data (the placeholders), kept like any other so
// that a sick database is not asked again on every page load; only the
// end of the request itself is an error, and then nothing is kept.
func (g *Gateway) loadExamples(ctx context.Context, _ struct{}) (exampleData, error) {
	rctx, cancel := context.WithTimeout(ctx, exampleTimeout)
	defer cancel()
	d, err := readExamples(rctx, g.opts.Store)
	if err != nil {
		if ctx.Err() != nil {
			return exampleData{}, ctx.Err()
		}
		g.opts.Logger.Warn("GraphiQL's example tabs show placeholders", "err", err)
	}
	return d, nil
}

// readExamples reads the newest registered NFTs and the top player.
func readExamples(ctx context.Context, st *store.Store) (exampleData, error) {
	var d exampleData
	regs, err := st.Registrations(ctx, store.RegistrationFilter{Status: []string{string(store.StatusValid)}},
		store.Page{First: 20, Desc: true})
	if err != nil {
		return exampleData{}, fmt.Errorf("newest registrations: %w", err)
	}
	seen := map[string]bool{}
	for _, r := range regs.Rows {
		if len(d.ids) < exampleIDs && !seen[r.InscriptionID] {
			seen[r.InscriptionID] = true
			d.ids = append(d.ids, r.InscriptionID)
		}
	}
	top, err := st.Players(ctx, store.PlayerFilter{}, store.Page{First: 1})
	if err != nil {
		return exampleData{}, fmt.Errorf("top player: %w", err)
	}
	if len(top.Rows) > 0 {
		d.player = top.Rows[0].Player
	}
	return d, nil
}

// Register mounts the gateway on mux: GraphQL (queries, websocket and SSE
// subscriptions) at /graphql, GraphiQL at /, the dashboard at /dashboard and
// the status page at /status, all served from the binary.
func (g *Gateway) Register(mux *http.ServeMux) {
	mux.Handle("/graphql", g.Handler())
	ui := graphiql.Handler(graphiql.Options{
		Title: "herald", Endpoint: "/graphql", DefaultTabs: exampleTabs(exampleData{}), TabsFor: g.liveTabs,
	})
	mux.Handle("GET /{$}", ui)
	mux.Handle("GET /"+graphiql.AssetPrefix, ui)
	if err := g.registerPages(mux); err != nil {
		// Only a broken build (embedded files missing) gets here; the
		// pages' tests cover it. GraphQL is served regardless.
		g.opts.Logger.Error("dashboard and status pages not mounted", "err", err)
	}
}
