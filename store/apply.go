package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// eventLogLock serialises event-log writers for the length of their
// transaction, so event ids are handed out in commit order. Without it a
// reader could see id 11 committed before id 10 and skip 10 forever.
const eventLogLock = 0x68657262 // "herb"

// insertChunk bounds the rows of one INSERT statement.
const insertChunk = 5000

// zeroAddress is the EVM zero address: mints come from it, burns go to it,
// and it holds nothing.
const zeroAddress = "0x0000000000000000000000000000000000000000"

// ErrCursorMoved reports a batch read from a cursor that has moved since.
var ErrCursorMoved = errors.New("the chain's cursor moved")

// Apply writes a batch of blocks in one transaction: entity rows, derived
// state, block hashes, the cursor and ADDED events, then a NOTIFY that fires
// on commit. Either all of it lands or none of it does.
func (s *Store) Apply(ctx context.Context, b Batch) error {
	if len(b.Blocks) == 0 {
		return nil
	}
	for i := 1; i < len(b.Blocks); i++ {
		if b.Blocks[i].Height != b.Blocks[i-1].Height+1 {
			return fmt.Errorf("apply %s: blocks not contiguous at %d → %d", b.Chain, b.Blocks[i-1].Height, b.Blocks[i].Height)
		}
	}
	rows := flatten(b)
	err := s.inTx(ctx, func(ctx context.Context, w writer) error {
		tx := w.tx
		uses, reuses, err := splitFirstUses(ctx, tx, b.Chain, rows.uses)
		if err != nil {
			return err
		}
		rows.reuses = append(rows.reuses, reuses...)
		ev := newEventWriter(b.Chain)
		if err := insertAll(ctx, w, rows.registrations, ev, KindAdded, EntityRegistration, regKey); err != nil {
			return err
		}
		if err := insertAll(ctx, w, rows.records, ev, KindAdded, EntityRecord, recordKey); err != nil {
			return err
		}
		if err := insertAll(ctx, w, rows.claims, ev, KindAdded, EntityBadgeClaim, claimKey); err != nil {
			return err
		}
		if err := insertAll(ctx, w, rows.transfers, ev, KindAdded, EntityTransfer, transferKey); err != nil {
			return err
		}
		if err := insertAll(ctx, w, uses, ev, KindAdded, EntityNullifier, nullifierKey); err != nil {
			return err
		}
		if err := insertAll(ctx, w, rows.reuses, ev, KindAdded, EntityReuse, reuseKey); err != nil {
			return err
		}
		if err := insertAll(ctx, w, rows.thresholds, ev, KindAdded, EntityThreshold, thresholdKey); err != nil {
			return err
		}
		if err := insertAll(ctx, w, rows.transactions, ev, KindAdded, EntityTransaction, transactionKey); err != nil {
			return err
		}
		if err := adjustHoldings(ctx, w, b.Chain, rows.transfers, 1); err != nil {
			return err
		}
		if err := adjustXP(ctx, w, b.Chain, uses, 1); err != nil {
			return err
		}
		if err := adjustNFTSummaries(ctx, w, rows.registrations, 1); err != nil {
			return err
		}
		if err := s.advanceChain(ctx, tx, b, ev); err != nil {
			return err
		}
		return ev.flush(ctx, w)
	})
	if err != nil {
		return fmt.Errorf("apply %s blocks %d..%d: %w", b.Chain, b.Blocks[0].Height, b.Blocks[len(b.Blocks)-1].Height, err)
	}
	return nil
}

