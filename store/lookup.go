package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"golang.org/x/sync/errgroup"
)

// Batch lookups for the gateway's dataloaders: each takes many keys and costs
// one statement, whatever the number of keys.

// NFTSummary is what the status API needs about one NFT's valid registrations.
type NFTSummary struct {
	ID string
	// Last is the valid registration with the highest (height, position).
	Last *Registration
	// ValidCount counts valid registrations.
	ValidCount int64
	// Oldest holds, per collection, the height of the oldest valid
	// registration: the one with the most confirmations.
	Oldest []CollectionHeight
}

// CollectionHeight is a height within one collection of one chain.
type CollectionHeight struct {
	Chain      string `bun:"chain"`
	Collection string `bun:"collection"`
	Height     int64  `bun:"height"`
	Count      int64  `bun:"n"`
}

// NFTSummaries returns a summary per id, aligned with ids, from the NFT
// summaries (derived state) joined to each one's newest registration: one
// statement whatever the number of ids, reading a few rows per NFT however
// many registrations it has.
func (s *Store) NFTSummaries(ctx context.Context, ids []string) ([]NFTSummary, error) {
	out := make([]NFTSummary, len(ids))
	at := make(map[string][]int, len(ids))
	for i, id := range ids {
		out[i].ID = id
		at[id] = append(at[id], i)
	}
	if len(ids) == 0 {
		return out, nil
	}
	// Every summary names a registration it counts: the join finds one.
	rs, err := s.db.QueryContext(ctx, `SELECT s.registrations, s.first_height, `+prefixed("r.", registrationColumns)+`
		FROM nft_summaries s
		JOIN registrations r ON r.chain = s.chain AND r.txid = s.last_txid AND r.collection = s.collection
		WHERE s.inscription_id IN (?) AND s.status = ?`, bun.In(ids), StatusValid)
	if err != nil {
		return nil, fmt.Errorf("NFT summaries: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var n, firstHeight int64
		r := new(Registration)
		if err := rs.Scan(append([]any{&n, &firstHeight}, r.scanTargets()...)...); err != nil {
			return nil, fmt.Errorf("NFT summaries: %w", err)
		}
		for _, j := range at[r.InscriptionID] {
			o := &out[j]
			o.ValidCount += n
			o.Oldest = append(o.Oldest, CollectionHeight{Chain: r.Chain, Collection: r.Collection, Height: firstHeight, Count: n})
			// The last registration is the newest of its groups'.
			if o.Last == nil || cmp.Or(cmp.Compare(r.BlockHeight, o.Last.BlockHeight), cmp.Compare(r.TxIndex, o.Last.TxIndex),
				strings.Compare(r.TxID, o.Last.TxID), strings.Compare(r.Collection, o.Last.Collection)) > 0 {
				o.Last = r
			}
		}
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("NFT summaries: %w", err)
	}
	return out, nil
}

// prefixed qualifies each of a comma-separated column list.
func prefixed(prefix, columns string) string {
	cs := strings.Split(columns, ",")
	for i, c := range cs {
		cs[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cs, ", ")
}

// RegistrationsOfNFTs returns the same page of each NFT's registration
// attempts (p.Desc: newest first), aligned with ids, in one statement (and,
// with p.WithTotal and p.WithBeyond, their counts and what lies beyond the
// page's cursor in others at the same time). An id asked for twice is read
// once.
func (s *Store) RegistrationsOfNFTs(ctx context.Context, ids []string, status []string, p Page) ([]PageOf[Registration], error) {
	out := make([]PageOf[Registration], len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	w, err := p.window(len(registrationOrder.columns), nil)
	if err != nil {
		return nil, err
	}
	at := make(map[string][]int, len(ids))
	var distinct []string
	for i, id := range ids {
		if at[id] == nil {
			distinct = append(distinct, id)
		}
		at[id] = append(at[id], i)
	}
	columns := registrationOrder.columns
	// where is the registrations of k.id the page reads, with extra
	// conditions.
	where := func(extra ...cond) (string, []any) {
		sql, args := "inscription_id = k.id", []any{}
		if len(status) > 0 {
			sql += " AND status IN (?)"
			args = append(args, bun.In(status))
		}
		for _, c := range extra {
			sql += " AND " + c.sql
			args = append(args, c.args...)
		}
		return sql, args
	}
	conds, args := where(w.bounds(columns)...)
	order := strings.Join(columns, w.order()+", ") + w.order()
	q := `SELECT ` + registrationColumns + ` FROM unnest(?::text[]) AS k(id)
		CROSS JOIN LATERAL (
			SELECT * FROM registrations WHERE ` + conds + `
			ORDER BY ` + order + `
			LIMIT ?) r`
	args = append(append([]any{pgdialect.Array(distinct)}, args...), w.n+1)
	// The count and the rows beyond the cursor, when asked for, are read at
	// the same time, on other connections: the count from the NFT
	// summaries, a few rows per NFT.
	type count struct {
		ID string `bun:"inscription_id"`
		N  int    `bun:"n"`
	}
	var counts []count
	beyond := map[string]bool{}
	g, gctx := errgroup.WithContext(ctx)
	if p.WithTotal {
		g.Go(func() error {
			q := s.db.NewSelect().Model((*nftSummary)(nil)).ColumnExpr("inscription_id, sum(registrations) AS n").
				Where("inscription_id IN (?)", bun.In(distinct)).GroupExpr("inscription_id")
			if len(status) > 0 {
				q = q.Where("status IN (?)", bun.In(status))
			}
			if err := q.Scan(gctx, &counts); err != nil {
				return fmt.Errorf("count registrations of NFTs: %w", err)
			}
			return nil
		})
	}
	probe, probed := w.beyond(columns)
	probed = probed && p.WithBeyond
	if probed {
		g.Go(func() error {
			conds, args := where(probe)
			rs, err := s.db.QueryContext(gctx, `SELECT k.id FROM unnest(?::text[]) AS k(id)
				CROSS JOIN LATERAL (SELECT FROM registrations WHERE `+conds+`
					ORDER BY `+strings.Join(columns, w.beyondOrder()+", ")+w.beyondOrder()+` LIMIT 1) b`, append([]any{pgdialect.Array(distinct)}, args...)...)
			if err != nil {
				return fmt.Errorf("registrations of NFTs beyond the cursor: %w", err)
			}
			defer rs.Close()
			for rs.Next() {
				var id string
				if err := rs.Scan(&id); err != nil {
					return fmt.Errorf("registrations of NFTs beyond the cursor: %w", err)
				}
				beyond[id] = true
			}
			return rs.Err()
		})
	}
	rows, err := s.scanRegistrations(gctx, q, args...)
	if err != nil {
		// Another statement that refused a cursor first cancels this one.
		werr := g.Wait()
		if (w.after != nil || w.before != nil) && (badCursorValue(err) || badCursorValue(werr)) {
			return nil, w.blame(columns, func(c cond) bool {
				_, err := s.db.ExecContext(ctx, `SELECT FROM registrations WHERE `+c.sql+` LIMIT 0`, c.args...)
				return badCursorValue(err)
			})
		}
		return nil, fmt.Errorf("registrations of NFTs: %w", err)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Each NFT's rows are a run of the statement's, in fetch order.
	byID := make(map[string]*PageOf[Registration], len(distinct))
	for _, id := range distinct {
		byID[id] = &PageOf[Registration]{}
	}
	for _, r := range rows {
		pg := byID[r.InscriptionID]
		pg.Rows = append(pg.Rows, r)
	}
	for _, c := range counts {
		byID[c.ID].Total = c.N
	}
	for id, pg := range byID {
		var more bool
		pg.Rows, more = settle(w, pg.Rows)
		pg.HasNext, pg.HasPrevious = w.flags(more, probed, beyond[id])
		pg.Cursors = make([]string, len(pg.Rows))
		for i := range pg.Rows {
			pg.Cursors[i] = encodeCursor(registrationOrder.values(&pg.Rows[i]))
		}
		for _, i := range at[id] {
			out[i] = *pg
		}
	}
	return out, nil
}

// registrationColumns are Registration's, in scanRegistrations' order.
const registrationColumns = `chain, block_height, block_hash, block_time, txid, collection, tx_index,
	inscription_id, expiry_height, creator, paid_sats, min_fee_sats, status`

// scanRegistrations runs a query of registrationColumns and scans its rows
// field by field: a page of 100 NFTs' first 20 registrations is 2,000 rows,
// and bun's scanning by reflection cost more than the query
// (TestRegistrationColumnsAreTheModels keeps the columns the model's).
func (s *Store) scanRegistrations(ctx context.Context, query string, args ...any) ([]Registration, error) {
	rs, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var rows []Registration
	for rs.Next() {
		rows = append(rows, Registration{})
		r := &rows[len(rows)-1]
		if err := rs.Scan(r.scanTargets()...); err != nil {
			return nil, err
		}
	}
	return rows, rs.Err()
}

// scanTargets are r's fields in registrationColumns' order.
func (r *Registration) scanTargets() []any {
	return []any{&r.Chain, &r.BlockHeight, &r.BlockHash, &r.BlockTime, &r.TxID, &r.Collection, &r.TxIndex,
		&r.InscriptionID, &r.ExpiryHeight, &r.Creator, &r.PaidSats, &r.MinFeeSats, (*string)(&r.Status)}
}

// RecordsByFeeTxID returns, per fee txid, the first record naming it (nil
// when none does), aligned with txids.
func (s *Store) RecordsByFeeTxID(ctx context.Context, txids []string) ([]*RegistrationRecord, error) {
	var rows []RegistrationRecord
	if len(txids) > 0 {
		if err := s.db.NewSelect().Model(&rows).Where("fee_txid IN (?)", bun.In(txids)).
			DistinctOn("fee_txid").OrderExpr("fee_txid, block_height, tx_index, inscription_id").Scan(ctx); err != nil {
			return nil, fmt.Errorf("records by fee txid: %w", err)
		}
	}
	return align(txids, rows, func(r *RegistrationRecord) string { return r.FeeTxID }), nil
}

// RegistrationsByTxID returns, per txid, its registration attempts.
func (s *Store) RegistrationsByTxID(ctx context.Context, txids []string) ([][]Registration, error) {
	var rows []Registration
	if len(txids) > 0 {
		if err := s.db.NewSelect().Model(&rows).Where("txid IN (?)", bun.In(txids)).
			Order("txid", "collection").Scan(ctx); err != nil {
			return nil, fmt.Errorf("registrations by txid: %w", err)
		}
	}
	return group(txids, rows, func(r *Registration) string { return r.TxID }), nil
}

// TokenKey names one badge token.
type TokenKey struct{ Chain, Contract, TokenID string }

// FirstClaims returns each token's first BadgeMinted event (nil when none),
// aligned with keys.
func (s *Store) FirstClaims(ctx context.Context, keys []TokenKey) ([]*BadgeClaim, error) {
	var rows []BadgeClaim
	if len(keys) > 0 {
		tuples := make([][]any, len(keys))
		for i, k := range keys {
			tuples[i] = []any{k.Chain, k.Contract, k.TokenID}
		}
		if err := s.db.NewSelect().Model(&rows).
			Where("(chain, contract, token_id) IN (?)", bun.In(tuples)).
			DistinctOn("chain, contract, token_id").
			OrderExpr("chain, contract, token_id, block_height, log_index").Scan(ctx); err != nil {
			return nil, fmt.Errorf("first claims: %w", err)
		}
	}
	strs := make([]string, len(keys))
	for i, k := range keys {
		strs[i] = tokenKey(k)
	}
	return align(strs, rows, func(c *BadgeClaim) string {
		return tokenKey(TokenKey{c.Chain, c.Contract, c.TokenID})
	}), nil
}

func tokenKey(k TokenKey) string { return k.Chain + "\x00" + k.Contract + "\x00" + k.TokenID }

// NullifierColumns picks the columns NullifiersByHash reads besides those it
// always does (chain, block height, nullifier, log index, verified); the
// others come back empty. Reading a row costs the driver an allocation or
// two per text column and a parse per time, which for a 100-hash lookup
// was more than the gateway's rendering of the answer.
type NullifierColumns uint16

const (
	NullifierBlockHash NullifierColumns = 1 << iota
	NullifierBlockTime
	NullifierContract
	NullifierTxHash
	NullifierEvent
	NullifierPlayer
	NullifierClaimedXP
	NullifierThreshold
	NullifierEventTimestamp

	AllNullifierColumns = 1<<iota - 1
)

// NullifiersByHash returns, per hash, its first uses (one per contract that
// used it; none when unused), aligned with hashes, with cols read (and
// perhaps others).
//
// Lookups that arrive while every connection of the pool runs one wait
// together for the next statement instead of one each: a verifier checking
// proofs one at a time, fifty at once, costs the database a statement per
// few lookups rather than per lookup. A lookup that finds a connection free
// runs at once, so batching never adds a wait the pool would not.
func (s *Store) NullifiersByHash(ctx context.Context, hashes []string, cols NullifierColumns) ([][]NullifierUse, error) {
	if len(hashes) == 0 {
		return make([][]NullifierUse, 0), nil
	}
	l := &s.byHashBatch
	l.mu.Lock()
	if l.running < s.maxConns || len(hashes) > maxBatchedHashes {
		l.running++
		l.mu.Unlock()
		uses, err := s.nullifiersByHash(ctx, hashes, cols)
		s.nextHashBatch()
		return uses, err
	}
	b := l.pending
	if b == nil || len(b.hashes)+len(hashes) > maxBatchedHashes {
		b = &hashBatch{ready: make(chan struct{})}
		if l.pending != nil {
			l.full = append(l.full, l.pending)
		}
		l.pending = b
	}
	at := len(b.hashes)
	b.hashes = append(b.hashes, hashes...)
	b.cols |= cols
	// The statement may run as long as its most patient member waits.
	if dl, ok := ctx.Deadline(); !ok {
		b.unbounded = true
	} else if dl.After(b.deadline) {
		b.deadline = dl
	}
	l.mu.Unlock()
	select {
	case <-b.ready:
		if b.err != nil {
			return nil, b.err
		}
		return b.uses[at : at+len(hashes) : at+len(hashes)], nil
	case <-ctx.Done():
		return nil, fmt.Errorf("nullifiers by hash: %w", ctx.Err())
	}
}

// maxBatchedHashes bounds one shared statement, and so the lookups that
// may join one: larger lookups are batches already, and a statement of as
// many hashes as a verifier sends at most (100 in make bench's workload)
// keeps the plan such lookups get.
const maxBatchedHashes = 100

// hashBatches are the lookups waiting for a connection.
type hashBatches struct {
	mu      sync.Mutex
	running int          // statements in flight
	pending *hashBatch   // the one new lookups join
	full    []*hashBatch // filled, waiting their turn
}

// hashBatch is one statement for several lookups.
type hashBatch struct {
	hashes    []string
	cols      NullifierColumns
	deadline  time.Time
	unbounded bool
	ready     chan struct{}
	uses      [][]NullifierUse
	err       error
}

// nextHashBatch hands a finished statement's turn to the lookups waiting,
// if any.
func (s *Store) nextHashBatch() {
	l := &s.byHashBatch
	l.mu.Lock()
	var b *hashBatch
	switch {
	case len(l.full) > 0:
		b, l.full = l.full[0], l.full[1:]
	case l.pending != nil:
		b, l.pending = l.pending, nil
	default:
		l.running--
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	// Its own goroutine: the caller that finished goes back to its request.
	// It ends with the statement, which the members' longest deadline bounds.
	go func() {
		ctx, cancel := context.Background(), context.CancelFunc(func() {})
		if !b.unbounded {
			ctx, cancel = context.WithDeadline(ctx, b.deadline)
		}
		b.uses, b.err = s.nullifiersByHash(ctx, b.hashes, b.cols)
		cancel()
		close(b.ready)
		s.nextHashBatch()
	}()
}

func (s *Store) nullifiersByHash(ctx context.Context, hashes []string, cols NullifierColumns) ([][]NullifierUse, error) {
	stmt, err := s.nullifiersByHashStmt(ctx)
	if err != nil {
		return nil, fmt.Errorf("nullifiers by hash: %w", err)
	}
	rs, err := stmt.QueryContext(ctx, textArray(hashes), int64(cols))
	if err != nil {
		return nil, fmt.Errorf("nullifiers by hash: %w", err)
	}
	defer rs.Close()
	rows := make([]NullifierUse, 0, len(hashes))
	var blockTime sql.NullTime // null when not asked for
	for rs.Next() {
		// Scanned in place: Scan's pointers would move a local to the heap.
		rows = append(rows, NullifierUse{})
		n := &rows[len(rows)-1]
		if err := rs.Scan(&n.Chain, &n.BlockHeight, &n.BlockHash, &blockTime, &n.Contract, &n.Nullifier, &n.LogIndex,
			&n.TxHash, &n.Event, &n.Player, &n.ClaimedXP, &n.Threshold, &n.Verified, &n.EventTimestamp); err != nil {
			return nil, fmt.Errorf("nullifiers by hash: %w", err)
		}
		n.BlockTime = blockTime.Time
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("nullifiers by hash: %w", err)
	}
	// Each hash's uses, in log order, are a run of the sorted rows.
	slices.SortFunc(rows, func(a, b NullifierUse) int {
		return cmp.Or(strings.Compare(a.Nullifier, b.Nullifier),
			cmp.Compare(a.BlockHeight, b.BlockHeight), cmp.Compare(a.LogIndex, b.LogIndex))
	})
	runs := make(map[string][2]int, len(rows))
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && rows[j].Nullifier == rows[i].Nullifier {
			j++
		}
		runs[rows[i].Nullifier] = [2]int{i, j}
		i = j
	}
	out := make([][]NullifierUse, len(hashes))
	for i, h := range hashes {
		if r, ok := runs[h]; ok {
			out[i] = rows[r[0]:r[1]:r[1]]
		}
	}
	return out, nil
}

// nullifiersByHashSQL is prepared once per connection rather than built per
// call: the XP verifier asks about 100–1,000 nullifiers at a time, many
// times a second, and parsing and planning an IN list of that many
// literals cost more than the index lookups themselves. One statement for
// every choice of columns ($2, NullifierColumns' bits), so that clients
// cannot fill the server with prepared statements. The columns are
// NullifierUse's; TestNullifiersByHashReadsEveryColumn keeps them so.
const nullifiersByHashSQL = `SELECT chain, block_height,
	CASE WHEN $2::int & 1 <> 0 THEN block_hash ELSE '' END,
	CASE WHEN $2::int & 2 <> 0 THEN block_time END,
	CASE WHEN $2::int & 4 <> 0 THEN contract ELSE '' END,
	nullifier, log_index,
	CASE WHEN $2::int & 8 <> 0 THEN tx_hash ELSE '' END,
	CASE WHEN $2::int & 16 <> 0 THEN event ELSE '' END,
	CASE WHEN $2::int & 32 <> 0 THEN player ELSE '' END,
	CASE WHEN $2::int & 64 <> 0 THEN claimed_xp::text ELSE '' END,
	CASE WHEN $2::int & 128 <> 0 THEN coalesce(threshold::text, '') ELSE '' END,
	verified,
	CASE WHEN $2::int & 256 <> 0 THEN coalesce(event_timestamp::text, '') ELSE '' END
	FROM nullifiers WHERE nullifier = ANY($1::text[])`

func (s *Store) nullifiersByHashStmt(ctx context.Context) (*sql.Stmt, error) {
	s.byHashMu.Lock()
	defer s.byHashMu.Unlock()
	if s.byHash == nil {
		stmt, err := s.db.DB.PrepareContext(ctx, nullifiersByHashSQL)
		if err != nil {
			return nil, err
		}
		s.byHash = stmt
	}
	return s.byHash, nil
}

// textArray is a PostgreSQL text[] literal of ss, each element quoted, for
// a parameter of the prepared statement above. Neither library herald uses
// writes one: pgdialect.Array renders arrays into query text (as SQL
// literals, quoted and escaped for it), and pgdriver encodes no slices.
func textArray(ss []string) string {
	var b strings.Builder
	b.Grow(len(ss) * 72) // 0x + 64 hex digits, quoted
	b.WriteByte('{')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		if !strings.ContainsAny(s, `"\`) {
			b.WriteString(s) // every hash the gateway passes
		} else {
			for _, c := range []byte(s) {
				if c == '"' || c == '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// PlayerTotals is a player's XP across chains.
type PlayerTotals struct {
	XP   string `bun:"xp"`
	Uses int64  `bun:"uses"`
}

// PlayerXPTotal sums a player's XP over every chain.
func (s *Store) PlayerXPTotal(ctx context.Context, player string) (PlayerTotals, error) {
	var t PlayerTotals
	err := s.db.NewSelect().Model((*PlayerXP)(nil)).
		ColumnExpr("coalesce(sum(xp), 0)::text AS xp, coalesce(sum(uses), 0) AS uses").
		Where("player = ?", player).Scan(ctx, &t)
	if err != nil {
		return t, fmt.Errorf("player XP: %w", err)
	}
	return t, nil
}

// Collections returns every configured collection.
func (s *Store) Collections(ctx context.Context) ([]Collection, error) {
	var cs []Collection
	if err := s.db.NewSelect().Model(&cs).Order("chain", "name").Scan(ctx); err != nil {
		return nil, fmt.Errorf("collections: %w", err)
	}
	return cs, nil
}

// Providers returns every chain's provider health, in failover order.
func (s *Store) Providers(ctx context.Context) ([]ProviderHealth, error) {
	var ps []ProviderHealth
	if err := s.db.NewSelect().Model(&ps).Order("chain", "position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("providers: %w", err)
	}
	return ps, nil
}

// TimeCount is a count in one time bucket.
type TimeCount struct {
	Time  time.Time `bun:"t"`
	Count int       `bun:"n"`
}

// CountOver counts rows of an entity table per time bucket ("hour" or
// "day"); chain and the range are optional.
func (s *Store) CountOver(ctx context.Context, table, bucket string, span Span) ([]TimeCount, error) {
	switch table {
	case "registrations", "badge_claims", "reuse_attempts", "nullifiers":
	default:
		return nil, fmt.Errorf("count over %q: not a countable table", table)
	}
	if bucket != "hour" && bucket != "day" {
		return nil, fmt.Errorf("count over %s: bucket %q is not hour or day", table, bucket)
	}
	var out []TimeCount
	q := span.apply(s.db.NewSelect().TableExpr(table).
		ColumnExpr("date_trunc(?, block_time) AS t, count(*) AS n", bucket).
		GroupExpr("1").OrderExpr("1"))
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("count %s per %s: %w", table, bucket, err)
	}
	return out, nil
}

// TierCounts counts badge claims per tier.
func (s *Store) TierCounts(ctx context.Context, span Span) (map[int16]int, error) {
	var rows []struct {
		Tier int16 `bun:"tier"`
		N    int   `bun:"n"`
	}
	if err := span.apply(s.db.NewSelect().TableExpr("badge_claims").
		ColumnExpr("tier, count(*) AS n").GroupExpr("tier")).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("tier counts: %w", err)
	}
	out := make(map[int16]int, len(rows))
	for _, r := range rows {
		out[r.Tier] = r.N
	}
	return out, nil
}

// XPBucket counts players whose XP lies in [Min, Min+width).
type XPBucket struct {
	Min   string `bun:"min"`
	Count int    `bun:"n"`
}

// XPHistogram buckets players by total XP (over every chain unless chain is
// set) in buckets of width.
func (s *Store) XPHistogram(ctx context.Context, chain string, width int64) ([]XPBucket, error) {
	per := s.db.NewSelect().Model((*PlayerXP)(nil)).ColumnExpr("player, sum(xp) AS xp").GroupExpr("player")
	if chain != "" {
		per = per.Where("chain = ?", chain)
	}
	buckets := s.db.NewSelect().TableExpr("(?) AS p", per).
		ColumnExpr("floor(xp / ?) * ? AS lo, count(*) AS n", width, width).GroupExpr("1")
	var out []XPBucket
	if err := s.db.NewSelect().TableExpr("(?) AS b", buckets).
		ColumnExpr("lo::numeric(78,0)::text AS min, n").OrderExpr("lo").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("XP histogram: %w", err)
	}
	return out, nil
}

// UniquePlayers counts distinct players that claimed a badge or used a
// nullifier within span.
func (s *Store) UniquePlayers(ctx context.Context, span Span) (int, error) {
	claims := span.apply(s.db.NewSelect().TableExpr("badge_claims").Column("player"))
	uses := span.apply(s.db.NewSelect().TableExpr("nullifiers").Column("player"))
	var n int
	if err := s.db.NewSelect().TableExpr("(?) AS u", claims.Union(uses)).ColumnExpr("count(*)").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("unique players: %w", err)
	}
	return n, nil
}

// align places each row at the index of its key; keys without a row get nil.
func align[T any](keys []string, rows []T, keyOf func(*T) string) []*T {
	byKey := make(map[string]*T, len(rows))
	for i := range rows {
		byKey[keyOf(&rows[i])] = &rows[i]
	}
	out := make([]*T, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

// group collects rows per key, aligned with keys.
func group[T any](keys []string, rows []T, keyOf func(*T) string) [][]T {
	byKey := make(map[string][]T, len(keys))
	for _, r := range rows {
		k := keyOf(&r)
		byKey[k] = append(byKey[k], r)
	}
	out := make([][]T, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}
