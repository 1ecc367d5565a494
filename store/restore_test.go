package store_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// pgTool finds a PostgreSQL client program, the newest installed version's
// first (pg_dump refuses servers newer than itself).
func pgTool(t *testing.T, name string) string {
	t.Helper()
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	version := func(path string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
		return n
	}
	slices.SortFunc(found, func(a, b string) int { return version(b) - version(a) })
	if len(found) > 0 {
		return found[0]
	}
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed", name)
	}
	return path
}

// The runbook's restore from a backup (docs/runbooks.md), its commands as
// given: pg_dump, pg_restore into an empty database, and the jump of the
// event ids. The restored database holds what the backup did, its chain
// goes on from the backup's position, and no event id is handed out twice.
func TestRunbookRestoreFromBackup(t *testing.T) {
	ctx := context.Background()
	src, srcURL := storetest.NewWithURL(t)
	refs := storetest.Chain(10, 8, storetest.Hash("g"), "main")
	if err := src.Apply(ctx, batchOf(refs[:6])); err != nil {
		t.Fatal(err)
	}
	var lastID int64
	if err := src.DB().NewRaw("SELECT max(id) FROM events").Scan(ctx, &lastID); err != nil {
		t.Fatal(err)
	}

	dump := filepath.Join(t.TempDir(), "herald.dump")
	runPG := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(pgTool(t, name), args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	runPG("pg_dump", "-Fc", "-f", dump, srcURL)
	dstURL := storetest.Empty(t)
	runPG("pg_restore", "--clean", "--if-exists", "--no-owner", "-d", dstURL, dump)
	runPG("psql", dstURL, "-c", "SELECT setval('events_id_seq', (SELECT max(id) FROM events) + 1000000000)")

	dst, err := store.Open(ctx, dstURL)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	want, got := storetest.Snapshot(t, src, storetest.Tables...), storetest.Snapshot(t, dst, storetest.Tables...)
	for _, table := range storetest.Tables {
		if want[table] != got[table] {
			t.Errorf("restored %s differs:\n got %s\nwant %s", table, got[table], want[table])
		}
	}
	if err := dst.Apply(ctx, batchOf(refs[6:])); err != nil {
		t.Fatalf("the restored chain does not go on from its position: %v", err)
	}
	var reused int
	if err := dst.DB().NewRaw("SELECT count(*) FROM events WHERE block_height >= ? AND id <= ?", refs[6].Height, lastID+1_000_000_000).Scan(ctx, &reused); err != nil {
		t.Fatal(err)
	}
	if reused != 0 {
		t.Errorf("%d events after the restore took ids at or below the jump", reused)
	}
}
