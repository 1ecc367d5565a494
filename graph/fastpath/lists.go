package fastpath

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/graph/paging"
	"github.com/herald-indexer/herald/graph/scalar"
	"github.com/herald-indexer/herald/store"
)

// listPage is a list root field — registrations, usedNullifiers,
// reuseAttempts, badgeClaims, badges — or a player's list, its arguments
// read as its resolver reads them: an explorer's newest registrations or a
// player's nullifiers, 50 rows a page. Executed by gqlgen a page cost
// about a millisecond of CPU, a goroutine and a dozen field resolutions
// per row, more than the database's share (graph
// BenchmarkRegistrationPages: 1,151 pages/s at 1.69 ms of the machine's
// CPU each, 2,127 at 0.93 ms rendered here).
type listPage struct {
	root   string
	page   store.Page
	span   store.Span
	reg    store.RegistrationFilter
	uses   store.NullifierFilter
	reuses store.ReuseFilter
	claims store.ClaimFilter
	holds  store.HoldingFilter

	regPage   store.PageOf[store.Registration]
	usePage   store.PageOf[store.NullifierUse]
	reusePage store.PageOf[store.ReuseAttempt]
	claimPage store.PageOf[store.BadgeClaim]
	holdPage  store.PageOf[store.Holding]
}

// listConnections are the list root fields answered, by connection type.
var listConnections = map[string]string{
	"registrations": "RegistrationConnection", "usedNullifiers": "NullifierUseConnection",
	"reuseAttempts": "ReuseAttemptConnection", "badgeClaims": "BadgeClaimConnection", "badges": "BadgeConnection",
}

// planList reads a list field's arguments; false for any its resolver
// would report as an error, which gqlgen then does.
func (s *NFTs) planList(op *graphql.OperationContext, f graphql.CollectedField) (*listPage, bool) {
	args := f.ArgumentMap(op.Variables)
	desc := f.Name != "badges" // holdings are listed by their key, ascending
	switch v := args["orderBy"]; v {
	case nil, "BLOCK_DESC":
	case "BLOCK_ASC":
		desc = false
	default:
		return nil, false
	}
	l, ok := s.planPage(op, f, args, f.Name, desc)
	if !ok {
		return nil, false
	}
	if v := args["block"]; v != nil {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		n, err := graphql.UnmarshalInt(m["number"])
		if err != nil {
			return nil, false
		}
		h := int64(n)
		l.span.AsOf = &h
	}
	if v := args["where"]; v != nil {
		where, ok := v.(map[string]any)
		if !ok || !l.where(where) {
			return nil, false
		}
	}
	l.reg.Span, l.uses.Span, l.reuses.Span, l.claims.Span = l.span, l.span, l.span, l.span
	l.holds.Chain, l.holds.AsOf = l.span.Chain, l.span.AsOf
	return l, true
}

// planPage reads a list field's paging arguments as root's resolver does,
// in the order desc.
func (s *NFTs) planPage(op *graphql.OperationContext, f graphql.CollectedField, args map[string]any, root string, desc bool) (*listPage, bool) {
	a, ok := paging.Read(f.Field, op.Variables, args)
	if !ok {
		return nil, false
	}
	p, perr := paging.Page(a, s.lim.DefaultPageSize, s.lim.MaxPageSize, desc)
	if perr != nil {
		return nil, false
	}
	paging.Want(op, f.Selections, listConnections[root], &p)
	l := &listPage{root: root, page: p}
	if root == "badges" {
		l.holds.WithClaims = selectsClaim(op, f.Selections)
	}
	return l, true
}

// selectsClaim reports whether a BadgeConnection selection asks for a
// badge's claim, through its nodes or its edges.
func selectsClaim(op *graphql.OperationContext, sel ast.SelectionSet) bool {
	for _, f := range graphql.CollectFields(op, sel, []string{"BadgeConnection"}) {
		nodes := f.Selections
		if f.Name == "edges" {
			nodes = nil
			for _, e := range graphql.CollectFields(op, f.Selections, []string{"BadgeEdge"}) {
				if e.Name == "node" {
					nodes = append(nodes, e.Selections...)
				}
			}
		} else if f.Name != "nodes" {
			continue
		}
		for _, b := range graphql.CollectFields(op, nodes, []string{"Badge"}) {
			if b.Name == "claim" {
				return true
			}
		}
	}
	return false
}

