package store

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// The types in this file are both what decoders produce and what the store
// writes: one set of structs from chain to table, so a field added to a decoder
// is a column away from the API.
//
// Conventions: hashes, txids and addresses are lower-case text (EVM addresses
// and hashes with their 0x prefix); uint256 quantities are decimal strings
// stored as numeric(78,0), so no value is ever truncated.

// BlockRef names one block of a chain and links it to its parent.
type BlockRef struct {
	Height int64
	Hash   string
	Parent string
	Time   time.Time
}

// Block is one block's decoded changes, in the order they appear in the block.
type Block struct {
	BlockRef
	Registrations []Registration
	Records       []RegistrationRecord
	Claims        []BadgeClaim
	Transfers     []BadgeTransfer
	// NullifierUses are use events (XPProofVerified / ProofVerified); the store
	// decides which is a nullifier's first use and which is a reuse attempt.
	NullifierUses []NullifierUse
	// ReuseAttempts are NullifierReused events.
	ReuseAttempts []ReuseAttempt
	Thresholds    []ThresholdUpdate
	// Transactions are the receipts of the block's indexed transactions.
	Transactions []Transaction
}

// Batch is what the follower hands to the store: contiguous blocks in
// ascending order, applied in one transaction.
type Batch struct {
	Chain  string
	Blocks []Block
	// Head and Finalized are the source's view of the chain when the batch
	// was fetched; they go into the cursor for lag and confirmations.
	Head      int64
	Finalized int64
	// KeepBlocks is how many recent block hashes to retain below the new tip
	// (the reorg window); older ones are pruned.
	KeepBlocks int64
}

// Cursor is a chain's indexing position.
type Cursor struct {
	bun.BaseModel `bun:"table:chains"`

	Chain string `bun:"chain,pk"`
	// StartHeight is the first block the chain was indexed from.
	StartHeight int64     `bun:"start_height"`
	Height      int64     `bun:"height"`
	Hash        string    `bun:"hash"`
	BlockTime   time.Time `bun:"block_time"`
	Head        int64     `bun:"head"`
	Finalized   int64     `bun:"finalized"`
	UpdatedAt   time.Time `bun:"updated_at"`
}

// StoredBlock is a recent block hash kept for reorg detection.
type StoredBlock struct {
	bun.BaseModel `bun:"table:blocks"`

	Chain  string    `bun:"chain,pk"`
	Height int64     `bun:"height,pk"`
	Hash   string    `bun:"hash"`
	Parent string    `bun:"parent"`
	Time   time.Time `bun:"time"`
}

// Position is where an entity sits in its chain. Every entity row carries it:
// rollback deletes by BlockHeight, and as-of queries filter by it.
type Position struct {
	Chain       string    `bun:"chain,pk" json:"chain"`
	BlockHeight int64     `bun:"block_height" json:"blockHeight"`
	BlockHash   string    `bun:"block_hash" json:"blockHash"`
	BlockTime   time.Time `bun:"block_time" json:"blockTime"`
}

// Collection is a creator's collection as configured for a Bitcoin chain.
type Collection struct {
	bun.BaseModel `bun:"table:collections"`

	Chain            string `bun:"chain,pk" json:"chain"`
	Name             string `bun:"name,pk" json:"name"`
	Creator          string `bun:"creator" json:"creator"`
	MinFeeSats       int64  `bun:"min_fee_sats" json:"minFeeSats"`
	MinConfirmations int64  `bun:"min_confirmations" json:"minConfirmations"`
}

// RegistrationStatus is the validity of a registration attempt.
type RegistrationStatus string

const (
	StatusValid            RegistrationStatus = "VALID"
	StatusUnderpaid        RegistrationStatus = "UNDERPAID"
	StatusExpired          RegistrationStatus = "EXPIRED"
	StatusMultiplePayloads RegistrationStatus = "MULTIPLE_PAYLOADS"
)

