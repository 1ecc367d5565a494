// Package store is herald's PostgreSQL layer: every SQL statement lives here.
//
// The indexer writes through Apply and Rollback, each one transaction that
// carries entity rows, derived state, the chain cursor, recent block hashes and
// event-log rows with a NOTIFY. The gateway reads the same tables.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
)

// NotifyChannel is the PostgreSQL channel that Apply and Rollback notify on
// commit; the payload is the chain's name and the last event id written.
const NotifyChannel = "herald_events"

// Store is herald's database.
type Store struct {
	db *bun.DB

	byHashMu    sync.Mutex
	byHash      *sql.Stmt // NullifiersByHash's, prepared on first use
	byHashBatch hashBatches
	maxConns    int
}

// Option configures Open.
type Option func(*options)

type options struct {
	appName   string
	maxConns  int
	queryHook bun.QueryHook
}

// WithApplicationName sets application_name, visible in pg_stat_activity.
func WithApplicationName(name string) Option { return func(o *options) { o.appName = name } }

// WithMaxConns bounds the connection pool; n <= 0 keeps the default.
func WithMaxConns(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxConns = n
		}
	}
}

// DefaultMaxConns is the pool's size unless WithMaxConns says otherwise:
// twice the cores and two, the usual size for a database whose work is CPU
// rather than disk. More backends than that only take turns on the cores:
// on 2 cores, a pool of 6 instead of 20 answered 10–19 % more nullifier
// lookups per second for less CPU per request (graph BenchmarkNullifierLookups).
func DefaultMaxConns() int { return 2*runtime.GOMAXPROCS(0) + 2 }

// WithQueryHook installs a bun query hook (metrics, tracing, statement counts).
// NullifiersByHash runs a prepared statement outside bun: the hook does not
// see it.
func WithQueryHook(h bun.QueryHook) Option { return func(o *options) { o.queryHook = h } }

// utcSessions sets every session's TimeZone to UTC, unless the URL names
// one: date_trunc cuts a series' days and weeks in the session's zone, and
// a server configured for its operators' local time would shift every
// bucket of the dashboard's series off UTC midnight.
func utcSessions(c *pgdriver.Config) {
	if c.ConnParams == nil {
		c.ConnParams = map[string]any{}
	}
	for k := range c.ConnParams {
		if strings.EqualFold(k, "timezone") {
			return
		}
	}
	c.ConnParams["TimeZone"] = "UTC"
}

// Open connects to the PostgreSQL server at url and checks that it answers.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	o := options{appName: "herald", maxConns: DefaultMaxConns()}
	for _, opt := range opts {
		opt(&o)
	}
	connector := pgdriver.NewConnector(
		pgdriver.WithDSN(url),
		pgdriver.WithApplicationName(o.appName),
		pgdriver.WithDialTimeout(10*time.Second),
		// Reads wait for whole statements; a large backfill batch may run
		// longer than pgdriver's 10 s default. Per-request bounds are
		// statement_timeout's job.
		pgdriver.WithReadTimeout(5*time.Minute),
		pgdriver.WithWriteTimeout(time.Minute),
		utcSessions,
	)
	sqldb := sql.OpenDB(connector)
	sqldb.SetMaxOpenConns(o.maxConns)
	sqldb.SetMaxIdleConns(o.maxConns)
	db := bun.NewDB(sqldb, pgdialect.New())
	if o.queryHook != nil {
		db.AddQueryHook(o.queryHook)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to postgres at %s: %w", RedactURL(url), err)
	}
	return &Store{db: db, maxConns: o.maxConns}, nil
}

// DB exposes the bun handle to readers in other packages (the gateway's
// queries, the subscription broker's listener).
func (s *Store) DB() *bun.DB { return s.db }

// Close closes the connection pool.
func (s *Store) Close() error {
	s.byHashMu.Lock()
	if s.byHash != nil {
		_ = s.byHash.Close()
	}
	s.byHashMu.Unlock()
	return s.db.Close()
}

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Cursor returns a chain's indexing position; ok is false before its first batch.
func (s *Store) Cursor(ctx context.Context, chain string) (c Cursor, ok bool, err error) {
	err = s.db.NewSelect().Model(&c).Where("chain = ?", chain).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Cursor{}, false, nil
	}
	if err != nil {
		return Cursor{}, false, fmt.Errorf("read cursor of %s: %w", chain, err)
	}
	return c, true, nil
}

