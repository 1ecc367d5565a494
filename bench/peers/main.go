// Command peers is `make bench`'s side-by-side run: herald, PostGraphile 4
// (what a user puts in front of plain PostgreSQL) and pgbench running
// herald's own SQL (the database's ceiling), on one PostgreSQL with fsync
// on and the same rows, 50 clients, in interleaved rounds on the same
// machine, and herald's Go benchmarks against the same server. It writes
// docs/benchmarks.md. Benchmarks measure; the tests assert.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/pglaunch"
)

type config struct {
	out, herald, postgraphile string
	dir                       string
	rounds, clients           int
	round, soak               time.Duration
	goBenchmarks              bool
	// only, when set, runs just the side-by-side workloads it matches:
	// for working on one of them against a kept -dir. The report then
	// lacks everything else.
	only *regexp.Regexp
}

func main() {
	var c config
	flag.StringVar(&c.out, "out", "docs/benchmarks.md", "where the report goes")
	flag.StringVar(&c.herald, "herald", "bin/herald", "herald binary")
	flag.StringVar(&c.postgraphile, "postgraphile", "bench/postgraphile", "directory with PostGraphile installed (npm ci)")
	flag.IntVar(&c.rounds, "rounds", 3, "interleaved rounds per workload")
	flag.IntVar(&c.clients, "clients", 50, "concurrent clients")
	flag.DurationVar(&c.round, "round", 3*time.Second, "length of one peer's turn in a round")
	flag.DurationVar(&c.soak, "soak", 10*time.Minute, "length of the cache-hostile memory run")
	flag.StringVar(&c.dir, "dir", "", "keep the database here and reuse its rows on the next run (default: a temporary directory)")
	flag.BoolVar(&c.goBenchmarks, "go-benchmarks", true, "also run herald's Go benchmarks against the same server")
	flag.Func("only", "run only the side-by-side workloads whose name matches this regular expression (no Go benchmarks, uncached or memory runs)", func(v string) error {
		re, err := regexp.Compile(v)
		c.only = re
		return err
	})
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := bench(ctx, c, log); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// report collects what the run measured, for the markdown.
type report struct {
	started  time.Time
	ingest   string
	goLines  []string
	peers    []peerRow
	uncached []string
	cold     string
	memory   []string
	pgConf   string
	regs     int

	// For the targets: uncached p95 by registrations per NFT, the cold
	// page's CPU, RSS at the end over RSS after a minute.
	uncachedP95 map[int]time.Duration
	coldCPU     time.Duration
	memRatio    float64
}

type peerRow struct {
	stored                  int
	workload                workload
	herald, pgl, ceiling    []run
	heraldErr, pglErr       int
	heraldFirst, pglFirst   string
	heraldCPU, pglCPU       time.Duration
	heraldPG, pglPG, ceilPG time.Duration
}

func bench(ctx context.Context, c config, log *slog.Logger) error {
	rep := &report{started: time.Now().UTC()}
	dir := c.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "herald-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	// fsync on: what a deployment runs with.
	srv, err := pglaunch.Start(ctx, pglaunch.Options{DataDir: filepath.Join(dir, "pg"), Logger: log})
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = srv.Stop(sctx)
	}()
	pgPIDs := postgresPIDs(filepath.Join(dir, "pg"))
	if c.goBenchmarks && c.only == nil {
		if rep.goLines, err = goBenchmarks(ctx, srv.URLFor("postgres"), log); err != nil {
			return err
		}
	}

	st, err := store.Open(ctx, srv.URL())
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.MigrateUp(ctx); err != nil {
		return err
	}
	_ = st.DB().NewRaw("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections', 'full_page_writes')").Scan(ctx, &rep.pgConf)
	stored := 1_000_000
	var seeded bool
	if err := st.DB().NewRaw("SELECT EXISTS (SELECT FROM nullifiers)").Scan(ctx, &seeded); err != nil {
		return err
	}
	if seeded {
		// A kept database: back to 1M nullifiers.
		log.Info("reusing the seeded rows")
		rep.ingest = "(not measured: the rows of an earlier run were reused)"
		if _, err := st.DB().ExecContext(ctx, "DELETE FROM nullifiers WHERE block_height > ?", stored); err != nil {
			return err
		}
		if err := rebuildXP(ctx, st); err != nil {
			return err
		}
	} else {
		log.Info("seeding")
		if rep.ingest, err = seedRegistrations(ctx, st, log); err != nil {
			return err
		}
		if err := seedEVM(ctx, st, stored); err != nil {
			return err
		}
		log.Info("seeded")
	}

	if err := st.DB().NewRaw("SELECT count(*) FROM registrations").Scan(ctx, &rep.regs); err != nil {
		return err
	}
	herald, err := startHerald(c.herald, dir, srv.URL())
	if err != nil {
		return err
	}
	// herald is started again for the memory run: stop whichever runs.
	defer func() { herald.stop() }()
	pgl, err := startPostGraphile(c.postgraphile, srv.URL())
	if err != nil {
		return err
	}
	defer pgl.stop()
	probe := body(`{ __typename }`, nil)
	for _, p := range []*process{herald, pgl} {
		if err := waitFor(ctx, p.url, probe, 2*time.Minute); err != nil {
			return err
		}
	}

	side := func(w workload, stored int) error {
		if c.only != nil && !c.only.MatchString(w.name) {
			return nil
		}
		row, err := sideBySide(ctx, c, dir, srv.URL(), herald, pgl, pgPIDs, w, log)
		row.stored = stored
		rep.peers = append(rep.peers, row)
		return err
	}
	for _, w := range []workload{
		nftStatus("NFT status, one hot NFT", "`nft(id)` of one NFT with 200 registrations", func(*client) string { return hotID(7) }),
		nftStatus("NFT status, a random one of 2,000", "`nft(id)`, each of 200 registrations", func(c *client) string { return hotID(c.next(hotNFTs)) }),
		nfts100(),
		coldNFTs100(),
		oneNullifier(stored),
		hundredNullifiers(stored),
	} {
		if err := side(w, stored); err != nil {
			return err
		}
	}
	for _, w := range lists() {
		if err := side(w, 0); err != nil {
			return err
		}
	}
	if c.only != nil {
		if !c.only.MatchString("one nullifier") && !c.only.MatchString("100 nullifiers") {
			return os.WriteFile(c.out, []byte(rep.markdown(c)), 0o644)
		}
	} else if err := uncached(ctx, c, st, srv.URL(), dir, pgPIDs, rep); err != nil {
		return err
	}

	log.Info("growing the nullifiers to 5M")
	if err := addNullifiers(ctx, st, stored, 5_000_000); err != nil {
		return err
	}
	stored = 5_000_000
	for _, w := range []workload{oneNullifier(stored), hundredNullifiers(stored)} {
		if err := side(w, stored); err != nil {
			return err
		}
	}

	if c.only != nil {
		return os.WriteFile(c.out, []byte(rep.markdown(c)), 0o644)
	}
	// Memory last: a fresh herald, so that the run starts from nothing.
	herald.stop()
	if herald, err = startHerald(c.herald, dir, srv.URL()); err != nil {
		return err
	}
	if err := waitFor(ctx, herald.url, probe, time.Minute); err != nil {
		return err
	}
	rep.memory, rep.memRatio = soak(c, herald, stored)
	return os.WriteFile(c.out, []byte(rep.markdown(c)), 0o644)
}