// Registration is a registration attempt: one fee transaction for one
// collection (spec/registrations.md).
type Registration struct {
	bun.BaseModel `bun:"table:registrations"`
	Position

	TxID       string `bun:"txid,pk" json:"txid"`
	Collection string `bun:"collection,pk" json:"collection"`
	TxIndex    int32  `bun:"tx_index" json:"txIndex"`
	// InscriptionID and ExpiryHeight come from the payload; with
	// MULTIPLE_PAYLOADS they are the first payload's.
	InscriptionID string             `bun:"inscription_id" json:"inscriptionId"`
	ExpiryHeight  int64              `bun:"expiry_height" json:"expiryHeight"`
	Creator       string             `bun:"creator" json:"creator"`
	PaidSats      int64              `bun:"paid_sats" json:"paidSats"`
	MinFeeSats    int64              `bun:"min_fee_sats" json:"minFeeSats"`
	Status        RegistrationStatus `bun:"status" json:"status"`
}

// RegistrationRecord is a buyer_registration.v1 child inscription. It is
// stored as the buyer wrote it; whether it agrees with the chain is decided
// when it is read, against the registration it names.
type RegistrationRecord struct {
	bun.BaseModel `bun:"table:registration_records"`
	Position

	InscriptionID string `bun:"inscription_id,pk" json:"inscriptionId"`
	TxIndex       int32  `bun:"tx_index" json:"txIndex"`
	// EnvelopeParents are the parents named by the envelope's tag 3.
	EnvelopeParents []string `bun:"envelope_parents,array" json:"envelopeParents"`
	Parent          string   `bun:"parent" json:"parent"`
	PaidTo          string   `bun:"paid_to" json:"paidTo"`
	FeeSats         int64    `bun:"fee_sats" json:"feeSats"`
	FeeTxID         string   `bun:"fee_txid" json:"feeTxid"`
	Timestamp       string   `bun:"timestamp" json:"timestamp"`
	// Unbound marks an envelope with an unknown even tag (ord ignores it).
	Unbound bool   `bun:"unbound" json:"unbound"`
	Body    string `bun:"body" json:"body"`
}

// Token standards of badge contracts.
const (
	StandardERC721  = "ERC721"
	StandardERC1155 = "ERC1155"
)

// BadgeClaim is a BadgeMinted event.
type BadgeClaim struct {
	bun.BaseModel `bun:"table:badge_claims"`
	Position

	LogIndex int32  `bun:"log_index,pk" json:"logIndex"`
	TxHash   string `bun:"tx_hash" json:"txHash"`
	Contract string `bun:"contract" json:"contract"`
	Standard string `bun:"standard" json:"standard"`
	Player   string `bun:"player" json:"player"`
	TokenID  string `bun:"token_id,type:numeric" json:"tokenId"`
	XPEarned string `bun:"xp_earned,type:numeric" json:"xpEarned"`
	Season   string `bun:"season,type:numeric" json:"season"`
	// RunID is set by ERC-721 (variant A) contracts only.
	RunID string `bun:"run_id,type:numeric,nullzero" json:"runId,omitempty"`
	Tier  int16  `bun:"tier" json:"tier"`
}

// BadgeTransfer is one token movement: an ERC-721 Transfer, an ERC-1155
// TransferSingle, or one (id, value) pair of a TransferBatch.
type BadgeTransfer struct {
	bun.BaseModel `bun:"table:badge_transfers"`
	Position

	LogIndex int32 `bun:"log_index,pk" json:"logIndex"`
	// BatchIndex is the pair's index within a TransferBatch (0 otherwise).
	BatchIndex int32  `bun:"batch_index,pk" json:"batchIndex"`
	TxHash     string `bun:"tx_hash" json:"txHash"`
	Contract   string `bun:"contract" json:"contract"`
	Standard   string `bun:"standard" json:"standard"`
	Operator   string `bun:"operator,nullzero" json:"operator,omitempty"`
	From       string `bun:"from_address" json:"from"`
	To         string `bun:"to_address" json:"to"`
	TokenID    string `bun:"token_id,type:numeric" json:"tokenId"`
	Value      string `bun:"value,type:numeric" json:"value"`
}

// Nullifier-use event kinds, by the signature that emitted them.
const (
	EventXPProofVerified = "XPProofVerified"
	EventProofVerified   = "ProofVerified"
	EventProofVerifiedV2 = "ProofVerifiedV2"
)

