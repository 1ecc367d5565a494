// Package pglaunch runs a private PostgreSQL server from the binaries
// installed on the machine: what herald uses when no DATABASE_URL is given,
// and what tests use.
//
// The server is the postgres binary itself run as a child process (no
// pg_ctl), so herald owns its lifetime. It listens on 127.0.0.1 only, on a
// free port, and on a Unix socket in the data directory when that path is
// short enough; the role herald is trusted without a password. Stop shuts it
// down; on Linux the kernel also kills it if herald dies first, and the stale
// postmaster.pid that leaves behind is cleared by postgres on the next start.
// An existing data directory is reused; one in use by a live server is
// refused (ErrDataDirInUse).
//
// # Running as root
//
// initdb and postgres refuse to run as root. When herald's effective user is
// root, both run as an unprivileged system user instead: postgres if it
// exists, else nobody. That user must own the data directory, so Start
// chowns the directory and its contents to it on every start. It must also
// be able to reach the directory: each ancestor directory the user cannot
// search, and that root owns, gets the search bit for others (chmod o+x).
// That is the smallest change that works wherever the directory is (under a
// 0700 test temporary directory, under /root): it lets the user pass through,
// not list. Each change is logged. An ancestor owned by another user is left
// alone and Start fails naming it. The children get HOME and PWD set to the
// data directory, as the user's own home may not exist.
package pglaunch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
)

const (
	defaultDatabase = "herald"
	// maxConnections leaves room for a gateway pool, the indexers and tests
	// running packages in parallel against one server.
	maxConnections = 200
	// startTimeout bounds start-up, which includes crash recovery after an
	// unclean stop and can take a while on a large data directory.
	startTimeout = 2 * time.Minute
	stopTimeout  = 30 * time.Second
	// maxAttempts bounds retries of start-ups that failed for a passing
	// reason (see retryable); with the pauses between them, about 8s.
	maxAttempts = 10
	// maxSocketPath is the longest Unix socket path every supported system
	// accepts (sun_path is 108 bytes on Linux, 104 on macOS, NUL included).
	maxSocketPath = 103
	logName       = "postgres.log"
)

// ErrDataDirInUse reports that a live PostgreSQL server, most likely started
// by another herald, already uses the data directory.
var ErrDataDirInUse = errors.New("data directory is in use by another PostgreSQL server")

// Options configure Start.
type Options struct {
	// DataDir holds the cluster. It is created and initialized if it is
	// missing or empty, and reused otherwise. Required.
	DataDir string
	// Database is created if missing. Default "herald".
	Database string
	// Ephemeral trades durability for speed (fsync and full_page_writes
	// off): data survives a crash of the server but not of the machine.
	// Meant for tests.
	Ephemeral bool
	// BinDirs, when not empty, are the only directories searched for initdb
	// and postgres, instead of PATH, pg_config --bindir and the usual
	// installation directories.
	BinDirs []string
	// Logger receives start-up and shutdown events. Default: discard. The
	// server's own log is DataDir/postgres.log.
	Logger *slog.Logger
	// StandbyOf, when set, is the URL of a primary server: a missing or
	// empty DataDir is filled with a base backup of it (pg_basebackup, with
	// the WAL streamed) and the server runs as its streaming replica, read
	// only. An existing DataDir is reused as it is.
	StandbyOf string
}

// Server is a running PostgreSQL server started by Start.
type Server struct {
	dataDir  string
	database string
	port     int
	logger   *slog.Logger
	cmd      *exec.Cmd
	// logStart is where this server's output starts in the log file, which
	// earlier runs also wrote to.
	logStart int64

	done    chan struct{} // closed once the process has exited and waitErr is set
	waitErr error
}

