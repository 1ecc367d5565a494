package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/herald-indexer/herald/domain"
)

// The gateway's reads. Every list is keyset-paginated: a cursor is the sort
// key of the last row seen, so pages stay stable while rows are inserted.

// MaxPageSize bounds every list, whatever a caller asks.
const MaxPageSize = 1000

// ErrBadCursor reports an `after` cursor that this list did not hand out.
var ErrBadCursor = errors.New("invalid cursor")

// Page asks for one page of a list.
type Page struct {
	First int
	// After is a cursor from an earlier page; empty for the first page.
	After string
	// Desc orders newest first.
	Desc bool
	// WithTotal also counts every row matching the filter (one more
	// statement: only when the client asked for totalCount).
	WithTotal bool
}

// PageOf is one page of rows with each row's cursor.
type PageOf[T any] struct {
	Rows    []T
	Cursors []string
	HasNext bool
	Total   int
}

// Span filters rows by chain, height and time; AsOf reads the list as it was
// at a past height.
type Span struct {
	Chain     string
	MinHeight *int64
	MaxHeight *int64
	From, To  *time.Time
	AsOf      *int64
}

func (s Span) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if s.Chain != "" {
		q = q.Where("chain = ?", s.Chain)
	}
	if s.MinHeight != nil {
		q = q.Where("block_height >= ?", *s.MinHeight)
	}
	if s.MaxHeight != nil {
		q = q.Where("block_height <= ?", *s.MaxHeight)
	}
	if s.AsOf != nil {
		q = q.Where("block_height <= ?", *s.AsOf)
	}
	if s.From != nil {
		q = q.Where("block_time >= ?", s.From.UTC())
	}
	if s.To != nil {
		q = q.Where("block_time < ?", s.To.UTC())
	}
	return q
}

// eq adds column = value when value is set.
func eq(q *bun.SelectQuery, column, value string) *bun.SelectQuery {
	if value == "" {
		return q
	}
	return q.Where("? = ?", bun.Ident(column), value)
}

// keyset is a list's sort key: columns that order rows totally.
type keyset[T any] struct {
	columns []string
	values  func(*T) []string
}

func encodeCursor(values []string) string {
	b, _ := json.Marshal(values)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(cursor string, n int) ([]any, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, ErrBadCursor
	}
	var values []string
	if err := json.Unmarshal(raw, &values); err != nil || len(values) != n {
		return nil, ErrBadCursor
	}
	args := make([]any, n)
	for i, v := range values {
		// PostgreSQL's text holds no NUL, and bun, which writes the
		// arguments into the statement, makes one a syntax error.
		if strings.ContainsRune(v, 0) {
			return nil, ErrBadCursor
		}
		args[i] = v
	}
	return args, nil
}

// badCursorValue reports whether PostgreSQL refused a value of a cursor
// that decodes but that no list handed out ("abc" for a height, a number
// past bigint, a month 13): only its statement can tell its values from
// the columns' types.
func badCursorValue(err error) bool {
	var pgErr pgdriver.Error
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Field('C') {
	case "22P02", "22003", "22007", "22008", "22021": // invalid text, out of range, bad datetime, bad byte
		return true
	}
	return false
}

// fixed is a column a list's filter holds to one value.
type fixed struct{ column, value string }

// lead is cs if its value is set.
func lead(c fixed) []fixed {
	if c.value == "" {
		return nil
	}
	return []fixed{c}
}