// where reads a list's filter as gqlgen unmarshals it.
func (l *listPage) where(w map[string]any) bool {
	str := func(v any, into *string) bool {
		if v == nil {
			return true
		}
		s, ok := v.(string)
		*into = s
		return ok
	}
	typed := func(v any, into *string, unmarshal func(any) (string, error)) bool {
		if v == nil {
			return true
		}
		x, err := unmarshal(v)
		*into = x
		return err == nil
	}
	for k, v := range w {
		ok := true
		switch {
		case l.root == "badges":
			ok = l.badgeFilter(k, v, str, typed)
		case k == "chain":
			ok = str(v, &l.span.Chain)
		case k == "height":
			ok = l.heights(v)
		case k == "time":
			ok = l.times(v)
		case l.root == "registrations":
			ok = l.registrationFilter(k, v, str, typed)
		case k == "contract":
			ok = typed(v, &l.uses.Contract, scalar.UnmarshalAddress) && typed(v, &l.reuses.Contract, scalar.UnmarshalAddress) &&
				typed(v, &l.claims.Contract, scalar.UnmarshalAddress)
		case k == "player":
			ok = typed(v, &l.uses.Player, scalar.UnmarshalAddress) && typed(v, &l.reuses.Player, scalar.UnmarshalAddress) &&
				typed(v, &l.claims.Player, scalar.UnmarshalAddress)
		case l.root == "usedNullifiers" && k == "verified":
			if v != nil {
				b, err := graphql.UnmarshalBoolean(v)
				ok, l.uses.Verified = err == nil, &b
			}
		case l.root == "reuseAttempts" && k == "nullifier":
			ok = typed(v, &l.reuses.Nullifier, scalar.UnmarshalBytes32)
		case l.root == "reuseAttempts" && k == "kind":
			ok = str(v, &l.reuses.Kind) && (v == nil || model.ReuseKind(l.reuses.Kind).IsValid())
		case l.root == "badgeClaims" && k == "tokenId":
			ok = typed(v, &l.claims.TokenID, scalar.UnmarshalBigInt)
		case l.root == "badgeClaims" && k == "season":
			ok = typed(v, &l.claims.Season, scalar.UnmarshalBigInt)
		case l.root == "badgeClaims" && k == "tier":
			if v != nil {
				for _, x := range graphql.CoerceList(v) {
					t, isString := x.(string)
					n := slices.Index(tiers, model.Tier(t))
					if !isString || n < 0 {
						return false
					}
					l.claims.Tiers = append(l.claims.Tiers, int16(n))
				}
			}
		default:
			return false
		}
		if !ok {
			return false
		}
	}
	return true
}

// tiers are the Tier enum's values in the order of their numbers.
var tiers = []model.Tier{model.TierParticipation, model.TierCommon, model.TierRare, model.TierEpic, model.TierLegendary}

func (l *listPage) registrationFilter(k string, v any, str func(any, *string) bool, typed func(any, *string, func(any) (string, error)) bool) bool {
	switch k {
	case "collection":
		return str(v, &l.reg.Collection)
	case "creator":
		return str(v, &l.reg.Creator)
	case "inscriptionId":
		return typed(v, &l.reg.InscriptionID, scalar.UnmarshalInscriptionID)
	case "txid":
		return typed(v, &l.reg.TxID, scalar.UnmarshalTxID)
	case "status":
		if v != nil {
			l.reg.Status = []string{} // as statusStrings makes it
			for _, x := range graphql.CoerceList(v) {
				st, isString := x.(string)
				if _, known := statusNames[store.RegistrationStatus(st)]; !isString || !known {
					return false
				}
				l.reg.Status = append(l.reg.Status, st)
			}
		}
		return true
	}
	return false
}