// sideBySide runs one workload on each peer in turn, rounds times, after
// a warm-up of each.
func sideBySide(ctx context.Context, c config, dir, dbURL string, herald, pgl *process, pg func() []int, w workload, log *slog.Logger) (peerRow, error) {
	row := peerRow{workload: w}
	groups := func(p *process) map[string]func() []int {
		return map[string]func() []int{"server": p.pids, "postgres": pg}
	}
	warm := min(c.round, 2*time.Second)
	drive(herald.url, c.clients, warm, 99, groups(herald), w.herald)
	drive(pgl.url, c.clients, warm, 99, groups(pgl), w.postgraphile)
	for r := range c.rounds {
		h := drive(herald.url, c.clients, c.round, uint64(r), groups(herald), w.herald)
		p := drive(pgl.url, c.clients, c.round, uint64(r), groups(pgl), w.postgraphile)
		row.herald, row.pgl = append(row.herald, h), append(row.pgl, p)
		msg := []any{"workload", w.name, "round", r + 1, "herald", fmt.Sprintf("%.0f/s", h.rate()), "postgraphile", fmt.Sprintf("%.0f/s", p.rate())}
		if w.pgbench != nil {
			b, err := pgbench(ctx, dir, dbURL, c.clients, c.round, w.pgbench, w.pgbenchVars, pg)
			if err != nil {
				return row, err
			}
			row.ceiling = append(row.ceiling, b)
			msg = append(msg, "pgbench", fmt.Sprintf("%.0f/s", b.rate()))
		}
		if h.errors+p.errors > 0 {
			msg = append(msg, "herald_errors", h.errors, "postgraphile_errors", p.errors, "first", h.firstErr+p.firstErr)
		}
		log.Info("round", msg...)
	}
	return row, nil
}