// NullifierUse is a use event. Stored, it is a nullifier's first use on its
// contract (table nullifiers).
type NullifierUse struct {
	bun.BaseModel `bun:"table:nullifiers"`
	Position

	Contract  string `bun:"contract,pk" json:"contract"`
	Nullifier string `bun:"nullifier,pk" json:"nullifier"`
	LogIndex  int32  `bun:"log_index" json:"logIndex"`
	TxHash    string `bun:"tx_hash" json:"txHash"`
	Event     string `bun:"event" json:"event"`
	Player    string `bun:"player" json:"player"`
	ClaimedXP string `bun:"claimed_xp,type:numeric" json:"claimedXp"`
	// Threshold is set by XPProofVerified only.
	Threshold string `bun:"threshold,type:numeric,nullzero" json:"threshold,omitempty"`
	Verified  bool   `bun:"verified" json:"verified"`
	// EventTimestamp is the timestamp argument of ProofVerified (unix seconds).
	EventTimestamp string `bun:"event_timestamp,type:numeric,nullzero" json:"eventTimestamp,omitempty"`
}

// Reuse-attempt kinds.
const (
	// ReuseRejected is a NullifierReused event: the contract refused a replay.
	ReuseRejected = "NULLIFIER_REUSED"
	// ReuseDuplicate is a second use event for a nullifier already used on the
	// same contract; it should not happen and never overwrites the first use.
	ReuseDuplicate = "DUPLICATE_USE"
)

// ReuseAttempt is a replayed nullifier.
type ReuseAttempt struct {
	bun.BaseModel `bun:"table:reuse_attempts"`
	Position

	LogIndex  int32  `bun:"log_index,pk" json:"logIndex"`
	TxHash    string `bun:"tx_hash" json:"txHash"`
	Contract  string `bun:"contract" json:"contract"`
	Nullifier string `bun:"nullifier" json:"nullifier"`
	Player    string `bun:"player" json:"player"`
	Kind      string `bun:"kind" json:"kind"`
	// ClaimedXP is the duplicate use's claim (DUPLICATE_USE only).
	ClaimedXP string `bun:"claimed_xp,type:numeric,nullzero" json:"claimedXp,omitempty"`
}

// ThresholdUpdate is a verifier's ThresholdUpdated event.
type ThresholdUpdate struct {
	bun.BaseModel `bun:"table:threshold_updates"`
	Position

	LogIndex     int32  `bun:"log_index,pk" json:"logIndex"`
	TxHash       string `bun:"tx_hash" json:"txHash"`
	Contract     string `bun:"contract" json:"contract"`
	OldThreshold string `bun:"old_threshold,type:numeric" json:"oldThreshold"`
	NewThreshold string `bun:"new_threshold,type:numeric" json:"newThreshold"`
}

// Holding is derived state: a holder's balance of one token. ERC-721 tokens
// have balance 1 at their owner.
type Holding struct {
	bun.BaseModel `bun:"table:badge_holdings"`

	Chain    string `bun:"chain,pk"`
	Contract string `bun:"contract,pk"`
	TokenID  string `bun:"token_id,pk,type:numeric"`
	Holder   string `bun:"holder,pk"`
	Standard string `bun:"standard"`
	Balance  string `bun:"balance,type:numeric"`
	// Claim is the token's first claim, read only with
	// HoldingFilter.WithClaims; nil when none is indexed.
	Claim *BadgeClaim `bun:"-"`
}

// PlayerXP is derived state: the XP of a player's verified first uses.
type PlayerXP struct {
	bun.BaseModel `bun:"table:player_xp"`

	Chain  string `bun:"chain,pk"`
	Player string `bun:"player,pk"`
	XP     string `bun:"xp,type:numeric"`
	// Uses counts verified first uses; the row goes when it reaches zero.
	Uses int64 `bun:"uses"`
}

// Event-log kinds and entities.
const (
	KindAdded   = "ADDED"
	KindRemoved = "REMOVED"

	EntityRegistration = "registration"
	EntityRecord       = "registration_record"
	EntityBadgeClaim   = "badge_claim"
	EntityTransfer     = "badge_transfer"
	EntityNullifier    = "nullifier"
	EntityReuse        = "reuse_attempt"
	EntityThreshold    = "threshold_update"
	EntityBlock        = "block"
)

