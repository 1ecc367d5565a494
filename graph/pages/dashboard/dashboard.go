// Package dashboard serves herald's analytics dashboard from files embedded
// in the binary: a page of uPlot charts (vendored from npm by build.sh; see
// assets/vendor/VERSIONS.txt) drawn from herald's own GraphQL stats and
// redrawn whenever the chainHeads subscription says a block was indexed or
// undone. The page loads nothing from any other origin, and its
// Content-Security-Policy enforces that.
package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed page.html assets
var files embed.FS

// The product documents' floor lines.
const (
	// DefaultClaimsPerMinute is the throughput floor: 500 claims a minute.
	DefaultClaimsPerMinute = 500
	// DefaultGasBudget is the gas budget of one claim: 285k.
	DefaultGasBudget = 285_000
)

// contentSecurityPolicy allows only same-origin resources: the page's
// scripts and styles are files, uPlot styles its elements through the DOM
// (not markup), and GraphQL queries and the SSE subscription are fetches to
// the page's origin.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Options configure the dashboard.
type Options struct {
	// Path is where the page is mounted, e.g. "/dashboard"; its assets are
	// under Path + "/assets/".
	Path string
	// Endpoint is the GraphQL endpoint on the page's origin ("/graphql").
	Endpoint string
	// ClaimsPerMinute and GasBudget draw the floor lines (defaults 500 and
	// 285k).
	ClaimsPerMinute int
	GasBudget       int
}

// pageConfig is what dashboard.js reads from the page's JSON data block.
type pageConfig struct {
	Endpoint        string `json:"endpoint"`
	ClaimsPerMinute int    `json:"claimsPerMinute"`
	GasBudget       int    `json:"gasBudget"`
}

type asset struct {
	contentType string
	body        []byte
	version     string
}

type handler struct {
	path   string
	page   []byte
	assets map[string]asset
}

// Handler serves the page at opts.Path and its assets below it; mount it on
// both ("GET /dashboard" and "GET /dashboard/").
func Handler(opts Options) (http.Handler, error) {
	if opts.Path == "" {
		opts.Path = "/dashboard"
	}
	if opts.Endpoint == "" {
		opts.Endpoint = "/graphql"
	}
	if opts.ClaimsPerMinute <= 0 {
		opts.ClaimsPerMinute = DefaultClaimsPerMinute
	}
	if opts.GasBudget <= 0 {
		opts.GasBudget = DefaultGasBudget
	}
	h := &handler{path: strings.TrimSuffix(opts.Path, "/"), assets: make(map[string]asset)}
	err := fs.WalkDir(files, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var ctype string
		switch path.Ext(name) {
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".txt":
			ctype = "text/plain; charset=utf-8"
		default:
			return nil
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h.assets[strings.TrimPrefix(name, "assets/")] = asset{contentType: ctype, body: body, version: hex.EncodeToString(sum[:8])}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dashboard: load embedded assets: %w", err)
	}
	tmpl, err := template.New("page.html").Funcs(template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := h.assets[name]
			if !ok {
				return "", fmt.Errorf("no embedded asset %q", name)
			}
			return h.path + "/assets/" + name + "?v=" + a.version, nil
		},
	}).ParseFS(files, "page.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard: parse page: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, pageConfig{Endpoint: opts.Endpoint, ClaimsPerMinute: opts.ClaimsPerMinute, GasBudget: opts.GasBudget}); err != nil {
		return nil, fmt.Errorf("dashboard: render page: %w", err)
	}
	h.page = buf.Bytes()
	return h, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	header := w.Header()
	header.Set("X-Content-Type-Options", "nosniff")
	if r.URL.Path == h.path || r.URL.Path == h.path+"/" {
		header.Set("Content-Type", "text/html; charset=utf-8")
		header.Set("Content-Security-Policy", contentSecurityPolicy)
		header.Set("Referrer-Policy", "no-referrer")
		header.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.page))
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, h.path+"/assets/")
	a, found := h.assets[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	header.Set("Content-Type", a.contentType)
	if r.URL.Query().Get("v") == a.version {
		header.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		header.Set("Cache-Control", "no-cache")
	}
	header.Set("ETag", `"`+a.version+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
