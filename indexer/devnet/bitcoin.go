package devnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/indexer/bitcoin"
)

// Defaults and fixed settings of the Bitcoin devnet.
const (
	DefaultBitcoinBlockInterval = 5 * time.Second
	// DefaultReorgEvery is how many blocks pass between two reorgs when
	// reorgs are on, for both devnets.
	DefaultReorgEvery = 10

	// DemoCollection is the name of the devnet's collection.
	DemoCollection = "embers-demo"
	// DemoMinFeeSats and DemoMinConfirmations are its registration rules.
	DemoMinFeeSats       = 50_000
	DemoMinConfirmations = 1

	// demoNFTs is how many NFTs the devnet inscribes and registers in turn.
	demoNFTs = 6
	// activationHeight is the height at which segwit and taproot are active
	// on a btcd regtest chain that btcd mined itself: both are BIP 9
	// deployments there, started at 144, locked in at 288 when the miner
	// signals, active at 432.
	activationHeight = 3 * 144
	// setupBatch is how many blocks one generate call mines during set-up,
	// so that a cancelled start-up stops between calls.
	setupBatch = 48
	// maxUnrecorded bounds the valid registrations waiting for a record.
	maxUnrecorded = 32
	// failedStartStopTimeout bounds the clean-up of a failed start.
	failedStartStopTimeout = 10 * time.Second
)

// BitcoinOptions configure the Bitcoin devnet.
type BitcoinOptions struct {
	// Dir is where the node's state directory is made (the system's
	// temporary directory if empty). Stop removes the state directory: every
	// devnet starts a new chain.
	Dir    string
	Logger *slog.Logger
	// BlockInterval is the time between two blocks (default 5s).
	BlockInterval time.Duration
	// Reorgs makes Run reorganise the chain now and then: a reorg of depth
	// 1 or 2 every ReorgEvery blocks (default 10), dropping a registration.
	Reorgs     bool
	ReorgEvery int
	// Btcd is the btcd binary; if empty, FindBtcd looks for it.
	Btcd string
}

func (o BitcoinOptions) withDefaults() BitcoinOptions {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.BlockInterval <= 0 {
		o.BlockInterval = DefaultBitcoinBlockInterval
	}
	if o.ReorgEvery <= 0 {
		o.ReorgEvery = DefaultReorgEvery
	}
	return o
}

// Bitcoin is a btcd regtest node run by herald, with a wallet and a traffic
// generator that pays registrations of the demo collection.
type Bitcoin struct {
	opts   BitcoinOptions
	log    *slog.Logger
	params *chaincfg.Params
	dir    string
	node   *btcd
	wallet *wallet

	creator       string
	creatorScript []byte
	startHeight   int64

	// mu keeps Run's rounds and Pay and Mine from interleaving.
	mu sync.Mutex
	// The generator's state, owned by Run (and StartBitcoin before it).
	rng         *rand.Rand
	tip         int64
	nfts        []domain.InscriptionID
	nextNFT     int
	round       int
	sinceReorg  int
	tipPayments []payment // registrations in the tip block
	unrecorded  []payment // valid registrations with no record yet
}

// paymentKind is what a registration payment is made to be.
type paymentKind int

const (
	paymentValid paymentKind = iota
	paymentUnderpaid
	paymentExpired
	paymentMultiple
)

func (k paymentKind) String() string {
	switch k {
	case paymentValid:
		return "valid"
	case paymentUnderpaid:
		return "underpaid"
	case paymentExpired:
		return "expired"
	case paymentMultiple:
		return "multiple payloads"
	default:
		return fmt.Sprintf("paymentKind(%d)", int(k))
	}
}

// payment is a registration payment the generator sent.
type payment struct {
	kind  paymentKind
	tx    *wire.MsgTx
	input utxo
	nft   domain.InscriptionID
	fee   int64 // paid to the creator
}

