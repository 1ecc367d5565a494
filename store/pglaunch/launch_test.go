package pglaunch

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
)

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	// A safety net only: tests that care about Stop's result call it
	// themselves, and a second call is harmless.
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(url)))
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, query string) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func sumOf(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT sum(x) FROM t").Scan(&n); err != nil {
		t.Fatalf("read table t: %v", err)
	}
	return n
}

func TestStartReusesDataDir(t *testing.T) {
	opts := Options{DataDir: filepath.Join(t.TempDir(), "pg"), Database: "app", Ephemeral: true}

	s := start(t, opts)
	if !strings.HasSuffix(s.URL(), "/app?sslmode=disable") {
		t.Errorf("URL() = %s, want database app", s.URL())
	}
	db := open(t, s.URL())
	mustExec(t, db, "CREATE TABLE t (x int)")
	mustExec(t, db, "INSERT INTO t VALUES (42)")
	db.Close()
	if err := s.Stop(t.Context()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(t.Context()); err != nil {
		t.Errorf("second Stop: %v", err)
	}

	s = start(t, opts)
	if got := sumOf(t, open(t, s.URL())); got != 42 {
		t.Errorf("after restart sum = %d, want 42", got)
	}
	if err := s.Stop(t.Context()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func TestStartRefusesDataDirInUse(t *testing.T) {
	opts := Options{DataDir: t.TempDir(), Ephemeral: true}
	first := start(t, opts)

	second, err := Start(t.Context(), opts)
	if !errors.Is(err, ErrDataDirInUse) {
		if second != nil {
			_ = second.Stop(t.Context())
		}
		t.Fatalf("second Start: err = %v, want ErrDataDirInUse", err)
	}
	t.Logf("second Start: %v", err)
	if err := open(t, first.URL()).PingContext(t.Context()); err != nil {
		t.Errorf("first server after refused second start: %v", err)
	}
}

func TestStartAfterKilledServer(t *testing.T) {
	opts := Options{DataDir: t.TempDir(), Ephemeral: true}
	s := start(t, opts)
	db := open(t, s.URL())
	mustExec(t, db, "CREATE TABLE t (x int)")
	mustExec(t, db, "INSERT INTO t VALUES (7)")
	db.Close()

	// What a hard kill of herald does through Pdeathsig.
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill postmaster: %v", err)
	}
	<-s.Done()
	if _, err := os.Stat(filepath.Join(opts.DataDir, "postmaster.pid")); err != nil {
		t.Fatalf("want a stale postmaster.pid after the kill: %v", err)
	}
	if err := s.Stop(t.Context()); err == nil {
		t.Error("Stop after the server was killed: want an error reporting it")
	}

	s = start(t, opts)
	if got := sumOf(t, open(t, s.URL())); got != 7 {
		t.Errorf("after restart sum = %d, want 7", got)
	}
}

func TestStartUnixSocket(t *testing.T) {
	tests := []struct {
		name       string
		subdir     string
		wantSocket bool
	}{
		{name: "short path", subdir: "pg", wantSocket: true},
		{name: "path too long for a socket", subdir: strings.Repeat("d", 100), wantSocket: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), tt.subdir)
			s := start(t, Options{DataDir: dir, Ephemeral: true})
			if err := open(t, s.URL()).PingContext(t.Context()); err != nil {
				t.Fatalf("connect over TCP: %v", err)
			}
			_, err := os.Stat(filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(s.port)))
			if gotSocket := err == nil; gotSocket != tt.wantSocket {
				t.Errorf("socket in data directory: %v, want %v", gotSocket, tt.wantSocket)
			}
		})
	}
}