// advanceChain stores the batch's block hashes, prunes those below the reorg
// window and moves the cursor to the batch's last block.
func (s *Store) advanceChain(ctx context.Context, tx bun.Tx, b Batch, ev *eventWriter) error {
	blocks := make([]StoredBlock, len(b.Blocks))
	for i, blk := range b.Blocks {
		blocks[i] = StoredBlock{Chain: b.Chain, Height: blk.Height, Hash: blk.Hash, Parent: blk.Parent, Time: blk.Time.UTC()}
	}
	if err := insertRows(ctx, tx, blocks); err != nil {
		return err
	}
	tip := b.Blocks[len(b.Blocks)-1].BlockRef
	if b.KeepBlocks > 0 {
		if _, err := tx.NewDelete().Model((*StoredBlock)(nil)).
			Where("chain = ? AND height < ?", b.Chain, tip.Height-b.KeepBlocks).Exec(ctx); err != nil {
			return fmt.Errorf("prune block hashes: %w", err)
		}
	}
	cur := Cursor{
		Chain: b.Chain, StartHeight: b.Blocks[0].Height, Height: tip.Height, Hash: tip.Hash, BlockTime: tip.Time.UTC(),
		Head: max(b.Head, tip.Height), Finalized: min(b.Finalized, tip.Height), UpdatedAt: time.Now().UTC(),
	}
	// The batch continues the cursor it was read from, or lands nowhere: a
	// resync (or a second writer) that moved the cursor meanwhile leaves
	// nothing to update, and the follower reads the cursor again.
	res, err := tx.NewInsert().Model(&cur).
		On("CONFLICT (chain) DO UPDATE").
		Set("height = EXCLUDED.height, hash = EXCLUDED.hash, block_time = EXCLUDED.block_time").
		Set("head = EXCLUDED.head, finalized = EXCLUDED.finalized, updated_at = EXCLUDED.updated_at").
		Where("?TableAlias.height = ?", b.Blocks[0].Height-1).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("move cursor: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("move cursor: %w", err)
	}
	if n != 1 {
		return fmt.Errorf("%w: blocks from %d do not continue it", ErrCursorMoved, b.Blocks[0].Height)
	}
	return ev.add(KindAdded, EntityBlock, tip.Hash, tip.Height, tip)
}

// batchRows is a batch flattened by table, with every row's Position filled
// from its block: the block, not the decoder, is the authority on where a
// row sits.
type batchRows struct {
	registrations []Registration
	records       []RegistrationRecord
	claims        []BadgeClaim
	transfers     []BadgeTransfer
	uses          []NullifierUse
	reuses        []ReuseAttempt
	thresholds    []ThresholdUpdate
	transactions  []Transaction
}

func flatten(b Batch) batchRows {
	var r batchRows
	for _, blk := range b.Blocks {
		pos := Position{Chain: b.Chain, BlockHeight: blk.Height, BlockHash: blk.Hash, BlockTime: blk.Time.UTC()}
		r.registrations = appendAt(r.registrations, blk.Registrations, func(x *Registration) { x.Position = pos })
		r.records = appendAt(r.records, blk.Records, func(x *RegistrationRecord) { x.Position = pos })
		r.claims = appendAt(r.claims, blk.Claims, func(x *BadgeClaim) { x.Position = pos })
		r.transfers = appendAt(r.transfers, blk.Transfers, func(x *BadgeTransfer) { x.Position = pos })
		r.uses = appendAt(r.uses, blk.NullifierUses, func(x *NullifierUse) { x.Position = pos })
		r.reuses = appendAt(r.reuses, blk.ReuseAttempts, func(x *ReuseAttempt) { x.Position = pos })
		r.thresholds = appendAt(r.thresholds, blk.Thresholds, func(x *ThresholdUpdate) { x.Position = pos })
		r.transactions = appendAt(r.transactions, blk.Transactions, func(x *Transaction) { x.Position = pos })
	}
	return r
}

func appendAt[T any](dst, src []T, place func(*T)) []T {
	for _, x := range src {
		place(&x)
		dst = append(dst, x)
	}
	return dst
}

// splitFirstUses separates a batch's use events into first uses and
// duplicates: a nullifier already used on its contract (earlier in the chain
// or earlier in this batch) is a DUPLICATE_USE reuse attempt, never a new use.
func splitFirstUses(ctx context.Context, tx bun.Tx, chain string, uses []NullifierUse) (first []NullifierUse, dup []ReuseAttempt, err error) {
	if len(uses) == 0 {
		return nil, nil, nil
	}
	type key struct{ contract, nullifier string }
	hashes := make([]string, 0, len(uses))
	for _, u := range uses {
		hashes = append(hashes, u.Nullifier)
	}
	var existing []NullifierUse
	if err := tx.NewSelect().Model(&existing).Column("contract", "nullifier").
		Where("chain = ? AND nullifier IN (?)", chain, bun.In(hashes)).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("look up used nullifiers: %w", err)
	}
	used := make(map[key]bool, len(existing)+len(uses))
	for _, e := range existing {
		used[key{e.Contract, e.Nullifier}] = true
	}
	for _, u := range uses {
		k := key{u.Contract, u.Nullifier}
		if used[k] {
			dup = append(dup, ReuseAttempt{
				Position: u.Position, LogIndex: u.LogIndex, TxHash: u.TxHash, Contract: u.Contract,
				Nullifier: u.Nullifier, Player: u.Player, Kind: ReuseDuplicate, ClaimedXP: u.ClaimedXP,
			})
			continue
		}
		used[k] = true
		first = append(first, u)
	}
	return first, dup, nil
}

