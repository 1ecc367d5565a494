package evm

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/herald-indexer/herald/store"
)

func newTestDecoder(tb testing.TB, contracts []Contract) *Decoder {
	tb.Helper()
	d, err := NewDecoder(testChainName, contracts)
	if err != nil {
		tb.Fatalf("NewDecoder: %v", err)
	}
	return d
}

func jsonOf(b store.Block) string {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(out)
}

func TestDecodeLog(t *testing.T) {
	c := newTestChain(t)
	dec := newTestDecoder(t, c.contracts())
	// swapped configures every contract with the other family, whose events
	// it must then ignore.
	var swappedContracts []Contract
	for _, ct := range c.contracts() {
		kind := KindVerifier
		if ct.Kind == KindVerifier {
			kind = KindBadge
		}
		swappedContracts = append(swappedContracts, Contract{Address: ct.Address, Kind: kind})
	}
	swapped := newTestDecoder(t, swappedContracts)

	// The steps share the chain and must run in order, so a failed step
	// stops the test rather than confusing the ones after it.
	for _, s := range scenario(c) {
		rcpt := c.run(t, s)
		if len(rcpt.Logs) != s.logs {
			t.Fatalf("%s: %d logs, want %d", s.name, len(rcpt.Logs), s.logs)
		}
		if s.check != nil {
			s.check(t, rcpt.Logs)
		}
		var got, other store.Block
		for _, lg := range rcpt.Logs {
			if err := dec.DecodeLog(&got, *lg); err != nil {
				t.Fatalf("%s: log %d: %v", s.name, lg.Index, err)
			}
			if err := swapped.DecodeLog(&other, *lg); err != nil {
				t.Fatalf("%s: swapped kinds: log %d: %v", s.name, lg.Index, err)
			}
		}
		want := c.stamp(t, s.want, rcpt)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: decoded\n%s\nwant\n%s", s.name, jsonOf(got), jsonOf(want))
		}
		if !reflect.DeepEqual(other, store.Block{}) {
			t.Fatalf("%s: swapped kinds decoded\n%s\nwant nothing", s.name, jsonOf(other))
		}
	}
}

// Hand-built logs.

// The hand-built logs' configured contracts.
const (
	testBadge    = "0x00000000000000000000000000000000000000b1"
	testVerifier = "0x00000000000000000000000000000000000000f1"
)

func handContracts() []Contract {
	return []Contract{
		{Address: common.HexToAddress(testBadge), Kind: KindBadge},
		{Address: common.HexToAddress(testVerifier), Kind: KindVerifier},
	}
}

func sig(signature string) common.Hash { return crypto.Keccak256Hash([]byte(signature)) }

func addrTopic(a common.Address) common.Hash { return common.BytesToHash(a[:]) }

func uintTopic(v uint64) common.Hash { return common.BigToHash(new(big.Int).SetUint64(v)) }

// w is a uint256 data word.
func w(v uint64) []byte { return common.BigToHash(new(big.Int).SetUint64(v)).Bytes() }

func maxWord() []byte { return bytes.Repeat([]byte{0xff}, 32) }

func cat(words ...[]byte) []byte { return bytes.Join(words, nil) }

func handLog(addr string, data []byte, topics ...common.Hash) types.Log {
	return types.Log{
		Address:     common.HexToAddress(addr),
		Topics:      topics,
		Data:        data,
		BlockNumber: 1234,
		BlockHash:   common.HexToHash("0xb10c"),
		TxHash:      common.HexToHash("0x7a"),
		Index:       7,
	}
}

func handPosition() store.Position {
	return store.Position{Chain: testChainName, BlockHeight: 1234, BlockHash: common.HexToHash("0xb10c").Hex()}
}

