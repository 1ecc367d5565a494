package evm

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/herald-indexer/herald/indexer/evm/contracts"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// benchBlocks is how many blocks one benchmark iteration decodes and
// applies in one transaction, as the follower does with a batch.
const benchBlocks = 100

// logMaker packs logs of herald's contracts with their ABIs, so the
// benchmark decodes exactly what the chain would emit without mining it.
type logMaker struct {
	abis                 map[common.Address]*abi.ABI
	c721, c1155, cver    common.Address
	height               uint64
	blockHash, txHash    common.Hash
	index                uint
	tb                   testing.TB
	logs                 []types.Log
	players              []common.Address
	nextToken, nullifier uint64
}

func newLogMaker(tb testing.TB) *logMaker {
	parse := func(md *bind.MetaData) *abi.ABI {
		a, err := md.GetAbi()
		if err != nil {
			tb.Fatal(err)
		}
		return a
	}
	m := &logMaker{
		tb:   tb,
		c721: common.HexToAddress("0x7210000000000000000000000000000000000721"), c1155: common.HexToAddress("0x1155000000000000000000000000000000001155"),
		cver: common.HexToAddress("0x9e71f1e700000000000000000000000000000900"),
	}
	m.abis = map[common.Address]*abi.ABI{
		m.c721: parse(contracts.XPBadge721MetaData), m.c1155: parse(contracts.XPBadge1155MetaData), m.cver: parse(contracts.XPVerifierMetaData),
	}
	for i := range 1000 {
		m.players = append(m.players, common.BigToAddress(big.NewInt(int64(0x10000+i))))
	}
	return m
}

func (m *logMaker) contracts() []Contract {
	return []Contract{{Address: m.c721, Kind: KindBadge}, {Address: m.c1155, Kind: KindBadge}, {Address: m.cver, Kind: KindVerifier}}
}

func (m *logMaker) player(i uint64) common.Address { return m.players[i%uint64(len(m.players))] }

// emit appends a log of event on contract, its indexed arguments given as
// topics and the rest packed as the ABI does. Each call is a transaction.
func (m *logMaker) emit(contract common.Address, event string, topics []common.Hash, args ...any) {
	ev := m.abis[contract].Events[event]
	data, err := ev.Inputs.NonIndexed().Pack(args...)
	if err != nil {
		m.tb.Fatalf("pack %s: %v", event, err)
	}
	m.logs = append(m.logs, types.Log{
		Address: contract, Topics: append([]common.Hash{ev.ID}, topics...), Data: data,
		BlockNumber: m.height, BlockHash: m.blockHash, TxHash: m.txHash, Index: m.index,
	})
	m.index++
}

func (m *logMaker) tx() {
	m.txHash = crypto.Keccak256Hash(m.blockHash[:], big.NewInt(int64(m.index)).Bytes())
}

