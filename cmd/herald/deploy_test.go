package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"gopkg.in/yaml.v3"

	"github.com/herald-indexer/herald/indexer/devnet"
	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/store/storetest"
)

const deployDir = "../../deploy"

// tool returns the path of a program the test needs; without it the test
// skips, except in CI, which installs it (.ci/run).
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; .ci/run installs it", name)
		}
		t.Skipf("%s is not installed (Debian: apt-get install prometheus)", name)
	}
	return path
}

func runTool(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// The alert rules are valid, and their unit tests pass.
func TestAlertRules(t *testing.T) {
	dir := filepath.Join(deployDir, "prometheus")
	runTool(t, dir, "promtool", "check", "rules", "herald-rules.yml")
	runTool(t, dir, "promtool", "test", "rules", "herald-rules.test.yml")
}

// The systemd units are valid units whose command exists (the test binary
// stands in for herald).
func TestSystemdUnits(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var units []string
	for _, name := range []string{"herald-index.service", "herald-serve.service"} {
		raw, err := os.ReadFile(filepath.Join(deployDir, "systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		unit := strings.ReplaceAll(string(raw), "/usr/local/bin/herald ", self+" ")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
		units = append(units, name)
	}
	cmd := exec.Command(tool(t, "systemd-analyze"), append([]string{"verify"}, units...)...)
	cmd.Dir = dir
	// verify reports problems on its output, not always in its status.
	if out, err := cmd.CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

var metricName = regexp.MustCompile(`\bherald_[a-z0-9_]+\b`)

// deployMetrics returns every herald metric the alert rules and the
// dashboard use, and where each is used.
func deployMetrics(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{}
	for _, r := range alertRules(t) {
		for _, m := range metricName.FindAllString(r.Expr, -1) {
			used[m] = "alert " + r.Alert
		}
	}
	raw, err := os.ReadFile(filepath.Join(deployDir, "grafana", "herald.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, m := range metricName.FindAllString(tg.Expr, -1) {
				used[m] = "panel " + p.Title
			}
		}
	}
	if len(used) < 10 {
		t.Fatalf("only %d metrics found in the rules and the dashboard: %v", len(used), used)
	}
	return used
}

// exports reports whether families hold the series name: itself, or one of
// a histogram's _bucket, _sum and _count.
func exports(families map[string]*dto.MetricFamily, name string) bool {
	if _, ok := families[name]; ok {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if f, ok := families[strings.TrimSuffix(name, suffix)]; ok && strings.HasSuffix(name, suffix) && f.GetType() == dto.MetricType_HISTOGRAM {
			return true
		}
	}
	return false
}

// exercise makes a gateway produce the series that appear with their
// first event: an operation, an error, a rejection.
func exercise(t *testing.T, base string) {
	t.Helper()
	var out any
	graphQL(t, base, `query Probe { _meta { chains { chain } } }`, &out)
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"query Bad { nft(id: \"x\") { id } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ _meta { chains { chain } } }"}`+strings.Repeat(" ", 300_000)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized request: %d", resp.StatusCode)
	}
}

// operationsMetrics returns the herald metrics docs/operations.md lists
// under /metrics.
func operationsMetrics(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(raw), "- `/metrics` (Prometheus)")
	if list, _, ok = strings.Cut(list, "\n- Traces"); !ok {
		t.Fatal("docs/operations.md has no list of metrics between \"- `/metrics` (Prometheus)\" and \"- Traces\"")
	}
	var names []string
	for _, m := range metricName.FindAllString(list, -1) {
		if !slices.Contains(names, m) {
			names = append(names, m)
		}
	}
	return names
}

// Every metric the alert rules, the dashboard and docs/operations.md use is
// served by a real herald: `herald index` (on index.listen) with `herald
// serve` beside it, and `herald run` alone.
func TestDeployMetricsExist(t *testing.T) {
	ctx := context.Background()
	chain, err := devnet.StartEVM(ctx, devnet.EVMOptions{HTTPAddr: "127.0.0.1:0", BlockInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = chain.Stop() })
	traffic, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = chain.Run(traffic) }()
	ec := evm.Config{Name: "evm-devnet", ChainID: chain.ChainID(), RPC: []string{chain.WSURL()}, StartBlock: chain.StartBlock(), Confirmations: 1}
	for _, c := range chain.Contracts() {
		ec.Contracts = append(ec.Contracts, evm.ContractConfig{Address: c.Address.Hex(), Kind: c.Kind})
	}
	used := deployMetrics(t)
	for _, m := range operationsMetrics(t) {
		if _, ok := used[m]; !ok {
			used[m] = "docs/operations.md"
		}
	}

	// waitExported scrapes the processes at bases until together they
	// export every metric used (the first batch, the first provider report
	// take a moment), and fails naming those still missing.
	waitExported := func(what string, bases ...string) {
		t.Helper()
		var missing []string
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
			families := map[string]*dto.MetricFamily{}
			for _, b := range bases {
				for name, f := range scrape(t, b) {
					families[name] = f
				}
			}
			missing = missing[:0]
			for name, where := range used {
				if !exports(families, name) {
					missing = append(missing, name+" ("+where+")")
				}
			}
			if len(missing) == 0 {
				return
			}
			if time.Now().After(deadline) {
				slices.Sort(missing)
				t.Fatalf("%s does not export:\n%s", what, strings.Join(missing, "\n"))
			}
		}
	}

	split := defaultConfig()
	split.DatabaseURL = storetest.Empty(t)
	split.Index.Listen, split.HTTP.Listen = freeAddr(t), freeAddr(t)
	split.EVM = []evm.Config{ec}
	runHerald(t, split, roles{index: true}, split.Index.Listen)
	runHerald(t, split, roles{serve: true}, split.HTTP.Listen)
	exercise(t, "http://"+split.HTTP.Listen)
	waitExported("herald index with herald serve", "http://"+split.Index.Listen, "http://"+split.HTTP.Listen)

	one := defaultConfig()
	one.DatabaseURL = storetest.Empty(t)
	one.HTTP.Listen = freeAddr(t)
	one.EVM = []evm.Config{ec}
	runHerald(t, one, roles{index: true, serve: true}, one.HTTP.Listen)
	exercise(t, "http://"+one.HTTP.Listen)
	waitExported("herald run", "http://"+one.HTTP.Listen)
}

// Every alert herald ships has its runbook — what it means, how to confirm
// it, its causes, the fix, when to escalate — and its runbook_url points at
// it; every herald command the runbooks give is one herald has, with flags
// and arguments it takes.
func TestRunbooksCoverEveryAlert(t *testing.T) {
	doc, err := os.ReadFile("../../docs/runbooks.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, s := range strings.Split(string(doc), "\n### ")[1:] {
		name, body, _ := strings.Cut(s, "\n")
		sections[name] = body
	}
	alerts := 0
	for _, r := range alertRules(t) {
		if r.Alert == "" {
			continue
		}
		alerts++
		body, ok := sections[r.Alert]
		if !ok {
			t.Errorf("docs/runbooks.md has no section ### %s", r.Alert)
			continue
		}
		for _, part := range []string{"**Means.**", "**Confirm.**", "**Usual causes.**", "**Fix.**", "**Escalate**"} {
			if !strings.Contains(body, part) {
				t.Errorf("the runbook of %s lacks %s", r.Alert, part)
			}
		}
		if url := r.Annotations["runbook_url"]; !strings.HasSuffix(url, "docs/runbooks.md#"+strings.ToLower(r.Alert)) {
			t.Errorf("%s's runbook_url is %q, want it to end in docs/runbooks.md#%s", r.Alert, url, strings.ToLower(r.Alert))
		}
	}
	if alerts == 0 {
		t.Fatal("no alert rules read")
	}

	commands := 0
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		for _, line := range strings.Split(block[1], "\n") {
			args := strings.Fields(line)
			if len(args) == 0 || args[0] != "herald" {
				continue
			}
			commands++
			args = args[1:]
			for len(args) >= 2 && args[0] == "-config" {
				args = args[2:]
			}
			if len(args) == 0 {
				t.Errorf("runbook line %q names no command", line)
				continue
			}
			if _, ok := findCommand(args[0]); !ok {
				t.Errorf("runbook line %q: herald has no command %q", line, args[0])
				continue
			}
			switch args[0] {
			case "resync":
				if _, err := parseResyncFlags(args[1:], io.Discard); err != nil {
					t.Errorf("runbook line %q: %v", line, err)
				}
			case "migrate":
				if len(args) != 2 || !slices.Contains([]string{"up", "down", "status"}, args[1]) {
					t.Errorf("runbook line %q: migrate takes up, down or status", line)
				}
			}
		}
	}
	if commands == 0 {
		t.Fatal("no herald command read from the runbooks")
	}
}

type alertRule struct {
	Alert, Expr string
	Annotations map[string]string
}

// alertRules are the rules of deploy/prometheus/herald-rules.yml, every group's.
func alertRules(t *testing.T) []alertRule {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(deployDir, "prometheus", "herald-rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct{ Rules []alertRule }
	}
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		t.Fatal(err)
	}
	var out []alertRule
	for _, g := range rules.Groups {
		out = append(out, g.Rules...)
	}
	return out
}