const (
	sigTransfer       = "Transfer(address,address,uint256)"
	sigTransferSingle = "TransferSingle(address,address,address,uint256,uint256)"
	sigTransferBatch  = "TransferBatch(address,address,address,uint256[],uint256[])"
	sigBadgeMintedA   = "BadgeMinted(address,uint256,uint256,uint256,uint256)"
	sigBadgeMintedC   = "BadgeMinted(address,uint256,uint256,uint256)"
	sigXPProof        = "XPProofVerified(address,bytes32,uint256,uint256,bool)"
	sigProof          = "ProofVerified(address,uint256,bytes32,uint256)"
	sigProofV2        = "ProofVerified(address,uint256,bytes32,uint256,bool)"
	sigReused         = "NullifierReused(bytes32,address,uint256)"
	sigThreshold      = "ThresholdUpdated(uint256,uint256)"
)

func TestDecodeHandBuiltLog(t *testing.T) {
	player := common.HexToAddress("0x00000000000000000000000000000000000000a1")
	other := common.HexToAddress("0x00000000000000000000000000000000000000a2")
	txHash := common.HexToHash("0x7a").Hex()
	pos := handPosition()
	batch := func(index int32, id, value uint64) store.BadgeTransfer {
		return store.BadgeTransfer{
			Position: pos, LogIndex: 7, BatchIndex: index, TxHash: txHash, Contract: testBadge, Standard: store.StandardERC1155,
			Operator: "0x00000000000000000000000000000000000000a1", From: "0x00000000000000000000000000000000000000a2",
			To: "0x00000000000000000000000000000000000000a1", TokenID: big.NewInt(int64(id)).String(), Value: big.NewInt(int64(value)).String(),
		}
	}
	withTime := handLog(testBadge, nil, sig(sigTransfer), addrTopic(player), addrTopic(other), uintTopic(5))
	withTime.BlockTimestamp = 1_700_000_000
	removed := handLog(testBadge, nil, sig(sigTransfer), addrTopic(player), addrTopic(other), uintTopic(5))
	removed.Removed = true

	tests := []struct {
		name string
		log  types.Log
		want store.Block
	}{
		{
			name: "unconfigured contract",
			log:  handLog("0x99", nil, sig(sigTransfer), addrTopic(player), addrTopic(other), uintTopic(5)),
		},
		{
			name: "anonymous log",
			log:  handLog(testBadge, w(1)),
		},
		{
			name: "unknown topic0",
			log:  handLog(testBadge, w(1), sig("Approval(address,address,uint256)"), addrTopic(player), addrTopic(other)),
		},
		{
			name: "ERC-20 Transfer",
			log:  handLog(testBadge, w(5), sig(sigTransfer), addrTopic(player), addrTopic(other)),
		},
		{
			name: "removed log",
			log:  removed,
		},
		{
			name: "verifier event from a badge contract",
			log:  handLog(testBadge, cat(w(1), w(2)), sig(sigThreshold)),
		},
		{
			name: "badge event from a verifier contract",
			log:  handLog(testVerifier, nil, sig(sigTransfer), addrTopic(player), addrTopic(other), uintTopic(5)),
		},
		{
			name: "block timestamp from the log",
			log:  withTime,
			want: store.Block{Transfers: []store.BadgeTransfer{{
				Position: store.Position{
					Chain: testChainName, BlockHeight: 1234, BlockHash: common.HexToHash("0xb10c").Hex(),
					BlockTime: time.Unix(1_700_000_000, 0).UTC(),
				},
				LogIndex: 7, TxHash: txHash, Contract: testBadge, Standard: store.StandardERC721,
				From: "0x00000000000000000000000000000000000000a1", To: "0x00000000000000000000000000000000000000a2",
				TokenID: "5", Value: "1",
			}}},
		},
		{
			name: "variant B BadgeMinted decodes as variant C",
			// BadgeMinted(player, badgeId 3, tokenId 9, xpRequired 60).
			log: handLog(testBadge, cat(w(9), w(60)), sig(sigBadgeMintedC), addrTopic(player), uintTopic(3)),
			want: store.Block{Claims: []store.BadgeClaim{{
				Position: pos, LogIndex: 7, TxHash: txHash, Contract: testBadge, Standard: store.StandardERC1155,
				Player: "0x00000000000000000000000000000000000000a1", TokenID: "3", XPEarned: "9", Season: "60", Tier: 0,
			}}},
		},
		{
			name: "uint256 values beyond 64 bits",
			log:  handLog(testBadge, cat(maxWord(), maxWord(), maxWord()), sig(sigBadgeMintedA), addrTopic(player), common.Hash(maxWord())),
			want: store.Block{Claims: []store.BadgeClaim{{
				Position: pos, LogIndex: 7, TxHash: txHash, Contract: testBadge, Standard: store.StandardERC721,
				Player:   "0x00000000000000000000000000000000000000a1",
				TokenID:  new(big.Int).SetBytes(maxWord()).String(),
				XPEarned: new(big.Int).SetBytes(maxWord()).String(),
				Season:   new(big.Int).SetBytes(maxWord()).String(),
				RunID:    new(big.Int).SetBytes(maxWord()).String(),
				Tier:     4,
			}}},
		},
		{
			name: "TransferBatch with its arrays in reverse order",
			// Head: ids at 128, values at 64; then values [9], ids [4].
			log: handLog(testBadge, cat(w(128), w(64), w(1), w(9), w(1), w(4)),
				sig(sigTransferBatch), addrTopic(player), addrTopic(other), addrTopic(player)),
			want: store.Block{Transfers: []store.BadgeTransfer{batch(0, 4, 9)}},
		},
		{
			name: "TransferBatch sharing one array for ids and values",
			log: handLog(testBadge, cat(w(64), w(64), w(2), w(5), w(6)),
				sig(sigTransferBatch), addrTopic(player), addrTopic(other), addrTopic(player)),
			want: store.Block{Transfers: []store.BadgeTransfer{batch(0, 5, 5), batch(1, 6, 6)}},
		},
	}
	d := newTestDecoder(t, handContracts())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got store.Block
			if err := d.DecodeLog(&got, tt.log); err != nil {
				t.Fatalf("DecodeLog: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decoded\n%s\nwant\n%s", jsonOf(got), jsonOf(tt.want))
			}
		})
	}
}