// block returns the logs of one block with a realistic mix: ERC-721 mints
// (Transfer + BadgeMinted) and transfers, ERC-1155 mints, transfers and
// batch transfers, verified and unverified XP claims, a duplicate use and
// rejected replays.
func (m *logMaker) block(height uint64) []types.Log {
	m.height, m.index, m.logs = height, 0, nil
	m.blockHash = crypto.Keccak256Hash(uintTopic(height).Bytes())
	zero := common.Address{}
	big64 := func(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
	for i := range uint64(8) {
		m.tx()
		m.nextToken++
		p := m.player(height*7 + i)
		m.emit(m.c721, "Transfer", []common.Hash{addrTopic(zero), addrTopic(p), uintTopic(m.nextToken)})
		m.emit(m.c721, "BadgeMinted", []common.Hash{addrTopic(p), uintTopic(m.nextToken)}, big64((height+i)%130), big64(1), big64(height))
		if i < 4 {
			m.tx()
			m.emit(m.c721, "Transfer", []common.Hash{addrTopic(p), addrTopic(m.player(height*7 + i + 1)), uintTopic(m.nextToken)})
		}
	}
	for i := range uint64(6) {
		m.tx()
		p := m.player(height*5 + i)
		m.emit(m.c1155, "TransferSingle", []common.Hash{addrTopic(p), addrTopic(zero), addrTopic(p)}, big64(1+i%20), big64(1))
		if i < 3 {
			m.emit(m.c1155, "BadgeMinted", []common.Hash{addrTopic(p), uintTopic(1 + i%20)}, big64(25*i), big64(2))
		}
	}
	for i := range uint64(2) {
		m.tx()
		from, to := m.player(height*5+i), m.player(height*5+i+1)
		m.emit(m.c1155, "TransferBatch", []common.Hash{addrTopic(from), addrTopic(from), addrTopic(to)},
			[]*big.Int{big64(1), big64(2), big64(3)}, []*big.Int{big64(1), big64(1), big64(1)})
	}
	for i := range uint64(14) {
		m.tx()
		m.nullifier++
		xp := 20 + (m.nullifier*37)%80
		m.emit(m.cver, "XPProofVerified", []common.Hash{addrTopic(m.player(m.nullifier)), uintTopic(m.nullifier)},
			big64(xp), big64(50), i%4 != 0)
	}
	// A duplicate use of an earlier nullifier (DUPLICATE_USE) and rejected
	// replays (NULLIFIER_REUSED).
	m.tx()
	m.emit(m.cver, "XPProofVerified", []common.Hash{addrTopic(m.player(1)), uintTopic(m.nullifier - 20)}, big64(60), big64(50), true)
	for range 3 {
		m.tx()
		m.emit(m.cver, "NullifierReused", []common.Hash{addrTopic(m.player(2))}, [32]byte(uintTopic(m.nullifier-5)), big64(height))
	}
	if height%10 == 0 {
		m.tx()
		m.emit(m.cver, "ThresholdUpdated", nil, big64(50), big64(50))
	}
	return m.logs
}

// BenchmarkDecodeApply measures indexing throughput past the RPC: decoding
// logs and applying them to PostgreSQL, benchBlocks blocks per transaction.
// Run it with: go test ./indexer/evm -run '^$' -bench DecodeApply -benchtime 30x
func BenchmarkDecodeApply(b *testing.B) {
	m := newLogMaker(b)
	dec, err := NewDecoder(testChainName, m.contracts())
	if err != nil {
		b.Fatal(err)
	}
	st := storetest.New(b)
	ctx := context.Background()
	var (
		height uint64 = 1
		parent        = common.Hash{}.Hex()
		total  int
		decode time.Duration
	)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		raw := make([][]types.Log, benchBlocks)
		for i := range raw {
			raw[i] = m.block(height + uint64(i))
		}
		b.StartTimer()

		start := time.Now()
		blocks := make([]store.Block, benchBlocks)
		for i, logs := range raw {
			h := height + uint64(i)
			blocks[i].BlockRef = store.BlockRef{
				Height: int64(h), Hash: crypto.Keccak256Hash(uintTopic(h).Bytes()).Hex(), Parent: parent,
				Time: time.Unix(1_700_000_000+int64(h), 0).UTC(),
			}
			parent = blocks[i].Hash
			for _, lg := range logs {
				if err := dec.DecodeLog(&blocks[i], lg); err != nil {
					var malformed *MalformedLogError
					if errors.As(err, &malformed) {
						b.Fatalf("synthesised log is malformed: %v", err)
					}
					b.Fatal(err)
				}
			}
			total += len(logs)
		}
		decode += time.Since(start)
		tip := int64(height) + benchBlocks - 1
		if err := st.Apply(ctx, store.Batch{Chain: testChainName, Blocks: blocks, Head: tip, Finalized: tip - 64, KeepBlocks: 65}); err != nil {
			b.Fatal(err)
		}
		height += benchBlocks
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "logs/s")
	// Decoding alone, to tell the decoder's share from the store's.
	b.ReportMetric(float64(total)/decode.Seconds(), "decoded-logs/s")
	b.ReportMetric(float64(total)/float64(b.N), "logs/op")
}

// TestBenchmarkLogsDecode keeps the benchmark's synthesised logs honest:
// every one decodes, into the intended mix of rows.
func TestBenchmarkLogsDecode(t *testing.T) {
	m := newLogMaker(t)
	dec, err := NewDecoder(testChainName, m.contracts())
	if err != nil {
		t.Fatal(err)
	}
	var blk store.Block
	logs := m.block(30)
	for _, lg := range logs {
		if err := dec.DecodeLog(&blk, lg); err != nil {
			t.Fatalf("log %d: %v", lg.Index, err)
		}
	}
	got := fmt.Sprintf("%d logs: %d claims, %d transfers, %d uses, %d reuses, %d thresholds", len(logs),
		len(blk.Claims), len(blk.Transfers), len(blk.NullifierUses), len(blk.ReuseAttempts), len(blk.Thresholds))
	want := "50 logs: 11 claims, 24 transfers, 15 uses, 3 reuses, 1 thresholds"
	if got != want {
		t.Errorf("decoded %s, want %s", got, want)
	}
}
