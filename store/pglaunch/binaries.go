package pglaunch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// minMajor is the oldest PostgreSQL major version herald supports.
const minMajor = 14

// ErrNotInstalled reports that no usable PostgreSQL server binaries were found.
var ErrNotInstalled = errors.New("PostgreSQL server binaries not found")

// installation is one directory holding both initdb and postgres.
type installation struct {
	binDir  string
	version string // as printed by postgres --version, e.g. "15.14"
	major   int
}

func (in installation) initdb() string   { return filepath.Join(in.binDir, "initdb") }
func (in installation) postgres() string { return filepath.Join(in.binDir, "postgres") }
func (in installation) basebackup() string {
	return filepath.Join(in.binDir, "pg_basebackup")
}

// findInstallation returns the first installation of PostgreSQL 14+ among
// dirs. When wantMajor is non-zero (dataDir holds a cluster), only that major
// version can run the cluster, so it is looked for specifically.
// where describes the searched places for the error message.
func findInstallation(ctx context.Context, dirs []string, where string, dataDir string, wantMajor int) (installation, error) {
	if wantMajor != 0 && wantMajor < minMajor {
		return installation{}, fmt.Errorf("data directory %s was created by PostgreSQL %d; herald needs %d or newer: remove the directory to start afresh, or set DATABASE_URL",
			dataDir, wantMajor, minMajor)
	}
	var usable, tooOld []installation
	seen := make(map[string]bool)
	for _, dir := range dirs {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil || seen[real] {
			continue
		}
		seen[real] = true
		in := installation{binDir: real}
		if !isExecutable(in.postgres()) || !isExecutable(in.initdb()) {
			continue
		}
		in.version, in.major, err = probeVersion(ctx, in.postgres())
		if err != nil {
			// A broken installation should not hide a working one later in the list.
			continue
		}
		switch {
		case in.major < minMajor:
			tooOld = append(tooOld, in)
		case wantMajor == 0 || in.major == wantMajor:
			return in, nil
		default:
			usable = append(usable, in)
		}
	}
	if len(usable) > 0 {
		return installation{}, fmt.Errorf("data directory %s was created by PostgreSQL %d, but only %s is installed: install PostgreSQL %d, or remove the directory to start afresh",
			dataDir, wantMajor, describe(usable), wantMajor)
	}
	if len(tooOld) > 0 {
		return installation{}, fmt.Errorf("%w: found only %s; install PostgreSQL %d or newer, or set DATABASE_URL to use an existing server",
			ErrNotInstalled, describe(tooOld), minMajor)
	}
	return installation{}, fmt.Errorf("%w (initdb and postgres, looked in %s): install PostgreSQL %d or newer, or set DATABASE_URL to use an existing server",
		ErrNotInstalled, where, minMajor)
}

func describe(ins []installation) string {
	parts := make([]string, len(ins))
	for i, in := range ins {
		parts[i] = fmt.Sprintf("PostgreSQL %s in %s", in.version, in.binDir)
	}
	return strings.Join(parts, ", ")
}

// defaultBinDirs lists where PostgreSQL is commonly installed, most preferred
// first: what the user put on PATH, then what pg_config reports, then the
// distribution and Homebrew locations, highest version first.
func defaultBinDirs(ctx context.Context) []string {
	var dirs []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		// PATH often holds only symlinks (Debian's /usr/local/bin, Homebrew's
		// bin); initdb is found next to the real postgres binary.
		if real, err := filepath.EvalSymlinks(filepath.Join(dir, "postgres")); err == nil {
			dirs = append(dirs, filepath.Dir(real))
		}
	}
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	dirs = append(dirs, globByVersion("/usr/lib/postgresql/*/bin")...)
	dirs = append(dirs, "/usr/local/pgsql/bin")
	dirs = append(dirs, globByVersion("/opt/homebrew/opt/postgresql*/bin")...)
	dirs = append(dirs, globByVersion("/usr/local/opt/postgresql*/bin")...)
	return dirs
}

const defaultBinDirsText = "PATH, pg_config --bindir, /usr/lib/postgresql/*/bin, /usr/local/pgsql/bin and Homebrew's opt/postgresql*/bin"

// globByVersion returns the matches of pattern, highest version number (the
// first number in the path, as in .../16/bin or .../postgresql@16/bin) first.
func globByVersion(pattern string) []string {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil
	}
	version := func(p string) int {
		name := filepath.Base(filepath.Dir(p))
		n, _ := leadingInt(strings.TrimLeftFunc(name, func(r rune) bool { return r < '0' || r > '9' }))
		return n
	}
	slices.SortStableFunc(matches, func(a, b string) int { return version(b) - version(a) })
	return matches
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// probeVersion runs postgres --version, which, unlike starting a server, is
// allowed as root.
func probeVersion(ctx context.Context, postgres string) (version string, major int, err error) {
	out, err := exec.CommandContext(ctx, postgres, "--version").Output()
	if err != nil {
		return "", 0, fmt.Errorf("%s --version: %w", postgres, err)
	}
	version, major, err = parseVersion(string(out))
	if err != nil {
		return "", 0, fmt.Errorf("%s --version: %w", postgres, err)
	}
	return version, major, nil
}

// parseVersion reads output such as "postgres (PostgreSQL) 15.14 (Debian
// 15.14-0+deb12u1)" or "postgres (PostgreSQL) 17devel".
func parseVersion(out string) (version string, major int, err error) {
	const marker = "(PostgreSQL) "
	_, rest, ok := strings.Cut(out, marker)
	if !ok {
		return "", 0, fmt.Errorf("unrecognized version output %q", strings.TrimSpace(out))
	}
	version, _, _ = strings.Cut(strings.TrimSpace(rest), " ")
	major, err = leadingInt(version)
	if err != nil {
		return "", 0, fmt.Errorf("unrecognized version %q", version)
	}
	return version, major, nil
}

// leadingInt parses the digits s starts with, as in "15.14", "17devel" or "16".
func leadingInt(s string) (int, error) {
	return strconv.Atoi(s[:len(s)-len(strings.TrimLeft(s, "0123456789"))])
}
