// Package graphiql serves the GraphiQL IDE entirely from files embedded in the
// binary, so it works offline and in air-gapped deployments: the page loads
// nothing from any other origin, and its Content-Security-Policy enforces that.
//
// The vendored React and GraphiQL bundles in assets/vendor are produced by
// build.sh; see assets/vendor/VERSIONS.txt.
package graphiql

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
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

// AssetPrefix is the sub-path, relative to the handler's root, under which
// the page's scripts, styles and license files are served.
const AssetPrefix = "graphiql/"

// contentSecurityPolicy allows only same-origin resources. GraphiQL's CSS
// embeds its fonts and a few images as data: URLs; websockets may go to any
// host because SubscriptionEndpoint may name one. GraphiQL's dialogs insert
// one <style> element (react-remove-scroll), allowed by a per-response nonce
// that page.js hands to it.
func contentSecurityPolicy(styleNonce string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-" + styleNonce + "'; " +
		"img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; " +
		"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// contentType returns the Content-Type of an asset, and false for the
// embedded files that are not served (the .gz copies among them).
func contentType(name string) (string, bool) {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8", true
	case ".js":
		return "text/javascript; charset=utf-8", true
	case ".txt":
		return "text/plain; charset=utf-8", true
	}
	return "", false
}

// Options configure the GraphiQL page.
type Options struct {
	// Title is the page title; "GraphiQL" when empty.
	Title string
	// Endpoint is the URL of the GraphQL HTTP endpoint, resolved by the
	// browser against the page URL; "/graphql" when empty. The CSP allows
	// only same-origin HTTP requests, so it must be on the page's origin.
	Endpoint string
	// SubscriptionEndpoint is the websocket URL (graphql-transport-ws) for
	// subscriptions. When empty the browser derives it from Endpoint,
	// turning http: into ws: and https: into wss:.
	SubscriptionEndpoint string
	// Headers is the initial content of the request headers editor, a JSON
	// object as text, e.g. `{"Authorization": "Bearer …"}`.
	Headers string
	// DefaultTabs are the editor tabs shown on a first visit (GraphiQL keeps
	// later edits in the browser's local storage). GraphiQL titles each tab
	// with the operation name of its query.
	DefaultTabs []Tab
	// TabsFor, when set, gives the tabs of each page served in place of
	// DefaultTabs: examples filled with ids from the live data, so that a
	// first Run shows an answer. It runs once per page load, so it must be
	// quick (cache what it reads) and honour the request's context.
	TabsFor func(r *http.Request) []Tab
}

// Tab is an example operation opened in its own editor tab.
type Tab struct {
	Query string
	// Variables is a JSON object as text.
	Variables string
	// Headers is a JSON object as text; Options.Headers when empty.
	Headers string
}

// pageConfig is what page.js reads from the page's JSON data block.
type pageConfig struct {
	Endpoint             string      `json:"endpoint"`
	SubscriptionEndpoint string      `json:"subscriptionEndpoint,omitempty"`
	Headers              string      `json:"headers,omitempty"`
	Tabs                 []tabConfig `json:"tabs,omitempty"`
	StyleNonce           string      `json:"styleNonce"`
}

// tabConfig mirrors GraphiQL's TabDefinition.
type tabConfig struct {
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
	Headers   string `json:"headers,omitempty"`
}

// asset is one served file, with its gzip-compressed copy when build.sh made
// one.
type asset struct {
	contentType string
	raw         []byte
	gz          []byte
	// version is a hash of raw: page URLs carry it so assets can be cached
	// forever, and it is the ETag.
	version string
}

type handler struct {
	page   *template.Template
	data   pageData
	assets map[string]asset
	// tabsFor and headers make each page's tabs when Options.TabsFor is
	// set.
	tabsFor func(r *http.Request) []Tab
	headers string
}

// pageData is what page.html is rendered from.
type pageData struct {
	Title  string
	Config pageConfig
}

// Handler serves the GraphiQL page at "/" and its assets under
// "/graphiql/" (AssetPrefix). Other paths are not found. The page refers to
// its assets by relative URLs, so the handler can also be mounted under a
// prefix with http.StripPrefix, as long as the page is requested with the
// trailing slash ("/ui/", not "/ui").
func Handler(opts Options) http.Handler {
	h, err := newHandler(opts)
	if err != nil {
		// Only a broken build (embedded files missing or a bad template)
		// gets here; tests cover it, so serve the error rather than panic.
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		})
	}
	return h
}

func newHandler(opts Options) (*handler, error) {
	assets, err := loadAssets(files)
	if err != nil {
		return nil, err
	}
	page, err := parsePage(assets)
	if err != nil {
		return nil, err
	}
	h := &handler{page: page, data: newPageData(opts), assets: assets, tabsFor: opts.TabsFor, headers: opts.Headers}
	// Render once so that a template error shows at startup, not per request.
	if _, err := h.renderPage("startup-check", h.data.Config.Tabs); err != nil {
		return nil, err
	}
	return h, nil
}

