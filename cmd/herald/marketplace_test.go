package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store/storetest"
)

const marketplaceDir = "../../examples/marketplace"

// npmCI installs the example's packages from its lockfile, once per
// lockfile.
func npmCI(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed")
	}
	lock, err := os.ReadFile(filepath.Join(marketplaceDir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	marker := filepath.Join(marketplaceDir, "node_modules", ".installed-from-lock")
	if b, err := os.ReadFile(marker); err == nil && string(b) == hex.EncodeToString(sum[:]) {
		return
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = marketplaceDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
	if err := os.WriteFile(marker, []byte(hex.EncodeToString(sum[:])), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The example's generated types are what graphql-codegen makes of herald's
// schema now, with its scalars typed, and the example type-checks.
func TestMarketplaceExampleTypes(t *testing.T) {
	npmCI(t)
	out := filepath.Join(t.TempDir(), "generated.ts")
	cmd := exec.Command("npx", "graphql-codegen", "--config", "codegen.ts")
	cmd.Dir = marketplaceDir
	cmd.Env = append(os.Environ(), "CODEGEN_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("graphql-codegen: %v\n%s", err, b)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join(marketplaceDir, "src", "generated.ts"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Fatal("examples/marketplace/src/generated.ts is not what graphql-codegen makes of the schema: run npm run codegen there")
	}
	if regexp.MustCompile(`(txid|inscriptionId): unknown`).Match(fresh) {
		t.Fatal("herald's scalars are typed unknown")
	}
	tsc := exec.Command("npx", "tsc", "--noEmit")
	tsc.Dir = marketplaceDir
	if b, err := tsc.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, b)
	}
}

// marketplaceState is the example's state file.
type marketplaceState struct {
	After string `json:"after"`
	View  map[string]struct {
		Status    string `json:"status"`
		PaidSats  int64  `json:"paidSats"`
		Height    int64  `json:"height"`
		Confirmed bool   `json:"confirmed"`
	} `json:"view"`
	Counts struct{ Added, Confirmed, Removed int } `json:"counts"`
}

// The marketplace example against herald dev: it follows a collection
// through reorgs, is killed and restarted, and its local view ends equal to
// herald's answer.
func TestMarketplaceExample(t *testing.T) {
	npmCI(t)
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	cfg := defaultConfig()
	cfg.DatabaseURL = storetest.Empty(t)
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Listen = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	banner, bannerW := io.Pipe()
	stopTraffic := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		opts := devOptions{btcInterval: 400 * time.Millisecond, evmInterval: time.Second, evmListenAddr: "127.0.0.1:0", trafficStop: stopTraffic}
		done <- devWith(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), opts, bannerW)
		bannerW.Close()
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("herald dev: %v", err)
		}
	}()
	var base string
	sc := bufio.NewScanner(banner)
	for sc.Scan() {
		if m := regexp.MustCompile(`GraphiQL\s+(http://\S+)/`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatal("no banner")
	}
	go func() { _, _ = io.Copy(io.Discard, banner) }()

	state := filepath.Join(t.TempDir(), "state.json")
	read := func() marketplaceState {
		var s marketplaceState
		if b, err := os.ReadFile(state); err == nil {
			_ = json.Unmarshal(b, &s)
		}
		return s
	}
	follower := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command("node", "--import", "tsx", "src/main.ts",
			"--url", "ws"+strings.TrimPrefix(base, "http")+"/graphql", "--collection", "embers-demo", "--min", "2", "--state", state)
		cmd.Dir = marketplaceDir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd, &out
	}
	waitFor := func(what string, ok func(marketplaceState) bool, out *bytes.Buffer) marketplaceState {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
			if s := read(); ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("the example never %s; its output:\n%s", what, out)
			}
		}
	}

	first, out := follower()
	before := waitFor("applied 5 registrations", func(s marketplaceState) bool { return s.Counts.Added >= 5 }, out)
	_ = first.Process.Kill() // no goodbye: the state file is all it keeps
	_ = first.Wait()
	time.Sleep(2 * time.Second) // the chain goes on meanwhile

	_, out = follower()
	waitFor("resumed and saw a reorg", func(s marketplaceState) bool {
		return s.After != before.After && s.Counts.Removed > 0 && s.Counts.Added > before.Counts.Added+5
	}, out)
	close(stopTraffic)

	// herald's answer, once the quiet chain is indexed, and the view equal
	// to it.
	type registration struct {
		Txid, CollectionName, Status string
		PaidSats                     int64
		Block                        struct{ Height, Confirmations int64 }
	}
	answer := func() map[string]registration {
		all := map[string]registration{}
		after := ""
		for {
			body, _ := json.Marshal(map[string]any{"query": `query($after: String) {
				registrations(where: {collection: "embers-demo"}, first: 1000, after: $after) {
					nodes { txid collectionName status paidSats block { height confirmations } }
					pageInfo { hasNextPage endCursor } } }`, "variables": map[string]any{"after": after}})
			resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Data struct {
					Registrations struct {
						Nodes    []registration
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
					}
				}
			}
			_ = json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
			for _, r := range got.Data.Registrations.Nodes {
				all[r.Txid+":"+r.CollectionName] = r
			}
			if !got.Data.Registrations.PageInfo.HasNextPage {
				return all
			}
			after = got.Data.Registrations.PageInfo.EndCursor
		}
	}
	diff := func(s marketplaceState, want map[string]registration) string {
		var d []string
		for k, r := range want {
			v, ok := s.View[k]
			switch {
			case !ok:
				d = append(d, "missing "+k)
			case v.Status != r.Status || v.PaidSats != r.PaidSats || v.Height != r.Block.Height || v.Confirmed != (r.Block.Confirmations >= 2):
				d = append(d, fmt.Sprintf("%s: view %+v, herald %+v", k, v, r))
			}
		}
		for k := range s.View {
			if _, ok := want[k]; !ok {
				d = append(d, "extra "+k)
			}
		}
		return strings.Join(d, "\n")
	}
	var last string
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		s := read()
		if last = diff(s, answer()); last == "" && len(s.View) > 0 {
			t.Logf("the view equals herald's %d registrations after %d added, %d confirmed, %d removed",
				len(s.View), s.Counts.Added, s.Counts.Confirmed, s.Counts.Removed)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the view still differs from herald's answer:\n%s\nthe example's output:\n%s", last, out)
		}
	}
}