func TestDecodeMalformedLog(t *testing.T) {
	player := addrTopic(common.HexToAddress("0xa1"))
	dirty := player
	dirty[0] = 1
	batchTopics := []common.Hash{sig(sigTransferBatch), player, player, player}
	withBlock := func(lg types.Log, block uint64, index uint) types.Log {
		lg.BlockNumber, lg.Index = block, index
		return lg
	}

	tests := []struct {
		name   string
		log    types.Log
		event  string
		reason string
	}{
		{"ERC-721 Transfer with 2 topics", handLog(testBadge, nil, sig(sigTransfer), player), sigTransfer, "2 topics, want 4"},
		{"ERC-721 Transfer with 5 topics", handLog(testBadge, nil, sig(sigTransfer), player, player, uintTopic(1), uintTopic(1)), sigTransfer, "5 topics"},
		{"ERC-721 Transfer with data", handLog(testBadge, w(1), sig(sigTransfer), player, player, uintTopic(1)), sigTransfer, "data is 32 bytes, want 0"},
		{"ERC-721 Transfer from a non-address", handLog(testBadge, nil, sig(sigTransfer), dirty, player, uintTopic(1)), sigTransfer, "topic 1 is not an address"},
		{"ERC-721 Transfer to a non-address", handLog(testBadge, nil, sig(sigTransfer), player, dirty, uintTopic(1)), sigTransfer, "topic 2 is not an address"},
		{"TransferSingle short data", handLog(testBadge, w(1)[:31], sig(sigTransferSingle), player, player, player), sigTransferSingle, "data is 31 bytes, want 64"},
		{"TransferSingle long data", handLog(testBadge, cat(w(1), w(2), w(3)), sig(sigTransferSingle), player, player, player), sigTransferSingle, "data is 96 bytes, want 64"},
		{"TransferSingle operator not an address", handLog(testBadge, cat(w(1), w(2)), sig(sigTransferSingle), dirty, player, player), sigTransferSingle, "topic 1"},
		{"TransferSingle recipient not an address", handLog(testBadge, cat(w(1), w(2)), sig(sigTransferSingle), player, player, dirty), sigTransferSingle, "topic 3"},
		{"TransferBatch shorter than its head", handLog(testBadge, w(64), batchTopics...), sigTransferBatch, "want at least 64"},
		{"TransferBatch offset past the end", handLog(testBadge, cat(w(64), w(4096), w(0)), batchTopics...), sigTransferBatch, "array 1: offset"},
		{"TransferBatch offset at the end", handLog(testBadge, cat(w(64), w(96), w(0)), batchTopics...), sigTransferBatch, "array 1: offset"},
		{"TransferBatch offset beyond 64 bits", handLog(testBadge, cat(maxWord(), w(64), w(0)), batchTopics...), sigTransferBatch, "array 0: offset"},
		{"TransferBatch huge array length", handLog(testBadge, cat(w(64), w(64), maxWord()), batchTopics...), sigTransferBatch, "array 0: length"},
		{"TransferBatch length one past the end", handLog(testBadge, cat(w(64), w(64), w(2), w(1)), batchTopics...), sigTransferBatch, "array 0: length"},
		{"TransferBatch length of 2^63", handLog(testBadge, cat(w(64), w(64), w(1<<63)), batchTopics...), sigTransferBatch, "array 0: length"},
		{"TransferBatch ids and values mismatch", handLog(testBadge, cat(w(64), w(160), w(2), w(1), w(2), w(1), w(9)), batchTopics...), sigTransferBatch, "2 ids but 1 values"},
		{"BadgeMinted A short data", handLog(testBadge, cat(w(80), w(1)), sig(sigBadgeMintedA), player, uintTopic(1)), sigBadgeMintedA, "data is 64 bytes, want 96"},
		{"BadgeMinted A player not an address", handLog(testBadge, cat(w(80), w(1), w(2)), sig(sigBadgeMintedA), dirty, uintTopic(1)), sigBadgeMintedA, "topic 1"},
		{"BadgeMinted C without token id topic", handLog(testBadge, cat(w(1), w(80), w(1)), sig(sigBadgeMintedC), player), sigBadgeMintedC, "2 topics, want 3"},
		{"XPProofVerified with the nullifier unindexed", handLog(testVerifier, cat(w(1), w(60), w(50), w(1)), sig(sigXPProof), player), sigXPProof, "2 topics, want 3"},
		{"XPProofVerified bool 2", handLog(testVerifier, cat(w(60), w(50), w(2)), sig(sigXPProof), player, uintTopic(9)), sigXPProof, "word 2 is not a bool"},
		{"XPProofVerified bool with high bits", handLog(testVerifier, cat(w(60), w(50), maxWord()), sig(sigXPProof), player, uintTopic(9)), sigXPProof, "word 2 is not a bool"},
		{"ProofVerified short data", handLog(testVerifier, cat(w(60), w(9)), sig(sigProof), player), sigProof, "data is 64 bytes, want 96"},
		{"ProofVerified V2 bool 256", handLog(testVerifier, cat(w(60), w(9), w(1), w(256)), sig(sigProofV2), player), sigProofV2, "word 3 is not a bool"},
		{"ProofVerified player not an address", handLog(testVerifier, cat(w(60), w(9), w(1)), sig(sigProof), dirty), sigProof, "topic 1"},
		{"NullifierReused without data", handLog(testVerifier, nil, sig(sigReused), player), sigReused, "data is 0 bytes, want 64"},
		{"NullifierReused player not an address", handLog(testVerifier, cat(w(9), w(1)), sig(sigReused), dirty), sigReused, "topic 1"},
		{"ThresholdUpdated with an indexed topic", handLog(testVerifier, w(1), sig(sigThreshold), uintTopic(1)), sigThreshold, "2 topics, want 1"},
		{"block number beyond int64", withBlock(handLog(testVerifier, cat(w(1), w(2)), sig(sigThreshold)), math.MaxInt64+1, 7), sigThreshold, "block number"},
		{"log index beyond int32", withBlock(handLog(testVerifier, cat(w(1), w(2)), sig(sigThreshold)), 1234, math.MaxInt32+1), sigThreshold, "log index"},
	}
	d := newTestDecoder(t, handContracts())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A row already in the block must survive, and nothing be added.
			before := store.Block{Thresholds: []store.ThresholdUpdate{{LogIndex: 1, OldThreshold: "1", NewThreshold: "2"}}}
			blk := before
			blk.Thresholds = slices.Clone(before.Thresholds)
			err := d.DecodeLog(&blk, tt.log)
			var me *MalformedLogError
			if !errors.As(err, &me) {
				t.Fatalf("DecodeLog error = %v, want a *MalformedLogError", err)
			}
			want := MalformedLogError{
				Chain: testChainName, BlockNumber: tt.log.BlockNumber, TxHash: tt.log.TxHash,
				LogIndex: tt.log.Index, Contract: tt.log.Address, Event: tt.event, Reason: me.Reason,
			}
			if *me != want {
				t.Errorf("error = %+v, want %+v", *me, want)
			}
			if !strings.Contains(me.Reason, tt.reason) {
				t.Errorf("reason %q does not mention %q", me.Reason, tt.reason)
			}
			if !reflect.DeepEqual(blk, before) {
				t.Errorf("block changed to\n%s", jsonOf(blk))
			}
		})
	}
}