func loadAssets(fsys fs.FS) (map[string]asset, error) {
	assets := make(map[string]asset)
	err := fs.WalkDir(fsys, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ctype, ok := contentType(name)
		if d.IsDir() || !ok {
			return nil
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read asset: %w", err)
		}
		gz, err := fs.ReadFile(fsys, name+".gz")
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("read compressed asset: %w", err)
		}
		assets[strings.TrimPrefix(name, "assets/")] = asset{
			contentType: ctype,
			raw:         raw,
			gz:          gz,
			version:     contentHash(raw),
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graphiql: load embedded assets: %w", err)
	}
	return assets, nil
}

func newPageData(opts Options) pageData {
	d := pageData{
		Title: opts.Title,
		Config: pageConfig{
			Endpoint:             opts.Endpoint,
			SubscriptionEndpoint: opts.SubscriptionEndpoint,
			Headers:              opts.Headers,
		},
	}
	if d.Title == "" {
		d.Title = "GraphiQL"
	}
	if d.Config.Endpoint == "" {
		d.Config.Endpoint = "/graphql"
	}
	d.Config.Tabs = tabConfigs(opts.DefaultTabs, opts.Headers)
	return d
}

// tabConfigs are tabs as page.js reads them; a tab without headers gets
// the page's.
func tabConfigs(tabs []Tab, pageHeaders string) []tabConfig {
	var out []tabConfig
	for _, tab := range tabs {
		headers := tab.Headers
		if headers == "" {
			headers = pageHeaders
		}
		out = append(out, tabConfig{Query: tab.Query, Variables: tab.Variables, Headers: headers})
	}
	return out
}

func parsePage(assets map[string]asset) (*template.Template, error) {
	funcs := template.FuncMap{
		// asset yields a relative, versioned URL; naming a file that is not
		// embedded fails the render instead of producing a broken page.
		"asset": func(name string) (string, error) {
			a, ok := assets[name]
			if !ok {
				return "", fmt.Errorf("no embedded asset %q", name)
			}
			return AssetPrefix + name + "?v=" + a.version, nil
		},
	}
	tmpl, err := template.New("page.html").Funcs(funcs).ParseFS(files, "page.html")
	if err != nil {
		return nil, fmt.Errorf("graphiql: parse page template: %w", err)
	}
	return tmpl, nil
}

// renderPage renders the page for one response, with that response's style
// nonce and tabs.
func (h *handler) renderPage(styleNonce string, tabs []tabConfig) ([]byte, error) {
	data := h.data
	data.Config.StyleNonce = styleNonce
	data.Config.Tabs = tabs
	// html/template JSON-encodes the config inside the <script> data block
	// and escapes anything that could close it, so option values cannot
	// inject markup.
	var buf bytes.Buffer
	if err := h.page.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("graphiql: render page: %w", err)
	}
	return buf.Bytes(), nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Path == "/" {
		h.servePage(w, r)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/"+AssetPrefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	a, ok := h.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	serveAsset(w, r, a)
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	nonce := rand.Text()
	tabs := h.data.Config.Tabs
	if h.tabsFor != nil {
		tabs = tabConfigs(h.tabsFor(r), h.headers)
	}
	page, err := h.renderPage(nonce, tabs)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	header := w.Header()
	header.Set("Content-Type", "text/html; charset=utf-8")
	header.Set("Content-Security-Policy", contentSecurityPolicy(nonce))
	header.Set("Referrer-Policy", "no-referrer")
	// The nonce must not be replayed from a cache.
	header.Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(page))
}

func serveAsset(w http.ResponseWriter, r *http.Request, a asset) {
	header := w.Header()
	header.Set("Content-Type", a.contentType)
	header.Add("Vary", "Accept-Encoding")
	// Only the URL the page names is immutable: an old page may still ask
	// for a version this binary no longer has.
	if r.URL.Query().Get("v") == a.version {
		header.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		header.Set("Cache-Control", "no-cache")
	}
	body, tag := a.raw, a.version
	if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		header.Set("Content-Encoding", "gzip")
		body, tag = a.gz, a.version+"-gzip"
	}
	header.Set("ETag", `"`+tag+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header value names gzip
// without excluding it by "q=0". Browsers always name it explicitly, so "*"
// is not considered.
func acceptsGzip(acceptEncoding string) bool {
	for _, part := range strings.Split(acceptEncoding, ",") {
		params := strings.Split(part, ";")
		if !strings.EqualFold(strings.TrimSpace(params[0]), "gzip") {
			continue
		}
		for _, p := range params[1:] {
			if q, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				return strings.Trim(q, "0.") != ""
			}
		}
		return true
	}
	return false
}

// contentHash returns a short hash of b, enough to tell versions apart.
func contentHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
