package pglaunch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// superuser is the role initdb creates; herald connects as it.
const superuser = "herald"

// prepareDataDir creates dir if needed and returns its absolute path with
// symlinks resolved, so that the path handed to postgres, checked for
// reachability and used for the socket is the real one.
func prepareDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return "", fmt.Errorf("create parent of data directory: %w", err)
	}
	if err := os.Mkdir(abs, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("create data directory: %w", err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("data directory %s: %w", abs, err)
	}
	return real, nil
}

// clusterMajor returns the major version recorded in dir/PG_VERSION, or 0 for
// an empty directory that initdb can use. Anything else is refused rather
// than handed to initdb, which would fail less clearly.
func clusterMajor(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "PG_VERSION"))
	switch {
	case err == nil:
		// Before version 10 it held major.minor, as in 9.6.
		major, err := leadingInt(strings.TrimSpace(string(b)))
		if err != nil {
			return 0, fmt.Errorf("data directory %s: unreadable PG_VERSION %q", dir, b)
		}
		return major, nil
	case !errors.Is(err, fs.ErrNotExist):
		return 0, fmt.Errorf("data directory %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("data directory %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return 0, fmt.Errorf("data directory %s is not empty and holds no PostgreSQL cluster (no PG_VERSION): choose an empty or new directory", dir)
	}
	return 0, nil
}

// account is the unprivileged user postgres runs as when herald is root.
type account struct {
	name     string
	uid, gid uint32
}

// serverAccount returns nil when herald is not root: postgres then simply
// runs as herald's user.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var lookupErr error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			lookupErr = errors.Join(lookupErr, err)
			continue
		}
		uid, err := strconv.ParseUint(u.Uid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("user %s: uid %q: %w", name, u.Uid, err)
		}
		gid, err := strconv.ParseUint(u.Gid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("user %s: gid %q: %w", name, u.Gid, err)
		}
		return &account{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("running as root, PostgreSQL must run as an unprivileged user, but neither postgres nor nobody exists: %w", lookupErr)
}

// handOver makes dir usable by acct: dir and everything in it is owned by
// acct (postgres insists on owning its data directory), and every ancestor
// is searchable by acct.
func handOver(dir string, acct *account, logger *slog.Logger) error {
	if err := makeReachable(dir, acct, logger); err != nil {
		return err
	}
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while walking, e.g. by a server already using dir
		}
		if err != nil {
			return err
		}
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid == acct.uid && st.Gid == acct.gid {
			return nil
		}
		return os.Lchown(path, int(acct.uid), int(acct.gid))
	})
	if err != nil {
		return fmt.Errorf("give data directory to user %s: %w", acct.name, err)
	}
	return nil
}

// makeReachable adds the search bit for others to each ancestor of dir that
// acct cannot search and that we own. Search permission lets acct reach
// paths below the directory without letting it list the directory, so this
// is the smallest change that lets postgres open its data directory (for
// instance one under a 0700 temporary directory or under /root).
func makeReachable(dir string, acct *account, logger *slog.Logger) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("make data directory reachable: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("make data directory reachable: no ownership information for %s", p)
		}
		if !canSearch(fi.Mode(), st, acct) {
			if int(st.Uid) != os.Geteuid() {
				return fmt.Errorf("PostgreSQL runs as user %s, which cannot reach %s: allow it to (chmod o+x %s) or choose another data directory", acct.name, dir, p)
			}
			mode := fi.Mode().Perm() | 0o001
			if err := os.Chmod(p, mode); err != nil {
				return fmt.Errorf("make data directory reachable for user %s: %w", acct.name, err)
			}
			logger.Info("made directory searchable for the PostgreSQL user", "dir", p, "user", acct.name, "mode", fmt.Sprintf("%#o", mode))
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// canSearch applies the permission bits that decide for acct. The server
// runs with no supplementary groups (the zero Credential.Groups), so the
// primary group is the only one that counts.
func canSearch(mode fs.FileMode, st *syscall.Stat_t, acct *account) bool {
	switch {
	case st.Uid == acct.uid:
		return mode&0o100 != 0
	case st.Gid == acct.gid:
		return mode&0o010 != 0
	default:
		return mode&0o001 != 0
	}
}

// initdb creates a cluster in the empty directory dir: superuser herald,
// trusted without a password (the server listens on loopback only).
func initdb(ctx context.Context, in installation, dir string, acct *account, ephemeral bool) error {
	args := []string{"-D", dir, "-U", superuser, "--auth=trust", "-E", "UTF8", "--no-locale"}
	if ephemeral {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, in.initdb(), args...)
	configureChild(cmd, dir, acct)
	// On SIGINT initdb removes what it created; a killed one would leave a
	// half-made cluster that later starts would take for a real one.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("initdb %s: %w\n%s", dir, err, tail(out.Bytes()))
	}
	return nil
}

// basebackup fills the empty directory dir with a copy of the server at
// primaryURL, set up to follow it as a streaming replica (standby.signal
// and primary_conninfo, written by -R). The WAL written while copying is
// streamed alongside, so the copy is consistent on its own.
func basebackup(ctx context.Context, in installation, dir string, acct *account, primaryURL string) error {
	cmd := exec.CommandContext(ctx, in.basebackup(), "-D", dir, "-d", primaryURL, "-R", "-X", "stream", "-c", "fast", "--no-password")
	configureChild(cmd, dir, acct)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_basebackup into %s: %w\n%s", dir, err, tail(out.Bytes()))
	}
	// pg_basebackup keeps the directory's mode, which postgres refuses
	// unless it is private (initdb sets it itself).
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("pg_basebackup into %s: %w", dir, err)
	}
	return nil
}

// configureChild sets what initdb and postgres share: they run in dir, as
// acct when given, with no PG* variables from herald's environment (PGDATA,
// PGPORT and the like would otherwise change what they do) and with HOME in
// dir, since acct's home may not exist (nobody's is /nonexistent).
func configureChild(cmd *exec.Cmd, dir string, acct *account) {
	cmd.Dir = dir
	env := []string{"HOME=" + dir, "PWD=" + dir}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "PWD=") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = env
	cmd.SysProcAttr = sysProcAttr(acct)
}

// tail returns the last lines of a log, enough to show why postgres failed.
func tail(b []byte) string {
	const maxLines, maxBytes = 20, 4096
	b = bytes.TrimRight(b, "\n")
	if len(b) > maxBytes {
		b = b[len(b)-maxBytes:]
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return strings.Join(lines, "\n")
}