// Cursors returns every chain's position, by chain name.
func (s *Store) Cursors(ctx context.Context) ([]Cursor, error) {
	var cs []Cursor
	if err := s.db.NewSelect().Model(&cs).Order("chain").Scan(ctx); err != nil {
		return nil, fmt.Errorf("read cursors: %w", err)
	}
	return cs, nil
}

// SetHead records a chain's head as its source reports it between batches
// (a batch records it with the cursor, and the finalized height with it).
func (s *Store) SetHead(ctx context.Context, chain string, head int64) error {
	if _, err := s.db.NewUpdate().Model((*Cursor)(nil)).
		Set("head = ?", head).
		Where("chain = ?", chain).Exec(ctx); err != nil {
		return fmt.Errorf("record head of %s: %w", chain, err)
	}
	return nil
}

// BlockHash returns the stored hash of a chain's block at height; ok is false
// when no block is stored there (below the reorg window, or never indexed).
func (s *Store) BlockHash(ctx context.Context, chain string, height int64) (hash string, ok bool, err error) {
	err = s.db.NewSelect().Model((*StoredBlock)(nil)).Column("hash").
		Where("chain = ? AND height = ?", chain, height).Scan(ctx, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read block hash of %s at %d: %w", chain, height, err)
	}
	return hash, true, nil
}

// RedactURL hides the password of a database URL for logs and errors.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable database URL)"
	}
	return u.Redacted()
}

// SyncCollections makes the stored collections of a chain match its
// configuration, so readers see what the indexer applies.
func (s *Store) SyncCollections(ctx context.Context, chain string, cs []Collection) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Collection)(nil)).Where("chain = ?", chain).Exec(ctx); err != nil {
			return fmt.Errorf("sync collections of %s: %w", chain, err)
		}
		if len(cs) == 0 {
			return nil
		}
		rows := make([]Collection, len(cs))
		for i, c := range cs {
			c.Chain = chain
			rows[i] = c
		}
		if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return fmt.Errorf("sync collections of %s: %w", chain, err)
		}
		return nil
	})
}

// ReportProviders replaces a chain's provider health rows.
func (s *Store) ReportProviders(ctx context.Context, chain string, ps []ProviderHealth) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*ProviderHealth)(nil)).Where("chain = ?", chain).Exec(ctx); err != nil {
			return fmt.Errorf("report providers of %s: %w", chain, err)
		}
		if len(ps) == 0 {
			return nil
		}
		now := time.Now().UTC()
		for i := range ps {
			ps[i].Chain, ps[i].Position, ps[i].UpdatedAt = chain, i, now
		}
		if _, err := tx.NewInsert().Model(&ps).Exec(ctx); err != nil {
			return fmt.Errorf("report providers of %s: %w", chain, err)
		}
		return nil
	})
}

// ReportChainState records what a chain's indexer is doing, replacing its
// previous report. ReportedAt is set here.
func (s *Store) ReportChainState(ctx context.Context, c ChainState) error {
	c.ReportedAt = time.Now().UTC()
	if _, err := s.db.NewInsert().Model(&c).On("CONFLICT (chain) DO UPDATE").
		Set("state = EXCLUDED.state, reason = EXCLUDED.reason, since = EXCLUDED.since, head = EXCLUDED.head").
		Set("blocks_per_second = EXCLUDED.blocks_per_second, eta_seconds = EXCLUDED.eta_seconds").
		Set("stall_after_ms = EXCLUDED.stall_after_ms, reported_at = EXCLUDED.reported_at").
		Exec(ctx); err != nil {
		return fmt.Errorf("report state of %s: %w", c.Chain, err)
	}
	return nil
}

// ChainStates returns every chain's last reported state, by chain name.
func (s *Store) ChainStates(ctx context.Context) ([]ChainState, error) {
	var cs []ChainState
	if err := s.db.NewSelect().Model(&cs).Order("chain").Scan(ctx); err != nil {
		return nil, fmt.Errorf("read chain states: %w", err)
	}
	return cs, nil
}

// ResetChain deletes everything indexed from a chain, its event-log rows
// included, in one transaction. `herald dev` uses it: its devnets are new
// chains on every start.
func (s *Store) ResetChain(ctx context.Context, chain string) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, table := range []string{
			"events", "chain_states", "providers", "nft_summaries", "player_xp", "badge_holdings", "threshold_updates", "reuse_attempts", "nullifiers",
			"badge_transfers", "badge_claims", "registration_records", "registrations", "collections", "blocks", "chains",
		} {
			if _, err := tx.NewDelete().TableExpr(table).Where("chain = ?", chain).Exec(ctx); err != nil {
				return fmt.Errorf("reset %s: %s: %w", chain, table, err)
			}
		}
		return nil
	})
}
