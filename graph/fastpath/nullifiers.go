// Package fastpath answers the XP verifier's hot path — nullifier lookups,
// up to 1,000 hashes a request, many requests a second — without gqlgen's
// per-item execution, and hands gqlgen everything else.
package fastpath

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/graph/scalar"
	"github.com/herald-indexer/herald/store"
)

// Nullifiers answers nullifier lookups without gqlgen's
// per-item execution: that costs a goroutine and a dozen field resolutions
// per hash, several times the database's share. It takes only queries made
// entirely of nullifier/nullifiers fields whose selections it knows, with
// valid arguments; anything else — another field, a bad hash, too many
// hashes, a database error — is executed by gqlgen as before, which also
// writes every error. TestNullifierFastPathMatchesExecutor holds the two
// to the same bytes, field by field.
//
// It sits in the executable schema, so limits, complexity, APQ and the
// response interceptors (metrics, request scope, statement timeout) apply
// as to any query.
type Nullifiers struct {
	graphql.ExecutableSchema
	st        *store.Store
	tips      func() *cache.Tips
	maxHashes int
	answered  atomic.Int64
}

// New is es with nullifier lookups answered from st, with confirmations
// counted from the tips tips returns. It fails when es's schema does not
// have the fields and types this path renders as it renders them.
func New(es graphql.ExecutableSchema, st *store.Store, tips func() *cache.Tips, maxHashes int) (*Nullifiers, error) {
	if err := checkSchema(es.Schema()); err != nil {
		return nil, fmt.Errorf("nullifier fast path: %w", err)
	}
	return &Nullifiers{ExecutableSchema: es, st: st, tips: tips, maxHashes: maxHashes}, nil
}

// Answered is how many queries the fast path answered.
func (s *Nullifiers) Answered() int64 { return s.answered.Load() }

func (s *Nullifiers) Exec(ctx context.Context) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	plan, ok := planNullifierQuery(op, s.maxHashes)
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

// nullifierQuery is a query the fast path answers: its root fields.
type nullifierQuery struct {
	op     *graphql.OperationContext
	fields []nullifierField
	cols   store.NullifierColumns // what its selections render
}

type nullifierField struct {
	graphql.CollectedField
	list   bool     // nullifiers (a list) rather than nullifier
	hashes []string // normalised
}

func planNullifierQuery(op *graphql.OperationContext, maxHashes int) (nullifierQuery, bool) {
	q := nullifierQuery{op: op}
	if op.Operation == nil || op.Operation.Operation != ast.Query {
		return q, false
	}
	for _, f := range graphql.CollectFields(op, op.Operation.SelectionSet, []string{"Query"}) {
		nf := nullifierField{CollectedField: f}
		args := f.ArgumentMap(op.Variables)
		switch f.Name {
		case "__typename":
		case "nullifier":
			h, err := scalar.UnmarshalBytes32(args["hash"])
			if err != nil {
				return q, false
			}
			nf.hashes = []string{h}
		case "nullifiers":
			raw := graphql.CoerceList(args["hashes"])
			if args["hashes"] == nil || len(raw) > maxHashes {
				return q, false
			}
			nf.list, nf.hashes = true, make([]string, len(raw))
			for i, v := range raw {
				h, err := scalar.UnmarshalBytes32(v)
				if err != nil {
					return q, false
				}
				nf.hashes[i] = h
			}
		default:
			return q, false
		}
		if f.Name != "__typename" && !knownSelections(op, f.Selections, "NullifierStatus", &q.cols) {
			return q, false
		}
		q.fields = append(q.fields, nf)
	}
	return q, len(q.fields) > 0
}

// selectable are the fields the fast path renders, by type: the GraphQL
// type it renders each as, the columns each needs beyond those always read,
// and for an object field the type it selects. checkSchema holds it to the
// schema when the gateway starts.
var selectable = map[string]map[string]selectableField{
	"NullifierStatus": {
		"__typename": {typ: "String!"}, "hash": {typ: "Bytes32!"}, "used": {typ: "Boolean!"},
		"uses": {typ: "[NullifierUse!]!", child: "NullifierUse"},
	},
	"NullifierUse": {
		"__typename": {typ: "String!"}, "nullifier": {typ: "Bytes32!"}, "logIndex": {typ: "Int!"}, "verified": {typ: "Boolean!"},
		"contract":  {typ: "Address!", cols: store.NullifierContract},
		"event":     {typ: "String!", cols: store.NullifierEvent},
		"player":    {typ: "Address!", cols: store.NullifierPlayer},
		"claimedXP": {typ: "BigInt!", cols: store.NullifierClaimedXP},
		"threshold": {typ: "BigInt", cols: store.NullifierThreshold},
		"txHash":    {typ: "Bytes32!", cols: store.NullifierTxHash},
		"block":     {typ: "BlockPosition!", child: "BlockPosition"},
	},
	"BlockPosition": {
		"__typename": {typ: "String!"}, "chain": {typ: "String!"}, "height": {typ: "Int!"}, "confirmations": {typ: "Int!"},
		"hash": {typ: "String!", cols: store.NullifierBlockHash},
		"time": {typ: "Time!", cols: store.NullifierBlockTime},
	},
}

