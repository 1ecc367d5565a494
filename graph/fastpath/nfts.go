package fastpath

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel"
	"golang.org/x/sync/errgroup"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/paging"
	"github.com/herald-indexer/herald/graph/scalar"
	"github.com/herald-indexer/herald/store"
)

// NFTs answers NFT status queries — `nft` and `nfts`, a marketplace's page
// of up to 500 NFTs — from the status cache, and lists (`registrations`,
// `badges` and the other list roots, see listPage) and players (`player`,
// see playerPlan) from the store, without gqlgen's
// per-field execution. A page of 100 NFTs with their first 20 registrations is some
// 2,000 objects and 10,000 fields: executed by gqlgen it cost 35–59 ms of
// CPU with every answer already cached (issue #13), a hundred times what
// reading the cache costs. Like Nullifiers it takes only queries whose
// every field it knows, with valid arguments, reads what the resolvers
// read (the status cache, then the store for what it lacks, kept in the
// cache under the same version rules), and hands everything else — errors
// included — to gqlgen. TestNFTFastPathMatchesExecutor holds the two to
// the same bytes.
type NFTs struct {
	graphql.ExecutableSchema
	st       *store.Store
	status   *cache.Status
	lim      limits.Limits
	answered atomic.Int64
}

// NewNFTs is es with NFT status queries answered from status and st.
func NewNFTs(es graphql.ExecutableSchema, st *store.Store, status *cache.Status, lim limits.Limits) (*NFTs, error) {
	if err := checkFields(es.Schema(), nftRoots, nftSelectable); err != nil {
		return nil, fmt.Errorf("NFT fast path: %w", err)
	}
	return &NFTs{ExecutableSchema: es, st: st, status: status, lim: lim}, nil
}

// Answered is how many queries the NFT fast path answered.
func (s *NFTs) Answered() int64 { return s.answered.Load() }

func (s *NFTs) Exec(ctx context.Context) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	plan, ok := s.plan(op)
	if !ok {
		return s.ExecutableSchema.Exec(ctx)
	}
	done := false
	return func(rctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		if data, ok := plan.run(rctx, s); ok {
			s.answered.Add(1)
			return &graphql.Response{Data: data}
		}
		return s.ExecutableSchema.Exec(ctx)(rctx)
	}
}

var nftRoots = map[string]string{
	"nft": "NFT!", "nfts": "[NFT!]!", "registrations": "RegistrationConnection!", "usedNullifiers": "NullifierUseConnection!",
	"reuseAttempts": "ReuseAttemptConnection!", "badgeClaims": "BadgeClaimConnection!", "badges": "BadgeConnection!", "player": "Player!",
}

