// Package storetest gives tests a real PostgreSQL database: the server named
// by DATABASE_URL, or else one started by herald's embedded launcher for the
// test binary. Each test gets its own freshly migrated database, cloned from
// a template, so tests run in parallel without seeing each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/pglaunch"
)

// server is the one PostgreSQL a test binary uses. It is package state
// because TestMain owns it for the whole binary.
var server struct {
	url      string // admin connection (any database)
	template string // migrated template database name
	err      error
}

// Main runs a package's tests; call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
func Main(m *testing.M) int {
	ctx := context.Background()
	stop, err := start(ctx)
	if err != nil {
		// Tests that need the database fail with this error; others run.
		server.err = err
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	return code
}

func start(ctx context.Context) (stop func(), err error) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		server.url = u
	} else {
		dir, err := os.MkdirTemp("", "herald-test-pg-")
		if err != nil {
			return nil, err
		}
		srv, err := pglaunch.Start(ctx, pglaunch.Options{
			DataDir: dir, Ephemeral: true,
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		})
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start embedded postgres: %w", err)
		}
		server.url = srv.URL()
		stop = func() {
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = srv.Stop(sctx)
			os.RemoveAll(dir)
		}
	}
	server.template = "herald_tmpl_" + randomSuffix()
	if err := createDatabase(ctx, server.template, ""); err != nil {
		return stop, err
	}
	tmpl, err := store.Open(ctx, withDatabase(server.url, server.template))
	if err != nil {
		return stop, err
	}
	defer tmpl.Close()
	if _, err := tmpl.MigrateUp(ctx); err != nil {
		return stop, err
	}
	cleanup := stop
	return func() {
		_ = dropDatabase(context.Background(), server.template)
		if cleanup != nil {
			cleanup()
		}
	}, nil
}

// New returns a store on a fresh migrated database, dropped when t ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	s, _ := NewWithURL(t)
	return s
}

// NewWithURL is New that also returns the database's URL, for tests that
// open their own connections (listeners, a second process).
func NewWithURL(t testing.TB) (*store.Store, string) {
	t.Helper()
	if server.err != nil {
		t.Fatalf("no test database: %v", server.err)
	}
	if server.url == "" {
		t.Fatal("storetest: TestMain must call storetest.Main")
	}
	ctx := context.Background()
	name := "herald_test_" + randomSuffix()
	if err := createDatabase(ctx, name, server.template); err != nil {
		t.Fatal(err)
	}
	u := withDatabase(server.url, name)
	s, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if err := dropDatabase(context.Background(), name); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	return s, u
}

// Empty returns the URL of a fresh database with no migrations applied.
func Empty(t testing.TB) string {
	t.Helper()
	if server.err != nil {
		t.Fatalf("no test database: %v", server.err)
	}
	name := "herald_test_" + randomSuffix()
	if err := createDatabase(context.Background(), name, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dropDatabase(context.Background(), name) })
	return withDatabase(server.url, name)
}

func createDatabase(ctx context.Context, name, template string) error {
	admin, err := store.Open(ctx, withDatabase(server.url, "postgres"))
	if err != nil {
		return err
	}
	defer admin.Close()
	q := "CREATE DATABASE " + name
	if template != "" {
		q += " TEMPLATE " + template
	}
	if _, err := admin.DB().ExecContext(ctx, q); err != nil {
		return fmt.Errorf("create test database: %w", err)
	}
	return nil
}

func dropDatabase(ctx context.Context, name string) error {
	admin, err := store.Open(ctx, withDatabase(server.url, "postgres"))
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.DB().ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	return err
}

func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Replicated is a primary PostgreSQL server and a streaming replica of it,
// both from herald's launcher, the replica made with pg_basebackup: what a
// deployment with read replicas runs.
type Replicated struct {
	// PrimaryURL and ReplicaURL are the migrated herald database on each.
	PrimaryURL, ReplicaURL string
	// Primary and Replica are open on them.
	Primary, Replica *store.Store
}

// NewReplicated starts a primary and a replica of it for t alone (a
// replica copies a whole server, so it cannot share the test binary's),
// migrates the primary and returns once the replica has the schema. Both
// stop when t ends.
func NewReplicated(t testing.TB) *Replicated {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	launch := func(opts pglaunch.Options) *pglaunch.Server {
		t.Helper()
		opts.DataDir, opts.Ephemeral, opts.Logger = t.TempDir(), true, log
		srv, err := pglaunch.Start(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = srv.Stop(sctx)
		})
		return srv
	}
	primary := launch(pglaunch.Options{})
	r := &Replicated{PrimaryURL: primary.URL()}
	var err error
	if r.Primary, err = store.Open(ctx, r.PrimaryURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Primary.Close() })
	if _, err := r.Primary.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	replica := launch(pglaunch.Options{StandbyOf: r.PrimaryURL})
	r.ReplicaURL = replica.URL()
	if r.Replica, err = store.Open(ctx, r.ReplicaURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Replica.Close() })
	return r
}

// PauseReplay stops the replica replaying the primary's WAL: it falls
// behind while the primary goes on.
func (r *Replicated) PauseReplay(t testing.TB) {
	t.Helper()
	if _, err := r.Replica.DB().ExecContext(context.Background(), "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
}

// ResumeReplay lets the replica catch up again.
func (r *Replicated) ResumeReplay(t testing.TB) {
	t.Helper()
	if _, err := r.Replica.DB().ExecContext(context.Background(), "SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatal(err)
	}
}
