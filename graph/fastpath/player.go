package fastpath

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph/scalar"
	"github.com/herald-indexer/herald/store"
)

// playerPlan is a `player` root field: a profile page's XP and first
// badges. Executed by gqlgen it cost more CPU than the statements it ran
// (make bench's "player with badges": 0.55 ms of the gateway's CPU beside
// 0.48 ms of PostgreSQL's, 1.07× PostGraphile; 0.40 + 0.43 ms and 1.66×
// rendered here, its badges' claims read with the page).
type playerPlan struct {
	address string
	xp      bool                 // xp or verifiedUses selected
	lists   map[string]*listPage // by the alias of badges, claims, nullifiers
	totals  store.PlayerTotals
}

// playerLists are the Player's list fields: the root list each reads as,
// and its order (the resolvers': holdings by key, the rest newest first).
var playerLists = map[string]struct {
	root string
	desc bool
}{"badges": {"badges", false}, "claims": {"badgeClaims", true}, "nullifiers": {"usedNullifiers", true}}

// planPlayer reads a player field's argument and its lists' arguments;
// false for any its resolvers would report as errors.
func (s *NFTs) planPlayer(op *graphql.OperationContext, f graphql.CollectedField) (*playerPlan, bool) {
	address, err := scalar.UnmarshalAddress(f.ArgumentMap(op.Variables)["address"])
	if err != nil || !knownFields(op, nftSelectable, f.Selections, "Player") {
		return nil, false
	}
	p := &playerPlan{address: address, lists: map[string]*listPage{}}
	for _, sub := range graphql.CollectFields(op, f.Selections, []string{"Player"}) {
		switch sub.Name {
		case "xp", "verifiedUses":
			p.xp = true
		case "badges", "claims", "nullifiers":
			pl := playerLists[sub.Name]
			l, ok := s.planPage(op, sub, sub.ArgumentMap(op.Variables), pl.root, pl.desc)
			if !ok {
				return nil, false
			}
			l.holds.Holder, l.claims.Player, l.uses.Player = address, address, address
			p.lists[sub.Alias] = l
		}
	}
	return p, true
}

// load reads the player's totals and lists, each on its own connection.
func (p *playerPlan) load(ctx context.Context, st *store.Store, goLoad func(func() error)) {
	if p.xp {
		goLoad(func() error {
			var err error
			p.totals, err = st.PlayerXPTotal(ctx, p.address)
			return err
		})
	}
	for _, l := range p.lists {
		goLoad(func() error { return l.load(ctx, st) })
	}
}

func (w *nftWriter) player(sel ast.SelectionSet, p *playerPlan) {
	w.object(sel, "Player", func(f graphql.CollectedField) {
		switch f.Name {
		case "address":
			w.put(scalar.MarshalAddress(p.address))
		case "xp":
			w.put(scalar.MarshalBigInt(p.totals.XP))
		case "verifiedUses":
			w.put(graphql.MarshalInt64(p.totals.Uses))
		case "badges", "claims", "nullifiers":
			p.lists[f.Alias].render(w, f.Selections)
		}
	})
}