// nftSelectable are the fields the NFT fast path renders, by type (see
// selectable). Fields it leaves to gqlgen: a registration's nft and
// record, a record's registration and problems.
var nftSelectable = map[string]map[string]selectableField{
	"NFT": {
		"__typename": {typ: "String!"}, "id": {typ: "InscriptionID!"}, "isRegistered": {typ: "Boolean!"},
		"lastRegistration": {typ: "Registration", child: "Registration"}, "registrationCount": {typ: "Int!"},
		"registrations": {typ: "RegistrationConnection!", child: "RegistrationConnection"},
		"record":        {typ: "RegistrationRecord", child: "RegistrationRecord"},
		"confirmations": {typ: "Int!"}, "lastUpdated": {typ: "ChainTip", child: "ChainTip"},
	},
	"ChainTip": {"__typename": {typ: "String!"}, "chain": {typ: "String!"}, "height": {typ: "Int!"}, "hash": {typ: "String!"}, "time": {typ: "Time!"}},
	"Registration": {
		"__typename": {typ: "String!"}, "txid": {typ: "TxID!"}, "inscriptionId": {typ: "InscriptionID!"},
		"collection": {typ: "Collection", child: "Collection"}, "collectionName": {typ: "String!"},
		"status": {typ: "RegistrationStatus!"}, "isValid": {typ: "Boolean!"}, "paidSats": {typ: "Int!"},
		"minFeeSats": {typ: "Int!"}, "creator": {typ: "String!"}, "expiryHeight": {typ: "Int!"}, "txIndex": {typ: "Int!"},
		"block": {typ: "BlockPosition!", child: "BlockPosition"},
	},
	"Collection": {
		"__typename": {typ: "String!"}, "chain": {typ: "String!"}, "name": {typ: "String!"}, "creator": {typ: "String!"},
		"minFeeSats": {typ: "Int!"}, "minConfirmations": {typ: "Int!"},
	},
	"RegistrationRecord": {
		"__typename": {typ: "String!"}, "inscriptionId": {typ: "InscriptionID!"}, "parent": {typ: "String!"},
		"envelopeParents": {typ: "[String!]!"}, "paidTo": {typ: "String!"}, "feeSats": {typ: "Int!"}, "feeTxid": {typ: "String!"},
		"timestamp": {typ: "String!"}, "unbound": {typ: "Boolean!"}, "body": {typ: "String!"},
		"block": {typ: "BlockPosition!", child: "BlockPosition"},
	},
	"BlockPosition": {
		"__typename": {typ: "String!"}, "chain": {typ: "String!"}, "height": {typ: "Int!"}, "hash": {typ: "String!"},
		"time": {typ: "Time!"}, "confirmations": {typ: "Int!"},
	},
	"RegistrationConnection": {
		"__typename": {typ: "String!"}, "edges": {typ: "[RegistrationEdge!]!", child: "RegistrationEdge"},
		"nodes": {typ: "[Registration!]!", child: "Registration"}, "pageInfo": {typ: "PageInfo!", child: "PageInfo"},
		"totalCount": {typ: "Int!"},
	},
	"RegistrationEdge": {"__typename": {typ: "String!"}, "cursor": {typ: "String!"}, "node": {typ: "Registration!", child: "Registration"}},
	"NullifierUse": {
		"__typename": {typ: "String!"}, "nullifier": {typ: "Bytes32!"}, "contract": {typ: "Address!"}, "event": {typ: "String!"},
		"player": {typ: "Address!"}, "claimedXP": {typ: "BigInt!"}, "threshold": {typ: "BigInt"}, "verified": {typ: "Boolean!"},
		"txHash": {typ: "Bytes32!"}, "logIndex": {typ: "Int!"}, "block": {typ: "BlockPosition!", child: "BlockPosition"},
	},
	"ReuseAttempt": {
		"__typename": {typ: "String!"}, "nullifier": {typ: "Bytes32!"}, "contract": {typ: "Address!"}, "player": {typ: "Address!"},
		"kind": {typ: "ReuseKind!"}, "claimedXP": {typ: "BigInt"}, "txHash": {typ: "Bytes32!"}, "logIndex": {typ: "Int!"},
		"block": {typ: "BlockPosition!", child: "BlockPosition"},
	},
	"BadgeClaim": {
		"__typename": {typ: "String!"}, "contract": {typ: "Address!"}, "standard": {typ: "TokenStandard!"}, "player": {typ: "Address!"},
		"tokenId": {typ: "BigInt!"}, "xpEarned": {typ: "BigInt!"}, "season": {typ: "BigInt!"}, "runId": {typ: "BigInt"},
		"tier": {typ: "Tier!"}, "txHash": {typ: "Bytes32!"}, "logIndex": {typ: "Int!"}, "block": {typ: "BlockPosition!", child: "BlockPosition"},
	},
	"NullifierUseConnection": {
		"__typename": {typ: "String!"}, "edges": {typ: "[NullifierUseEdge!]!", child: "NullifierUseEdge"},
		"nodes": {typ: "[NullifierUse!]!", child: "NullifierUse"}, "pageInfo": {typ: "PageInfo!", child: "PageInfo"}, "totalCount": {typ: "Int!"},
	},
	"NullifierUseEdge": {"__typename": {typ: "String!"}, "cursor": {typ: "String!"}, "node": {typ: "NullifierUse!", child: "NullifierUse"}},
	"ReuseAttemptConnection": {
		"__typename": {typ: "String!"}, "edges": {typ: "[ReuseAttemptEdge!]!", child: "ReuseAttemptEdge"},
		"nodes": {typ: "[ReuseAttempt!]!", child: "ReuseAttempt"}, "pageInfo": {typ: "PageInfo!", child: "PageInfo"}, "totalCount": {typ: "Int!"},
	},
	"ReuseAttemptEdge": {"__typename": {typ: "String!"}, "cursor": {typ: "String!"}, "node": {typ: "ReuseAttempt!", child: "ReuseAttempt"}},
	"BadgeClaimConnection": {
		"__typename": {typ: "String!"}, "edges": {typ: "[BadgeClaimEdge!]!", child: "BadgeClaimEdge"},
		"nodes": {typ: "[BadgeClaim!]!", child: "BadgeClaim"}, "pageInfo": {typ: "PageInfo!", child: "PageInfo"}, "totalCount": {typ: "Int!"},
	},
	"BadgeClaimEdge": {"__typename": {typ: "String!"}, "cursor": {typ: "String!"}, "node": {typ: "BadgeClaim!", child: "BadgeClaim"}},
	"Badge": {
		"__typename": {typ: "String!"}, "chain": {typ: "String!"}, "contract": {typ: "Address!"}, "standard": {typ: "TokenStandard!"},
		"tokenId": {typ: "BigInt!"}, "holder": {typ: "Address!"}, "balance": {typ: "BigInt!"}, "claim": {typ: "BadgeClaim", child: "BadgeClaim"},
	},
	"BadgeConnection": {
		"__typename": {typ: "String!"}, "edges": {typ: "[BadgeEdge!]!", child: "BadgeEdge"},
		"nodes": {typ: "[Badge!]!", child: "Badge"}, "pageInfo": {typ: "PageInfo!", child: "PageInfo"}, "totalCount": {typ: "Int!"},
	},
	"BadgeEdge": {"__typename": {typ: "String!"}, "cursor": {typ: "String!"}, "node": {typ: "Badge!", child: "Badge"}},
	"Player": {
		"__typename": {typ: "String!"}, "address": {typ: "Address!"}, "xp": {typ: "BigInt!"}, "verifiedUses": {typ: "Int!"},
		"badges": {typ: "BadgeConnection!", child: "BadgeConnection"}, "claims": {typ: "BadgeClaimConnection!", child: "BadgeClaimConnection"},
		"nullifiers": {typ: "NullifierUseConnection!", child: "NullifierUseConnection"},
	},
	"PageInfo": {
		"__typename": {typ: "String!"}, "hasNextPage": {typ: "Boolean!"}, "hasPreviousPage": {typ: "Boolean!"},
		"endCursor": {typ: "String"}, "startCursor": {typ: "String"},
	},
}

