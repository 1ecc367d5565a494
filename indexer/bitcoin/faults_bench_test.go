package bitcoin

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store/storetest"
)

// benchBlocks is a chain of mainnet-sized synthetic blocks (benchGen's,
// 3,000 transactions) at heights 1.., with regtest's proof of work.
type benchBlocks struct {
	raw    [][]byte
	hashes []chainhash.Hash
	bytes  int
}

func newBenchBlocks(b *testing.B, n int, collections []Collection, creatorAddr string) *benchBlocks {
	g := &benchGen{rng: rand.New(rand.NewPCG(3, 4)), creator: collections[0].PkScript, other: collections[1].PkScript, creatorAddr: creatorAddr}
	c := &benchBlocks{}
	parent := *chaincfg.RegressionNetParams.GenesisHash
	target := blockchain.CompactToBig(chaincfg.RegressionNetParams.PowLimitBits)
	for h := 1; h <= n; h++ {
		raw, _ := g.block(b, int64(h), parent)
		blk, err := decodeBlock(raw)
		if err != nil {
			b.Fatal(err)
		}
		blk.Header.Bits = chaincfg.RegressionNetParams.PowLimitBits
		for {
			hash := blk.Header.BlockHash()
			if blockchain.HashToBig(&hash).Cmp(target) <= 0 {
				break
			}
			blk.Header.Nonce++
		}
		raw = serialize(b, blk)
		c.raw = append(c.raw, raw)
		c.hashes = append(c.hashes, blk.BlockHash())
		c.bytes += len(raw)
		parent = blk.BlockHash()
	}
	return c
}

// faultyEsplora serves blocks over Esplora's REST API and answers a share
// of all requests, at random, with a 503 instead: a provider failing that
// often.
type faultyEsplora struct {
	blocks *benchBlocks
	faults float64
	mu     sync.Mutex
	rng    *rand.Rand
	// requests and failed count what it answered.
	requests, failed int
}

func (s *faultyEsplora) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	fail := s.rng.Float64() < s.faults
	if fail {
		s.failed++
	}
	s.mu.Unlock()
	if fail {
		http.Error(w, "injected fault", http.StatusServiceUnavailable)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "blocks" && parts[1] == "tip":
		fmt.Fprint(w, len(s.blocks.raw))
	case len(parts) == 2 && parts[0] == "block-height":
		h, err := strconv.Atoi(parts[1])
		if err != nil || h < 1 || h > len(s.blocks.raw) {
			http.Error(w, "Block not found", http.StatusNotFound)
			return
		}
		fmt.Fprint(w, s.blocks.hashes[h-1].String())
	case len(parts) == 3 && parts[0] == "block":
		i := s.index(parts[1])
		if i < 0 {
			http.Error(w, "Block not found", http.StatusNotFound)
			return
		}
		switch parts[2] {
		case "raw":
			_, _ = w.Write(s.blocks.raw[i])
		case "header":
			fmt.Fprint(w, hex.EncodeToString(s.blocks.raw[i][:wire.MaxBlockHeaderPayload]))
		default:
			http.NotFound(w, r)
		}
	default:
		http.NotFound(w, r)
	}
}

func (s *faultyEsplora) index(hash string) int {
	for i, h := range s.blocks.hashes {
		if h.String() == hash {
			return i
		}
	}
	return -1
}

// BenchmarkBackfillUnderFaults indexes 100 mainnet-sized blocks (verify,
// decode, apply into PostgreSQL, batches of 50) from one Esplora provider
// — an in-process HTTP server on loopback, so no network latency — twice
// per iteration: once healthy, once failing 30% of all requests at random
// with an immediate 503. It reports both rates and their ratio.
//
//	go test ./indexer/bitcoin -run '^$' -bench BackfillUnderFaults -benchtime 3x
func BenchmarkBackfillUnderFaults(b *testing.B) {
	const n = 100
	net := &chaincfg.RegressionNetParams
	creatorAddr := testAddress(b, "p2tr", 1, net)
	collections := []Collection{
		testCollection(b, "embers", creatorAddr, net, 50_000),
		testCollection(b, "other", testAddress(b, "p2wpkh", 2, net), net, 20_000),
	}
	blocks := newBenchBlocks(b, n, collections, creatorAddr)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	// backfill indexes the chain from a provider failing that share of
	// requests, and returns how long it took.
	backfill := func(faults float64, seed uint64) (time.Duration, *faultyEsplora) {
		srv := &faultyEsplora{blocks: blocks, faults: faults, rng: rand.New(rand.NewPCG(seed, 5))}
		hs := httptest.NewServer(srv)
		defer hs.Close()
		src, err := NewEsploraSource(ProviderConfig{Kind: KindEsplora, URL: hs.URL})
		if err != nil {
			b.Fatal(err)
		}
		pool, err := provider.NewPool([]provider.Provider[BlockSource]{{URL: hs.URL, Client: src}}, provider.WithTimeout(DefaultRequestTimeout))
		if err != nil {
			b.Fatal(err)
		}
		chain := NewChain(chainName, net, pool, collections, log)
		cfg := Config{Name: chainName, Network: "regtest", StartHeight: 1}.FollowerConfig()
		st := storetest.New(b)
		f := indexer.NewFollower(cfg, chain, st, log, indexer.Observer{})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		begin := time.Now()
		done := make(chan error, 1)
		go func() { done <- f.Run(ctx) }()
		for {
			cur, ok, err := st.Cursor(context.Background(), chainName)
			if err != nil {
				b.Fatal(err)
			}
			if ok && cur.Height == n {
				break
			}
			select {
			case err := <-done:
				b.Fatalf("follower stopped: %v", err)
			case <-time.After(5 * time.Millisecond):
			}
		}
		took := time.Since(begin)
		cancel()
		<-done
		return took, srv
	}

	var healthy, faulty time.Duration
	var requests, failed int
	b.ResetTimer()
	for i := range b.N {
		h, _ := backfill(0, uint64(i))
		f, srv := backfill(0.3, uint64(i))
		healthy, faulty = healthy+h, faulty+f
		requests, failed = requests+srv.requests, failed+srv.failed
	}
	b.StopTimer()
	healthyRate := float64(n*b.N) / healthy.Seconds()
	faultyRate := float64(n*b.N) / faulty.Seconds()
	b.ReportMetric(healthyRate, "healthy_blocks/s")
	b.ReportMetric(faultyRate, "faults30_blocks/s")
	b.ReportMetric(100*faultyRate/healthyRate, "ratio_%")
	b.ReportMetric(float64(blocks.bytes)/n/1e6, "MB/block")
	b.ReportMetric(100*float64(failed)/float64(requests), "failed_requests_%")
}