// list runs one keyset-paginated query. filter adds the WHERE clauses; the
// count, when asked for, uses the same filter without the cursor. by are
// columns the filter holds to one value, put before the order's own in the
// ORDER BY and the cursor's comparison: the same rows in the same order.
// PostgreSQL estimates a row comparison by its first column alone; a
// keyset that starts with a column of few values (a chain) looks to match
// almost nothing, and the planner then reads the list's own index past
// every other holder's rows (616 ms for a holder's second page of 10
// badges among 200,000) instead of the holder's (0.1 ms).
func list[T any](ctx context.Context, db bun.IDB, filter func(*bun.SelectQuery) *bun.SelectQuery, key keyset[T], p Page, by ...fixed) (PageOf[T], error) {
	var out PageOf[T]
	first := min(max(p.First, 0), MaxPageSize)
	q := filter(db.NewSelect().Model(&out.Rows))
	op, dir := ">", " ASC"
	if p.Desc {
		op, dir = "<", " DESC"
	}
	columns := key.columns
	if len(by) > 0 {
		columns = nil
		for _, f := range by {
			columns = append(columns, f.column)
		}
		columns = append(columns, key.columns...)
	}
	if p.After != "" {
		args, err := decodeCursor(p.After, len(key.columns))
		if err != nil {
			return out, err
		}
		var lead []any
		for _, f := range by {
			lead = append(lead, f.value)
		}
		args = append(lead, args...)
		q = q.Where("("+strings.Join(columns, ", ")+") "+op+" ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")", args...)
	}
	for _, c := range columns {
		q = q.OrderExpr(c + dir)
	}
	if err := q.Limit(int64(first + 1)).Scan(ctx); err != nil {
		if p.After != "" && badCursorValue(err) {
			return out, ErrBadCursor
		}
		return out, fmt.Errorf("list %T: %w", out.Rows, err)
	}
	if len(out.Rows) > first {
		out.Rows, out.HasNext = out.Rows[:first], true
	}
	out.Cursors = make([]string, len(out.Rows))
	for i := range out.Rows {
		out.Cursors[i] = encodeCursor(key.values(&out.Rows[i]))
	}
	if p.WithTotal {
		n, err := filter(db.NewSelect().Model((*T)(nil))).Count(ctx)
		if err != nil {
			return out, fmt.Errorf("count %T: %w", out.Rows, err)
		}
		out.Total = int(n)
	}
	return out, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// RegistrationFilter selects registration attempts.
type RegistrationFilter struct {
	Span
	Collection    string
	InscriptionID string
	TxID          string
	Creator       string
	Status        []string
}

var registrationOrder = keyset[Registration]{
	columns: []string{"block_height", "tx_index", "txid", "collection"},
	values: func(r *Registration) []string {
		return []string{itoa(r.BlockHeight), itoa(int64(r.TxIndex)), r.TxID, r.Collection}
	},
}

// Registrations lists registration attempts.
func (s *Store) Registrations(ctx context.Context, f RegistrationFilter, p Page) (PageOf[Registration], error) {
	return list(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = f.Span.apply(q)
		q = eq(q, "collection", f.Collection)
		q = eq(q, "inscription_id", f.InscriptionID)
		q = eq(q, "txid", f.TxID)
		q = eq(q, "creator", domain.CanonicalAddress(f.Creator))
		if len(f.Status) > 0 {
			q = q.Where("status IN (?)", bun.In(f.Status))
		}
		return q
	}, registrationOrder, p)
}

// ClaimFilter selects badge claims.
type ClaimFilter struct {
	Span
	Contract string
	Player   string
	TokenID  string
	Season   string
	Tiers    []int16
}

var claimOrder = keyset[BadgeClaim]{
	columns: []string{"block_height", "log_index", "chain"},
	values: func(c *BadgeClaim) []string {
		return []string{itoa(c.BlockHeight), itoa(int64(c.LogIndex)), c.Chain}
	},
}

// BadgeClaims lists BadgeMinted events.
func (s *Store) BadgeClaims(ctx context.Context, f ClaimFilter, p Page) (PageOf[BadgeClaim], error) {
	return list(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = f.Span.apply(q)
		q = eq(q, "contract", f.Contract)
		q = eq(q, "player", f.Player)
		q = eq(q, "token_id", f.TokenID)
		q = eq(q, "season", f.Season)
		if len(f.Tiers) > 0 {
			q = q.Where("tier IN (?)", bun.In(f.Tiers))
		}
		return q
	}, claimOrder, p)
}