// uncached measures herald's answer to an NFT nobody asked about before:
// a gateway whose caches do not follow the event log keeps nothing, so
// every request reads the database. One client, in turn for each size.
func uncached(ctx context.Context, c config, st *store.Store, dbURL, dir string, pg func() []int, rep *report) error {
	reader, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer reader.Close()
	lim := limits.Defaults()
	lim.RatePerSecond = 0
	gw, err := graph.New(graph.Options{Store: reader, Limits: lim})
	if err != nil {
		return err
	}
	hs := httptest.NewServer(gw.Handler())
	defer hs.Close()
	self := func() []int { return []int{os.Getpid()} }
	groups := map[string]func() []int{"server": self, "postgres": pg}
	d := max(c.round/2, time.Second)
	for _, n := range costNs {
		id := costID(n)
		w := nftStatus("", "", func(*client) string { return id })
		var rs []run
		for r := range c.rounds {
			rs = append(rs, drive(hs.URL, 1, d, uint64(r), groups, w.herald))
		}
		h := median(rs)
		// What herald ran before the summaries: counting the registrations.
		old := []string{fmt.Sprintf(`SELECT inscription_id, chain, collection, min(block_height) AS height, count(*) AS n FROM registrations
			WHERE inscription_id IN ('%[1]s') AND status = 'VALID' GROUP BY inscription_id, chain, collection;
SELECT DISTINCT ON (inscription_id) * FROM registrations WHERE inscription_id IN ('%[1]s') AND status = 'VALID'
			ORDER BY inscription_id, block_height DESC, tx_index DESC, txid DESC, collection DESC;
SELECT inscription_id, count(*) AS n FROM registrations WHERE inscription_id IN ('%[1]s') GROUP BY inscription_id;
`, id)}
		b, err := pgbench(ctx, dir, dbURL, 1, max(d, 2*time.Second), old, nil, pg)
		if err != nil {
			return err
		}
		if rep.uncachedP95 == nil {
			rep.uncachedP95 = map[int]time.Duration{}
		}
		rep.uncachedP95[n] = h.pct(0.95)
		rep.uncached = append(rep.uncached, fmt.Sprintf("| %s | %.2f | %.2f | %.0f | %.2f |",
			count(n), ms(h.pct(0.5)), ms(h.pct(0.95)), h.rate(), 1000/b.rate()))
	}
	// A page of 100 NFTs nobody asked about: every summary and page read.
	w := nfts100()
	var rs []run
	for r := range c.rounds {
		rs = append(rs, drive(hs.URL, 1, d, uint64(100+r), groups, w.herald))
	}
	h := median(rs)
	rep.coldCPU = h.cpuPer("server")
	rep.cold = fmt.Sprintf("`nfts(ids)` with 100 ids, caches off, 1 client: %.1f ms p50, %.1f ms p95; CPU per request %.1f ms in the gateway's process (its client included), %.1f ms in PostgreSQL",
		ms(h.pct(0.5)), ms(h.pct(0.95)), ms(h.cpuPer("server")), ms(h.cpuPer("postgres")))
	return nil
}

// soak sends cache-hostile traffic — new variables on every request —
// for c.soak and samples herald's resident set.
func soak(c config, herald *process, stored int) ([]string, float64) {
	mix := []workload{nfts100(), hundredNullifiers(stored)}
	mix = append(mix, lists()...)
	random := func(cl *client) error {
		// Any NFT of the 202,000, a fresh set each time.
		if cl.next(3) == 0 {
			ids := make([]string, 100)
			for i := range ids {
				if cl.next(2) == 0 {
					ids[i] = tailID(cl.next(tailNFTs))
				} else {
					ids[i] = hotID(cl.next(hotNFTs))
				}
			}
			_, err := cl.post(body(`query($ids: [InscriptionID!]!) { nfts(ids: $ids) { `+heraldNFT+` } }`, map[string]any{"ids": ids}))
			return err
		}
		return mix[cl.next(len(mix))].herald(cl)
	}
	var lines []string
	start := time.Now()
	sample := 30 * time.Second
	var oneMinute int64
	groups := map[string]func() []int{"server": herald.pids}
	for el := time.Duration(0); el < c.soak; el = time.Since(start) {
		r := drive(herald.url, c.clients, min(sample, c.soak-el), uint64(el), groups, random)
		rss := processRSS(herald.pids()[0])
		at := time.Since(start).Round(time.Second)
		if oneMinute == 0 && at >= time.Minute {
			oneMinute = rss
		}
		lines = append(lines, fmt.Sprintf("| %s | %.0f | %d | %d |", at, float64(rss)/(1<<20), r.requests, r.errors))
	}
	ratio := 0.0
	if oneMinute > 0 {
		ratio = float64(processRSS(herald.pids()[0])) / float64(oneMinute)
		lines = append(lines, fmt.Sprintf("\nRSS at the end / RSS after 1 minute: **%.2f×**", ratio))
	}
	return lines, ratio
}