// nftQuery is a query the NFT fast path answers.
type nftQuery struct {
	op     *graphql.OperationContext
	fields []nftField
	// What the selections need, over every NFT of the query.
	summary, records bool
	pages            []cache.PageKey // one per distinct registrations(...) field, ID left empty
	ids              []string        // every NFT asked about, in order, repeats kept
}

type nftField struct {
	graphql.CollectedField
	many bool // nfts rather than nft
	ids  []string
	// list is the page a list root field asks for.
	list *listPage
	// player is a player field's plan.
	player *playerPlan
}

func (s *NFTs) plan(op *graphql.OperationContext) (nftQuery, bool) {
	q := nftQuery{op: op}
	if op.Operation == nil || op.Operation.Operation != ast.Query {
		return q, false
	}
	asked := false
	for _, f := range graphql.CollectFields(op, op.Operation.SelectionSet, []string{"Query"}) {
		nf := nftField{CollectedField: f}
		args := f.ArgumentMap(op.Variables)
		switch f.Name {
		case "__typename":
			q.fields = append(q.fields, nf)
			continue
		case "nft":
			id, err := scalar.UnmarshalInscriptionID(args["id"])
			if err != nil {
				return q, false
			}
			nf.ids = []string{id}
		case "player":
			p, ok := s.planPlayer(op, f)
			if !ok {
				return q, false
			}
			nf.player = p
			q.fields = append(q.fields, nf)
			asked = true
			continue
		case "registrations", "usedNullifiers", "reuseAttempts", "badgeClaims", "badges":
			l, ok := s.planList(op, f)
			if !ok || !knownFields(op, nftSelectable, f.Selections, listConnections[f.Name]) {
				return q, false
			}
			nf.list = l
			q.fields = append(q.fields, nf)
			asked = true
			continue
		case "nfts":
			raw := graphql.CoerceList(args["ids"])
			if args["ids"] == nil || len(raw) > s.lim.MaxNFTIDs {
				return q, false
			}
			nf.many, nf.ids = true, make([]string, len(raw))
			for i, v := range raw {
				id, err := scalar.UnmarshalInscriptionID(v)
				if err != nil {
					return q, false
				}
				nf.ids[i] = id
			}
		default:
			return q, false
		}
		if !s.knownNFT(op, &q, f.Selections) {
			return q, false
		}
		q.fields = append(q.fields, nf)
		q.ids = append(q.ids, nf.ids...)
		asked = true
	}
	return q, asked
}

