package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/herald-indexer/herald/graph/graphiql/browsertest"
	"github.com/herald-indexer/herald/graph/pages/status"
	"github.com/herald-indexer/herald/store/storetest"
)

// startDev runs `herald dev` with fast blocks until the test ends and
// returns the gateway's base URL.
func startDev(t *testing.T) string {
	t.Helper()
	base, _ := startDevBanner(t)
	return base
}

// startDevBanner is startDev that also returns the banner `herald dev`
// printed, up to the end of its examples (the blank line after "Try in
// GraphiQL").
func startDevBanner(t *testing.T) (base, banner string) {
	t.Helper()
	cfg := defaultConfig()
	cfg.DatabaseURL = storetest.Empty(t)
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Listen = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	out, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		args := []string{"-btc-block-interval", "300ms", "-evm-block-interval", "200ms", "-evm-rpc", "127.0.0.1:0"}
		done <- dev(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), args, outW, io.Discard)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("herald dev: %v", err)
		}
	})
	// The banner comes once everything has started; a banner without the
	// end this reads to must fail the test, not hang it.
	// Buffered past any banner, so that herald dev never waits on a
	// test that stopped reading.
	lines := make(chan string, 1000)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	var b strings.Builder
	examples := false
	timeout := time.After(3 * time.Minute)
	for ended := false; !ended; {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("herald dev ended its output:\n%s", b.String())
			}
			b.WriteString(line + "\n")
			if m := regexp.MustCompile(`Dashboard\s+(http://\S+)/dashboard`).FindStringSubmatch(line); m != nil {
				base = m[1]
			}
			if strings.HasPrefix(line, "Try in GraphiQL") {
				examples = true
			} else if examples && strings.TrimSpace(line) == "" {
				ended = true
			}
		case <-timeout:
			t.Fatalf("no complete banner from herald dev after 3 minutes:\n%s", b.String())
		}
	}
	if base == "" {
		t.Fatalf("no banner with the dashboard's address:\n%s", b.String())
	}
	return base, b.String()
}

// screenshotDir is where screenshots are kept: HERALD_SCREENSHOT_DIR, or
// the test's temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("HERALD_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// dashboardCharts are the charts the page draws.
var dashboardCharts = []string{"claims", "outcomes", "errors", "gas", "xp", "nullifiers", "actives", "hours", "registrations"}

// TestDashboardAgainstDev opens /dashboard of `herald dev` in headless
// Chromium: every chart is drawn with data, a live update arrives from the
// chainHeads subscription (and after a reorg the charts are read again),
// and the page requests nothing from another origin. /status is checked as
// HTML and as JSON. Screenshots are kept.
func TestDashboardAgainstDev(t *testing.T) {
	base := startDev(t)
	dir := screenshotDir(t)

	// The charts need the devnets' traffic: wait (bounded) until every
	// series the dashboard draws has something, through the API.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var s struct {
			Stats struct {
				Registrations, BadgeClaims, NullifierUses, ActivePlayers []struct{ Count int }
				Gas                                                      []struct{ Transactions int }
				CallErrors                                               []struct{ Count int }
				XPHistogram                                              []struct{ Count int } `json:"xpHistogram"`
			}
		}
		gqlQuery(t, base, `{ stats(bucket: HOUR) { registrations { count } badgeClaims { count } nullifierUses { count }
			activePlayers { count } gas { transactions } callErrors { count } xpHistogram { count } } }`, &s)
		st := s.Stats
		if len(st.Registrations) > 0 && len(st.BadgeClaims) > 0 && len(st.NullifierUses) > 0 && len(st.ActivePlayers) > 0 &&
			len(st.Gas) > 0 && len(st.CallErrors) > 0 && len(st.XPHistogram) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after two minutes the devnets have not produced every series: %+v", st)
		}
		time.Sleep(500 * time.Millisecond)
	}

	p := browsertest.Open(t, base+"/dashboard")
	allDrawn := `(function () { var d = window.heraldDashboard; if (!d) return false;
		return ` + jsList(dashboardCharts) + `.every(function (n) { var c = d.charts[n]; return c && c.hasData && c.plot &&
			c.plot.data.slice(1).some(function (s) { return s.some(function (v) { return v > 0; }); }); }); })()`
	if err := p.WaitFor(allDrawn); err != nil {
		var charts any
		_ = p.Eval(`JSON.stringify(Object.keys(window.heraldDashboard.charts).map(function (n) { var c = window.heraldDashboard.charts[n]; return [n, c.hasData, c.points]; }))`, &charts)
		t.Fatalf("not every chart drawn with data: %v (charts %v, error %v)", err, charts, evalString(p, `window.heraldDashboard.error`))
	}
	shot := filepath.Join(dir, "dashboard.png")
	if err := p.Screenshot(shot); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the dashboard: %s", shot)

	// A live update: the subscription's next block redraws the charts.
	var before int
	if err := p.Eval(`window.heraldDashboard.liveUpdates`, &before); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`window.heraldDashboard.liveUpdates > ` + itoa(before) + ` && window.heraldDashboard.events > 0`); err != nil {
		t.Fatalf("no live update: %v", err)
	}
	// The devnets reorganise every few blocks: the page notes it, and
	// reads the charts again after it.
	if err := p.WaitFor(`window.heraldDashboard.reorgsRedrawn > 0 && document.querySelectorAll('#reorgs li.reorg').length > 0`); err != nil {
		t.Fatalf("no reorg seen and redrawn: %v", err)
	}
	shot = filepath.Join(dir, "dashboard-after-reorg.png")
	if err := p.Screenshot(shot); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the dashboard after a reorg: %s", shot)
	p.CheckSelfContained(t)

	// /status: as JSON for status services, and as a page.
	req, _ := http.NewRequest(http.MethodGet, base+"/status", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var snap status.Snapshot
	err = json.NewDecoder(resp.Body).Decode(&snap)
	resp.Body.Close()
	if err != nil || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status JSON: %v (%s)", err, resp.Header.Get("Content-Type"))
	}
	chains := map[string]status.Chain{}
	for _, c := range snap.Chains {
		chains[c.Chain] = c
	}
	for _, name := range []string{devBitcoinChain, devEVMChain} {
		c, ok := chains[name]
		if !ok || c.IndexedHeight == 0 || c.LastBlockTime.IsZero() || len(c.Providers) == 0 {
			t.Errorf("status of %s: %+v (found %v)", name, c, ok)
		}
	}
	if snap.Gateway.Operations == 0 {
		t.Errorf("status counts no gateway operations: %+v", snap.Gateway)
	}
	sp := browsertest.Open(t, base+"/status")
	if err := sp.WaitFor(`document.querySelectorAll('#chains tbody tr').length >= 2 && document.getElementById('overall')`); err != nil {
		t.Fatalf("status page: %v", err)
	}
	dom, err := sp.DOM()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dom, devBitcoinChain) || !strings.Contains(dom, devEVMChain) {
		t.Errorf("status page does not name both devnets")
	}
	sp.CheckSelfContained(t)
	shot = filepath.Join(dir, "status.png")
	if err := sp.Screenshot(shot); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the status page: %s", shot)
}

func gqlQuery(t *testing.T, base, q string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": q})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s: %s", q, raw)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

func jsList(ss []string) string {
	b, _ := json.Marshal(ss)
	return string(b)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func evalString(p *browsertest.Page, expr string) string {
	var s any
	if err := p.Eval(expr, &s); err != nil {
		return err.Error()
	}
	b, _ := json.Marshal(s)
	return string(b)
}