func TestDecodeLogNilBlock(t *testing.T) {
	d := newTestDecoder(t, handContracts())
	lg := handLog(testBadge, nil, sig(sigTransfer), uintTopic(1), uintTopic(2), uintTopic(3))
	if err := d.DecodeLog(nil, lg); err == nil {
		t.Fatal("DecodeLog(nil) succeeded")
	}
}

func TestTierOf(t *testing.T) {
	tests := []struct {
		xp   *big.Int
		want int16
	}{
		{nil, 0},
		{big.NewInt(0), 0},
		{big.NewInt(24), 0},
		{big.NewInt(25), 1},
		{big.NewInt(49), 1},
		{big.NewInt(50), 2},
		{big.NewInt(74), 2},
		{big.NewInt(75), 3},
		{big.NewInt(99), 3},
		{big.NewInt(100), 4},
		{new(big.Int).SetBytes(maxWord()), 4},
	}
	for _, tt := range tests {
		if got := TierOf(tt.xp); got != tt.want {
			t.Errorf("TierOf(%v) = %d, want %d", tt.xp, got, tt.want)
		}
	}
}

func TestNewDecoderRejects(t *testing.T) {
	tests := []struct {
		name      string
		contracts []Contract
	}{
		{"no contracts", nil},
		{"unknown kind", []Contract{{Address: common.HexToAddress(testBadge), Kind: "badge721"}}},
		{"zero address", []Contract{{Kind: KindBadge}}},
		{"duplicate address", []Contract{
			{Address: common.HexToAddress(testBadge), Kind: KindBadge},
			{Address: common.HexToAddress(testBadge), Kind: KindVerifier},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewDecoder(testChainName, tt.contracts); err == nil {
				t.Fatal("NewDecoder succeeded")
			}
		})
	}
}

