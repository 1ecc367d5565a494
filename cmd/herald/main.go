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
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/semver"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/pglaunch"
)

// commands are herald's, in the order help lists them.
func commands() []command {
	return []command{
		{name: "dev", synopsis: "[dev flags]", summary: "everything on this machine: embedded PostgreSQL, a btcd regtest node and an EVM devnet with live traffic, the indexer and the gateway", own: devFlags},
		{name: "run", summary: "index the configured chains and serve GraphQL, in one process"},
		{name: "index", summary: "index the configured chains (one writer per chain); /metrics, /healthz, /readyz on index.listen"},
		{name: "serve", summary: "serve GraphQL from the database (stateless; run as many as needed)"},
		{name: "migrate", synopsis: "up|down|status", summary: "apply, roll back or list database migrations"},
		{name: "check", summary: "read and validate the configuration (file, environment, flags) and say what is wrong, touching nothing"},
		{name: "resync", synopsis: "-chain NAME -from HEIGHT", summary: "index a chain again from a height: what it indexed from there on is removed (REMOVED events included) and indexed anew, below the reorg window too (docs/runbooks.md)", own: resyncFlags},
		{name: "payload", synopsis: "INSCRIPTION_ID EXPIRY_HEIGHT", summary: "print the OP_RETURN output script (hex) that registers an NFT (docs/creators.md)", own: payloadFlags},
		{name: "version", summary: "print herald's version, the commit it was built from, and Go's version"},
		{name: "help", synopsis: "[command]", summary: "show this help, or a command's"},
	}
}

// command is one of herald's commands, for parsing and for help.
type command struct {
	name, synopsis, summary string
	// own registers the command's own flags, when it has any.
	own func(*flag.FlagSet)
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// globalFlags are the flags every command takes, before or after its name.
type globalFlags struct {
	config, databaseURL, dataDir, logLevel, logFormat, listen string
}

func (g *globalFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&g.config, "config", getenv("HERALD_CONFIG"), "YAML configuration `file` (HERALD_CONFIG)")
	fs.StringVar(&g.databaseURL, "database-url", "", "PostgreSQL server `URL` to use; without one herald starts its own")
	fs.StringVar(&g.dataDir, "data-dir", "", "local state, the embedded database's included (`dir`, default .herald)")
	fs.StringVar(&g.logLevel, "log-level", "", "debug, info, warn or error (default info)")
	fs.StringVar(&g.logFormat, "log-format", "", "text or json (default text)")
	fs.StringVar(&g.listen, "listen", "", "the gateway's `address` (http.listen, default 127.0.0.1:8080)")
}

