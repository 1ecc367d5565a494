package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

func machine() string {
	model := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.TrimPrefix(strings.SplitN(string(b), "\n", 2)[0], "MemTotal:"), "%d", &kb)
		mem = fmt.Sprintf("%d GiB", (kb+(1<<19))>>20)
	}
	pg, _ := exec.Command("postgres", "--version").Output()
	node, _ := exec.Command("node", "--version").Output()
	return fmt.Sprintf("%d cores (%s), %s memory, %s, %s, node %s; load average at the start: %s",
		runtime.NumCPU(), model, mem, runtime.Version(), strings.TrimSpace(string(pg)), strings.TrimSpace(string(node)), loadavg())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func (r *report) markdown(c config) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# Benchmarks")
	p("")
	p("Written by `make bench` (scripts/bench.sh → bench/peers) on %s, in %s.", r.started.Format("2006-01-02 15:04 UTC"), time.Since(r.started).Round(time.Second))
	p("")
	p("Machine: %s. Clients, servers and the database share the machine.", machine())
	p("")
	p("PostgreSQL: herald's embedded launcher, **fsync on** (%s), one server for every peer and every benchmark below, ingest included.", r.pgConf)
	p("")
	r.targets(p)
	p("## herald beside PostGraphile and the database's ceiling")
	p("")
	p("The same rows for every peer: %s registrations (%s NFTs with %d each, %s NFTs with 1–3, and one NFT each with %s),",
		count(r.regs), count(hotNFTs), hotRegs, count(tailNFTs), strings.Trim(strings.Join(strings.Fields(fmt.Sprint(costNs)), ", "), "[]"))
	p("1M nullifier first uses (then 5M), %s badges with their mints and claims (%s players), %s reuse attempts.", count(players*badgesPer), count(players), count(reuses))
	p("%d concurrent clients (Go, keep-alive, in the harness's process); %d interleaved rounds of %s per peer after a warm-up of each;",
		c.clients, c.rounds, c.round)
	p("req/s is the median round (the range of rounds in brackets). PostGraphile %s with postgraphile-plugin-connection-filter (for `in` lists),", "4.14.1")
	p("`NODE_ENV=production`, query log off; pgbench runs herald's own statement (prepared) with the same number of clients.")
	p("CPU per request is the server process's own (herald's, or node's), and PostgreSQL's (every backend), from /proc; a page pair counts as two requests.")
	p("")
	p("| workload | what | stored | herald req/s | PostGraphile req/s | pgbench tps | herald / PostGraphile | herald / ceiling | CPU ms/req herald (+ PostgreSQL) | CPU ms/req PostGraphile (+ PostgreSQL) | CPU ms/tx PostgreSQL (+ pgbench) | p95 ms herald / PostGraphile | errors herald / PostGraphile |")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, row := range r.peers {
		h, g := median(row.herald), median(row.pgl)
		ceil, ceilRatio, ceilCPU := "—", "—", "—"
		if len(row.ceiling) > 0 {
			b := median(row.ceiling)
			ceil = rates(row.ceiling)
			ceilRatio = ratio(h.rate(), b.rate())
			ceilCPU = fmt.Sprintf("%.3f (+ %.3f)", ms(b.cpuPer("postgres")), ms(b.cpuPer("client")))
		}
		he, _ := errorsOf(row.herald)
		ge, _ := errorsOf(row.pgl)
		stored := "—"
		if row.stored > 0 {
			stored = count(row.stored)
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %.2f (+ %.2f) | %.2f (+ %.2f) | %s | %.1f / %.1f | %d / %d |",
			row.workload.name, row.workload.what, stored, rates(row.herald), rates(row.pgl), ceil,
			ratio(h.rate(), g.rate()), ceilRatio,
			ms(h.cpuPer("server")), ms(h.cpuPer("postgres")), ms(g.cpuPer("server")), ms(g.cpuPer("postgres")), ceilCPU,
			ms(h.pct(0.95)), ms(g.pct(0.95)), he, ge)
	}
	for _, row := range r.peers {
		if n, first := errorsOf(row.herald); n > 0 {
			p("\nherald's first error in %q: `%.300s`", row.workload.name, first)
		}
		if n, first := errorsOf(row.pgl); n > 0 {
			p("\nPostGraphile's first error in %q: `%.300s`", row.workload.name, first)
		}
	}
	p("")
	p("## An NFT nobody asked about, by its registrations")
	p("")
	p("herald's whole answer (the `nft` query above) with its caches off, one client; and what the same answer cost before the")
	p("NFT summaries — the statements herald ran then, counting the registrations — through pgbench, one client.")
	p("")
	p("| registrations | herald p50 ms | herald p95 ms | herald req/s | before: its SQL alone, ms |")
	p("|---|---|---|---|---|")
	for _, l := range r.uncached {
		p("%s", l)
	}
	p("")
	p("%s.", r.cold)
	p("")
	p("## Memory under cache-hostile traffic")
	p("")
	p("A fresh `herald serve` (default cache budgets: status 256 MiB, responses 128 MiB), %d clients sending new variables on every", c.clients)
	p("request: 100 random NFTs of all 202,000, 100 random nullifiers, every list with random filters, for %s.", c.soak)
	p("")
	p("| at | herald RSS MiB | requests in the interval | errors |")
	p("|---|---|---|---|")
	for _, l := range r.memory {
		p("%s", l)
	}
	p("")
	p("## Ingest and herald's Go benchmarks (same server, fsync on)")
	p("")
	p("Seeding: %s.", r.ingest)
	p("")
	if len(r.goLines) > 0 {
		p("| benchmark | what | result |")
		p("|---|---|---|")
		for _, l := range r.goLines {
			p("%s", l)
		}
		p("")
		p("cpu_us/op is the CPU time the whole machine (clients, gateway, PostgreSQL) spent per")
		p("request, from /proc/stat: on a shared host it moves less than throughput does.")
	}
	return b.String()
}

