// Package evm follows EVM chains and turns XPBadge / XPVerifier logs into
// herald's store changes (spec/xp-badges.md).
package evm

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/herald-indexer/herald/store"
)

// ContractKind is the family of events a configured contract emits.
//
// The token standard is not part of the configuration: the spec's badge
// variants have distinct event signatures, so each event says which standard
// it belongs to, and one configuration indexes whichever variant a
// deployment runs.
type ContractKind string

const (
	// KindBadge is an XPBadge contract, ERC-721 (variant A) or ERC-1155
	// (variants B and C).
	KindBadge ContractKind = "badge"
	// KindVerifier is an XPVerifier contract, production or stub.
	KindVerifier ContractKind = "verifier"
)

// Contract is a configured contract of a chain.
type Contract struct {
	Address common.Address
	Kind    ContractKind
	// ABI, when set, names the contract's functions and custom errors in
	// place of the ABIs herald bundles for its kind.
	ABI *abi.ABI
}

// MalformedLogError is a log whose topic0 names a known event but whose topics
// or data do not have that event's shape. The log is skipped; the caller
// counts and logs it.
type MalformedLogError struct {
	Chain       string
	BlockNumber uint64
	TxHash      common.Hash
	LogIndex    uint
	Contract    common.Address
	// Event is the signature topic0 matched.
	Event  string
	Reason string
}

func (e *MalformedLogError) Error() string {
	return fmt.Sprintf("malformed %s log on %s: block %d tx %s log %d contract %s: %s",
		e.Event, e.Chain, e.BlockNumber, e.TxHash.Hex(), e.LogIndex, hexutil.Encode(e.Contract[:]), e.Reason)
}

// Decoder turns the logs of one chain's configured contracts into store
// changes. It is immutable after NewDecoder and safe for concurrent use.
type Decoder struct {
	chain     string
	contracts map[common.Address]ContractKind
	events    map[common.Hash]event
	// abis name each contract's functions and errors (calls.go).
	abis map[common.Address][]*abi.ABI
}

// event is one decodable event signature.
type event struct {
	signature string
	kind      ContractKind
	// topics counts topic0 too.
	topics int
	// words is the data length in 32-byte words: exact for static events,
	// the head length for events with dynamic arrays.
	words   int
	dynamic bool
	// erc20Topics, when set, is the topic count of the ERC-20 event that
	// shares this signature's topic0; such logs are not badge events and are
	// ignored.
	erc20Topics int
	decode      func(l *logView, blk *store.Block) error
}

// EventSignatures are the events a Decoder knows: a MalformedLogError's
// Event is one of them.
func EventSignatures() []string {
	var sigs []string
	for _, e := range events() {
		sigs = append(sigs, e.signature)
	}
	return sigs
}

// events lists every signature of spec/xp-badges.md.
func events() []event {
	return []event{
		{
			signature: "Transfer(address,address,uint256)", kind: KindBadge,
			topics: 4, words: 0, erc20Topics: 3, decode: decodeTransfer721,
		},
		{
			signature: "TransferSingle(address,address,address,uint256,uint256)", kind: KindBadge,
			topics: 4, words: 2, decode: decodeTransferSingle,
		},
		{
			signature: "TransferBatch(address,address,address,uint256[],uint256[])", kind: KindBadge,
			topics: 4, words: 2, dynamic: true, decode: decodeTransferBatch,
		},
		{
			// Variant A.
			signature: "BadgeMinted(address,uint256,uint256,uint256,uint256)", kind: KindBadge,
			topics: 3, words: 3, decode: decodeBadgeMinted721,
		},
		{
			// Variants B and C: same parameter types, so the same topic0.
			signature: "BadgeMinted(address,uint256,uint256,uint256)", kind: KindBadge,
			topics: 3, words: 2, decode: decodeBadgeMinted1155,
		},
		{
			signature: "XPProofVerified(address,bytes32,uint256,uint256,bool)", kind: KindVerifier,
			topics: 3, words: 3, decode: decodeXPProofVerified,
		},
		{
			signature: "ProofVerified(address,uint256,bytes32,uint256)", kind: KindVerifier,
			topics: 2, words: 3, decode: decodeProofVerified,
		},
		{
			signature: "ProofVerified(address,uint256,bytes32,uint256,bool)", kind: KindVerifier,
			topics: 2, words: 4, decode: decodeProofVerifiedV2,
		},
		{
			signature: "NullifierReused(bytes32,address,uint256)", kind: KindVerifier,
			topics: 2, words: 2, decode: decodeNullifierReused,
		},
		{
			signature: "ThresholdUpdated(uint256,uint256)", kind: KindVerifier,
			topics: 1, words: 2, decode: decodeThresholdUpdated,
		},
	}
}

