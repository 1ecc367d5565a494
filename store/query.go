package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// ErrBadCursor reports a cursor that this list did not hand out; the
// error is a *CursorError, which names the argument.
var ErrBadCursor = errors.New("invalid cursor")

// CursorError is ErrBadCursor for one of a page's cursors.
type CursorError struct {
	// Argument is "after" or "before".
	Argument string
}

func (e *CursorError) Error() string { return e.Argument + ": " + ErrBadCursor.Error() }
func (e *CursorError) Unwrap() error { return ErrBadCursor }

// Page asks for one page of a list: the First rows after After (from the
// list's start without it), or, Backward, the Last rows before Before (up
// to the list's end without it). Either cursor may also bound the other
// direction's page: rows after After and before Before. Rows come in the
// list's order whichever way it is read, and a cursor names a row's
// position whichever page handed it out, so a forward page's cursor works
// as Before and a backward page's as After.
type Page struct {
	First int
	// After is a cursor from an earlier page; empty for the first page.
	After string
	// Backward reads Last rows ending before Before.
	Backward bool
	Last     int
	// Before is a cursor from an earlier page; empty for the list's end.
	Before string
	// Desc orders newest first.
	Desc bool
	// WithTotal also counts every row matching the filter (one more
	// statement: only when the client asked for totalCount).
	WithTotal bool
	// WithBeyond also finds out exactly whether rows lie beyond the
	// cursor the page starts from — at or before After paging forward
	// (HasPrevious), at or after Before paging backward (HasNext) — one
	// more statement, only when the client asked for that flag. Without
	// it that flag is true whenever the cursor is given (the row it names
	// is there, unless a reorg took it away), as Relay allows.
	WithBeyond bool
}

// size is how many rows p asks for, within MaxPageSize.
func (p Page) size() int {
	n := p.First
	if p.Backward {
		n = p.Last
	}
	return min(max(n, 0), MaxPageSize)
}