// targets checks issue #13's targets against this run's figures.
func (r *report) targets(p func(string, ...any)) {
	row := func(name string, stored int) *peerRow {
		for i := range r.peers {
			if r.peers[i].workload.name == name && (stored == 0 || r.peers[i].stored == stored) {
				return &r.peers[i]
			}
		}
		return nil
	}
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**not met**"
	}
	p("## Issue #13's targets in this run")
	p("")
	p("| target | this run | |")
	p("|---|---|---|")
	worst := time.Duration(0)
	for _, n := range costNs {
		worst = max(worst, r.uncachedP95[n])
	}
	p("| uncached `nft(id)` p95 ≤ 2 ms at 1 client, 10 to 20,000 registrations | worst p95 %.2f ms | %s |", ms(worst), met(len(r.uncachedP95) == len(costNs) && worst <= 2*time.Millisecond))
	if h := row("`nfts(ids)`, 100 ids", 0); h != nil {
		m := median(h.herald)
		errs, _ := errorsOf(h.herald)
		p("| `nfts(ids)`, 100 ids: ≤ 3 ms server CPU warm, no errors at %d clients | %.2f ms, %d errors | %s |", 50, ms(m.cpuPer("server")), errs, met(m.cpuPer("server") <= 3*time.Millisecond && errs == 0))
	}
	if h := row("`nfts(ids)`, 100 cold ids", 0); h != nil {
		m := median(h.herald)
		errs, _ := errorsOf(h.herald)
		p("| `nfts(ids)`, 100 ids: ≤ 15 ms server CPU cold, no errors | %.2f ms (never-asked NFTs, live herald; %.1f ms with caches off, client included), %d errors | %s |",
			ms(m.cpuPer("server")), ms(r.coldCPU), errs, met(m.cpuPer("server") <= 15*time.Millisecond && errs == 0))
	}
	for _, t := range []struct {
		name string
		want float64
	}{{"one nullifier", 0.5}, {"100 nullifiers", 0.9}} {
		for _, stored := range []int{1_000_000, 5_000_000} {
			if h := row(t.name, stored); h != nil && len(h.ceiling) > 0 {
				x := median(h.herald).rate() / median(h.ceiling).rate()
				p("| %s over %s: ≥ %.1f× the pgbench ceiling | %.2f× | %s |", t.name, count(stored), t.want, x, met(x >= t.want))
			}
		}
	}
	for _, name := range []string{"latest registrations", "registrations of a collection", "badges of a holder", "claims of a player",
		"nullifier uses of a player", "reuse attempts of a player", "player with badges"} {
		if h := row(name, 0); h != nil {
			a, b := median(h.herald), median(h.pgl)
			x := a.rate() / b.rate()
			less := a.cpuPer("server")+a.cpuPer("postgres") < b.cpuPer("server")+b.cpuPer("postgres")
			p("| list %q: ≥ 2× PostGraphile's req/s, less CPU per page | %.2f×, %.2f vs %.2f ms (server + PostgreSQL) | %s |", name, x,
				ms(a.cpuPer("server")+a.cpuPer("postgres")), ms(b.cpuPer("server")+b.cpuPer("postgres")), met(x >= 2 && less))
		}
	}
	p("| memory: RSS after the run ≤ 2× RSS after 1 minute | %.2f× | %s |", r.memRatio, met(r.memRatio > 0 && r.memRatio <= 2))
	p("")
}