// NewDecoder returns a decoder for the given contracts of chain. Every
// contract needs a known kind and a distinct, non-zero address, and there must
// be at least one: an empty address list in a log filter matches every
// contract of the chain.
func NewDecoder(chain string, contracts []Contract) (*Decoder, error) {
	if len(contracts) == 0 {
		return nil, fmt.Errorf("evm decoder for %s: no contracts configured", chain)
	}
	d := &Decoder{
		chain:     chain,
		contracts: make(map[common.Address]ContractKind, len(contracts)),
		events:    make(map[common.Hash]event),
		abis:      make(map[common.Address][]*abi.ABI, len(contracts)),
	}
	for _, c := range contracts {
		addr := hexutil.Encode(c.Address[:])
		if c.Kind != KindBadge && c.Kind != KindVerifier {
			return nil, fmt.Errorf("evm decoder for %s: contract %s: unknown kind %q", chain, addr, c.Kind)
		}
		if c.Address == (common.Address{}) {
			return nil, fmt.Errorf("evm decoder for %s: zero contract address", chain)
		}
		if _, dup := d.contracts[c.Address]; dup {
			return nil, fmt.Errorf("evm decoder for %s: contract %s configured twice", chain, addr)
		}
		d.contracts[c.Address] = c.Kind
		if c.ABI != nil {
			d.abis[c.Address] = []*abi.ABI{c.ABI}
			continue
		}
		abis, err := kindABIs(c.Kind)
		if err != nil {
			return nil, fmt.Errorf("evm decoder for %s: %w", chain, err)
		}
		d.abis[c.Address] = abis
	}
	for _, ev := range events() {
		d.events[crypto.Keccak256Hash([]byte(ev.signature))] = ev
	}
	return d, nil
}

// configured reports whether addr is a configured contract.
func (d *Decoder) configured(addr common.Address) bool {
	_, ok := d.contracts[addr]
	return ok
}

// Addresses returns the configured contract addresses, sorted, for the
// address part of an eth_getLogs filter.
func (d *Decoder) Addresses() []common.Address {
	addrs := make([]common.Address, 0, len(d.contracts))
	for a := range d.contracts {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, func(a, b common.Address) int { return a.Cmp(b) })
	return addrs
}

// Topics returns the topic filter of an eth_getLogs query: one position,
// topic0, holding the signatures of the configured contracts' event
// families, sorted.
func (d *Decoder) Topics() [][]common.Hash {
	kinds := make(map[ContractKind]bool)
	for _, k := range d.contracts {
		kinds[k] = true
	}
	var topic0 []common.Hash
	for h, ev := range d.events {
		if kinds[ev.kind] {
			topic0 = append(topic0, h)
		}
	}
	slices.SortFunc(topic0, func(a, b common.Hash) int { return a.Cmp(b) })
	return [][]common.Hash{topic0}
}