// knownNFT reports whether the fast path renders every field of an NFT
// selection, and notes what they need.
func (s *NFTs) knownNFT(op *graphql.OperationContext, q *nftQuery, sel ast.SelectionSet) bool {
	for _, f := range graphql.CollectFields(op, sel, []string{"NFT"}) {
		sf, ok := nftSelectable["NFT"][f.Name]
		if !ok || (sf.child != "" && !knownFields(op, nftSelectable, f.Selections, sf.child)) {
			return false
		}
		switch f.Name {
		case "isRegistered", "lastRegistration", "registrationCount", "confirmations", "lastUpdated":
			q.summary = true
		case "record":
			q.summary, q.records = true, true
		case "registrations":
			k, ok := s.pageKey(op, f)
			if !ok {
				return false
			}
			if !containsKey(q.pages, k) {
				q.pages = append(q.pages, k)
			}
		}
	}
	return true
}

// pageKey is the page a registrations field asks for, as its resolver
// reads its arguments; false for arguments the resolver reports as errors.
func (s *NFTs) pageKey(op *graphql.OperationContext, f graphql.CollectedField) (cache.PageKey, bool) {
	args := f.ArgumentMap(op.Variables)
	var k cache.PageKey
	a, ok := paging.Read(f.Field, op.Variables, args)
	if !ok {
		return k, false
	}
	p, perr := paging.Page(a, s.lim.DefaultPageSize, s.lim.MaxPageSize, true)
	if perr != nil {
		return k, false
	}
	paging.Want(op, f.Selections, "RegistrationConnection", &p)
	k.Page = p
	var status []string
	for _, v := range graphql.CoerceList(args["status"]) {
		var st store.RegistrationStatus
		switch x := v.(type) {
		case string:
			st = store.RegistrationStatus(x)
		case store.RegistrationStatus:
			st = x
		default:
			return k, false
		}
		if _, ok := statusNames[st]; !ok {
			return k, false
		}
		status = append(status, string(st))
	}
	k.Status = cache.StatusKey(status)
	return k, true
}

var statusNames = map[store.RegistrationStatus]string{
	store.StatusValid: "VALID", store.StatusUnderpaid: "UNDERPAID", store.StatusExpired: "EXPIRED", store.StatusMultiplePayloads: "MULTIPLE_PAYLOADS",
}

func containsKey(ks []cache.PageKey, k cache.PageKey) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// nftData is what a query's answer is rendered from.
type nftData struct {
	sums    map[string]store.NFTSummary
	records map[string]*store.RegistrationRecord // by NFT
	pages   map[cache.PageKey]store.PageOf[store.Registration]
}