func (l *listPage) badgeFilter(k string, v any, str func(any, *string) bool, typed func(any, *string, func(any) (string, error)) bool) bool {
	switch k {
	case "chain":
		return str(v, &l.span.Chain)
	case "contract":
		return typed(v, &l.holds.Contract, scalar.UnmarshalAddress)
	case "holder":
		return typed(v, &l.holds.Holder, scalar.UnmarshalAddress)
	case "tokenId":
		return typed(v, &l.holds.TokenID, scalar.UnmarshalBigInt)
	}
	return false
}

func (l *listPage) heights(v any) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k, x := range m {
		if x == nil {
			continue
		}
		n, err := graphql.UnmarshalInt(x)
		if err != nil {
			return false
		}
		h := int64(n)
		switch k {
		case "gte":
			l.span.MinHeight = &h
		case "lte":
			l.span.MaxHeight = &h
		default:
			return false
		}
	}
	return true
}

func (l *listPage) times(v any) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k, x := range m {
		if x == nil {
			continue
		}
		t, err := scalar.UnmarshalTime(x)
		if err != nil {
			return false
		}
		switch k {
		case "from":
			l.span.From = &t
		case "to":
			l.span.To = &t
		default:
			return false
		}
	}
	return true
}

// load reads the page.
func (l *listPage) load(ctx context.Context, st *store.Store) error {
	var err error
	switch l.root {
	case "registrations":
		l.regPage, err = st.Registrations(ctx, l.reg, l.page)
	case "usedNullifiers":
		l.usePage, err = st.NullifierUses(ctx, l.uses, l.page)
	case "reuseAttempts":
		l.reusePage, err = st.ReuseAttempts(ctx, l.reuses, l.page)
	case "badgeClaims":
		l.claimPage, err = st.BadgeClaims(ctx, l.claims, l.page)
	case "badges":
		l.holdPage, err = st.Holdings(ctx, l.holds, l.page)
	}
	return err
}

// render writes the page as its connection.
func (l *listPage) render(w *nftWriter, sel ast.SelectionSet) {
	switch l.root {
	case "registrations":
		connectionOf(w, sel, "Registration", l.regPage, w.registration)
	case "usedNullifiers":
		connectionOf(w, sel, "NullifierUse", l.usePage, w.use)
	case "reuseAttempts":
		connectionOf(w, sel, "ReuseAttempt", l.reusePage, w.reuse)
	case "badgeClaims":
		connectionOf(w, sel, "BadgeClaim", l.claimPage, w.claim)
	case "badges":
		connectionOf(w, sel, "Badge", l.holdPage, w.badge)
	}
}

// connectionOf writes a page of nodes of type node as its Relay
// connection (nodeConnection, nodeEdge).
func connectionOf[T any](w *nftWriter, sel ast.SelectionSet, node string, pg store.PageOf[T], item func(ast.SelectionSet, *T)) {
	w.object(sel, node+"Connection", func(f graphql.CollectedField) {
		switch f.Name {
		case "totalCount":
			w.put(graphql.MarshalInt(pg.Total))
		case "nodes":
			w.buf.WriteByte('[')
			for i := range pg.Rows {
				if i > 0 {
					w.buf.WriteByte(',')
				}
				item(f.Selections, &pg.Rows[i])
			}
			w.buf.WriteByte(']')
		case "edges":
			w.buf.WriteByte('[')
			for i := range pg.Rows {
				if i > 0 {
					w.buf.WriteByte(',')
				}
				w.object(f.Selections, node+"Edge", func(e graphql.CollectedField) {
					switch e.Name {
					case "cursor":
						w.put(graphql.MarshalString(pg.Cursors[i]))
					case "node":
						item(e.Selections, &pg.Rows[i])
					}
				})
			}
			w.buf.WriteByte(']')
		case "pageInfo":
			w.object(f.Selections, "PageInfo", func(p graphql.CollectedField) {
				switch p.Name {
				case "hasNextPage":
					w.put(graphql.MarshalBoolean(pg.HasNext))
				case "hasPreviousPage":
					w.put(graphql.MarshalBoolean(pg.HasPrevious))
				case "startCursor", "endCursor":
					if len(pg.Cursors) == 0 {
						w.buf.WriteString("null")
						return
					}
					c := pg.Cursors[0]
					if p.Name == "endCursor" {
						c = pg.Cursors[len(pg.Cursors)-1]
					}
					w.put(graphql.MarshalString(c))
				}
			})
		}
	})
}