func TestStartRefuses(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, dataDir string)
		binDirs  func(t *testing.T) []string
		wantIs   error
		wantText []string
	}{
		{
			name:     "no binaries",
			binDirs:  func(t *testing.T) []string { return []string{t.TempDir()} },
			wantIs:   ErrNotInstalled,
			wantText: []string{"install PostgreSQL 14 or newer", "DATABASE_URL"},
		},
		{
			name:     "data directory of another major version",
			setup:    func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "PG_VERSION"), "99\n") },
			wantText: []string{"created by PostgreSQL 99"},
		},
		{
			name:     "data directory of a too old version",
			setup:    func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "PG_VERSION"), "9.6\n") },
			wantText: []string{"created by PostgreSQL 9;", "needs 14 or newer"},
		},
		{
			name:     "non-empty directory without a cluster",
			setup:    func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "notes.txt"), "mine") },
			wantText: []string{"not empty and holds no PostgreSQL cluster"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{DataDir: t.TempDir()}
			if tt.setup != nil {
				tt.setup(t, opts.DataDir)
			}
			if tt.binDirs != nil {
				opts.BinDirs = tt.binDirs(t)
			}
			s, err := Start(t.Context(), opts)
			if err == nil {
				_ = s.Stop(t.Context())
				t.Fatal("Start succeeded, want an error")
			}
			t.Logf("Start: %v", err)
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want %v", err, tt.wantIs)
			}
			for _, text := range tt.wantText {
				if !strings.Contains(err.Error(), text) {
					t.Errorf("err = %q, want it to mention %q", err, text)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		out         string
		wantVersion string
		wantMajor   int
		wantErr     bool
	}{
		{out: "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n", wantVersion: "15.14", wantMajor: 15},
		{out: "postgres (PostgreSQL) 16.2\n", wantVersion: "16.2", wantMajor: 16},
		{out: "postgres (PostgreSQL) 18devel\n", wantVersion: "18devel", wantMajor: 18},
		{out: "postgres (PostgreSQL) 9.6.24\n", wantVersion: "9.6.24", wantMajor: 9},
		{out: "postgres (PostgreSQL) \n", wantErr: true},
		{out: "something else entirely", wantErr: true},
		{out: "", wantErr: true},
	}
	for _, tt := range tests {
		version, major, err := parseVersion(tt.out)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseVersion(%q) err = %v, want error %v", tt.out, err, tt.wantErr)
			continue
		}
		if version != tt.wantVersion || major != tt.wantMajor {
			t.Errorf("parseVersion(%q) = %q, %d, want %q, %d", tt.out, version, major, tt.wantVersion, tt.wantMajor)
		}
	}
}

// A standby made from a running primary has its data, stays read-only, and
// follows what the primary commits after the copy.
func TestStandbyFollowsThePrimary(t *testing.T) {
	primary := start(t, Options{DataDir: t.TempDir(), Database: "app", Ephemeral: true})
	pdb := open(t, primary.URL())
	mustExec(t, pdb, "CREATE TABLE t (x int)")
	mustExec(t, pdb, "INSERT INTO t VALUES (40)")

	standby := start(t, Options{DataDir: t.TempDir(), Database: "app", Ephemeral: true, StandbyOf: primary.URL()})
	sdb := open(t, standby.URL())
	var recovering bool
	if err := sdb.QueryRowContext(t.Context(), "SELECT pg_is_in_recovery()").Scan(&recovering); err != nil || !recovering {
		t.Fatalf("standby in recovery: %v, %v", recovering, err)
	}
	if got := sumOf(t, sdb); got != 40 {
		t.Fatalf("standby sum = %d right after the copy, want 40", got)
	}
	if _, err := sdb.ExecContext(t.Context(), "INSERT INTO t VALUES (1)"); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("insert on the standby: %v, want a read-only error", err)
	}
	mustExec(t, pdb, "INSERT INTO t VALUES (2)")
	// Bounded only so that a broken replication fails instead of hanging.
	for deadline := time.Now().Add(time.Minute); sumOf(t, sdb) != 42; {
		if time.Now().After(deadline) {
			t.Fatal("the standby never replayed the primary's insert")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
