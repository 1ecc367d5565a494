package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// The dashboard's reads: series per time bucket, gas, call outcomes, actives,
// the leaderboard and the event log's reorgs.

// Buckets a series can be cut into, as date_trunc names them.
var buckets = map[string]bool{"minute": true, "hour": true, "day": true, "week": true}

// SeriesFilter narrows a series: Span's chain and time range, the contract
// of EVM rows and the collection of registrations.
type SeriesFilter struct {
	Span
	Contract   string
	Collection string
}

func (f SeriesFilter) apply(q *bun.SelectQuery, table string) *bun.SelectQuery {
	q = f.Span.apply(q)
	if table == "registrations" {
		return eq(q, "collection", f.Collection)
	}
	return eq(q, "contract", f.Contract)
}

// MaxSeriesPoints bounds every series: minutes over a year of a busy
// chain would be half a million points in one answer.
const MaxSeriesPoints = 10000

// ErrTooManyPoints reports a series longer than MaxSeriesPoints.
var ErrTooManyPoints = fmt.Errorf("the series has more than %d points: narrow the range or widen the bucket", MaxSeriesPoints)

// bounded asks a series query for one point more than MaxSeriesPoints, to
// tell a full series from a cut one.
func bounded(q *bun.SelectQuery) *bun.SelectQuery { return q.Limit(MaxSeriesPoints + 1) }

func tooLong(n int) error {
	if n > MaxSeriesPoints {
		return ErrTooManyPoints
	}
	return nil
}

func checkBucket(bucket string) error {
	if !buckets[bucket] {
		return fmt.Errorf("bucket %q is not minute, hour, day or week", bucket)
	}
	return nil
}

// Series counts the rows of an entity table per time bucket.
func (s *Store) Series(ctx context.Context, table, bucket string, f SeriesFilter) ([]TimeCount, error) {
	switch table {
	case "registrations", "badge_claims", "reuse_attempts", "nullifiers":
	default:
		return nil, fmt.Errorf("series of %q: not a countable table", table)
	}
	if err := checkBucket(bucket); err != nil {
		return nil, fmt.Errorf("series of %s: %w", table, err)
	}
	var out []TimeCount
	q := f.apply(s.db.NewSelect().TableExpr(table).
		ColumnExpr("date_trunc(?, block_time) AS t, count(*) AS n", bucket).GroupExpr("1").OrderExpr("1"), table)
	if err := bounded(q).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("count %s per %s: %w", table, bucket, err)
	}
	return out, tooLong(len(out))
}

// activity is the players' claims and nullifier uses within f, as
// (chain, player, contract, block_time) rows.
func (s *Store) activity(f SeriesFilter) *bun.SelectQuery {
	claims := f.apply(s.db.NewSelect().TableExpr("badge_claims").Column("chain", "player", "contract", "block_time"), "badge_claims")
	uses := f.apply(s.db.NewSelect().TableExpr("nullifiers").Column("chain", "player", "contract", "block_time"), "nullifiers")
	return claims.UnionAll(uses)
}

// ActivePlayers counts, per time bucket, the distinct players that claimed a
// badge or used a nullifier: daily actives with "day", weekly with "week".
func (s *Store) ActivePlayers(ctx context.Context, bucket string, f SeriesFilter) ([]TimeCount, error) {
	if err := checkBucket(bucket); err != nil {
		return nil, fmt.Errorf("active players: %w", err)
	}
	var out []TimeCount
	if err := bounded(s.db.NewSelect().TableExpr("(?) AS a", s.activity(f)).
		ColumnExpr("date_trunc(?, block_time) AS t, count(DISTINCT player) AS n", bucket).
		GroupExpr("1").OrderExpr("1")).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("active players per %s: %w", bucket, err)
	}
	return out, tooLong(len(out))
}

// HourCount is a count in one hour of the day (0–23, UTC).
type HourCount struct {
	Hour  int `bun:"h"`
	Count int `bun:"n"`
}

// BusiestHours counts claims and nullifier uses by hour of the day (UTC),
// busiest first; hours without any are left out.
func (s *Store) BusiestHours(ctx context.Context, f SeriesFilter) ([]HourCount, error) {
	var out []HourCount
	if err := s.db.NewSelect().TableExpr("(?) AS a", s.activity(f)).
		ColumnExpr("extract(hour FROM block_time AT TIME ZONE 'UTC')::int AS h, count(*) AS n").
		GroupExpr("1").OrderExpr("2 DESC, 1").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("busiest hours: %w", err)
	}
	return out, nil
}