func TestDecoderFilter(t *testing.T) {
	badgeTopics := []string{sigTransfer, sigTransferSingle, sigTransferBatch, sigBadgeMintedA, sigBadgeMintedC}
	verifierTopics := []string{sigXPProof, sigProof, sigProofV2, sigReused, sigThreshold}
	tests := []struct {
		name      string
		contracts []Contract
		addresses []common.Address
		topic0    []string
	}{
		{
			name:      "badges only",
			contracts: handContracts()[:1],
			addresses: []common.Address{common.HexToAddress(testBadge)},
			topic0:    badgeTopics,
		},
		{
			name:      "verifier only",
			contracts: handContracts()[1:],
			addresses: []common.Address{common.HexToAddress(testVerifier)},
			topic0:    verifierTopics,
		},
		{
			name:      "both, addresses sorted",
			contracts: []Contract{handContracts()[1], handContracts()[0]},
			addresses: []common.Address{common.HexToAddress(testBadge), common.HexToAddress(testVerifier)},
			topic0:    append(slices.Clone(badgeTopics), verifierTopics...),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDecoder(t, tt.contracts)
			if got := d.Addresses(); !slices.Equal(got, tt.addresses) {
				t.Errorf("Addresses() = %v, want %v", got, tt.addresses)
			}
			var want []common.Hash
			for _, s := range tt.topic0 {
				want = append(want, sig(s))
			}
			slices.SortFunc(want, func(a, b common.Hash) int { return a.Cmp(b) })
			got := d.Topics()
			if len(got) != 1 || !slices.Equal(got[0], want) {
				t.Errorf("Topics() = %v, want [%v]", got, want)
			}
		})
	}
}