// writer is a transaction and the connection it runs on (for COPY).
type writer struct {
	db   *bun.DB
	conn bun.Conn
	tx   bun.Tx
}

// inTx runs fn in one transaction on one connection.
func (s *Store) inTx(ctx context.Context, fn func(context.Context, writer) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return fn(ctx, writer{db: s.db, conn: conn, tx: tx})
	})
}

// insertAll bulk-loads rows and logs an event for each.
func insertAll[T any](ctx context.Context, w writer, rows []T, ev *eventWriter, kind, entity string, key func(*T) (string, int64)) error {
	if err := copyRows(ctx, w.db, w.conn, rows); err != nil {
		return err
	}
	for i := range rows {
		k, height := key(&rows[i])
		if err := ev.add(kind, entity, k, height, &rows[i]); err != nil {
			return err
		}
	}
	return nil
}

func insertRows[T any](ctx context.Context, tx bun.Tx, rows []T) error {
	for start := 0; start < len(rows); start += insertChunk {
		chunk := rows[start:min(start+insertChunk, len(rows))]
		if _, err := tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
			return fmt.Errorf("insert %T: %w", rows[0], err)
		}
	}
	return nil
}

// Event keys name an entity the way a client would look it up.
func regKey(r *Registration) (string, int64) { return r.TxID + ":" + r.Collection, r.BlockHeight }
func recordKey(r *RegistrationRecord) (string, int64) {
	return r.InscriptionID, r.BlockHeight
}
func claimKey(c *BadgeClaim) (string, int64) { return logKey(c.TxHash, c.LogIndex), c.BlockHeight }
func transferKey(t *BadgeTransfer) (string, int64) {
	return logKey(t.TxHash, t.LogIndex) + ":" + strconv.Itoa(int(t.BatchIndex)), t.BlockHeight
}
func nullifierKey(n *NullifierUse) (string, int64) {
	return n.Contract + ":" + n.Nullifier, n.BlockHeight
}
func reuseKey(r *ReuseAttempt) (string, int64) { return logKey(r.TxHash, r.LogIndex), r.BlockHeight }
func thresholdKey(t *ThresholdUpdate) (string, int64) {
	return logKey(t.TxHash, t.LogIndex), t.BlockHeight
}

func logKey(tx string, index int32) string { return tx + ":" + strconv.Itoa(int(index)) }

