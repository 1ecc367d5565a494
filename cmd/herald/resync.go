package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/store"
)

// resyncOptions are `herald resync`'s own flags.
type resyncOptions struct {
	chain string
	from  int64
}

func resyncFlags(fs *flag.FlagSet) { registerResyncFlags(fs, &resyncOptions{}) }

func registerResyncFlags(fs *flag.FlagSet, o *resyncOptions) {
	fs.StringVar(&o.chain, "chain", "", "the chain's `name` as configured (bitcoin[].name or evm[].name)")
	fs.Int64Var(&o.from, "from", -1, "the first block `height` to index again; everything from it on is removed (REMOVED events included) and indexed anew")
}

func parseResyncFlags(args []string, stderr io.Writer) (resyncOptions, error) {
	fs := flag.NewFlagSet("herald resync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := resyncOptions{}
	registerResyncFlags(fs, &o)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("herald resync takes no arguments, got %q (its flags: -chain NAME -from HEIGHT)", fs.Args())
	case o.chain == "":
		return o, errors.New("herald resync: -chain NAME is required")
	case o.from < 0:
		return o, errors.New("herald resync: -from HEIGHT is required (a block height, 0 or more)")
	}
	return o, nil
}

// resync makes a chain index again from a height: what it indexed from
// there on is removed, and the indexer — running or started later — goes on
// from the block before, read from the chain's providers, so the height may
// be below the stored reorg window (the way out of a reorg deeper than it)
// or anywhere a faulty release indexed wrongly. A running `herald index`
// need not stop: a batch it was writing from the old position lands
// nowhere, and it reads the new one. One that stopped the chain for a reorg
// deeper than its window must be restarted.
func resync(ctx context.Context, cfg Config, log *slog.Logger, o resyncOptions, stdout io.Writer) error {
	return withStore(ctx, cfg, log, func(st *store.Store) error {
		chains, _, err := indexers(cfg, st, prometheus.NewRegistry(), log)
		if err != nil {
			return err
		}
		var c *chainRun
		var names []string
		for _, ch := range chains {
			names = append(names, ch.name)
			if ch.name == o.chain {
				c = ch
			}
		}
		if c == nil {
			return fmt.Errorf("resync: no chain %q is configured (configured: %s)", o.chain, strings.Join(names, ", "))
		}
		cur, ok, err := st.Cursor(ctx, c.name)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("resync: %s has not been indexed yet: nothing to index again", c.name)
		}
		if o.from > cur.Height {
			return fmt.Errorf("resync: %s is indexed up to %d: nothing from %d on to index again", c.name, cur.Height, o.from)
		}
		if o.from <= cur.StartHeight {
			if err := st.Rollback(ctx, c.name, o.from-1); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: removed blocks %d..%d; indexing starts over from its configured start, %d\n",
				c.name, cur.StartHeight, cur.Height, c.fc.StartHeight)
			return nil
		}
		b, err := indexer.Build(ctx, cfg.Index.StartupTimeout, nil, func(err error) {
			log.Warn("chain's providers not answering; retrying", "chain", c.name, "err", err)
		}, c.buildSource)
		if err != nil {
			return fmt.Errorf("resync: %s (%s): %w", c.key, c.name, err)
		}
		defer b.close()
		at, err := b.src.BlockRef(ctx, o.from-1)
		if err != nil {
			return fmt.Errorf("resync: %s: read block %d from its providers: %w", c.name, o.from-1, err)
		}
		if err := st.Resync(ctx, c.name, at); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: removed blocks %d..%d; the indexer goes on from %d, after block %d (%s)\n",
			c.name, o.from, cur.Height, o.from, at.Height, at.Hash)
		return nil
	})
}
