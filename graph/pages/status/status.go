// Package status serves herald's public status page: health only — each
// chain's state and lag, its last block's time, its providers up or down,
// the gateway's error rate and recent reorgs — as HTML, or as JSON for
// status-page services (Accept: application/json). It renders on the
// server from embedded files and runs no script.
package status

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/herald-indexer/herald/store"
)

//go:embed page.html status.css
var files embed.FS

// Chain states, best first.
const (
	StateOK      = "ok"
	StateLagging = "lagging"
	StateDown    = "down"
)

// Chain is one chain's health.
type Chain struct {
	Chain string `json:"chain"`
	// State is ok, lagging (more than MaxLag blocks behind its head) or
	// down (no provider answering).
	State         string     `json:"state"`
	Head          int64      `json:"head"`
	IndexedHeight int64      `json:"indexedHeight"`
	Lag           int64      `json:"lag"`
	LastBlockTime time.Time  `json:"lastBlockTime"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	Providers     []Provider `json:"providers"`
}

// Provider is one RPC provider's health. The public page names it by its
// place in the chain's failover order, not by its URL.
type Provider struct {
	Position int `json:"position"`
	// Up is false while its breaker is not closed.
	Up      bool   `json:"up"`
	Breaker string `json:"breaker"`
}

// Errors are the gateway's GraphQL operations and the errors they returned
// since it started, from its own Prometheus counters.
type Errors struct {
	Operations float64
	// Server errors are the gateway's fault (INTERNAL_SERVER_ERROR,
	// SERVICE_UNAVAILABLE, STATEMENT_TIMEOUT); client errors the
	// client's.
	ServerErrors, ClientErrors float64
}

// Gateway is the gateway's error rate over the last Window.
type Gateway struct {
	WindowSeconds float64 `json:"windowSeconds"`
	Operations    float64 `json:"operations"`
	ServerErrors  float64 `json:"serverErrors"`
	ClientErrors  float64 `json:"clientErrors"`
	// ErrorRate is ServerErrors / Operations (0 without operations).
	ErrorRate float64 `json:"errorRate"`
}

// Snapshot is what the page shows.
type Snapshot struct {
	// Status is the worst chain state, or down when the data cannot be
	// read.
	Status      string        `json:"status"`
	GeneratedAt time.Time     `json:"generatedAt"`
	Chains      []Chain       `json:"chains"`
	Gateway     Gateway       `json:"gateway"`
	Reorgs      []store.Reorg `json:"reorgs"`
}

// Options are where the page's data comes from.
type Options struct {
	// Chains reads every chain's health. The gateway's reads the cursors
	// and provider health (ChainsFromStore); an indexer that reports its
	// chains' states can be plugged in here.
	Chains func(ctx context.Context) ([]Chain, error)
	// Reorgs reads the rollbacks since a time, newest first.
	Reorgs func(ctx context.Context, since time.Time) ([]store.Reorg, error)
	// Errors reads the gateway's counters.
	Errors func() Errors
	// ReorgsSince is how far back reorgs are listed (default 24 h).
	ReorgsSince time.Duration
	// Window is how far back the error rate looks (default 5 min).
	Window time.Duration
	// CacheFor is how long a snapshot is served again (default 5 s):
	// status services poll.
	CacheFor time.Duration
	Logger   *slog.Logger
	now      func() time.Time
}

// ChainsFromStore is the chains' health as the store has it today: each
// cursor's head and height, and its providers' breakers. A chain is down
// when none of its providers is up, lagging when more than maxLag blocks
// behind its head.
func ChainsFromStore(st *store.Store, maxLag int64) func(ctx context.Context) ([]Chain, error) {
	return func(ctx context.Context) ([]Chain, error) {
		cursors, err := st.Cursors(ctx)
		if err != nil {
			return nil, err
		}
		providers, err := st.Providers(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]Chain, 0, len(cursors))
		for _, c := range cursors {
			ch := Chain{
				Chain: c.Chain, Head: c.Head, IndexedHeight: c.Height, Lag: max(c.Head-c.Height, 0),
				LastBlockTime: c.BlockTime.UTC(), UpdatedAt: c.UpdatedAt.UTC(), Providers: []Provider{}, State: StateOK,
			}
			up := 0
			for _, p := range providers {
				if p.Chain == c.Chain {
					pr := Provider{Position: len(ch.Providers) + 1, Breaker: p.Breaker, Up: p.Breaker == "closed"}
					if pr.Up {
						up++
					}
					ch.Providers = append(ch.Providers, pr)
				}
			}
			switch {
			case len(ch.Providers) > 0 && up == 0:
				ch.State = StateDown
			case ch.Lag > maxLag:
				ch.State = StateLagging
			}
			out = append(out, ch)
		}
		return out, nil
	}
}

type sample struct {
	at time.Time
	e  Errors
}

type handler struct {
	opts Options
	page *template.Template
	css  []byte

	mu      sync.Mutex
	samples []sample
	cached  *Snapshot
}

// Handler serves the page at the path it is mounted on and its stylesheet
// at that path + ".css".
func Handler(opts Options) (http.Handler, error) {
	if opts.Chains == nil || opts.Reorgs == nil || opts.Errors == nil {
		return nil, fmt.Errorf("status: Chains, Reorgs and Errors are required")
	}
	if opts.ReorgsSince <= 0 {
		opts.ReorgsSince = 24 * time.Hour
	}
	if opts.Window <= 0 {
		opts.Window = 5 * time.Minute
	}
	if opts.CacheFor <= 0 {
		opts.CacheFor = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	page, err := template.New("page.html").Funcs(template.FuncMap{
		"ago": func(now, t time.Time) string {
			switch d := now.Sub(t).Round(time.Second); {
			case t.IsZero():
				return "never"
			case d < 0:
				// Devnets and some L2s stamp blocks ahead of this clock.
				return (-d).String() + " ahead of this clock"
			default:
				return d.String() + " ago"
			}
		},
		"percent": func(f float64) string { return fmt.Sprintf("%.2f %%", 100*f) },
	}).ParseFS(files, "page.html")
	if err != nil {
		return nil, fmt.Errorf("status: parse page: %w", err)
	}
	css, err := files.ReadFile("status.css")
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	return &handler{opts: opts, page: page, css: css}, nil
}

// snapshot reads the status, or serves the last one while it is fresh.
func (h *handler) snapshot(ctx context.Context) Snapshot {
	now := h.opts.now().UTC()
	h.mu.Lock()
	if h.cached != nil && now.Sub(h.cached.GeneratedAt) < h.opts.CacheFor {
		s := *h.cached
		h.mu.Unlock()
		return s
	}
	h.mu.Unlock()

	s := Snapshot{Status: StateOK, GeneratedAt: now, Chains: []Chain{}, Reorgs: []store.Reorg{}}
	s.Gateway = h.errorRate(now)
	chains, err := h.opts.Chains(ctx)
	if err != nil {
		h.opts.Logger.Warn("status page: chains unreadable", "err", err)
		s.Status = StateDown
	} else {
		s.Chains = chains
	}
	if reorgs, err := h.opts.Reorgs(ctx, now.Add(-h.opts.ReorgsSince)); err != nil {
		h.opts.Logger.Warn("status page: reorgs unreadable", "err", err)
		s.Status = StateDown
	} else if reorgs != nil {
		s.Reorgs = reorgs
	}
	rank := map[string]int{StateOK: 0, StateLagging: 1, StateDown: 2}
	for _, c := range s.Chains {
		if rank[c.State] > rank[s.Status] {
			s.Status = c.State
		}
	}
	h.mu.Lock()
	h.cached = &s
	h.mu.Unlock()
	return s
}

// errorRate is the rate over the window, from counter samples taken when
// the page is read: the oldest sample inside the window against now (since
// start while there is none).
func (h *handler) errorRate(now time.Time) Gateway {
	cur := h.opts.Errors()
	h.mu.Lock()
	defer h.mu.Unlock()
	keep := h.samples[:0]
	for _, s := range h.samples {
		if now.Sub(s.at) <= h.opts.Window {
			keep = append(keep, s)
		}
	}
	h.samples = append(keep, sample{at: now, e: cur})
	base, since := Errors{}, time.Duration(0)
	if len(h.samples) > 1 {
		base, since = h.samples[0].e, now.Sub(h.samples[0].at)
	}
	g := Gateway{
		WindowSeconds: since.Seconds(),
		Operations:    cur.Operations - base.Operations,
		ServerErrors:  cur.ServerErrors - base.ServerErrors,
		ClientErrors:  cur.ClientErrors - base.ClientErrors,
	}
	if g.Operations > 0 {
		g.ErrorRate = g.ServerErrors / g.Operations
	}
	return g
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	header := w.Header()
	header.Set("X-Content-Type-Options", "nosniff")
	header.Set("Cache-Control", "no-cache")
	if strings.HasSuffix(r.URL.Path, ".css") {
		header.Set("Content-Type", "text/css; charset=utf-8")
		_, _ = w.Write(h.css)
		return
	}
	s := h.snapshot(r.Context())
	// A status service reads the code as well as the body.
	code := http.StatusOK
	if s.Status == StateDown {
		code = http.StatusServiceUnavailable
	}
	header.Add("Vary", "Accept")
	if wantsJSON(r.Header.Get("Accept")) {
		header.Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(s)
		return
	}
	var buf bytes.Buffer
	if err := h.page.Execute(&buf, struct {
		Snapshot
		CSS string
	}{s, strings.TrimSuffix(r.URL.Path, "/") + ".css"}); err != nil {
		http.Error(w, "status page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	header.Set("Content-Type", "text/html; charset=utf-8")
	header.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// wantsJSON reports whether an Accept header prefers JSON to HTML.
func wantsJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/json":
			return true
		case "text/html":
			return false
		}
	}
	return false
}
