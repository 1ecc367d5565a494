// Command herald indexes Bitcoin registrations and EVM badges/nullifiers into
// PostgreSQL and serves them over GraphQL. This package is wiring only: flags,
// environment and file become a Config, and components run as one group.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/pglaunch"
)

const usage = `herald — blockchain indexer and GraphQL gateway

Usage:
  herald dev [-no-reorgs]         everything on this machine: embedded PostgreSQL, a btcd
                                  regtest node and an EVM devnet with live traffic,
                                  the indexer and the gateway
  herald run                      index the configured chains and serve GraphQL
  herald index                    index the configured chains (one writer per chain);
                                  /metrics, /healthz, /readyz on index.listen
  herald serve                    serve GraphQL from the database (stateless)
  herald migrate up|down|status   apply, roll back or list database migrations
  herald version                  print the build version

Flags (before or after the command; before it for dev):
  -config FILE      YAML configuration file (optional)
  -database-url URL PostgreSQL server to use; without it herald starts its own
  -data-dir DIR     local state, including the embedded database (default .herald)
  -log-level LEVEL  debug, info, warn, error (default info)
  -log-format FMT   text or json (default text)

Environment: HERALD_DATABASE_URL (or DATABASE_URL), HERALD_LISTEN_DATABASE_URL,
HERALD_DATA_DIR, HERALD_LOG_LEVEL, HERALD_LOG_FORMAT, HERALD_HTTP_LISTEN,
HERALD_INDEX_LISTEN. Flags win over the environment, which wins over the file.
`

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "herald:", err)
		os.Exit(1)
	}
}

// run is main without the exit, so it can be tested and exits in one place.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("herald", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	configPath := fs.String("config", getenv("HERALD_CONFIG"), "")
	databaseURL := fs.String("database-url", "", "")
	dataDir := fs.String("data-dir", "", "")
	logLevel := fs.String("log-level", "", "")
	logFormat := fs.String("log-format", "", "")
	// Flags may stand on either side of the command, except after `dev`,
	// whose own flags follow it.
	var positional []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
		if len(positional) == 1 && positional[0] == "dev" {
			positional = append(positional, rest...)
			break
		}
	}
	if len(positional) == 0 {
		fs.Usage()
		return errors.New("no command given")
	}

	cfg, err := loadConfig(*configPath, getenv)
	if err != nil {
		return err
	}
	// Flags win over the environment and the file, and only then is the
	// whole configuration validated: a flag may correct a bad variable.
	for _, o := range []struct {
		flag  string
		field *string
	}{
		{*databaseURL, &cfg.DatabaseURL}, {*dataDir, &cfg.DataDir}, {*logLevel, &cfg.Log.Level}, {*logFormat, &cfg.Log.Format},
	} {
		if o.flag != "" {
			*o.field = o.flag
		}
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	log := newLogger(cfg.Log)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	shutdownTracing, err := setupTracing(ctx, getenv)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = shutdownTracing(sctx)
	}()

	switch cmd, rest := positional[0], positional[1:]; cmd {
	case "version":
		fmt.Fprintln(stdout, "herald", version())
		return nil
	case "migrate":
		return migrate(ctx, cfg, log, rest, stdout)
	case "dev":
		return dev(ctx, cfg, log, rest, stdout, stderr)
	case "run":
		return start(ctx, cfg, log, roles{index: true, serve: true})
	case "index":
		return start(ctx, cfg, log, roles{index: true})
	case "serve":
		return start(ctx, cfg, log, roles{serve: true})
	default:
		fs.Usage()
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

func migrate(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: herald migrate up|down|status")
	}
	return withStore(ctx, cfg, log, func(st *store.Store) error {
		switch args[0] {
		case "up":
			names, err := st.MigrateUp(ctx)
			if err != nil {
				return err
			}
			if len(names) == 0 {
				fmt.Fprintln(stdout, "database is up to date")
			}
			for _, n := range names {
				fmt.Fprintln(stdout, "applied", n)
			}
		case "down":
			names, err := st.MigrateDown(ctx)
			if err != nil {
				return err
			}
			if len(names) == 0 {
				fmt.Fprintln(stdout, "nothing to roll back")
			}
			for _, n := range names {
				fmt.Fprintln(stdout, "rolled back", n)
			}
		case "status":
			status, err := st.MigrationStatus(ctx)
			if err != nil {
				return err
			}
			for _, m := range status {
				state := "pending"
				if m.Applied {
					state = "applied"
				}
				fmt.Fprintf(stdout, "%-8s %s\n", state, m.Name)
			}
		default:
			return fmt.Errorf("migrate: unknown action %q (want up, down or status)", args[0])
		}
		return nil
	})
}

// withStore opens the configured database — starting the embedded server
// when there is no URL — runs fn, and closes (and stops) it again.
func withStore(ctx context.Context, cfg Config, log *slog.Logger, fn func(*store.Store) error) (err error) {
	url := cfg.DatabaseURL
	if url == "" {
		srv, startErr := pglaunch.Start(ctx, pglaunch.Options{DataDir: cfg.pgDataDir(), Logger: log})
		if startErr != nil {
			return fmt.Errorf("embedded postgres (install PostgreSQL 14+ or set DATABASE_URL): %w", startErr)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			err = errors.Join(err, srv.Stop(sctx))
		}()
		url = srv.URL()
		log.Info("embedded postgres started", "data_dir", cfg.pgDataDir(), "url", url)
	}
	st, err := store.Open(ctx, url, store.WithMaxConns(cfg.DatabasePoolSize))
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}
