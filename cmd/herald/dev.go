package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/herald-indexer/herald/indexer/bitcoin"
	"github.com/herald-indexer/herald/indexer/devnet"
	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/store"
)

// Chain names of the devnets in the database and the API.
const (
	devBitcoinChain = "bitcoin-devnet"
	devEVMChain     = "evm-devnet"
)

// devOptions are `herald dev`'s own flags.
type devOptions struct {
	reorgs        bool
	btcInterval   time.Duration
	evmInterval   time.Duration
	evmListenAddr string
}

func parseDevFlags(args []string, stderr io.Writer) (devOptions, error) {
	fs := flag.NewFlagSet("herald dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noReorgs := fs.Bool("no-reorgs", false, "never reorganise the devnets")
	o := devOptions{}
	fs.DurationVar(&o.btcInterval, "btc-block-interval", 5*time.Second, "time between regtest blocks")
	fs.DurationVar(&o.evmInterval, "evm-block-interval", 2*time.Second, "time between EVM devnet blocks")
	fs.StringVar(&o.evmListenAddr, "evm-rpc", "127.0.0.1:8545", "address of the EVM devnet's JSON-RPC (HTTP and websocket)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.reorgs = !*noReorgs
	return o, nil
}

// dev runs everything on one machine: the embedded database, a btcd regtest
// node and an in-process EVM chain with traffic, the indexer on both, and
// the gateway. Ctrl-C stops it all.
func dev(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) (err error) {
	opts, err := parseDevFlags(args, stderr)
	if err != nil {
		return err
	}
	devDir := filepath.Join(cfg.DataDir, "devnet")
	if err := os.MkdirAll(devDir, 0o755); err != nil {
		return err
	}
	btc, err := devnet.StartBitcoin(ctx, devnet.BitcoinOptions{
		Dir: devDir, Logger: log.With("devnet", "bitcoin"),
		BlockInterval: opts.btcInterval, Reorgs: opts.reorgs,
	})
	if err != nil {
		return fmt.Errorf("bitcoin devnet: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		err = errors.Join(err, btc.Stop(sctx))
	}()
	chain, err := devnet.StartEVM(ctx, devnet.EVMOptions{
		Logger: log.With("devnet", "evm"), BlockInterval: opts.evmInterval, Reorgs: opts.reorgs, HTTPAddr: opts.evmListenAddr,
	})
	if err != nil {
		return fmt.Errorf("evm devnet: %w", err)
	}
	defer func() { err = errors.Join(err, chain.Stop()) }()

	cfg.Bitcoin = []bitcoin.Config{btc.Config(devBitcoinChain)}
	cfg.Bitcoin[0].BatchSize = 10
	ec := evm.Config{
		Name: devEVMChain, ChainID: chain.ChainID(), RPC: []string{chain.WSURL()}, StartBlock: chain.StartBlock(),
		// The devnet reorgs at most 2 deep; index the tip to show them.
		Confirmations: 1, ReorgWindow: 64,
	}
	for _, c := range chain.Contracts() {
		ec.Contracts = append(ec.Contracts, evm.ContractConfig{Address: c.Address.Hex(), Kind: c.Kind, Name: c.Name})
	}
	cfg.EVM = []evm.Config{ec}
	if err := cfg.validate(); err != nil {
		return err
	}

	return withStore(ctx, cfg, log, func(st *store.Store) error {
		if _, err := st.MigrateUp(ctx); err != nil {
			return err
		}
		// The devnets are new chains on every start.
		for _, name := range []string{devBitcoinChain, devEVMChain} {
			if err := st.ResetChain(ctx, name); err != nil {
				return err
			}
		}
		reg := newRegistry()
		actors := []actor{
			{name: "bitcoin devnet traffic", run: btc.Run},
			{name: "evm devnet traffic", run: chain.Run},
		}
		_, idx, err := indexers(cfg, st, reg, log)
		if err != nil {
			return err
		}
		gw, addr, err := gateway(ctx, cfg, st, reg, log)
		if err != nil {
			return err
		}
		actors = append(append(actors, idx...), gw...)
		printBanner(stdout, addr.String(), btc, chain, cfg)
		return runGroup(ctx, log, actors)
	})
}

func printBanner(w io.Writer, addr string, btc *devnet.Bitcoin, chain *devnet.EVM, cfg Config) {
	p := btc.Provider()
	db := "embedded PostgreSQL in " + cfg.pgDataDir()
	if cfg.DatabaseURL != "" {
		db = store.RedactURL(cfg.DatabaseURL)
	}
	fmt.Fprintf(w, `
herald dev is running. Ctrl-C stops everything.

  GraphiQL      http://%[1]s/
  GraphQL       http://%[1]s/graphql   (websocket and SSE subscriptions on the same path)
  Metrics       http://%[1]s/metrics   health: /healthz /readyz
  Database      %[2]s

  Bitcoin       btcd regtest, JSON-RPC %[3]s (user %[4]s, password %[5]s, TLS cert %[6]s)
                collection %[7]q, creator %[8]s
  EVM           chain id %[9]d, JSON-RPC %[10]s, websocket %[11]s
                funded account key (for wallets, cast): 0x%[12]s

Try in GraphiQL:
  { _meta { chains { chain head indexedHeight lag } } }
  { registrations(first: 5) { nodes { txid inscriptionId status paidSats block { height confirmations } } } }
  { badgeClaims(first: 5) { nodes { player tokenId xpEarned tier } } }
  subscription { registrationEvents { eventId kind registration { txid inscriptionId status } } }

`, addr, db, p.URL, p.User, p.Password, p.CertFile, btc.Collection().Name, btc.Collection().Creator,
		chain.ChainID(), chain.HTTPURL(), chain.WSURL(), devnet.UserKey())
}