// printUsage writes herald's help, or a command's.
func printUsage(w io.Writer, getenv func(string) string, name string) {
	c, ok := findCommand(name)
	if !ok {
		fmt.Fprint(w, "herald — blockchain indexer and GraphQL gateway\n\nUsage: herald [flags] <command> [arguments]\n\nCommands:\n")
		for _, c := range commands() {
			fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
		}
		fmt.Fprint(w, "\nRun 'herald help <command>' for a command's flags.\n")
	} else {
		fmt.Fprintf(w, "Usage: herald %s %s\n\n%s.\n", c.name, strings.TrimSpace(c.synopsis+" [flags]"), c.summary)
		if c.own != nil {
			fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
			c.own(fs)
			fmt.Fprintf(w, "\n%s flags:\n", c.name)
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
	}
	fs := flag.NewFlagSet("herald", flag.ContinueOnError)
	(&globalFlags{}).register(fs, getenv)
	fmt.Fprint(w, "\nFlags of every command (before or after its name):\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, `
Settings come from the configuration file, then HERALD_* environment variables
(HERALD_DATABASE_URL or DATABASE_URL, HERALD_LISTEN_DATABASE_URL, HERALD_DATA_DIR,
HERALD_LOG_LEVEL, HERALD_LOG_FORMAT, HERALD_HTTP_LISTEN, HERALD_INDEX_LISTEN,
HERALD_API_KEYS), then flags: flags win.
Every setting is in docs/operations.md.
`)
}

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "herald:", err)
		os.Exit(1)
	}
}

// run is main without the exit, so it can be tested and exits in one place.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var g globalFlags
	fs := flag.NewFlagSet("herald", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, help printed below
	g.register(fs, getenv)
	// Flags may stand on either side of the command, except after `dev`,
	// `resync` and `payload`, whose own flags follow them.
	var positional []string
	for rest := args; ; {
		err := fs.Parse(rest)
		if errors.Is(err, flag.ErrHelp) {
			name := ""
			if len(positional) > 0 {
				name = positional[0]
			}
			printUsage(stdout, getenv, name)
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w (herald help lists the flags)", err)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
		if c, _ := findCommand(positional[0]); len(positional) == 1 && c.own != nil {
			positional = append(positional, rest...)
			break
		}
	}
	if len(positional) == 0 {
		printUsage(stderr, getenv, "")
		return errors.New("no command given")
	}
	cmd, rest := positional[0], positional[1:]
	switch cmd {
	case "help":
		topic := ""
		if len(rest) > 0 {
			topic = rest[0]
			if _, ok := findCommand(topic); !ok {
				return fmt.Errorf("no command %q: herald help lists them", topic)
			}
		}
		printUsage(stdout, getenv, topic)
		return nil
	case "version":
		fmt.Fprintln(stdout, version())
		return nil
	case "payload":
		return payload(rest, stdout, stderr)
	}
	if _, ok := findCommand(cmd); !ok {
		return fmt.Errorf("unknown command %q: herald help lists the commands", cmd)
	}
	if cmd == "dev" {
		if _, err := parseDevFlags(rest, io.Discard); errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, getenv, "dev")
			return nil
		}
	}
	var resyncOpts resyncOptions
	if cmd == "resync" {
		var err error
		if resyncOpts, err = parseResyncFlags(rest, io.Discard); errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, getenv, "resync")
			return nil
		} else if err != nil {
			return err
		}
	}

	cfg, err := loadConfig(g.config, getenv)
	if err != nil {
		return err
	}
	// Flags win over the environment and the file, and only then is the
	// whole configuration validated: a flag may correct a bad variable.
	for _, o := range []struct {
		flag  string
		field *string
	}{
		{g.databaseURL, &cfg.DatabaseURL}, {g.dataDir, &cfg.DataDir}, {g.logLevel, &cfg.Log.Level},
		{g.logFormat, &cfg.Log.Format}, {g.listen, &cfg.HTTP.Listen},
	} {
		if o.flag != "" {
			*o.field = o.flag
		}
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if cmd == "check" {
		fmt.Fprintf(stdout, "the configuration is valid: %d Bitcoin and %d EVM chains, gateway on %s\n", len(cfg.Bitcoin), len(cfg.EVM), cfg.HTTP.Listen)
		return nil
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

	switch cmd {
	case "migrate":
		return migrate(ctx, cfg, log, rest, stdout)
	case "dev":
		return dev(ctx, cfg, log, rest, stdout, stderr)
	case "resync":
		return resync(ctx, cfg, log, resyncOpts, stdout)
	case "run":
		return start(ctx, cfg, log, roles{index: true, serve: true})
	case "index":
		return start(ctx, cfg, log, roles{index: true})
	default: // serve
		return start(ctx, cfg, log, roles{serve: true})
	}
}

// version is herald's semantic version, the commit and its time as the
// build recorded them (go build stamps them from git; go run does not).
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "herald (no build information)"
	}
	v := "herald " + semanticVersion(info)
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		v += ", commit " + rev
		if settings["vcs.modified"] == "true" {
			v += " with uncommitted changes"
		}
		if t := settings["vcs.time"]; t != "" {
			v += " of " + t
		}
	} else {
		v += ", built without version control information (go run, or outside a git checkout)"
	}
	return v + ", " + info.GoVersion
}

// releaseVersion is the version _meta reports.
func releaseVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return semanticVersion(info)
}

// semanticVersion is the version go build derived from the git tags: the
// tag itself on a release (v0.2.0), a pseudo-version after it
// (v0.2.1-0.20261202003305-e4a8049a6d73, +dirty with uncommitted changes);
// "devel" without version control information.
func semanticVersion(info *debug.BuildInfo) string {
	if v := info.Main.Version; semver.IsValid(v) {
		return v
	}
	return "devel"
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