// load reads what the query renders: from the status cache, and what it
// lacks from the store, kept in the cache as the resolvers keep it. What
// does not depend on anything else is read at once, each on its own
// connection: an NFT nobody asked about costs the longest of its reads
// (summary then record; a page and its count), not their sum.
func (q nftQuery) load(ctx context.Context, s *NFTs, w *nftWriter) (nftData, error) {
	d := nftData{records: map[string]*store.RegistrationRecord{}, pages: map[cache.PageKey]store.PageOf[store.Registration]{}}
	ids := unique(q.ids)
	version := s.status.Version()
	g, gctx := errgroup.WithContext(ctx)
	if q.summary {
		g.Go(func() error {
			sums, err := s.status.Summaries(gctx, ids)
			if err != nil {
				return err
			}
			d.sums = make(map[string]store.NFTSummary, len(ids))
			for i, id := range ids {
				d.sums[id] = sums[i]
			}
			if q.records {
				return q.loadRecords(gctx, s, ids, d, version)
			}
			return nil
		})
	}
	pages := make([]map[cache.PageKey]store.PageOf[store.Registration], len(q.pages))
	for i, k := range q.pages {
		g.Go(func() error {
			var err error
			pages[i], err = loadPages(gctx, s, ids, k, version)
			return err
		})
	}
	if q.summary {
		// Chain tips and collections, which the NFT's own fields need:
		// read now rather than while rendering.
		g.Go(func() error {
			if _, err := w.tipView.All(gctx); err != nil {
				return err
			}
			w.cols()
			return nil
		})
	}
	for i := range q.fields {
		if l := q.fields[i].list; l != nil {
			g.Go(func() error { return l.load(gctx, s.st) }) // a bad cursor: gqlgen says so
		}
		if p := q.fields[i].player; p != nil {
			p.load(gctx, s.st, g.Go)
		}
	}
	if err := g.Wait(); err != nil {
		return d, err
	}
	for _, m := range pages {
		maps.Copy(d.pages, m)
	}
	return d, nil
}

// loadRecords reads the records of the NFTs' last registrations.
func (q nftQuery) loadRecords(ctx context.Context, s *NFTs, ids []string, d nftData, version uint64) error {
	var txids, owners []string
	for _, id := range ids {
		last := d.sums[id].Last
		if last == nil {
			continue
		}
		if rec, ok := s.status.PeekRecord(id); ok {
			d.records[id] = rec
			continue
		}
		txids, owners = append(txids, last.TxID), append(owners, id)
	}
	if len(txids) == 0 {
		return nil
	}
	recs, err := s.st.RecordsByFeeTxID(ctx, txids)
	if err != nil {
		return err
	}
	for i, id := range owners {
		d.records[id] = recs[i]
		s.status.PutRecord(id, version, recs[i])
	}
	return nil
}

// loadPages reads one page of each NFT's registrations.
func loadPages(ctx context.Context, s *NFTs, ids []string, k cache.PageKey, version uint64) (map[cache.PageKey]store.PageOf[store.Registration], error) {
	out := make(map[cache.PageKey]store.PageOf[store.Registration], len(ids))
	var missing []string
	for _, id := range ids {
		k.ID = id
		if pg, ok := s.status.PeekPage(k); ok {
			out[k] = pg
			continue
		}
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		return out, nil
	}
	var status []string
	if k.Status != "" {
		status = strings.Split(k.Status, ",")
	}
	pages, err := s.st.RegistrationsOfNFTs(ctx, missing, status, k.Page)
	if err != nil {
		return nil, err // a bad cursor among them: gqlgen says so
	}
	for i, id := range missing {
		k.ID = id
		out[k] = pages[i]
		s.status.PutPage(k, version, pages[i])
	}
	return out, nil
}

func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (q nftQuery) run(ctx context.Context, s *NFTs) ([]byte, bool) {
	ctx, span := otel.Tracer("github.com/herald-indexer/herald/graph").Start(ctx, "Query/nfts")
	defer span.End()
	w := nftWriter{render: render{op: q.op}, s: s, ctx: ctx, keys: map[*ast.Field]cache.PageKey{}, tipView: s.status.Tips()}
	d, err := q.load(ctx, s, &w)
	if err != nil || w.failed {
		return nil, false
	}
	w.d = d
	w.buf.Grow(256 + 1024*len(q.ids))
	w.buf.WriteByte('{')
	for i, f := range q.fields {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.name(f.Alias)
		switch {
		case f.Name == "__typename":
			graphql.MarshalString("Query").MarshalGQL(&w.buf)
		case f.list != nil:
			f.list.render(&w, f.Selections)
		case f.player != nil:
			w.player(f.Selections, f.player)
		case f.many:
			w.buf.WriteByte('[')
			for j, id := range f.ids {
				if j > 0 {
					w.buf.WriteByte(',')
				}
				w.nft(f.Selections, id)
			}
			w.buf.WriteByte(']')
		default:
			w.nft(f.Selections, f.ids[0])
		}
	}
	w.buf.WriteByte('}')
	if w.failed {
		return nil, false
	}
	return w.buf.Bytes(), true
}