// goBenchmarks runs herald's Go benchmarks against the server (storetest
// uses DATABASE_URL), fsync on.
func goBenchmarks(ctx context.Context, url string, log *slog.Logger) ([]string, error) {
	var lines []string
	for _, b := range []struct{ pkg, name, times, what string }{
		{"./indexer/bitcoin", "BenchmarkDecodeApply", "60x", "Bitcoin: verify + decode + apply mainnet-sized blocks (3,000 tx) into PostgreSQL"},
		{"./indexer/bitcoin", "BenchmarkBackfillUnderFaults", "3x", "Bitcoin backfill of 100 mainnet-sized blocks from one Esplora provider on loopback, healthy and failing 30% of requests at random (immediate 503s)"},
		{"./indexer/evm", "BenchmarkDecodeApply", "30x", "EVM: decode + apply logs (claims, transfers, nullifier uses) into PostgreSQL"},
		{"./store", "BenchmarkNullifiersByHash", "3000x", "one 100-hash lookup over 1,000,000 stored, serially: the database's share of `nullifiers`"},
		{"./graph", "BenchmarkUnderFragmentAttack", "3000x", "an ordinary query's latency alone, then while 4 anonymous clients send 10⁶-expansion documents as fast as answered (default limits)"},
		{"./graph", "BenchmarkNFTStatus", "20000x", "nft with 200 registrations (first page), 50 concurrent clients, no access log"},
		{"./graph", "BenchmarkNFTStatusWithAccessLog", "20000x", "nft with 200 registrations (first page), 50 concurrent clients, every operation in the access log (JSON lines to a file)"},
		{"./graph", "BenchmarkReplicaDelivery", "200x", "a gateway on a streaming replica (its own primary and replica), LISTENing on the primary, 100 websocket subscribers: commit on the primary → the replica has it (replay) → every subscriber has it (delivery)"},
		{"./graph", "BenchmarkSubscriptionFanOut", "30x", "10,000 websocket subscribers to the same subscription (their client process on the same 2 cores): commit → last subscriber"},
	} {
		log.Info("go benchmark", "package", b.pkg, "name", b.name)
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^"+b.name+"$", "-benchtime", b.times, "-timeout", "30m", b.pkg)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+url)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w\n%s", b.pkg, b.name, err, out)
		}
		for line := range strings.SplitSeq(string(out), "\n") {
			if !strings.HasPrefix(line, "Benchmark") {
				continue
			}
			f := strings.Fields(line)
			var metrics []string
			for i := 2; i+1 < len(f); i += 2 {
				if f[i+1] != "ns/op" {
					metrics = append(metrics, f[i]+" "+f[i+1])
				}
			}
			lines = append(lines, fmt.Sprintf("| %s | %s | %s |", b.name, b.what, strings.Join(metrics, ", ")))
		}
	}
	return lines, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// median is the round with the median rate.
func median(rs []run) run {
	if len(rs) == 0 {
		return run{}
	}
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b run) int { return int(a.rate() - b.rate()) })
	return s[len(s)/2]
}

func rates(rs []run) string {
	if len(rs) == 0 {
		return "—"
	}
	lo, hi := rs[0].rate(), rs[0].rate()
	for _, r := range rs {
		lo, hi = min(lo, r.rate()), max(hi, r.rate())
	}
	return fmt.Sprintf("%.0f (%.0f–%.0f)", median(rs).rate(), lo, hi)
}

func errorsOf(rs []run) (int, string) {
	n, first := 0, ""
	for _, r := range rs {
		n += r.errors
		if first == "" {
			first = r.firstErr
		}
	}
	return n, first
}