// GasStat is the gas of one contract's transactions in one time bucket:
// the transactions that emitted its claims, nullifier uses or reuse
// attempts, each counted once.
type GasStat struct {
	Time         time.Time `bun:"t"`
	Chain        string    `bun:"chain"`
	Contract     string    `bun:"contract"`
	Transactions int       `bun:"n"`
	AvgGasUsed   float64   `bun:"avg_gas"`
	P50GasUsed   float64   `bun:"p50_gas"`
	P95GasUsed   float64   `bun:"p95_gas"`
	// AvgFeeWei is rounded to the wei.
	AvgFeeWei string `bun:"avg_fee"`
}

// GasStats returns the gas of claims, nullifier uses and reuse attempts per
// time bucket, chain and contract, from their transactions' receipts.
// Transactions without an indexed receipt are not counted.
func (s *Store) GasStats(ctx context.Context, bucket string, f SeriesFilter) ([]GasStat, error) {
	if err := checkBucket(bucket); err != nil {
		return nil, fmt.Errorf("gas stats: %w", err)
	}
	var events *bun.SelectQuery
	for _, table := range []string{"badge_claims", "nullifiers", "reuse_attempts"} {
		q := f.apply(s.db.NewSelect().TableExpr(table).Column("chain", "tx_hash", "contract", "block_time"), table)
		if events == nil {
			events = q
		} else {
			events = events.Union(q) // one row per transaction and contract
		}
	}
	var out []GasStat
	if err := bounded(s.db.NewSelect().TableExpr("(?) AS e", events).
		Join("JOIN evm_transactions AS t ON t.chain = e.chain AND t.tx_hash = e.tx_hash").
		ColumnExpr("date_trunc(?, e.block_time) AS t, e.chain, e.contract, count(*) AS n", bucket).
		ColumnExpr("avg(t.gas_used)::float8 AS avg_gas").
		ColumnExpr("percentile_cont(0.5) WITHIN GROUP (ORDER BY t.gas_used) AS p50_gas").
		ColumnExpr("percentile_cont(0.95) WITHIN GROUP (ORDER BY t.gas_used) AS p95_gas").
		ColumnExpr("round(avg(t.fee_wei))::numeric(78,0)::text AS avg_fee").
		GroupExpr("1, 2, 3").OrderExpr("1, 2, 3")).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("gas per %s: %w", bucket, err)
	}
	return out, tooLong(len(out))
}

// CallStat counts the calls of one function of one contract in one time
// bucket by outcome.
type CallStat struct {
	Time      time.Time `bun:"t"`
	Chain     string    `bun:"chain"`
	Contract  string    `bun:"contract"`
	Function  string    `bun:"function"`
	Selector  string    `bun:"selector"`
	Succeeded int       `bun:"succeeded"`
	Failed    int       `bun:"failed"`
}

// CallStats counts calls to configured contracts (chains with failed calls
// indexed) per time bucket, chain, contract and function, by outcome.
func (s *Store) CallStats(ctx context.Context, bucket string, f SeriesFilter) ([]CallStat, error) {
	if err := checkBucket(bucket); err != nil {
		return nil, fmt.Errorf("call stats: %w", err)
	}
	var out []CallStat
	q := f.Span.apply(s.db.NewSelect().TableExpr("evm_transactions").Where("called").
		ColumnExpr("date_trunc(?, block_time) AS t, chain, to_address AS contract", bucket).
		ColumnExpr("coalesce(function, '') AS function, coalesce(selector, '') AS selector").
		ColumnExpr("count(*) FILTER (WHERE status = ?) AS succeeded, count(*) FILTER (WHERE status = ?) AS failed", TxSucceeded, TxFailed).
		GroupExpr("1, 2, 3, 4, 5").OrderExpr("1, 2, 3, 4, 5"))
	if err := bounded(eq(q, "to_address", f.Contract)).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("calls per %s: %w", bucket, err)
	}
	return out, tooLong(len(out))
}

// CallError counts the reverted calls of one function of one contract that
// reverted with one error.
type CallError struct {
	Chain    string `bun:"chain"`
	Contract string `bun:"contract"`
	Function string `bun:"function"`
	// Error is the error's name, or its selector when the ABI does not
	// know it, or "unknown" when nothing says why the call reverted.
	Error string `bun:"error"`
	Count int    `bun:"n"`
}

// CallErrors counts reverted calls by chain, contract, function and error,
// most frequent first.
func (s *Store) CallErrors(ctx context.Context, f SeriesFilter) ([]CallError, error) {
	var out []CallError
	q := f.Span.apply(s.db.NewSelect().TableExpr("evm_transactions").Where("called AND status = ?", TxFailed).
		ColumnExpr("chain, to_address AS contract, coalesce(function, '') AS function").
		ColumnExpr("coalesce(error_name, error_selector, 'unknown') AS error, count(*) AS n").
		GroupExpr("1, 2, 3, 4").OrderExpr("5 DESC, 1, 2, 3, 4"))
	if err := eq(q, "to_address", f.Contract).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("call errors: %w", err)
	}
	return out, nil
}