func (w *nftWriter) use(sel ast.SelectionSet, u *store.NullifierUse) {
	w.object(sel, "NullifierUse", func(f graphql.CollectedField) {
		switch f.Name {
		case "nullifier":
			w.put(scalar.MarshalBytes32(u.Nullifier))
		case "contract":
			w.put(scalar.MarshalAddress(u.Contract))
		case "event":
			w.put(graphql.MarshalString(u.Event))
		case "player":
			w.put(scalar.MarshalAddress(u.Player))
		case "claimedXP":
			w.put(scalar.MarshalBigInt(u.ClaimedXP))
		case "threshold":
			scalar.MarshalBigInt(u.Threshold).MarshalGQL(&w.buf) // nullable
		case "verified":
			w.put(graphql.MarshalBoolean(u.Verified))
		case "txHash":
			w.put(scalar.MarshalBytes32(u.TxHash))
		case "logIndex":
			w.put(graphql.MarshalInt32(u.LogIndex))
		case "block":
			w.position(f.Selections, &u.Position)
		}
	})
}

func (w *nftWriter) reuse(sel ast.SelectionSet, r *store.ReuseAttempt) {
	w.object(sel, "ReuseAttempt", func(f graphql.CollectedField) {
		switch f.Name {
		case "nullifier":
			w.put(scalar.MarshalBytes32(r.Nullifier))
		case "contract":
			w.put(scalar.MarshalAddress(r.Contract))
		case "player":
			w.put(scalar.MarshalAddress(r.Player))
		case "kind":
			model.ReuseKind(r.Kind).MarshalGQL(&w.buf)
		case "claimedXP":
			scalar.MarshalBigInt(r.ClaimedXP).MarshalGQL(&w.buf) // nullable
		case "txHash":
			w.put(scalar.MarshalBytes32(r.TxHash))
		case "logIndex":
			w.put(graphql.MarshalInt32(r.LogIndex))
		case "block":
			w.position(f.Selections, &r.Position)
		}
	})
}

func (w *nftWriter) claim(sel ast.SelectionSet, c *store.BadgeClaim) {
	w.object(sel, "BadgeClaim", func(f graphql.CollectedField) {
		switch f.Name {
		case "contract":
			w.put(scalar.MarshalAddress(c.Contract))
		case "standard":
			model.TokenStandard(c.Standard).MarshalGQL(&w.buf)
		case "player":
			w.put(scalar.MarshalAddress(c.Player))
		case "tokenId":
			w.put(scalar.MarshalBigInt(c.TokenID))
		case "xpEarned":
			w.put(scalar.MarshalBigInt(c.XPEarned))
		case "season":
			w.put(scalar.MarshalBigInt(c.Season))
		case "runId":
			scalar.MarshalBigInt(c.RunID).MarshalGQL(&w.buf) // nullable
		case "tier":
			t := model.TierParticipation // as the resolver: out of range is the lowest
			if c.Tier >= 0 && int(c.Tier) < len(tiers) {
				t = tiers[c.Tier]
			}
			t.MarshalGQL(&w.buf)
		case "txHash":
			w.put(scalar.MarshalBytes32(c.TxHash))
		case "logIndex":
			w.put(graphql.MarshalInt32(c.LogIndex))
		case "block":
			w.position(f.Selections, &c.Position)
		}
	})
}

func (w *nftWriter) badge(sel ast.SelectionSet, h *store.Holding) {
	w.object(sel, "Badge", func(f graphql.CollectedField) {
		switch f.Name {
		case "chain":
			w.put(graphql.MarshalString(h.Chain))
		case "contract":
			w.put(scalar.MarshalAddress(h.Contract))
		case "standard":
			model.TokenStandard(h.Standard).MarshalGQL(&w.buf)
		case "tokenId":
			w.put(scalar.MarshalBigInt(h.TokenID))
		case "holder":
			w.put(scalar.MarshalAddress(h.Holder))
		case "balance":
			w.put(scalar.MarshalBigInt(h.Balance))
		case "claim":
			if h.Claim == nil {
				w.buf.WriteString("null")
				return
			}
			w.claim(f.Selections, h.Claim)
		}
	})
}