// roots are the query fields the fast path answers, with their types.
var roots = map[string]string{"nullifier": "NullifierStatus!", "nullifiers": "[NullifierStatus!]!"}

// checkSchema reports where schema disagrees with what the nullifier fast
// path renders.
func checkSchema(schema *ast.Schema) error { return checkFields(schema, roots, selectable) }

// knownSelections reports whether the fast path renders every field of sel
// and adds the columns they need to cols.
func knownSelections(op *graphql.OperationContext, sel ast.SelectionSet, typ string, cols *store.NullifierColumns) bool {
	for _, f := range graphql.CollectFields(op, sel, []string{typ}) {
		s, ok := selectable[typ][f.Name]
		if !ok || (s.child != "" && !knownSelections(op, f.Selections, s.child, cols)) {
			return false
		}
		*cols |= s.cols
	}
	return true
}

// run reads the nullifiers and renders the response; ok false sends the
// query to gqlgen instead.
func (q nullifierQuery) run(ctx context.Context, s *Nullifiers) (data []byte, ok bool) {
	ctx, span := otel.Tracer("github.com/herald-indexer/herald/graph").Start(ctx, "Query/nullifiers")
	defer span.End()
	var hashes []string
	for _, f := range q.fields {
		hashes = append(hashes, f.hashes...)
	}
	uses, err := s.st.NullifiersByHash(ctx, hashes, q.cols)
	if err != nil {
		return nil, false
	}
	w := nullifierWriter{render: render{op: q.op}, q: q, ctx: ctx, s: s}
	w.buf.Grow(64 + 256*len(hashes))
	w.buf.WriteByte('{')
	for i, f := range q.fields {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.name(f.Alias)
		switch {
		case f.Name == "__typename":
			graphql.MarshalString("Query").MarshalGQL(&w.buf)
		case f.list:
			w.buf.WriteByte('[')
			for j, h := range f.hashes {
				if j > 0 {
					w.buf.WriteByte(',')
				}
				w.status(f.Selections, h, uses[0])
				uses = uses[1:]
			}
			w.buf.WriteByte(']')
		default:
			w.status(f.Selections, f.hashes[0], uses[0])
			uses = uses[1:]
		}
	}
	w.buf.WriteByte('}')
	if w.failed {
		return nil, false
	}
	return w.buf.Bytes(), true
}

// nullifierWriter renders nullifier statuses.
type nullifierWriter struct {
	render
	q    nullifierQuery
	ctx  context.Context
	s    *Nullifiers
	tips *cache.Tips
}

func (w *nullifierWriter) status(sel ast.SelectionSet, hash string, uses []store.NullifierUse) {
	w.object(sel, "NullifierStatus", func(f graphql.CollectedField) {
		switch f.Name {
		case "hash":
			w.put(scalar.MarshalBytes32(hash))
		case "used":
			w.put(graphql.MarshalBoolean(len(uses) > 0))
		case "uses":
			w.buf.WriteByte('[')
			for i := range uses {
				if i > 0 {
					w.buf.WriteByte(',')
				}
				w.use(f.Selections, &uses[i])
			}
			w.buf.WriteByte(']')
		}
	})
}

func (w *nullifierWriter) use(sel ast.SelectionSet, u *store.NullifierUse) {
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
			w.block(f.Selections, &u.Position)
		}
	})
}

func (w *nullifierWriter) block(sel ast.SelectionSet, p *store.Position) {
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
			if w.tips == nil {
				w.tips = w.s.tips()
			}
			tip, err := w.tips.Covering(w.ctx, p.Chain, p.BlockHeight)
			if err != nil {
				w.failed = true
				return
			}
			w.put(graphql.MarshalInt(int(domain.Confirmations(tip.Height, p.BlockHeight))))
		}
	})
}