// Start starts a PostgreSQL server on opts.DataDir and returns once it
// accepts connections and the database exists. ctx bounds start-up only; the
// server runs until Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pglaunch: no data directory given")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	database := opts.Database
	if database == "" {
		database = defaultDatabase
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()

	dir, err := prepareDataDir(opts.DataDir)
	if err != nil {
		return nil, err
	}
	major, err := clusterMajor(dir)
	if err != nil {
		return nil, err
	}
	dirs, where := opts.BinDirs, strings.Join(opts.BinDirs, ", ")
	if len(dirs) == 0 {
		dirs, where = defaultBinDirs(ctx), defaultBinDirsText
	}
	inst, err := findInstallation(ctx, dirs, where, dir, major)
	if err != nil {
		return nil, err
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, err
	}
	if acct != nil {
		if err := handOver(dir, acct, logger); err != nil {
			return nil, err
		}
	}
	switch {
	case major == 0 && opts.StandbyOf != "":
		logger.Info("copying the primary into the PostgreSQL data directory", "dir", dir, "version", inst.version)
		if err := basebackup(ctx, inst, dir, acct, opts.StandbyOf); err != nil {
			return nil, err
		}
	case major == 0:
		logger.Info("initializing PostgreSQL data directory", "dir", dir, "version", inst.version)
		if err := initdb(ctx, inst, dir, acct, opts.Ephemeral); err != nil {
			return nil, err
		}
	}

	l := launcher{inst: inst, dir: dir, acct: acct, ephemeral: opts.Ephemeral, database: database, logger: logger}
	s, err := l.launch(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.createDatabase(ctx); err != nil {
		// Stop has its own timeout; ctx may be what just expired.
		return nil, errors.Join(err, s.Stop(context.WithoutCancel(ctx)))
	}
	logger.Info("PostgreSQL started", "version", inst.version, "bin_dir", inst.binDir, "data_dir", dir, "port", s.port)
	return s, nil
}

// URL is the connection URL of the application database.
func (s *Server) URL() string { return s.URLFor(s.database) }

// URLFor is the connection URL of database db on this server.
func (s *Server) URLFor(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Done is closed when the server process has exited, stopped or not, so that
// herald can stop when its database goes away.
func (s *Server) Done() <-chan struct{} { return s.done }

// Stop shuts the server down (fast shutdown: clients are disconnected, a
// checkpoint is written) and waits for it to exit. If that takes longer than
// 30s or than ctx allows, the server is killed and recovers on its next
// start. Stop returns an error if the server had crashed or had to be killed;
// calling it again returns the same outcome.
func (s *Server) Stop(ctx context.Context) error {
	select {
	case <-s.done:
		return s.exitErr()
	default:
	}
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop PostgreSQL: %w", err)
	}
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-s.done:
		s.logger.Info("PostgreSQL stopped", "data_dir", s.dataDir)
		return s.exitErr()
	case <-ctx.Done():
	case <-timer.C:
	}
	s.kill()
	return fmt.Errorf("PostgreSQL did not shut down in time and was killed; it will recover on its next start: %w", s.exitErr())
}

func (s *Server) kill() {
	_ = s.cmd.Process.Kill() // fails only if the process already exited
	<-s.done
}

func (s *Server) exitErr() error {
	if s.waitErr == nil {
		return nil
	}
	return fmt.Errorf("PostgreSQL exited: %w; %s ends with:\n%s", s.waitErr, s.logPath(), s.logTail())
}

func (s *Server) logPath() string { return filepath.Join(s.dataDir, logName) }

// logTail returns the end of what this server wrote to its log.
func (s *Server) logTail() string {
	f, err := os.Open(s.logPath())
	if err != nil {
		return fmt.Sprintf("(log unreadable: %v)", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.NewSectionReader(f, s.logStart, 1<<40))
	if err != nil {
		return fmt.Sprintf("(log unreadable: %v)", err)
	}
	return tail(b)
}

func (s *Server) createDatabase(ctx context.Context) error {
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(s.URLFor("postgres"))))
	defer db.Close()
	var exists bool
	err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", s.database).Scan(&exists)
	if err != nil {
		return fmt.Errorf("look up database %s: %w", s.database, err)
	}
	if exists {
		return nil
	}
	// The server is ours alone, so nobody can create it in between.
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(s.database)); err != nil {
		return fmt.Errorf("create database %s: %w", s.database, err)
	}
	return nil
}

func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// launcher starts the postgres process for an initialized data directory.
type launcher struct {
	inst      installation
	dir       string
	acct      *account
	ephemeral bool
	database  string
	logger    *slog.Logger
}

// launch starts the server, retrying start-ups that failed for a reason
// that passes: the free port was taken before postgres bound it, or processes
// of a killed previous server had not yet exited.
func (l *launcher) launch(ctx context.Context) (*Server, error) {
	log, err := os.OpenFile(filepath.Join(l.dir, logName), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL log: %w", err)
	}
	defer log.Close() // the server has its own descriptor
	if l.acct != nil {
		if err := log.Chown(int(l.acct.uid), int(l.acct.gid)); err != nil {
			return nil, fmt.Errorf("open PostgreSQL log: %w", err)
		}
	}
	for attempt := 1; ; attempt++ {
		s, err := l.spawn(log)
		if err != nil {
			return nil, err
		}
		err = s.waitReady(ctx)
		if err == nil {
			return s, nil
		}
		if !l.retryable(s.logTail()) || attempt == maxAttempts {
			return nil, err
		}
		l.logger.Debug("retrying PostgreSQL start-up", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(min(time.Duration(attempt)*200*time.Millisecond, time.Second)):
		}
	}
}

