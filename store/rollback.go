package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// ErrBeyondWindow reports a rollback target below the stored block hashes: the
// reorg is deeper than the window, and rolling back would guess.
var ErrBeyondWindow = errors.New("rollback target is below the stored reorg window")

// Rollback removes everything a chain indexed above toHeight, in one
// transaction: entity rows, their effect on derived state, block hashes, and
// moves the cursor back to toHeight. Each removed row gets a REMOVED event
// carrying the row, newest first, so subscribers learn exactly what went.
//
// toHeight must be a stored block, or below the chain's first indexed block
// (the chain then starts over); anything else is ErrBeyondWindow.
func (s *Store) Rollback(ctx context.Context, chain string, toHeight int64) error {
	err := s.inTx(ctx, func(ctx context.Context, w writer) error {
		target, err := rewindTarget(ctx, w.tx, chain, toHeight)
		if err != nil {
			return err
		}
		return removeAboveAndRewind(ctx, w, chain, toHeight, target)
	})
	if err != nil {
		return fmt.Errorf("roll back %s to %d: %w", chain, toHeight, err)
	}
	return nil
}

// Resync makes a chain index again from the block after at, which comes
// from the chain's source, not the store: the point is to go where a
// rollback cannot — below the stored window, after a reorg deeper than it,
// or past rows indexed by a faulty release. Everything above at is removed
// as a rollback removes it, REMOVED events included; at is stored as the
// block the chain goes on from, and the cursor points at it. A chain with
// no cursor has nothing to resync.
func (s *Store) Resync(ctx context.Context, chain string, at BlockRef) error {
	err := s.inTx(ctx, func(ctx context.Context, w writer) error {
		var cur Cursor
		if err := w.tx.NewSelect().Model(&cur).Where("chain = ?", chain).For("UPDATE").Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%s has not been indexed", chain)
			}
			return fmt.Errorf("read cursor: %w", err)
		}
		if at.Height < cur.StartHeight {
			return fmt.Errorf("block %d is below %d, where indexing began", at.Height, cur.StartHeight)
		}
		block := StoredBlock{Chain: chain, Height: at.Height, Hash: at.Hash, Parent: at.Parent, Time: at.Time.UTC()}
		if _, err := w.tx.NewInsert().Model(&block).
			On("CONFLICT (chain, height) DO UPDATE").
			Set("hash = EXCLUDED.hash, parent = EXCLUDED.parent, time = EXCLUDED.time").
			Exec(ctx); err != nil {
			return fmt.Errorf("store block %d: %w", at.Height, err)
		}
		return removeAboveAndRewind(ctx, w, chain, at.Height, &block)
	})
	if err != nil {
		return fmt.Errorf("resync %s from %d: %w", chain, at.Height+1, err)
	}
	return nil
}