// DecodeLog appends the changes of one log to blk. It decodes by topic0 and
// topic count, and sets Position.Chain, BlockHeight and BlockHash, LogIndex
// and TxHash from the log. Position.BlockTime comes from the log's
// blockTimestamp when the provider sent one; otherwise it is left zero for the
// caller to fill from the block header.
//
// Logs that are not XP events are ignored without error: those of
// unconfigured contracts, anonymous logs (no topics), unknown topic0s, ERC-20
// Transfers (3 topics; an ERC-721 Transfer has 4), removed logs (a reorg
// is the follower's business, never an addition), and events of the other
// family than the contract's configured kind (a badge contract's verifier
// events or the reverse), so a contract that happens to share a signature
// cannot write nullifiers or badges it does not own.
//
// A known event whose shape does not match its signature returns a
// *MalformedLogError and leaves blk unchanged. Static events must have
// exactly their ABI data length (Solidity never emits more), address topics
// their 12 zero bytes, and bool words the value 0 or 1; for TransferBatch
// every offset and array length is bounds-checked and the two arrays must be
// of equal length.
func (d *Decoder) DecodeLog(blk *store.Block, lg types.Log) error {
	if blk == nil {
		return errors.New("evm decode log: nil block")
	}
	if lg.Removed || len(lg.Topics) == 0 {
		return nil
	}
	kind, ok := d.contracts[lg.Address]
	if !ok {
		return nil
	}
	ev, ok := d.events[lg.Topics[0]]
	if !ok || ev.kind != kind {
		return nil
	}
	if ev.erc20Topics != 0 && len(lg.Topics) == ev.erc20Topics {
		return nil
	}

	l := &logView{chain: d.chain, event: ev.signature, lg: &lg}
	if len(lg.Topics) != ev.topics {
		return l.malformed("%d topics, want %d", len(lg.Topics), ev.topics)
	}
	want := ev.words * 32
	switch {
	case !ev.dynamic && len(lg.Data) != want:
		return l.malformed("data is %d bytes, want %d", len(lg.Data), want)
	case ev.dynamic && len(lg.Data) < want:
		return l.malformed("data is %d bytes, want at least %d", len(lg.Data), want)
	}
	// Heights and log indexes are int64 and int32 columns; a provider sending
	// more is broken, and its log cannot be stored.
	if lg.BlockNumber > math.MaxInt64 {
		return l.malformed("block number %d out of range", lg.BlockNumber)
	}
	if lg.Index > math.MaxInt32 {
		return l.malformed("log index %d out of range", lg.Index)
	}
	l.pos = store.Position{
		Chain:       d.chain,
		BlockHeight: int64(lg.BlockNumber),
		BlockHash:   lg.BlockHash.Hex(),
	}
	if lg.BlockTimestamp != 0 && lg.BlockTimestamp <= math.MaxInt64 {
		l.pos.BlockTime = time.Unix(int64(lg.BlockTimestamp), 0).UTC()
	}
	l.logIndex = int32(lg.Index)
	l.txHash = lg.TxHash.Hex()
	l.contract = hexutil.Encode(lg.Address[:])
	return ev.decode(l, blk)
}

// TierOf is a badge's tier by the XP it was earned with: 4 Legendary (≥100),
// 3 Epic (≥75), 2 Rare (≥50), 1 Common (≥25), 0 Participation.
func TierOf(xpEarned *big.Int) int16 {
	if xpEarned == nil || xpEarned.Sign() <= 0 {
		return 0
	}
	if !xpEarned.IsUint64() {
		return 4
	}
	switch xp := xpEarned.Uint64(); {
	case xp >= 100:
		return 4
	case xp >= 75:
		return 3
	case xp >= 50:
		return 2
	case xp >= 25:
		return 1
	default:
		return 0
	}
}

// logView reads one log whose topic count and head length are checked.
type logView struct {
	chain    string
	event    string
	lg       *types.Log
	pos      store.Position
	logIndex int32
	txHash   string
	contract string
}

func (l *logView) malformed(format string, args ...any) error {
	return &MalformedLogError{
		Chain:       l.chain,
		BlockNumber: l.lg.BlockNumber,
		TxHash:      l.lg.TxHash,
		LogIndex:    l.lg.Index,
		Contract:    l.lg.Address,
		Event:       l.event,
		Reason:      fmt.Sprintf(format, args...),
	}
}

// address reads an indexed address, which must be left-padded with zeros.
func (l *logView) address(topic int) (string, error) {
	t := l.lg.Topics[topic]
	if !allZero(t[:12]) {
		return "", l.malformed("topic %d is not an address: %s", topic, t.Hex())
	}
	return hexutil.Encode(t[12:]), nil
}

// topicUint reads an indexed uint256 as a decimal string.
func (l *logView) topicUint(topic int) string {
	return new(big.Int).SetBytes(l.lg.Topics[topic][:]).String()
}

// word returns data word i; callers index only within the checked length.
func (l *logView) word(i int) []byte {
	return l.lg.Data[i*32 : (i+1)*32]
}

func (l *logView) uintWord(i int) *big.Int {
	return new(big.Int).SetBytes(l.word(i))
}

func (l *logView) bytes32(i int) string {
	return hexutil.Encode(l.word(i))
}

// bool reads a bool word, which ABI encoding allows only as 0 or 1.
func (l *logView) boolWord(i int) (bool, error) {
	w := l.word(i)
	if !allZero(w[:31]) || w[31] > 1 {
		return false, l.malformed("data word %d is not a bool: %s", i, hexutil.Encode(w))
	}
	return w[31] == 1, nil
}