func (l *launcher) spawn(log *os.File) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	fi, err := log.Stat()
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL log: %w", err)
	}
	// Not CommandContext: the server outlives Start's ctx.
	cmd := exec.Command(l.inst.postgres(), l.args(port)...)
	configureChild(cmd, l.dir, l.acct)
	cmd.Stdout, cmd.Stderr = log, log
	s := &Server{
		dataDir:  l.dir,
		database: l.database,
		port:     port,
		logger:   l.logger,
		cmd:      cmd,
		logStart: fi.Size(),
		done:     make(chan struct{}),
	}
	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the thread that started the child exits, not
		// when herald does, and the Go runtime ends a thread whenever a
		// goroutine locked to it returns. Holding this thread until the
		// server exits keeps the server from being killed that way.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", l.inst.postgres(), err)
	}
	return s, nil
}

func (l *launcher) args(port int) []string {
	// An empty list means no Unix socket; TCP is what herald uses anyway.
	sockets := ""
	if len(filepath.Join(l.dir, ".s.PGSQL."+strconv.Itoa(port))) <= maxSocketPath {
		sockets = quoteIdent(l.dir) // list items are quoted like identifiers
	}
	settings := []string{
		"listen_addresses=127.0.0.1",
		"unix_socket_directories=" + sockets,
		"max_connections=" + strconv.Itoa(maxConnections),
		"logging_collector=off", // the log tail read on failure is the process's output
		"lc_messages=C",         // retryable and waitReady match messages
		// Lookups by hash (nullifiers, transactions) touch random pages: the
		// default 128MB kept too few of them and a 100-hash lookup over a
		// million nullifiers read from the OS cache. Fewer checkpoints
		// while an indexer catches up.
		"shared_buffers=512MB",
		"max_wal_size=4GB",
	}
	if l.ephemeral {
		// Not synchronous_commit=off: that loses recent commits when the
		// server itself is killed, which tests do.
		settings = append(settings, "fsync=off", "full_page_writes=off")
	}
	args := []string{"-D", l.dir, "-p", strconv.Itoa(port)}
	for _, kv := range settings {
		args = append(args, "-c", kv)
	}
	return args
}

// waitReady waits until the server accepts connections. If it exits or
// ctx ends first, the error holds the end of its log.
func (s *Server) waitReady(ctx context.Context) error {
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(s.URLFor("postgres"))))
	defer db.Close()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		// Refused connections and "the database system is starting up"
		// both just mean not yet.
		if err := db.PingContext(ctx); err == nil {
			return nil
		}
		select {
		case <-s.done:
			log := s.logTail()
			if strings.Contains(log, lockFileExists) {
				return fmt.Errorf("%w: %s (is another herald running?); %s ends with:\n%s", ErrDataDirInUse, s.dataDir, s.logPath(), log)
			}
			return fmt.Errorf("PostgreSQL exited during start-up (%w); %s ends with:\n%s", s.waitErr, s.logPath(), log)
		case <-ctx.Done():
			s.kill()
			return fmt.Errorf("PostgreSQL did not accept connections in time (%w); %s ends with:\n%s", ctx.Err(), s.logPath(), s.logTail())
		case <-tick.C:
		}
	}
}

// retryable reports whether a failed start-up may succeed if tried again.
func (l *launcher) retryable(log string) bool {
	if strings.Contains(log, lockFileExists) {
		// A server killed moments ago (with herald, by Pdeathsig) stays a
		// zombie until its new parent reaps it, and postgres takes a zombie
		// for a live owner of the data directory.
		return lockHolderDead(l.dir)
	}
	return strings.Contains(log, "could not create any TCP/IP sockets") || // our free port was taken meanwhile
		strings.Contains(log, "pre-existing shared memory block") // children of a killed server still exiting
}

const lockFileExists = `lock file "postmaster.pid" already exists`

// lockHolderDead reports whether the process named in dir/postmaster.pid
// has exited.
func lockHolderDead(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	return err == nil && processExited(pid)
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before postgres binds it; launch retries then.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
