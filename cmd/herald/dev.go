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
	noReorgs      bool
	btcInterval   time.Duration
	evmInterval   time.Duration
	evmListenAddr string
	listen        string
	// trafficStop, when set, stops the devnets' traffic once closed while
	// the rest goes on (tests compare herald's answers with a quiet chain).
	trafficStop <-chan struct{}
}

// registerDevFlags registers dev's flags on fs, into o.
func registerDevFlags(fs *flag.FlagSet, o *devOptions) {
	fs.BoolVar(&o.noReorgs, "no-reorgs", false, "never reorganise the devnets")
	fs.DurationVar(&o.btcInterval, "btc-block-interval", 5*time.Second, "time between regtest blocks")
	fs.DurationVar(&o.evmInterval, "evm-block-interval", 2*time.Second, "time between EVM devnet blocks")
	fs.StringVar(&o.evmListenAddr, "evm-rpc", "127.0.0.1:8545", "`address` of the EVM devnet's JSON-RPC (HTTP and websocket)")
	fs.StringVar(&o.listen, "listen", "", "the gateway's `address` (default http.listen, 127.0.0.1:8080)")
}

// devFlags is dev's flags, for help.
func devFlags(fs *flag.FlagSet) { registerDevFlags(fs, &devOptions{}) }

func parseDevFlags(args []string, stderr io.Writer) (devOptions, error) {
	fs := flag.NewFlagSet("herald dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o devOptions
	registerDevFlags(fs, &o)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("herald dev takes no arguments, got %q", fs.Args())
	}
	return o, nil
}

// dev runs everything on one machine: the embedded database, a btcd regtest
// node and an in-process EVM chain with traffic, the indexer on both, and
// the gateway. Ctrl-C stops it all.
func dev(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	opts, err := parseDevFlags(args, stderr)
	if err != nil {
		return err
	}
	return devWith(ctx, cfg, log, opts, stdout)
}

func devWith(ctx context.Context, cfg Config, log *slog.Logger, opts devOptions, stdout io.Writer) (err error) {
	if opts.listen != "" {
		cfg.HTTP.Listen = opts.listen
	}
	devDir := filepath.Join(cfg.DataDir, "devnet")
	if err := os.MkdirAll(devDir, 0o755); err != nil {
		return err
	}
	btc, err := devnet.StartBitcoin(ctx, devnet.BitcoinOptions{
		Dir: devDir, Logger: log.With("devnet", "bitcoin"),
		BlockInterval: opts.btcInterval, Reorgs: !opts.noReorgs,
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
		Logger: log.With("devnet", "evm"), BlockInterval: opts.evmInterval, Reorgs: !opts.noReorgs, HTTPAddr: opts.evmListenAddr,
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
		// Its traffic includes reverted claims, for the dashboard.
		FailedCalls: true,
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
			{name: "bitcoin devnet traffic", run: until(opts.trafficStop, btc.Run)},
			{name: "evm devnet traffic", run: until(opts.trafficStop, chain.Run)},
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
  Dashboard     http://%[1]s/dashboard   status: http://%[1]s/status
  GraphQL       http://%[1]s/graphql   (websocket and SSE subscriptions on the same path)
  Metrics       http://%[1]s/metrics   health: /healthz /readyz
  Database      %[2]s

  Bitcoin       btcd regtest, JSON-RPC %[3]s (user %[4]s, password %[5]s, TLS cert %[6]s)
                collection %[7]q, creator %[8]s
  EVM           chain id %[9]d, JSON-RPC %[10]s, websocket %[11]s
                funded account key (for wallets, cast): 0x%[12]s

Try in GraphiQL (its tabs hold more, filled with the devnets' ids):
  { _meta { chains { chain head indexedHeight lag } } }
  { registrations(first: 5) { nodes { inscriptionId status paidSats } } }
  { badgeClaims(first: 5) { nodes { player tokenId xpEarned tier } } }
  { players(first: 5) { nodes { rank address xp } } }
  subscription { registrationEvents { eventId kind registration { txid } } }

`, addr, db, p.URL, p.User, p.Password, p.CertFile, btc.Collection().Name, btc.Collection().Creator,
		chain.ChainID(), chain.HTTPURL(), chain.WSURL(), devnet.UserKey())
}

// until runs run until ctx ends or stop closes; stopped, it waits for ctx
// like any actor of a group.
func until(stop <-chan struct{}, run func(context.Context) error) func(context.Context) error {
	if stop == nil {
		return run
	}
	return func(ctx context.Context) error {
		tctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-stop:
				cancel()
			case <-tctx.Done():
			}
		}()
		if err := run(tctx); err != nil || ctx.Err() != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
}