// RankedPlayer is a player's XP (over every chain, or one) and rank: 1 for
// the most XP; players with equal XP share a rank, and the next rank counts
// them all (1, 2, 2, 4).
type RankedPlayer struct {
	bun.BaseModel `bun:"table:player_ranks,alias:ranked"`

	// Chain is empty when XP is summed over every chain.
	Chain  string `bun:"chain"`
	Player string `bun:"player"`
	XP     string `bun:"xp"`
	Uses   int64  `bun:"uses"`
	Rank   int64  `bun:"rank"`
}

// Player orders.
const (
	PlayersByXPDesc  = "xp_desc"
	PlayersByXPAsc   = "xp_asc"
	PlayersByAddress = "address"
)

// PlayerFilter selects ranked players. Ranks are over every player of the
// chain (or of all chains); the filter only picks which are listed.
type PlayerFilter struct {
	Chain     string
	Addresses []string
	// MinXP, a decimal, lists players with at least that much XP.
	MinXP string
	// Order is one of the Players… orders (default by XP, most first).
	Order string
}

var (
	playerByXP = keyset[RankedPlayer]{
		columns: []string{"xp", "player"},
		values:  func(p *RankedPlayer) []string { return []string{p.XP, p.Player} },
	}
	playerByAddress = keyset[RankedPlayer]{
		columns: []string{"player"},
		values:  func(p *RankedPlayer) []string { return []string{p.Player} },
	}
)

// Players lists players with their XP and rank: the leaderboard.
func (s *Store) Players(ctx context.Context, f PlayerFilter, p Page) (PageOf[RankedPlayer], error) {
	key := playerByXP
	switch f.Order {
	case "", PlayersByXPDesc:
		p.Desc = true
	case PlayersByXPAsc:
		p.Desc = false
	case PlayersByAddress:
		key, p.Desc = playerByAddress, false
	default:
		return PageOf[RankedPlayer]{}, fmt.Errorf("players: unknown order %q", f.Order)
	}
	totals := s.db.NewSelect().Model((*PlayerXP)(nil)).
		ColumnExpr("?::text AS chain, player, sum(xp) AS xp, sum(uses) AS uses", f.Chain).GroupExpr("player")
	if f.Chain != "" {
		totals = totals.Where("chain = ?", f.Chain)
	}
	ranked := s.db.NewSelect().TableExpr("(?) AS totals", totals).
		ColumnExpr("chain, player, xp, uses, rank() OVER (ORDER BY xp DESC) AS rank")
	return list(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.ModelTableExpr("(?) AS ranked", ranked)
		if len(f.Addresses) > 0 {
			q = q.Where("player IN (?)", bun.In(f.Addresses))
		}
		if f.MinXP != "" {
			q = q.Where("xp >= ?::numeric", f.MinXP)
		}
		return q
	}, key, p)
}

// Reorg is a rollback as the event log recorded it: the blocks one
// rollback removed.
type Reorg struct {
	Chain string `json:"chain"`
	// At is when the rollback was committed.
	At time.Time `json:"at"`
	// Depth is how many blocks it removed, the highest of them first.
	Depth      int   `json:"depth"`
	FromHeight int64 `json:"fromHeight"`
	// Ancestor is the block the chain went back to.
	Ancestor int64 `json:"ancestor"`
}

// RecentReorgs returns the rollbacks committed since `since`, newest first,
// at most limit, from the event log's REMOVED block events: one rollback
// removes its blocks in one run of consecutive events.
func (s *Store) RecentReorgs(ctx context.Context, since time.Time, limit int) ([]Reorg, error) {
	var rows []struct {
		ID        int64     `bun:"id"`
		Chain     string    `bun:"chain"`
		Height    int64     `bun:"block_height"`
		CreatedAt time.Time `bun:"created_at"`
	}
	if err := s.db.NewSelect().Model((*Event)(nil)).Column("id", "chain", "block_height", "created_at").
		Where("entity = ? AND kind = ? AND created_at >= ?", EntityBlock, KindRemoved, since.UTC()).
		OrderExpr("id DESC").Limit(int64(limit)*8).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("recent reorgs: %w", err)
	}
	var out []Reorg
	for i, r := range rows {
		// Newest first: a rollback's events are ids n, n+1, …; a gap or
		// another chain starts an older rollback.
		if i > 0 && rows[i-1].ID == r.ID+1 && rows[i-1].Chain == r.Chain && len(out) > 0 {
			last := &out[len(out)-1]
			last.Depth++
			last.FromHeight = max(last.FromHeight, r.Height)
			last.Ancestor = min(last.Ancestor, r.Height-1)
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, Reorg{Chain: r.Chain, At: r.CreatedAt.UTC(), Depth: 1, FromHeight: r.Height, Ancestor: r.Height - 1})
	}
	return out, nil
}
