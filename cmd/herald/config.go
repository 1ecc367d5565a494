package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is herald's whole configuration: YAML file, then HERALD_* environment
// variables over it, then flags over both.
type Config struct {
	// DatabaseURL names an existing PostgreSQL server; empty starts the
	// embedded one in DataDir/pg.
	DatabaseURL string `yaml:"database_url"`
	// DataDir holds herald's local state (the embedded database).
	DataDir string    `yaml:"data_dir"`
	Log     LogConfig `yaml:"log"`
}

// LogConfig configures log/slog.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text, json
}

func defaultConfig() Config {
	return Config{DataDir: ".herald", Log: LogConfig{Level: "info", Format: "text"}}
}

// envVars maps each scalar setting to its environment variable. DATABASE_URL
// is honoured too, as most PostgreSQL tooling does.
func envVars(c *Config) map[string]*string {
	return map[string]*string{
		"HERALD_DATABASE_URL": &c.DatabaseURL,
		"HERALD_DATA_DIR":     &c.DataDir,
		"HERALD_LOG_LEVEL":    &c.Log.Level,
		"HERALD_LOG_FORMAT":   &c.Log.Format,
	}
}

// loadConfig reads the optional file, applies the environment and validates.
// Unknown keys are errors: a misspelt setting must not be silently ignored.
func loadConfig(path string, getenv func(string) string) (Config, error) {
	cfg := defaultConfig()
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		// io.EOF is an empty file: all defaults.
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
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
	return cfg, cfg.validate()
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
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("database_url: not a postgres:// URL"))
	}
	return errors.Join(errs...)
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