// removeAboveAndRewind removes what a chain indexed above toHeight and
// points its cursor at target (nil: the chain starts over).
func removeAboveAndRewind(ctx context.Context, w writer, chain string, toHeight int64, target *StoredBlock) error {
	tx := w.tx
	ev := newEventWriter(chain)
	var removedBlocks []StoredBlock
	if err := tx.NewSelect().Model(&removedBlocks).
		Where("chain = ? AND height > ?", chain, toHeight).Order("height DESC").Scan(ctx); err != nil {
		return fmt.Errorf("read blocks: %w", err)
	}
	if _, err := removeAbove[Transaction](ctx, tx, chain, toHeight, ev, EntityTransaction, transactionKey, "tx_index DESC"); err != nil {
		return err
	}
	if _, err := removeAbove[ThresholdUpdate](ctx, tx, chain, toHeight, ev, EntityThreshold, thresholdKey, "log_index DESC"); err != nil {
		return err
	}
	if _, err := removeAbove[ReuseAttempt](ctx, tx, chain, toHeight, ev, EntityReuse, reuseKey, "log_index DESC"); err != nil {
		return err
	}
	uses, err := removeAbove[NullifierUse](ctx, tx, chain, toHeight, ev, EntityNullifier, nullifierKey, "log_index DESC")
	if err != nil {
		return err
	}
	if err := adjustXP(ctx, w, chain, uses, -1); err != nil {
		return err
	}
	transfers, err := removeAbove[BadgeTransfer](ctx, tx, chain, toHeight, ev, EntityTransfer, transferKey, "log_index DESC, batch_index DESC")
	if err != nil {
		return err
	}
	if err := adjustHoldings(ctx, w, chain, transfers, -1); err != nil {
		return err
	}
	if _, err := removeAbove[BadgeClaim](ctx, tx, chain, toHeight, ev, EntityBadgeClaim, claimKey, "log_index DESC"); err != nil {
		return err
	}
	if _, err := removeAbove[RegistrationRecord](ctx, tx, chain, toHeight, ev, EntityRecord, recordKey, "tx_index DESC"); err != nil {
		return err
	}
	regs, err := removeAbove[Registration](ctx, tx, chain, toHeight, ev, EntityRegistration, regKey, "tx_index DESC")
	if err != nil {
		return err
	}
	if err := adjustNFTSummaries(ctx, w, regs, -1); err != nil {
		return err
	}
	for _, b := range removedBlocks {
		ref := BlockRef{Height: b.Height, Hash: b.Hash, Parent: b.Parent, Time: b.Time}
		if err := ev.add(KindRemoved, EntityBlock, b.Hash, b.Height, ref); err != nil {
			return err
		}
	}
	if _, err := tx.NewDelete().Model((*StoredBlock)(nil)).
		Where("chain = ? AND height > ?", chain, toHeight).Exec(ctx); err != nil {
		return fmt.Errorf("delete blocks: %w", err)
	}
	if err := rewindCursor(ctx, tx, chain, target); err != nil {
		return err
	}
	return ev.flush(ctx, w)
}

// removeAbove deletes a table's rows above toHeight, logging a REMOVED event
// for each, newest first, and returns them for derived-state adjustment.
func removeAbove[T any](ctx context.Context, tx bun.Tx, chain string, toHeight int64, ev *eventWriter, entity string, key func(*T) (string, int64), order string) ([]T, error) {
	var rows []T
	if err := tx.NewSelect().Model(&rows).
		Where("chain = ? AND block_height > ?", chain, toHeight).
		Order("block_height DESC").OrderExpr(order).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read %T above %d: %w", rows, toHeight, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	if _, err := tx.NewDelete().Model((*T)(nil)).
		Where("chain = ? AND block_height > ?", chain, toHeight).Exec(ctx); err != nil {
		return nil, fmt.Errorf("delete %T above %d: %w", rows, toHeight, err)
	}
	for i := range rows {
		k, height := key(&rows[i])
		if err := ev.add(KindRemoved, entity, k, height, &rows[i]); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// rewindTarget checks that toHeight is a place the chain can go back to: a
// stored block, or anywhere below the chain's first indexed block (the chain
// then starts over). It returns the block to point the cursor at, or nil.
func rewindTarget(ctx context.Context, tx bun.Tx, chain string, toHeight int64) (*StoredBlock, error) {
	var at StoredBlock
	err := tx.NewSelect().Model(&at).Where("chain = ? AND height = ?", chain, toHeight).Scan(ctx)
	if err == nil {
		return &at, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read block at %d: %w", toHeight, err)
	}
	var cur Cursor
	err = tx.NewSelect().Model(&cur).Where("chain = ?", chain).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && toHeight < cur.StartHeight) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read cursor: %w", err)
	}
	return nil, fmt.Errorf("%w (no stored block at %d)", ErrBeyondWindow, toHeight)
}

// rewindCursor points the cursor at block at, or drops the cursor when the
// chain starts over.
func rewindCursor(ctx context.Context, tx bun.Tx, chain string, at *StoredBlock) error {
	if at == nil {
		if _, err := tx.NewDelete().Model((*Cursor)(nil)).Where("chain = ?", chain).Exec(ctx); err != nil {
			return fmt.Errorf("reset cursor: %w", err)
		}
		return nil
	}
	if _, err := tx.NewUpdate().Model((*Cursor)(nil)).
		Set("height = ?, hash = ?, block_time = ?, finalized = least(finalized, ?), updated_at = ?",
			at.Height, at.Hash, at.Time, at.Height, time.Now().UTC()).
		Where("chain = ?", chain).Exec(ctx); err != nil {
		return fmt.Errorf("rewind cursor: %w", err)
	}
	return nil
}
