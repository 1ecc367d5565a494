package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/transport"
	"github.com/herald-indexer/herald/indexer/bitcoin"
	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/store"
)

// Config is herald's whole configuration: YAML file, then HERALD_* environment
// variables over it, then flags over both.
type Config struct {
	// DatabaseURL names an existing PostgreSQL server; empty starts the
	// embedded one in DataDir/pg.
	DatabaseURL string `yaml:"database_url"`
	// ListenDatabaseURL, for a gateway whose DatabaseURL is a streaming
	// replica, is the primary: the gateway LISTENs there for new events
	// (a replica delivers no NOTIFY) and reads them from the replica once
	// it has replayed them. Empty listens on DatabaseURL.
	ListenDatabaseURL string `yaml:"listen_database_url"`
	// DatabasePoolSize bounds this process's connections to it; 0 is
	// store.DefaultMaxConns (twice the cores and two).
	DatabasePoolSize int `yaml:"database_pool_size"`
	// DataDir holds herald's local state (the embedded database).
	DataDir string      `yaml:"data_dir"`
	Log     LogConfig   `yaml:"log"`
	HTTP    HTTPConfig  `yaml:"http"`
	Index   IndexConfig `yaml:"index"`
	// Limits bound what one GraphQL operation may cost.
	Limits limits.Limits `yaml:"limits"`
	// Access names the API keys, and who counts as anonymous.
	Access transport.Access `yaml:"access"`
	// Cache sizes the gateway's caches, in bytes.
	Cache graph.Caches `yaml:"cache"`
	// Bitcoin chains to index registrations from.
	Bitcoin []bitcoin.Config `yaml:"bitcoin"`
	// EVM chains to index badges and nullifiers from.
	EVM []evm.Config `yaml:"evm"`

	// safetyInterval overrides the gateway's safety read of the event log
	// (tests set it long, so that only notifications deliver).
	safetyInterval time.Duration
}

// HTTPConfig configures the gateway's listener.
type HTTPConfig struct {
	// Listen is the gateway's address: GraphQL at /graphql, GraphiQL at /,
	// /metrics, /healthz and /readyz.
	Listen string `yaml:"listen"`
	// CORSOrigins may call the API from a browser ("*" for any).
	CORSOrigins []string `yaml:"cors_origins"`
	// MaxLag is how many blocks a chain may trail its head before /readyz
	// says not ready.
	MaxLag int64 `yaml:"max_lag"`
	// MaxReplicaLag is how long the newest event the primary announced may
	// wait to appear on the replica the gateway reads before /readyz says
	// not ready (with listen_database_url).
	MaxReplicaLag time.Duration `yaml:"max_replica_lag"`
}

// IndexConfig configures the indexer.
type IndexConfig struct {
	// Listen is `herald index`'s own address: /metrics, /healthz and
	// /readyz (`run` serves them on http.listen, with the gateway's).
	Listen string `yaml:"listen"`
	// StallAfter is how long a chain may make no progress while there is
	// work to do (or not start) before it is stalled: /readyz is unready
	// and _meta says why.
	StallAfter time.Duration `yaml:"stall_after"`
	// StartupTimeout is how long start-up keeps trying a chain none of
	// whose providers answers before it gives up.
	StartupTimeout time.Duration `yaml:"startup_timeout"`
}

// LogConfig configures log/slog.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text, json
	// Access is the gateway's access log, written at info.
	Access transport.AccessLog `yaml:"access"`
}

func defaultConfig() Config {
	return Config{
		DataDir: ".herald",
		Log:     LogConfig{Level: "info", Format: "text", Access: transport.DefaultAccessLog()},
		HTTP:    HTTPConfig{Listen: "127.0.0.1:8080", MaxLag: 100, MaxReplicaLag: 30 * time.Second},
		Index:   IndexConfig{Listen: "127.0.0.1:8081", StallAfter: 5 * time.Minute, StartupTimeout: 2 * time.Minute},
		Limits:  limits.Defaults(),
		Cache:   graph.DefaultCaches(),
	}
}

// envVars maps each scalar setting to its environment variable. DATABASE_URL
// is honoured too, as most PostgreSQL tooling does.
func envVars(c *Config) map[string]*string {
	return map[string]*string{
		"HERALD_DATABASE_URL":        &c.DatabaseURL,
		"HERALD_LISTEN_DATABASE_URL": &c.ListenDatabaseURL,
		"HERALD_DATA_DIR":            &c.DataDir,
		"HERALD_LOG_LEVEL":           &c.Log.Level,
		"HERALD_LOG_FORMAT":          &c.Log.Format,
		"HERALD_HTTP_LISTEN":         &c.HTTP.Listen,
		"HERALD_INDEX_LISTEN":        &c.Index.Listen,
	}
}

