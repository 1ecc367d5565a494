package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/herald-indexer/herald/graph/graphiql/browsertest"
	"github.com/herald-indexer/herald/store/storetest"
)

// startServe runs `herald serve` on a test database until the test ends and
// returns its base URL.
func startServe(t *testing.T) string {
	t.Helper()
	url := storetest.Empty(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := defaultConfig()
	cfg.DatabaseURL = url
	cfg.HTTP.Listen = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), roles{serve: true}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("herald serve: %v", err)
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("herald serve did not come up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestGraphiQLInARealBrowser(t *testing.T) {
	base := startServe(t)
	page := browsertest.OpenGraphiQL(t, base+"/")
	page.CheckSelfContained(t)
	out, err := page.Execute(`"nfts"`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"_meta"`) {
		t.Fatalf("the example query's answer: %s", out)
	}
	// HERALD_SCREENSHOT_DIR keeps the screenshot past the test.
	dir := os.Getenv("HERALD_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "graphiql.png")
	if err := page.Screenshot(shot); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
}

func TestMetricsAndHealth(t *testing.T) {
	base := startServe(t)
	// One query so the per-operation series exist.
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"query Probe { _meta { chains { chain } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	for _, name := range []string{
		"herald_graphql_request_duration_seconds", "herald_graphql_complexity", "herald_status_cache_hit_ratio",
		"herald_subscriptions_active", "go_goroutines",
	} {
		if _, ok := families[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