type nftWriter struct {
	render
	d   nftData
	s   *NFTs
	ctx context.Context
	// keys are the registrations fields' pages, as planned.
	keys map[*ast.Field]cache.PageKey
	// Chain tips and collections, read on first use (once per response,
	// as the resolvers read them).
	tipView  *cache.Tips
	colsRead bool
	colsMap  map[string]store.Collection
}

// tip is chain's tip for a row at height (cache.Tips.Covering).
func (w *nftWriter) tip(chain string, height int64) store.Cursor {
	tip, err := w.tipView.Covering(w.ctx, chain, height)
	if err != nil {
		w.failed = true
	}
	return tip
}

func (w *nftWriter) allTips() map[string]store.Cursor {
	tips, err := w.tipView.All(w.ctx)
	if err != nil {
		w.failed = true
	}
	return tips
}

func (w *nftWriter) cols() map[string]store.Collection {
	if !w.colsRead {
		w.colsRead = true
		var err error
		if w.colsMap, err = w.s.status.Collections(w.ctx); err != nil {
			w.failed = true
		}
	}
	return w.colsMap
}

func (w *nftWriter) nft(sel ast.SelectionSet, id string) {
	sum := w.d.sums[id]
	w.object(sel, "NFT", func(f graphql.CollectedField) {
		switch f.Name {
		case "id":
			w.put(scalar.MarshalInscriptionID(id))
		case "isRegistered":
			registered := false
			for _, o := range sum.Oldest {
				registered = registered || domain.Registers(w.tip(o.Chain, o.Height).Height, o.Height, w.cols()[cache.CollectionKey(o.Chain, o.Collection)].MinConfirmations)
			}
			w.put(graphql.MarshalBoolean(registered))
		case "registrationCount":
			w.put(graphql.MarshalInt(int(sum.ValidCount)))
		case "confirmations":
			n := 0
			if sum.Last != nil {
				n = int(domain.Confirmations(w.tip(sum.Last.Chain, sum.Last.BlockHeight).Height, sum.Last.BlockHeight))
			}
			w.put(graphql.MarshalInt(n))
		case "lastRegistration":
			if sum.Last == nil {
				w.buf.WriteString("null")
				return
			}
			w.registration(f.Selections, sum.Last)
		case "record":
			rec := w.d.records[id]
			if sum.Last == nil || rec == nil {
				w.buf.WriteString("null")
				return
			}
			w.record(f.Selections, rec)
		case "lastUpdated":
			w.lastUpdated(f.Selections, sum)
		case "registrations":
			k, ok := w.plannedKey(f)
			if !ok {
				w.failed = true
				return
			}
			k.ID = id
			w.connection(f.Selections, w.d.pages[k])
		}
	})
}

// plannedKey is the page key of a registrations field, as planned (it is
// the same for every NFT: worked out once).
func (w *nftWriter) plannedKey(f graphql.CollectedField) (cache.PageKey, bool) {
	if k, ok := w.keys[f.Field]; ok {
		return k, true
	}
	k, ok := w.s.pageKey(w.op, f)
	if ok {
		w.keys[f.Field] = k
	}
	return k, ok
}

func (w *nftWriter) lastUpdated(sel ast.SelectionSet, sum store.NFTSummary) {
	var tip *store.Cursor
	if sum.Last != nil {
		t := w.tip(sum.Last.Chain, sum.Last.BlockHeight)
		tip = &t
	} else {
		// As the resolver: the Bitcoin chain (one with collections) that
		// indexed least recently.
		for _, t := range w.allTips() {
			if !w.hasCollections(t.Chain) {
				continue
			}
			if tip == nil || t.UpdatedAt.Before(tip.UpdatedAt) {
				t := t
				tip = &t
			}
		}
	}
	if tip == nil {
		w.buf.WriteString("null")
		return
	}
	w.object(sel, "ChainTip", func(f graphql.CollectedField) {
		switch f.Name {
		case "chain":
			w.put(graphql.MarshalString(tip.Chain))
		case "height":
			w.put(graphql.MarshalInt64(tip.Height))
		case "hash":
			w.put(graphql.MarshalString(tip.Hash))
		case "time":
			w.put(graphql.MarshalTime(tip.BlockTime))
		}
	})
}

func (w *nftWriter) hasCollections(chain string) bool {
	for _, c := range w.cols() {
		if c.Chain == chain {
			return true
		}
	}
	return false
}