// FuzzDecodeLog decodes arbitrary topics and data from any of the test
// chain's contracts (or an unknown one): DecodeLog must never panic, fail only
// with a *MalformedLogError that leaves the block as it was, and stamp every
// row it adds with the log's position.
func FuzzDecodeLog(f *testing.F) {
	c := newTestChain(f)
	dec := newTestDecoder(f, c.contracts())
	addrs := dec.Addresses()
	for _, s := range scenario(c) {
		rcpt := c.run(f, s)
		for _, lg := range rcpt.Logs {
			var topics []byte
			for _, h := range lg.Topics {
				topics = append(topics, h[:]...)
			}
			f.Add(uint8(slices.Index(addrs, lg.Address)), topics, lg.Data)
		}
	}
	batch := cat(sig(sigTransferBatch).Bytes(), uintTopic(1).Bytes(), uintTopic(2).Bytes(), uintTopic(3).Bytes())
	f.Add(uint8(0), batch, cat(w(64), w(64), maxWord()))
	f.Add(uint8(0), batch, cat(w(64), w(128), w(1), w(1), w(2)))

	f.Fuzz(func(t *testing.T, addr uint8, topicBytes, data []byte) {
		lg := types.Log{
			Data:        data,
			BlockNumber: 99,
			BlockHash:   common.HexToHash("0xb10c"),
			TxHash:      common.HexToHash("0x7a"),
			Index:       3,
		}
		if i := int(addr); i < len(addrs) {
			lg.Address = addrs[i]
		} else {
			lg.Address = common.HexToAddress("0x99")
		}
		for len(topicBytes) >= 32 {
			lg.Topics = append(lg.Topics, common.BytesToHash(topicBytes[:32]))
			topicBytes = topicBytes[32:]
		}
		var blk store.Block
		err := dec.DecodeLog(&blk, lg)
		if err != nil {
			var me *MalformedLogError
			if !errors.As(err, &me) {
				t.Fatalf("error %v is not a *MalformedLogError", err)
			}
			if !reflect.DeepEqual(blk, store.Block{}) {
				t.Fatalf("malformed log changed the block:\n%s", jsonOf(blk))
			}
			return
		}
		var positions []store.Position
		for _, r := range blk.Claims {
			positions = append(positions, r.Position)
		}
		for _, r := range blk.Transfers {
			positions = append(positions, r.Position)
		}
		for _, r := range blk.NullifierUses {
			positions = append(positions, r.Position)
		}
		for _, r := range blk.ReuseAttempts {
			positions = append(positions, r.Position)
		}
		for _, r := range blk.Thresholds {
			positions = append(positions, r.Position)
		}
		want := store.Position{Chain: testChainName, BlockHeight: 99, BlockHash: lg.BlockHash.Hex()}
		for _, p := range positions {
			if p != want {
				t.Fatalf("row position %+v, want %+v", p, want)
			}
		}
	})
}