// PageOf is one page of rows with each row's cursor.
type PageOf[T any] struct {
	Rows    []T
	Cursors []string
	// HasNext: rows follow the page in the list's order. HasPrevious: rows
	// precede it. Each is exact in the direction the page was read (one
	// row more was read), and beyond its starting cursor as Page.WithBeyond
	// says.
	HasNext, HasPrevious bool
	Total                int
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
	// extend adds what only the page's own statement reads (a join for
	// more columns); the count and the probe beyond a cursor leave it out.
	extend func(*bun.SelectQuery) *bun.SelectQuery
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

// window is how a page reads its list: the bounds its cursors set, and
// the order it fetches rows in.
type window struct {
	n        int
	backward bool
	desc     bool
	// after and before are the cursors' values, the lead columns' first;
	// nil when not given.
	after, before []any
}

// window decodes p's cursors for a keyset of n columns, after the values
// of the lead columns.
func (p Page) window(n int, lead []any) (window, error) {
	w := window{n: p.size(), backward: p.Backward, desc: p.Desc}
	for _, c := range []struct {
		arg, cursor string
		into        *[]any
	}{{"after", p.After, &w.after}, {"before", p.Before, &w.before}} {
		if c.cursor == "" {
			continue
		}
		values, err := decodeCursor(c.cursor, n)
		if err != nil {
			return w, &CursorError{Argument: c.arg}
		}
		*c.into = append(slices.Clone(lead), values...)
	}
	return w, nil
}

// cond is a WHERE condition and its arguments.
type cond struct {
	sql  string
	args []any
}

func compare(columns []string, op string, values []any) cond {
	return cond{"(" + strings.Join(columns, ", ") + ") " + op + " (" + strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ") + ")", values}
}

// ops are the comparisons of a row that follows, and of one that precedes,
// a position in the list's order.
func (w window) ops() (follows, precedes string) {
	if w.desc {
		return "<", ">"
	}
	return ">", "<"
}

// bounds are the conditions the cursors set on columns.
func (w window) bounds(columns []string) []cond {
	follows, precedes := w.ops()
	var cs []cond
	if w.after != nil {
		cs = append(cs, compare(columns, follows, w.after))
	}
	if w.before != nil {
		cs = append(cs, compare(columns, precedes, w.before))
	}
	return cs
}

// order is the direction rows are fetched in: the list's, reversed when
// paging backward (the rows nearest Before first).
func (w window) order() string {
	if w.desc != w.backward {
		return " DESC"
	}
	return " ASC"
}

// beyond is the condition of the rows past the cursor the page starts
// from: at or before After paging forward, at or after Before paging
// backward. False when that cursor is not given: nothing lies beyond the
// list's own end.
func (w window) beyond(columns []string) (cond, bool) {
	follows, precedes := w.ops()
	switch {
	case w.backward && w.before != nil:
		return compare(columns, follows+"=", w.before), true
	case !w.backward && w.after != nil:
		return compare(columns, precedes+"=", w.after), true
	}
	return cond{}, false
}

// beyondOrder is the order that reads the rows beyond the starting cursor
// nearest it first: by the index, one row at most (the cursor's own, most
// often). Not EXISTS, whose ORDER BY and LIMIT PostgreSQL drops: it then
// estimates a row comparison by its first column, and read 40,000 holdings
// from the start of the table to find the one past a cursor at its end.
func (w window) beyondOrder() string {
	if w.desc != w.backward {
		return " ASC"
	}
	return " DESC"
}

// settle turns the rows fetched (at most n+1, in fetch order) into the
// page's rows in the list's order, and reports whether there were more.
func settle[T any](w window, rows []T) ([]T, bool) {
	more := len(rows) > w.n
	if more {
		rows = rows[:w.n]
	}
	if w.backward {
		slices.Reverse(rows)
	}
	return rows, more
}

// flags are a page's HasNext and HasPrevious: more is whether rows lie
// past the page in the direction it was read; beyond, when the page was
// asked for WithBeyond, whether rows lie past its starting cursor.
func (w window) flags(more bool, probed, beyond bool) (next, previous bool) {
	start := w.after
	if w.backward {
		start = w.before
	}
	far := start != nil && (beyond || !probed)
	if w.backward {
		return far, more
	}
	return more, far
}

// blame names the cursor PostgreSQL refused a value of: the only one
// given, else the one whose bound alone refuses (a statement that reads
// no row, run only on this error's path).
func (w window) blame(columns []string, refuses func(cond) bool) error {
	if w.after != nil && (w.before == nil || refuses(compare(columns, "=", w.after))) {
		return &CursorError{Argument: "after"}
	}
	return &CursorError{Argument: "before"}
}

// list runs one keyset-paginated query. filter adds the WHERE clauses; the
// count, when asked for, uses the same filter without the cursors. by are
// columns the filter holds to one value, put before the order's own in the
// ORDER BY and the cursors' comparisons: the same rows in the same order.
// PostgreSQL estimates a row comparison by its first column alone; a
// keyset that starts with a column of few values (a chain) looks to match
// almost nothing, and the planner then reads the list's own index past
// every other holder's rows (616 ms for a holder's second page of 10
// badges among 200,000) instead of the holder's (0.1 ms).
//
// A backward page reads the same index the other way: the rows before
// Before nearest first, one more than asked, turned back to the list's
// order.
func list[T any](ctx context.Context, db bun.IDB, filter func(*bun.SelectQuery) *bun.SelectQuery, key keyset[T], p Page, by ...fixed) (PageOf[T], error) {
	var out PageOf[T]
	columns := key.columns
	var lead []any
	if len(by) > 0 {
		columns = nil
		for _, f := range by {
			columns = append(columns, f.column)
			lead = append(lead, f.value)
		}
		columns = append(columns, key.columns...)
	}
	w, err := p.window(len(key.columns), lead)
	if err != nil {
		return out, err
	}
	where := func(q *bun.SelectQuery, cs ...cond) *bun.SelectQuery {
		for _, c := range cs {
			q = q.Where(c.sql, c.args...)
		}
		return q
	}
	q := where(filter(db.NewSelect().Model(&out.Rows)), w.bounds(columns)...)
	if key.extend != nil {
		q = key.extend(q)
	}
	for _, c := range columns {
		q = q.OrderExpr(c + w.order())
	}
	if err := q.Limit(int64(w.n + 1)).Scan(ctx); err != nil {
		if (w.after != nil || w.before != nil) && badCursorValue(err) {
			return out, w.blame(columns, func(c cond) bool {
				_, err := where(filter(db.NewSelect().Model((*T)(nil))), c).Limit(0).Exec(ctx)
				return badCursorValue(err)
			})
		}
		return out, fmt.Errorf("list %T: %w", out.Rows, err)
	}
	var more, beyond bool
	out.Rows, more = settle(w, out.Rows)
	probe, probed := w.beyond(columns)
	probed = probed && p.WithBeyond
	if probed {
		q := where(filter(db.NewSelect().Model((*T)(nil))), probe).ColumnExpr("1")
		for _, c := range columns {
			q = q.OrderExpr(c + w.beyondOrder())
		}
		var found []int
		if err := q.Limit(1).Scan(ctx, &found); err != nil {
			return out, fmt.Errorf("list %T: rows beyond the cursor: %w", out.Rows, err)
		}
		beyond = len(found) > 0
	}
	out.HasNext, out.HasPrevious = w.flags(more, probed, beyond)
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
	// WithClaims reads each holding's first claim (Holding.Claim) in the
	// page's statement: a profile's badges with their tiers cost one
	// statement rather than two (make bench's "player with badges").
	WithClaims bool
}

var holdingOrder = keyset[Holding]{
	columns: []string{"chain", "contract", "token_id", "holder"},
	values: func(h *Holding) []string {
		return []string{h.Chain, h.Contract, h.TokenID, h.Holder}
	},
}

// holdingClaim is a holding and its token's first claim, NULL columns
// (claim_chain empty) when none is indexed.
type holdingClaim struct {
	bun.BaseModel `bun:"table:badge_holdings,alias:holding"`
	Holding
	Claim BadgeClaim `bun:"embed:claim_,scanonly"`
}

var holdingClaimOrder = keyset[holdingClaim]{
	columns: holdingOrder.columns,
	values:  func(h *holdingClaim) []string { return holdingOrder.values(&h.Holding) },
	extend: func(q *bun.SelectQuery) *bun.SelectQuery {
		// FirstClaims' order, one token at a time, by the contract index.
		return q.ColumnExpr("holding.*").ColumnExpr("claim.*").Join(`LEFT JOIN LATERAL (
			SELECT c.chain AS claim_chain, c.block_height AS claim_block_height, c.block_hash AS claim_block_hash,
				c.block_time AS claim_block_time, c.log_index AS claim_log_index, c.tx_hash AS claim_tx_hash,
				c.contract AS claim_contract, c.standard AS claim_standard, c.player AS claim_player,
				c.token_id AS claim_token_id, c.xp_earned AS claim_xp_earned, c.season AS claim_season,
				c.run_id AS claim_run_id, c.tier AS claim_tier
			FROM badge_claims AS c
			WHERE c.chain = holding.chain AND c.contract = holding.contract AND c.token_id = holding.token_id
			ORDER BY c.block_height, c.log_index LIMIT 1) AS claim ON true`)
	},
}

// Holdings lists who holds which badge token. Current holdings come from the
// derived table; as of a past height they are summed from transfers.
func (s *Store) Holdings(ctx context.Context, f HoldingFilter, p Page) (PageOf[Holding], error) {
	if f.WithClaims {
		pg, err := list(ctx, s.db, s.holdingFilter(f), holdingClaimOrder, p, lead(fixed{"holder", f.Holder})...)
		if err != nil {
			return PageOf[Holding]{}, err
		}
		out := PageOf[Holding]{Rows: make([]Holding, len(pg.Rows)), Cursors: pg.Cursors, HasNext: pg.HasNext, HasPrevious: pg.HasPrevious, Total: pg.Total}
		for i := range pg.Rows {
			out.Rows[i] = pg.Rows[i].Holding
			if c := &pg.Rows[i].Claim; c.Chain != "" {
				out.Rows[i].Claim = c
			}
		}
		return out, nil
	}
	return list(ctx, s.db, s.holdingFilter(f), holdingOrder, p, lead(fixed{"holder", f.Holder})...)
}

func (s *Store) holdingFilter(f HoldingFilter) func(q *bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if f.AsOf != nil {
			q = q.ModelTableExpr("(?) AS holding", s.holdingsAsOf(*f.AsOf))
		}
		q = eq(q, "chain", f.Chain)
		q = eq(q, "contract", f.Contract)
		q = eq(q, "holder", f.Holder)
		q = eq(q, "token_id", f.TokenID)
		return q
	}
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