// NullifierFilter selects nullifier first uses.
type NullifierFilter struct {
	Span
	Contract string
	Player   string
	Verified *bool
}

var nullifierUseOrder = keyset[NullifierUse]{
	columns: []string{"block_height", "log_index", "chain"},
	values: func(n *NullifierUse) []string {
		return []string{itoa(n.BlockHeight), itoa(int64(n.LogIndex)), n.Chain}
	},
}

// NullifierUses lists nullifiers' first uses.
func (s *Store) NullifierUses(ctx context.Context, f NullifierFilter, p Page) (PageOf[NullifierUse], error) {
	return list(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = f.Span.apply(q)
		q = eq(q, "contract", f.Contract)
		q = eq(q, "player", f.Player)
		if f.Verified != nil {
			q = q.Where("verified = ?", *f.Verified)
		}
		return q
	}, nullifierUseOrder, p)
}

// ReuseFilter selects reuse attempts.
type ReuseFilter struct {
	Span
	Contract  string
	Nullifier string
	Player    string
	Kind      string
}

var reuseOrder = keyset[ReuseAttempt]{
	columns: []string{"block_height", "log_index", "chain"},
	values: func(r *ReuseAttempt) []string {
		return []string{itoa(r.BlockHeight), itoa(int64(r.LogIndex)), r.Chain}
	},
}

// ReuseAttempts lists replays of used nullifiers.
func (s *Store) ReuseAttempts(ctx context.Context, f ReuseFilter, p Page) (PageOf[ReuseAttempt], error) {
	return list(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = f.Span.apply(q)
		q = eq(q, "contract", f.Contract)
		q = eq(q, "nullifier", f.Nullifier)
		q = eq(q, "player", f.Player)
		q = eq(q, "kind", f.Kind)
		return q
	}, reuseOrder, p)
}

// HoldingFilter selects badge holdings.
type HoldingFilter struct {
	Chain    string
	Contract string
	Holder   string
	TokenID  string
	// AsOf recomputes holdings from the transfers at or below a height.
	AsOf *int64
}

var holdingOrder = keyset[Holding]{
	columns: []string{"chain", "contract", "token_id", "holder"},
	values: func(h *Holding) []string {
		return []string{h.Chain, h.Contract, h.TokenID, h.Holder}
	},
}

// Holdings lists who holds which badge token. Current holdings come from the
// derived table; as of a past height they are summed from transfers.
func (s *Store) Holdings(ctx context.Context, f HoldingFilter, p Page) (PageOf[Holding], error) {
	return list(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		if f.AsOf != nil {
			q = q.ModelTableExpr("(?) AS holding", s.holdingsAsOf(*f.AsOf))
		}
		q = eq(q, "chain", f.Chain)
		q = eq(q, "contract", f.Contract)
		q = eq(q, "holder", f.Holder)
		q = eq(q, "token_id", f.TokenID)
		return q
	}, holdingOrder, p, lead(fixed{"holder", f.Holder})...)
}

func (s *Store) holdingsAsOf(height int64) *bun.SelectQuery {
	moves := s.db.NewSelect().TableExpr("badge_transfers").
		ColumnExpr("chain, contract, standard, token_id, to_address AS holder, value AS delta").
		Where("block_height <= ?", height).
		UnionAll(s.db.NewSelect().TableExpr("badge_transfers").
			ColumnExpr("chain, contract, standard, token_id, from_address AS holder, -value AS delta").
			Where("block_height <= ?", height))
	return s.db.NewSelect().TableExpr("(?) AS moves", moves).
		ColumnExpr("chain, contract, max(standard) AS standard, token_id, holder, sum(delta) AS balance").
		Where("holder <> ?", zeroAddress).
		GroupExpr("chain, contract, token_id, holder").
		Having("sum(delta) <> 0")
}