// loadConfig reads the optional file and applies the environment; the
// caller applies its flags and validates. Unknown keys are errors: a
// misspelt setting must not be silently ignored.
func loadConfig(path string, getenv func(string) string) (Config, error) {
	cfg := defaultConfig()
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		if err := decodeConfig(raw, &cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if v := getenv("DATABASE_URL"); v != "" {
		cfg.DatabaseURL = v
	}
	for name, field := range envVars(&cfg) {
		if v := getenv(name); v != "" {
			*field = v
		}
	}
	// API keys from the environment, so that secrets stay out of the file.
	if v := getenv("HERALD_API_KEYS"); v != "" {
		keys, err := transport.ParseAPIKeys(v)
		if err != nil {
			return cfg, err
		}
		cfg.Access.APIKeys = append(cfg.Access.APIKeys, keys...)
	}
	return cfg, nil
}

func (c Config) validate() error {
	var errs []error
	if _, err := parseLevel(c.Log.Level); err != nil {
		errs = append(errs, fmt.Errorf("log.level: %w", err))
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		errs = append(errs, fmt.Errorf("log.format: %q is not text or json", c.Log.Format))
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		errs = append(errs, errors.New("data_dir: empty, and no database_url to use instead"))
	}
	if c.DatabasePoolSize < 0 {
		errs = append(errs, fmt.Errorf("database_pool_size: %d is negative (0 sizes the pool by the cores)", c.DatabasePoolSize))
	}
	if c.DatabaseURL != "" && !isPostgresURL(c.DatabaseURL) {
		errs = append(errs, errors.New("database_url: not a postgres:// URL"))
	}
	switch {
	case c.ListenDatabaseURL == "":
	case !isPostgresURL(c.ListenDatabaseURL):
		errs = append(errs, errors.New("listen_database_url: not a postgres:// URL"))
	case c.DatabaseURL == "":
		errs = append(errs, errors.New("listen_database_url: set, but database_url is empty (the embedded database has no replica)"))
	}
	seen := map[string]string{}
	name := func(key, chain string) {
		if prev, ok := seen[chain]; ok {
			errs = append(errs, fmt.Errorf("%s.name: %q is also the name of %s", key, chain, prev))
		}
		seen[chain] = key
	}
	for i, b := range c.Bitcoin {
		key := fmt.Sprintf("bitcoin[%d]", i)
		if err := b.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", key, err))
		}
		name(key, b.Name)
	}
	for i, ec := range c.EVM {
		key := fmt.Sprintf("evm[%d]", i)
		if err := ec.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", key, err))
		}
		name(key, ec.Name)
	}
	if c.HTTP.Listen == "" {
		errs = append(errs, errors.New("http.listen: empty"))
	}
	if c.HTTP.MaxReplicaLag <= 0 {
		errs = append(errs, fmt.Errorf("http.max_replica_lag: %s is not positive", c.HTTP.MaxReplicaLag))
	}
	if c.Index.Listen == "" {
		errs = append(errs, errors.New("index.listen: empty"))
	}
	if c.Index.StallAfter <= 0 {
		errs = append(errs, fmt.Errorf("index.stall_after: %s is not positive", c.Index.StallAfter))
	}
	if c.Index.StartupTimeout < 0 {
		errs = append(errs, fmt.Errorf("index.startup_timeout: %s is negative", c.Index.StartupTimeout))
	}
	switch l := c.Limits; {
	case l.MaxPageSize <= 0 || l.MaxPageSize > store.MaxPageSize:
		// The store caps every page at store.MaxPageSize: a larger maximum
		// would be promised and not kept.
		errs = append(errs, fmt.Errorf("limits.max_page_size: %d is not from 1 to %d", l.MaxPageSize, store.MaxPageSize))
	case l.DefaultPageSize <= 0 || l.DefaultPageSize > l.MaxPageSize:
		errs = append(errs, fmt.Errorf("limits.default_page_size: %d is not from 1 to limits.max_page_size (%d)", l.DefaultPageSize, l.MaxPageSize))
	}
	if s := c.Log.Access.Sample; s < 0 || s > 1 {
		errs = append(errs, fmt.Errorf("log.access.sample: %v is not a share from 0 to 1", s))
	}
	if c.Log.Access.Slow < 0 {
		errs = append(errs, errors.New("log.access.slow: negative"))
	}
	if access, err := c.Access.Load(); err != nil {
		errs = append(errs, err)
	} else if err := access.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// chains reports whether any chain is configured to index.
func (c Config) chains() int { return len(c.Bitcoin) + len(c.EVM) }

func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

func (c Config) pgDataDir() string { return filepath.Join(c.DataDir, "pg") }

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

func newLogger(c LogConfig) *slog.Logger {
	level, _ := parseLevel(c.Level)
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