func (w *nftWriter) registration(sel ast.SelectionSet, r *store.Registration) {
	w.object(sel, "Registration", func(f graphql.CollectedField) {
		switch f.Name {
		case "txid":
			w.put(scalar.MarshalTxID(r.TxID))
		case "inscriptionId":
			w.put(scalar.MarshalInscriptionID(r.InscriptionID))
		case "collection":
			c, ok := w.cols()[cache.CollectionKey(r.Chain, r.Collection)]
			if !ok {
				w.buf.WriteString("null")
				return
			}
			w.collection(f.Selections, &c)
		case "collectionName":
			w.put(graphql.MarshalString(r.Collection))
		case "status":
			w.put(graphql.MarshalString(statusNames[r.Status]))
		case "isValid":
			w.put(graphql.MarshalBoolean(r.Status == store.StatusValid))
		case "paidSats":
			w.put(graphql.MarshalInt64(r.PaidSats))
		case "minFeeSats":
			w.put(graphql.MarshalInt64(r.MinFeeSats))
		case "creator":
			w.put(graphql.MarshalString(r.Creator))
		case "expiryHeight":
			w.put(graphql.MarshalInt64(r.ExpiryHeight))
		case "txIndex":
			w.put(graphql.MarshalInt32(r.TxIndex))
		case "block":
			w.position(f.Selections, &r.Position)
		}
	})
}

func (w *nftWriter) collection(sel ast.SelectionSet, c *store.Collection) {
	w.object(sel, "Collection", func(f graphql.CollectedField) {
		switch f.Name {
		case "chain":
			w.put(graphql.MarshalString(c.Chain))
		case "name":
			w.put(graphql.MarshalString(c.Name))
		case "creator":
			w.put(graphql.MarshalString(c.Creator))
		case "minFeeSats":
			w.put(graphql.MarshalInt64(c.MinFeeSats))
		case "minConfirmations":
			w.put(graphql.MarshalInt64(c.MinConfirmations))
		}
	})
}

func (w *nftWriter) record(sel ast.SelectionSet, r *store.RegistrationRecord) {
	w.object(sel, "RegistrationRecord", func(f graphql.CollectedField) {
		switch f.Name {
		case "inscriptionId":
			w.put(scalar.MarshalInscriptionID(r.InscriptionID))
		case "parent":
			w.put(graphql.MarshalString(r.Parent))
		case "envelopeParents":
			if r.EnvelopeParents == nil {
				w.failed = true // null for a non-null list: gqlgen's error
				return
			}
			w.buf.WriteByte('[')
			for i, p := range r.EnvelopeParents {
				if i > 0 {
					w.buf.WriteByte(',')
				}
				w.put(graphql.MarshalString(p))
			}
			w.buf.WriteByte(']')
		case "paidTo":
			w.put(graphql.MarshalString(r.PaidTo))
		case "feeSats":
			w.put(graphql.MarshalInt64(r.FeeSats))
		case "feeTxid":
			w.put(graphql.MarshalString(r.FeeTxID))
		case "timestamp":
			w.put(graphql.MarshalString(r.Timestamp))
		case "unbound":
			w.put(graphql.MarshalBoolean(r.Unbound))
		case "body":
			w.put(graphql.MarshalString(r.Body))
		case "block":
			w.position(f.Selections, &r.Position)
		}
	})
}

func (w *nftWriter) position(sel ast.SelectionSet, p *store.Position) {
	w.object(sel, "BlockPosition", func(f graphql.CollectedField) {
		switch f.Name {
		case "chain":
			w.put(graphql.MarshalString(p.Chain))
		case "height":
			w.put(graphql.MarshalInt64(p.BlockHeight))
		case "hash":
			w.put(graphql.MarshalString(p.BlockHash))
		case "time":
			w.put(graphql.MarshalTime(p.BlockTime))
		case "confirmations":
			w.put(graphql.MarshalInt(int(domain.Confirmations(w.tip(p.Chain, p.BlockHeight).Height, p.BlockHeight))))
		}
	})
}

func (w *nftWriter) connection(sel ast.SelectionSet, pg store.PageOf[store.Registration]) {
	connectionOf(w, sel, "Registration", pg, w.registration)
}