// uintArray reads the uint256[] whose offset is head word arg.
func (l *logView) uintArray(arg int) ([]*big.Int, error) {
	data := l.lg.Data
	offset, ok := smallWord(l.word(arg))
	if !ok || offset > uint64(len(data)) || uint64(len(data))-offset < 32 {
		return nil, l.malformed("array %d: offset %s past the end of %d bytes of data", arg, hexutil.Encode(l.word(arg)), len(data))
	}
	elems := data[offset+32:]
	n, ok := smallWord(data[offset : offset+32])
	if !ok || n > uint64(len(elems)/32) {
		return nil, l.malformed("array %d: length %s past the end of %d bytes of data", arg, hexutil.Encode(data[offset:offset+32]), len(data))
	}
	vals := make([]*big.Int, n)
	for i := range vals {
		vals[i] = new(big.Int).SetBytes(elems[i*32 : (i+1)*32])
	}
	return vals, nil
}

// smallWord reads a word that must fit in 64 bits (an offset or a length).
func smallWord(w []byte) (uint64, bool) {
	if !allZero(w[:24]) {
		return 0, false
	}
	var v uint64
	for _, b := range w[24:] {
		v = v<<8 | uint64(b)
	}
	return v, true
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

func (l *logView) transfer(standard string) store.BadgeTransfer {
	return store.BadgeTransfer{
		Position: l.pos,
		LogIndex: l.logIndex,
		TxHash:   l.txHash,
		Contract: l.contract,
		Standard: standard,
	}
}

// decodeTransfer721 decodes Transfer(address indexed from, address indexed
// to, uint256 indexed tokenId).
func decodeTransfer721(l *logView, blk *store.Block) error {
	from, err := l.address(1)
	if err != nil {
		return err
	}
	to, err := l.address(2)
	if err != nil {
		return err
	}
	t := l.transfer(store.StandardERC721)
	t.From, t.To, t.TokenID, t.Value = from, to, l.topicUint(3), "1"
	blk.Transfers = append(blk.Transfers, t)
	return nil
}

// transfer1155 reads the three indexed addresses of TransferSingle and
// TransferBatch.
func (l *logView) transfer1155() (store.BadgeTransfer, error) {
	t := l.transfer(store.StandardERC1155)
	var err error
	if t.Operator, err = l.address(1); err != nil {
		return t, err
	}
	if t.From, err = l.address(2); err != nil {
		return t, err
	}
	if t.To, err = l.address(3); err != nil {
		return t, err
	}
	return t, nil
}

// decodeTransferSingle decodes TransferSingle(address indexed operator,
// address indexed from, address indexed to, uint256 id, uint256 value).
func decodeTransferSingle(l *logView, blk *store.Block) error {
	t, err := l.transfer1155()
	if err != nil {
		return err
	}
	t.TokenID, t.Value = l.uintWord(0).String(), l.uintWord(1).String()
	blk.Transfers = append(blk.Transfers, t)
	return nil
}

// decodeTransferBatch decodes TransferBatch(address indexed operator, address
// indexed from, address indexed to, uint256[] ids, uint256[] values) into one
// transfer per (id, value) pair.
func decodeTransferBatch(l *logView, blk *store.Block) error {
	t, err := l.transfer1155()
	if err != nil {
		return err
	}
	ids, err := l.uintArray(0)
	if err != nil {
		return err
	}
	values, err := l.uintArray(1)
	if err != nil {
		return err
	}
	if len(ids) != len(values) {
		return l.malformed("%d ids but %d values", len(ids), len(values))
	}
	// The arrays fit in the data, so their length is far below MaxInt32.
	for i := range ids {
		t.BatchIndex = int32(i)
		t.TokenID, t.Value = ids[i].String(), values[i].String()
		blk.Transfers = append(blk.Transfers, t)
	}
	return nil
}

func (l *logView) claim(standard string) (store.BadgeClaim, error) {
	player, err := l.address(1)
	if err != nil {
		return store.BadgeClaim{}, err
	}
	return store.BadgeClaim{
		Position: l.pos,
		LogIndex: l.logIndex,
		TxHash:   l.txHash,
		Contract: l.contract,
		Standard: standard,
		Player:   player,
		TokenID:  l.topicUint(2),
	}, nil
}

// decodeBadgeMinted721 decodes variant A: BadgeMinted(address indexed to,
// uint256 indexed tokenId, uint256 xpEarned, uint256 season, uint256 runId).
func decodeBadgeMinted721(l *logView, blk *store.Block) error {
	c, err := l.claim(store.StandardERC721)
	if err != nil {
		return err
	}
	xp := l.uintWord(0)
	c.XPEarned, c.Season, c.RunID, c.Tier = xp.String(), l.uintWord(1).String(), l.uintWord(2).String(), TierOf(xp)
	blk.Claims = append(blk.Claims, c)
	return nil
}

// decodeBadgeMinted1155 decodes variant C: BadgeMinted(address indexed
// player, uint256 indexed tokenId, uint256 xpEarned, uint256 season).
//
// Variant B, BadgeMinted(address indexed player, uint256 indexed badgeId,
// uint256 tokenId, uint256 xpRequired), has the same parameter types and so
// the same topic0; nothing in the log tells them apart, and the spec decodes
// it as C: its badgeId becomes TokenID, its tokenId XPEarned and its
// xpRequired Season.
func decodeBadgeMinted1155(l *logView, blk *store.Block) error {
	c, err := l.claim(store.StandardERC1155)
	if err != nil {
		return err
	}
	xp := l.uintWord(0)
	c.XPEarned, c.Season, c.Tier = xp.String(), l.uintWord(1).String(), TierOf(xp)
	blk.Claims = append(blk.Claims, c)
	return nil
}

func (l *logView) use(event string) (store.NullifierUse, error) {
	player, err := l.address(1)
	if err != nil {
		return store.NullifierUse{}, err
	}
	return store.NullifierUse{
		Position: l.pos,
		Contract: l.contract,
		LogIndex: l.logIndex,
		TxHash:   l.txHash,
		Event:    event,
		Player:   player,
	}, nil
}

// decodeXPProofVerified decodes XPProofVerified(address indexed player,
// bytes32 indexed nullifier, uint256 claimedXP, uint256 threshold, bool
// verified).
func decodeXPProofVerified(l *logView, blk *store.Block) error {
	u, err := l.use(store.EventXPProofVerified)
	if err != nil {
		return err
	}
	if u.Verified, err = l.boolWord(2); err != nil {
		return err
	}
	u.Nullifier = l.lg.Topics[2].Hex()
	u.ClaimedXP, u.Threshold = l.uintWord(0).String(), l.uintWord(1).String()
	blk.NullifierUses = append(blk.NullifierUses, u)
	return nil
}

// decodeProofVerified decodes the deployed stub's ProofVerified(address
// indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp).
// The stub emits it only for accepted proofs, hence Verified.
func decodeProofVerified(l *logView, blk *store.Block) error {
	u, err := l.use(store.EventProofVerified)
	if err != nil {
		return err
	}
	u.ClaimedXP, u.Nullifier, u.EventTimestamp = l.uintWord(0).String(), l.bytes32(1), l.uintWord(2).String()
	u.Verified = true
	blk.NullifierUses = append(blk.NullifierUses, u)
	return nil
}

// decodeProofVerifiedV2 decodes ProofVerified(address indexed player, uint256
// xpEarned, bytes32 nullifier, uint256 timestamp, bool success).
func decodeProofVerifiedV2(l *logView, blk *store.Block) error {
	u, err := l.use(store.EventProofVerifiedV2)
	if err != nil {
		return err
	}
	if u.Verified, err = l.boolWord(3); err != nil {
		return err
	}
	u.ClaimedXP, u.Nullifier, u.EventTimestamp = l.uintWord(0).String(), l.bytes32(1), l.uintWord(2).String()
	blk.NullifierUses = append(blk.NullifierUses, u)
	return nil
}

// decodeNullifierReused decodes NullifierReused(bytes32 nullifier, address
// indexed player, uint256 timestamp). The timestamp is the block's, which the
// position already holds.
func decodeNullifierReused(l *logView, blk *store.Block) error {
	player, err := l.address(1)
	if err != nil {
		return err
	}
	blk.ReuseAttempts = append(blk.ReuseAttempts, store.ReuseAttempt{
		Position:  l.pos,
		LogIndex:  l.logIndex,
		TxHash:    l.txHash,
		Contract:  l.contract,
		Nullifier: l.bytes32(0),
		Player:    player,
		Kind:      store.ReuseRejected,
	})
	return nil
}

// decodeThresholdUpdated decodes ThresholdUpdated(uint256 oldThreshold,
// uint256 newThreshold).
func decodeThresholdUpdated(l *logView, blk *store.Block) error {
	blk.Thresholds = append(blk.Thresholds, store.ThresholdUpdate{
		Position:     l.pos,
		LogIndex:     l.logIndex,
		TxHash:       l.txHash,
		Contract:     l.contract,
		OldThreshold: l.uintWord(0).String(),
		NewThreshold: l.uintWord(1).String(),
	})
	return nil
}