// Event is a row of the append-only event log, the outbox subscriptions read.
// Data is the entity as it was added or removed, so a REMOVED event still
// says what went away.
type Event struct {
	bun.BaseModel `bun:"table:events"`

	ID          int64     `bun:"id,pk,autoincrement"`
	Chain       string    `bun:"chain"`
	Kind        string    `bun:"kind"`
	Entity      string    `bun:"entity"`
	Key         string    `bun:"key"`
	BlockHeight int64     `bun:"block_height"`
	Data        EventData `bun:"data,type:json"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
}

// ProviderHealth is an RPC provider's state as its indexer reported it.
type ProviderHealth struct {
	bun.BaseModel `bun:"table:providers"`

	Chain               string    `bun:"chain,pk"`
	Name                string    `bun:"name,pk"`
	Position            int       `bun:"position"`
	Breaker             string    `bun:"breaker"`
	ConsecutiveFailures int       `bun:"consecutive_failures"`
	Requests            int64     `bun:"requests"`
	Failures            int64     `bun:"failures"`
	LastError           string    `bun:"last_error,nullzero"`
	LastErrorAt         time.Time `bun:"last_error_at,nullzero"`
	LastSuccess         time.Time `bun:"last_success,nullzero"`
	UpdatedAt           time.Time `bun:"updated_at"`
}

// ChainState is what a chain's indexer reported it was doing
// (domain.ChainStarting and the others).
type ChainState struct {
	bun.BaseModel `bun:"table:chain_states"`

	Chain  string `bun:"chain,pk"`
	State  string `bun:"state"`
	Reason string `bun:"reason,nullzero"`
	// Since is when the chain entered State.
	Since time.Time `bun:"since"`
	// Head is the head the indexer last read; nil before it read one.
	Head            *int64  `bun:"head"`
	BlocksPerSecond float64 `bun:"blocks_per_second"`
	// ETASeconds is how long catching up should take at BlocksPerSecond;
	// nil unless syncing.
	ETASeconds *float64 `bun:"eta_seconds"`
	// StallAfterMS is the indexer's stall_after: a report older than that
	// is itself a stall (domain.ReportedState).
	StallAfterMS int64     `bun:"stall_after_ms"`
	ReportedAt   time.Time `bun:"reported_at"`
}

// StallAfter is the indexer's stall_after.
func (c ChainState) StallAfter() time.Duration {
	return time.Duration(c.StallAfterMS) * time.Millisecond
}

// EventData is an event's entity as JSON. It goes to the database as the
// text it already is: bun would otherwise re-encode it.
type EventData []byte

// Value implements driver.Valuer.
func (d EventData) Value() (driver.Value, error) { return string(d), nil }

// Scan implements sql.Scanner.
func (d *EventData) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		*d = append((*d)[:0], v...)
	case string:
		*d = append((*d)[:0], v...)
	case nil:
		*d = nil
	default:
		return fmt.Errorf("event data: cannot scan %T", src)
	}
	return nil
}

// MarshalJSON keeps the data as the JSON it is.
func (d EventData) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	return d, nil
}

// nftSummary is derived state: an NFT's registrations of one status in one
// collection of one chain — how many, the oldest one's height, and the
// newest one's key in the order of an NFT's registrations (height,
// position, txid; the collection is the row's). Each new registration adds
// to its row; a rolled-back one takes from it, and the row goes at zero.
type nftSummary struct {
	bun.BaseModel `bun:"table:nft_summaries"`

	InscriptionID string             `bun:"inscription_id,pk"`
	Chain         string             `bun:"chain,pk"`
	Collection    string             `bun:"collection,pk"`
	Status        RegistrationStatus `bun:"status,pk"`
	Registrations int64              `bun:"registrations"`
	FirstHeight   int64              `bun:"first_height"`
	LastHeight    int64              `bun:"last_height"`
	LastTxIndex   int32              `bun:"last_tx_index"`
	LastTxID      string             `bun:"last_txid"`
}