// StartBitcoin starts a btcd regtest node, mines to taproot activation,
// inscribes the demo NFTs, and returns once the node is ready to be indexed.
// The node dies with herald (on Linux) and is stopped by Stop.
func StartBitcoin(ctx context.Context, opts BitcoinOptions) (_ *Bitcoin, err error) {
	opts = opts.withDefaults()
	b := &Bitcoin{
		opts:   opts,
		log:    opts.Logger,
		params: &chaincfg.RegressionNetParams,
		rng:    rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x6865_7261_6c64)), // "herald"
	}
	exe, err := FindBtcd(opts.Btcd)
	if err != nil {
		return nil, err
	}
	if b.wallet, err = newWallet(b.params); err != nil {
		return nil, err
	}
	creatorAddr, creatorScript, err := p2wpkh(devnetKey("bitcoin creator"), b.params)
	if err != nil {
		return nil, err
	}
	b.creator, b.creatorScript = creatorAddr.EncodeAddress(), creatorScript

	if b.dir, err = os.MkdirTemp(opts.Dir, "herald-btcd-"); err != nil {
		return nil, fmt.Errorf("bitcoin devnet state directory: %w", err)
	}
	defer func() {
		if err != nil {
			stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), failedStartStopTimeout)
			defer cancel()
			err = errors.Join(err, b.Stop(stopCtx))
		}
	}()
	if b.node, err = startBtcd(ctx, exe, b.dir, b.wallet.addr); err != nil {
		return nil, err
	}
	for b.tip < activationHeight {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("bitcoin devnet set-up: %w", err)
		}
		if err := b.mine(min(setupBatch, activationHeight-b.tip)); err != nil {
			return nil, fmt.Errorf("bitcoin devnet set-up: %w", err)
		}
	}
	if err := b.inscribeNFTs(); err != nil {
		return nil, err
	}
	if err := b.mine(1); err != nil {
		return nil, fmt.Errorf("bitcoin devnet set-up: %w", err)
	}
	b.startHeight = b.tip
	b.log.Info("bitcoin devnet ready", "rpc", b.Provider().URL, "network", "regtest", "height", b.tip,
		"collection", DemoCollection, "creator", b.creator, "min_fee_sats", DemoMinFeeSats, "dir", b.dir)
	return b, nil
}

// Provider is the node's JSON-RPC endpoint as herald's Bitcoin indexer
// configures it: https with btcd's self-signed certificate.
func (b *Bitcoin) Provider() bitcoin.ProviderConfig {
	return bitcoin.ProviderConfig{
		Kind:     bitcoin.KindRPC,
		URL:      "https://" + b.node.rpcAddr,
		User:     b.node.user,
		Password: b.node.password,
		CertFile: b.node.certFile,
	}
}

// Collection is the demo collection whose registrations the generator pays.
func (b *Bitcoin) Collection() bitcoin.CollectionConfig {
	return bitcoin.CollectionConfig{
		Name:             DemoCollection,
		Creator:          b.creator,
		MinFeeSats:       DemoMinFeeSats,
		MinConfirmations: DemoMinConfirmations,
	}
}

// Network is the devnet's Bitcoin network.
func (b *Bitcoin) Network() string { return "regtest" }

// StartHeight is the first block with traffic: the one inscribing the demo
// NFTs. The blocks below it are empty set-up blocks.
func (b *Bitcoin) StartHeight() int64 { return b.startHeight }

// Config returns the configuration of a chain named name indexing the
// devnet, settings other than these left to their defaults.
func (b *Bitcoin) Config(name string) bitcoin.Config {
	return bitcoin.Config{
		Name:        name,
		Network:     b.Network(),
		StartHeight: b.startHeight,
		Providers:   []bitcoin.ProviderConfig{b.Provider()},
		Collections: []bitcoin.CollectionConfig{b.Collection()},
	}
}

// Run generates traffic until ctx ends: every BlockInterval a few
// registration payments (mostly valid, some underpaid, some expired, now and
// then one with two payloads), now and then a buyer_registration.v1 record
// for an earlier valid payment, then a block; with Reorgs, now and then a
// reorg first. It returns nil when ctx ends, and an error when the node
// fails. Run must not be called twice at once, nor after Stop.
func (b *Bitcoin) Run(ctx context.Context) error {
	tick := time.NewTicker(b.opts.BlockInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if err := b.step(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("bitcoin devnet: %w", err)
		}
	}
}

// Pay sends a transaction paying outs (OP_RETURN outputs included) from
// the devnet's funded wallet, with its change back to it: what a creator's
// or a buyer's wallet does (docs/creators.md). It is mined with the next
// block.
func (b *Bitcoin) Pay(outs ...*wire.TxOut) (*wire.MsgTx, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	tx, _, err := b.wallet.pay(outs, txFee)
	if err != nil {
		return nil, err
	}
	if err := b.send(tx); err != nil {
		return nil, err
	}
	return tx, nil
}

// Mine mines n blocks now.
func (b *Bitcoin) Mine(n int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.mine(int64(n))
}

// Tip is the height of the devnet's best block.
func (b *Bitcoin) Tip() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tip
}

// Stop stops the node, waiting for it to exit until ctx ends (then it is
// killed), and removes its state directory.
func (b *Bitcoin) Stop(ctx context.Context) error {
	var errs []error
	if b.node != nil {
		errs = append(errs, b.node.stop(ctx))
	}
	if b.dir != "" {
		if err := os.RemoveAll(b.dir); err != nil {
			errs = append(errs, fmt.Errorf("remove bitcoin devnet state: %w", err))
		}
	}
	return errors.Join(errs...)
}