// adjustHoldings adds (sign 1) or takes back (sign -1) the balance changes of
// transfers. Balances are sums, so taking back exactly the rolled-back
// transfers restores exactly the earlier state.
func adjustHoldings(ctx context.Context, w writer, chain string, transfers []BadgeTransfer, sign int64) error {
	type key struct{ contract, standard, token, holder string }
	delta := make(map[key]*big.Int)
	var order []key
	add := func(k key, v *big.Int) {
		if k.holder == zeroAddress {
			return
		}
		d, ok := delta[k]
		if !ok {
			d = new(big.Int)
			delta[k] = d
			order = append(order, k)
		}
		d.Add(d, v)
	}
	for _, t := range transfers {
		v, ok := new(big.Int).SetString(t.Value, 10)
		if !ok {
			return fmt.Errorf("transfer %s:%d: value %q is not a decimal integer", t.TxHash, t.LogIndex, t.Value)
		}
		v.Mul(v, big.NewInt(sign))
		add(key{t.Contract, t.Standard, t.TokenID, t.To}, v)
		add(key{t.Contract, t.Standard, t.TokenID, t.From}, new(big.Int).Neg(v))
	}
	var rows []Holding
	for _, k := range order {
		if d := delta[k]; d.Sign() != 0 {
			rows = append(rows, Holding{Chain: chain, Contract: k.contract, Standard: k.standard, TokenID: k.token, Holder: k.holder, Balance: d.String()})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	// The deltas go in by COPY to a staging table, then into the holdings
	// in one set-based upsert that returns only the balances it left at
	// zero: those rows are deleted, by primary key.
	if err := stage(ctx, w, "badge_holdings", "holding_deltas", rows); err != nil {
		return fmt.Errorf("stage holdings: %w", err)
	}
	var emptied []Holding
	if err := w.tx.NewRaw(`WITH upserted AS (
		INSERT INTO badge_holdings AS h (chain, contract, token_id, holder, standard, balance)
		SELECT chain, contract, token_id, holder, standard, balance FROM holding_deltas
		ON CONFLICT (chain, contract, token_id, holder) DO UPDATE SET balance = h.balance + EXCLUDED.balance
		RETURNING chain, contract, token_id, holder, balance)
		SELECT chain, contract, token_id, holder, balance FROM upserted WHERE balance = 0`).Scan(ctx, &emptied); err != nil {
		return fmt.Errorf("adjust holdings: %w", err)
	}
	var zero [][]any
	for _, h := range emptied {
		zero = append(zero, []any{h.Contract, h.TokenID, h.Holder})
	}
	if len(zero) == 0 {
		return nil
	}
	if _, err := w.tx.NewDelete().Model((*Holding)(nil)).
		Where("chain = ? AND balance = 0", chain).
		Where("(contract, token_id, holder) IN (?)", bun.In(zero)).
		Exec(ctx); err != nil {
		return fmt.Errorf("drop empty holdings: %w", err)
	}
	return nil
}

// adjustXP adds (sign 1) or takes back (sign -1) the XP of verified first uses.
func adjustXP(ctx context.Context, w writer, chain string, uses []NullifierUse, sign int64) error {
	type acc struct {
		xp   *big.Int
		uses int64
	}
	byPlayer := make(map[string]*acc)
	var order []string
	for _, u := range uses {
		if !u.Verified {
			continue
		}
		xp, ok := new(big.Int).SetString(u.ClaimedXP, 10)
		if !ok {
			return fmt.Errorf("nullifier %s: claimed XP %q is not a decimal integer", u.Nullifier, u.ClaimedXP)
		}
		a, ok := byPlayer[u.Player]
		if !ok {
			a = &acc{xp: new(big.Int)}
			byPlayer[u.Player] = a
			order = append(order, u.Player)
		}
		a.xp.Add(a.xp, xp.Mul(xp, big.NewInt(sign)))
		a.uses += sign
	}
	if len(order) == 0 {
		return nil
	}
	rows := make([]PlayerXP, 0, len(order))
	for _, p := range order {
		rows = append(rows, PlayerXP{Chain: chain, Player: p, XP: byPlayer[p].xp.String(), Uses: byPlayer[p].uses})
	}
	if err := stage(ctx, w, "player_xp", "xp_deltas", rows); err != nil {
		return fmt.Errorf("stage player XP: %w", err)
	}
	if _, err := w.tx.ExecContext(ctx, `INSERT INTO player_xp AS p (chain, player, xp, uses)
		SELECT chain, player, xp, uses FROM xp_deltas
		ON CONFLICT (chain, player) DO UPDATE SET xp = p.xp + EXCLUDED.xp, uses = p.uses + EXCLUDED.uses`); err != nil {
		return fmt.Errorf("adjust player XP: %w", err)
	}
	if sign < 0 {
		// Only taking uses back can leave a player with none.
		if _, err := w.tx.NewDelete().Model((*PlayerXP)(nil)).
			Where("chain = ? AND uses = 0 AND player IN (?)", chain, bun.In(order)).Exec(ctx); err != nil {
			return fmt.Errorf("drop players without XP: %w", err)
		}
	}
	return nil
}

// adjustNFTSummaries adds (sign 1) or takes back (sign -1) registrations
// in the NFT summaries. Counts are sums, and the oldest height is kept by a
// rollback, which removes only rows above every row it keeps on the chain;
// the newest registration of a row that keeps some is read again from
// those it keeps (by index, newest first), so apply-then-rollback restores
// the summaries exactly.
func adjustNFTSummaries(ctx context.Context, w writer, regs []Registration, sign int64) error {
	if len(regs) == 0 {
		return nil
	}
	type key struct {
		id, chain, collection string
		status                RegistrationStatus
	}
	byKey := make(map[key]*nftSummary)
	var order []key
	for i := range regs {
		r := &regs[i]
		k := key{r.InscriptionID, r.Chain, r.Collection, r.Status}
		d, ok := byKey[k]
		if !ok {
			d = &nftSummary{InscriptionID: k.id, Chain: k.chain, Collection: k.collection, Status: k.status,
				FirstHeight: r.BlockHeight, LastHeight: r.BlockHeight, LastTxIndex: r.TxIndex, LastTxID: r.TxID}
			byKey[k] = d
			order = append(order, k)
		}
		d.Registrations++
		d.FirstHeight = min(d.FirstHeight, r.BlockHeight)
		if cmp.Or(cmp.Compare(r.BlockHeight, d.LastHeight), cmp.Compare(r.TxIndex, d.LastTxIndex), strings.Compare(r.TxID, d.LastTxID)) > 0 {
			d.LastHeight, d.LastTxIndex, d.LastTxID = r.BlockHeight, r.TxIndex, r.TxID
		}
	}
	rows := make([]nftSummary, len(order))
	for i, k := range order {
		rows[i] = *byKey[k]
	}
	if err := stage(ctx, w, "nft_summaries", "nft_summary_deltas", rows); err != nil {
		return fmt.Errorf("stage NFT summaries: %w", err)
	}
	const same = `(s.inscription_id, s.chain, s.collection, s.status) = (d.inscription_id, d.chain, d.collection, d.status)`
	if sign > 0 {
		const newer = `(EXCLUDED.last_height, EXCLUDED.last_tx_index, EXCLUDED.last_txid) > (s.last_height, s.last_tx_index, s.last_txid)`
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO nft_summaries AS s
			SELECT * FROM nft_summary_deltas
			ON CONFLICT (inscription_id, chain, collection, status) DO UPDATE SET
				registrations = s.registrations + EXCLUDED.registrations,
				first_height = least(s.first_height, EXCLUDED.first_height),
				last_height = CASE WHEN `+newer+` THEN EXCLUDED.last_height ELSE s.last_height END,
				last_tx_index = CASE WHEN `+newer+` THEN EXCLUDED.last_tx_index ELSE s.last_tx_index END,
				last_txid = CASE WHEN `+newer+` THEN EXCLUDED.last_txid ELSE s.last_txid END`); err != nil {
			return fmt.Errorf("adjust NFT summaries: %w", err)
		}
		return nil
	}
	for _, step := range []struct{ what, sql string }{
		{"take back registrations", `UPDATE nft_summaries s SET registrations = s.registrations - d.registrations
			FROM nft_summary_deltas d WHERE ` + same},
		{"drop empty summaries", `DELETE FROM nft_summaries s USING nft_summary_deltas d
			WHERE ` + same + ` AND s.registrations = 0`},
		{"read the newest registrations again", `UPDATE nft_summaries s SET (last_height, last_tx_index, last_txid) = (
				SELECT r.block_height, r.tx_index, r.txid FROM registrations r
				WHERE r.inscription_id = s.inscription_id AND r.chain = s.chain AND r.collection = s.collection AND r.status = s.status
				ORDER BY r.block_height DESC, r.tx_index DESC, r.txid DESC LIMIT 1)
			FROM nft_summary_deltas d WHERE ` + same},
	} {
		if _, err := w.tx.ExecContext(ctx, step.sql); err != nil {
			return fmt.Errorf("NFT summaries: %s: %w", step.what, err)
		}
	}
	return nil
}

// eventWriter collects a transaction's event-log rows and writes them last,
// under the event-log lock, followed by the NOTIFY.
type eventWriter struct {
	chain  string
	events []Event
}

func newEventWriter(chain string) *eventWriter { return &eventWriter{chain: chain} }

func (w *eventWriter) add(kind, entity, key string, height int64, entityValue any) error {
	data, err := json.Marshal(entityValue)
	if err != nil {
		return fmt.Errorf("encode %s event %s: %w", entity, key, err)
	}
	w.events = append(w.events, Event{Chain: w.chain, Kind: kind, Entity: entity, Key: key, BlockHeight: height, Data: data})
	return nil
}

func (e *eventWriter) flush(ctx context.Context, w writer) error {
	if len(e.events) == 0 {
		return nil
	}
	if _, err := w.tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", eventLogLock); err != nil {
		return fmt.Errorf("lock event log: %w", err)
	}
	if err := copyRows(ctx, w.db, w.conn, e.events); err != nil {
		return fmt.Errorf("append events: %w", err)
	}
	// Under the lock the ids just taken are this transaction's, in order.
	var last int64
	if err := w.tx.NewRaw("SELECT currval(pg_get_serial_sequence('events', 'id'))").Scan(ctx, &last); err != nil {
		return fmt.Errorf("read event ids: %w", err)
	}
	if _, err := w.tx.ExecContext(ctx, "SELECT pg_notify(?, ?)", NotifyChannel, e.chain+":"+strconv.FormatInt(last, 10)); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// stage copies rows into a temporary table shaped like table, private to the
// connection and emptied at commit: deltas go in by COPY and out into the
// derived table in one set-based upsert, far cheaper than a long VALUES list.
func stage[T any](ctx context.Context, w writer, table, staging string, rows []T) error {
	if _, err := w.tx.ExecContext(ctx, "CREATE TEMP TABLE IF NOT EXISTS "+staging+
		" (LIKE "+table+" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"); err != nil {
		return err
	}
	return copyInto(ctx, w.db, w.conn, staging, rows)
}
