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