// step makes one round of traffic and mines its block.
func (b *Bitcoin) step(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.round++
	if b.opts.Reorgs && b.sinceReorg >= b.opts.ReorgEvery {
		if err := b.reorg(); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	next := b.tip + 1
	kinds := []paymentKind{paymentValid, paymentValid}
	if b.round%2 == 0 {
		kinds = append(kinds, paymentUnderpaid)
	}
	if b.round%3 == 0 {
		kinds = append(kinds, paymentExpired)
	}
	if b.round%7 == 0 {
		kinds = append(kinds, paymentMultiple)
	}
	var sent []payment
	for _, k := range kinds {
		p, err := b.register(k, next)
		if err != nil {
			b.log.Warn("bitcoin devnet: registration payment not sent", "kind", k, "err", err)
			continue
		}
		sent = append(sent, p)
		if k == paymentValid {
			b.unrecorded = append(b.unrecorded, p)
		}
	}
	if len(b.unrecorded) > maxUnrecorded {
		b.unrecorded = b.unrecorded[len(b.unrecorded)-maxUnrecorded:]
	}
	if b.round%3 == 1 && len(b.unrecorded) > 0 {
		p := b.unrecorded[0]
		b.unrecorded = b.unrecorded[1:]
		if err := b.record(p); err != nil {
			b.log.Warn("bitcoin devnet: registration record not sent", "fee_txid", p.tx.TxHash(), "err", err)
		}
	}
	if err := b.mine(1); err != nil {
		return err
	}
	b.tipPayments = sent
	b.sinceReorg++
	return nil
}

// register sends a registration payment of kind for the next demo NFT, to
// be mined at height next.
func (b *Bitcoin) register(kind paymentKind, next int64) (payment, error) {
	p := payment{kind: kind, nft: b.takeNFT(), fee: DemoMinFeeSats}
	expiry := next + int64(b.rng.IntN(20)) // 0: it expires in its own block, still valid
	payloads := []domain.InscriptionID{p.nft}
	switch kind {
	case paymentValid:
		p.fee += 10_000 * int64(b.rng.IntN(4))
	case paymentUnderpaid:
		p.fee = DemoMinFeeSats/2 + b.rng.Int64N(DemoMinFeeSats/2)
	case paymentExpired:
		expiry = next - 1 - int64(b.rng.IntN(5))
	case paymentMultiple:
		payloads = append(payloads, b.takeNFT())
	}
	var outs []*wire.TxOut
	for _, id := range payloads {
		script, err := bitcoin.PayloadScript(id, expiry)
		if err != nil {
			return payment{}, fmt.Errorf("payload script: %w", err)
		}
		outs = append(outs, wire.NewTxOut(0, script))
	}
	// Wallets differ in where they put the payment: so does the devnet.
	pay := wire.NewTxOut(p.fee, b.creatorScript)
	if b.rng.IntN(2) == 0 {
		outs = append([]*wire.TxOut{pay}, outs...)
	} else {
		outs = append(outs, pay)
	}
	tx, in, err := b.wallet.pay(outs, txFee)
	if err != nil {
		return payment{}, err
	}
	if err := b.send(tx); err != nil {
		return payment{}, err // the input stays out of the wallet, as in inscribe
	}
	p.tx, p.input = tx, in
	return p, nil
}

// takeNFT returns the next demo NFT, in turn.
func (b *Bitcoin) takeNFT() domain.InscriptionID {
	id := b.nfts[b.nextNFT%len(b.nfts)]
	b.nextNFT++
	return id
}

// record is the JSON document of a buyer_registration.v1 record.
type record struct {
	Schema    string `json:"schema"`
	Parent    string `json:"parent"`
	PaidTo    string `json:"paid_to"`
	FeeSats   int64  `json:"fee_sats"`
	TxID      string `json:"txid"`
	Timestamp string `json:"timestamp"`
}

// record inscribes the buyer_registration.v1 record of a payment, a child of
// its NFT.
func (b *Bitcoin) record(p payment) error {
	body, err := json.Marshal(record{
		Schema:    bitcoin.RecordSchema,
		Parent:    p.nft.String(),
		PaidTo:    b.creator,
		FeeSats:   p.fee,
		TxID:      p.tx.TxHash().String(),
		Timestamp: time.Now().UTC().Format(time.RFC3339),
	})
	if err != nil {
		return fmt.Errorf("record json: %w", err)
	}
	env, err := envelope("application/json", &p.nft, body)
	if err != nil {
		return err
	}
	ins, err := b.inscribe(env)
	if err != nil {
		return err
	}
	b.log.Debug("bitcoin devnet: record inscribed", "record", ins.id(), "nft", p.nft, "fee_txid", p.tx.TxHash())
	return nil
}

// inscribeNFTs inscribes the demo NFTs, small HTML documents.
func (b *Bitcoin) inscribeNFTs() error {
	for i := range demoNFTs {
		html := fmt.Appendf(nil, "<!doctype html><html><body><h1>Embers demo #%d</h1></body></html>", i+1)
		env, err := envelope("text/html;charset=utf-8", nil, html)
		if err != nil {
			return err
		}
		ins, err := b.inscribe(env)
		if err != nil {
			return fmt.Errorf("inscribe demo NFT %d: %w", i+1, err)
		}
		id, err := domain.ParseInscriptionID(ins.id())
		if err != nil {
			return fmt.Errorf("demo NFT %d: %w", i+1, err)
		}
		b.nfts = append(b.nfts, id)
	}
	return nil
}

// inscribe sends the commit and reveal of an envelope.
func (b *Bitcoin) inscribe(env []byte) (inscription, error) {
	ins, err := b.wallet.inscribe(env)
	if err != nil {
		return inscription{}, err
	}
	// A refused spend leaves its input out of the wallet (pay took it), so
	// that a wallet out of step with the chain heals.
	if err := b.send(ins.commit); err != nil {
		return inscription{}, fmt.Errorf("commit: %w", err)
	}
	if err := b.send(ins.reveal); err != nil {
		return inscription{}, fmt.Errorf("reveal: %w", err)
	}
	return ins, nil
}

// send broadcasts a transaction and, once the node accepts it, gives its
// outputs to the wallet.
func (b *Bitcoin) send(tx *wire.MsgTx) error {
	if _, err := b.node.client.SendRawTransaction(tx, true); err != nil {
		return fmt.Errorf("send %s: %w", tx.TxHash(), err)
	}
	b.wallet.sent(tx)
	return nil
}

// reorg replaces the last one or two blocks with a longer branch in which a
// valid registration of the tip block is missing: the tip is invalidated
// (btcd puts the disconnected blocks' transactions back in its mempool), a
// transaction spending the registration's input replaces it there (BIP 125),
// and as many blocks as were disconnected are mined again. The caller mines
// one more, so that the new branch is longer than the old one was. Without a
// valid registration in the tip block, there is nothing to drop and the
// reorg waits for the next round.
func (b *Bitcoin) reorg() error {
	var victims []payment
	for _, p := range b.tipPayments {
		if p.kind == paymentValid {
			victims = append(victims, p)
		}
	}
	depth := 1 + b.rng.IntN(maxReorgDepth)
	if len(victims) == 0 || b.tip-int64(depth) < b.startHeight {
		return nil
	}
	victim := victims[b.rng.IntN(len(victims))]
	forkHeight := b.tip - int64(depth) + 1
	old, err := b.node.client.GetBlockHash(forkHeight)
	if err != nil {
		return fmt.Errorf("reorg: block hash at %d: %w", forkHeight, err)
	}
	if err := b.node.client.InvalidateBlock(old); err != nil {
		return fmt.Errorf("reorg: invalidate block %s: %w", old, err)
	}
	b.tip -= int64(depth)
	b.wallet.blocksDisconnected(b.tip)
	b.tipPayments = nil

	// The victim's change goes with it; its input pays the replacement.
	victimHash := victim.tx.TxHash()
	for i := range victim.tx.TxOut {
		b.wallet.forget(*wire.NewOutPoint(&victimHash, uint32(i)))
	}
	b.unrecorded = removePayment(b.unrecorded, victimHash)
	repl, err := b.wallet.replacement(victim.input, txFee+replacementFee)
	if err != nil {
		return fmt.Errorf("reorg: %w", err)
	}
	if err := b.send(repl); err != nil {
		// The registration is mined again in the new branch: still a reorg,
		// only not one that drops it.
		b.log.Warn("bitcoin devnet: reorg could not drop the registration", "txid", victimHash, "err", err)
	}
	if err := b.mine(int64(depth)); err != nil {
		return fmt.Errorf("reorg: %w", err)
	}
	b.sinceReorg = 0
	b.log.Info("bitcoin devnet reorg", "depth", depth, "fork_height", forkHeight, "replaced_block", old,
		"dropped_registration", victimHash, "nft", victim.nft)
	return nil
}

func removePayment(ps []payment, txid chainhash.Hash) []payment {
	out := ps[:0]
	for _, p := range ps {
		if p.tx.TxHash() != txid {
			out = append(out, p)
		}
	}
	return out
}

// mine mines n blocks and gives the wallet their coinbases and the outputs
// they confirmed.
func (b *Bitcoin) mine(n int64) error {
	hashes, err := b.node.client.Generate(uint32(n))
	if err != nil {
		return fmt.Errorf("generate %d blocks: %w", n, err)
	}
	for _, h := range hashes {
		blk, err := b.node.client.GetBlock(h)
		if err != nil {
			return fmt.Errorf("get mined block %s: %w", h, err)
		}
		b.tip++
		b.wallet.blockMined(blk, b.tip)
	}
	return nil
}
