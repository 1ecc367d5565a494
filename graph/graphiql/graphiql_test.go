package graphiql_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/herald-indexer/herald/graph/graphiql"
)

func get(t *testing.T, h http.Handler, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var configBlock = regexp.MustCompile(`(?s)<script id="graphiql-config" type="application/json">(.*?)</script>`)

// pageConfig decodes the JSON data block page.js reads.
func pageConfig(t *testing.T, html string) map[string]any {
	t.Helper()
	m := configBlock.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("page has no config block:\n%s", html)
	}
	var cfg map[string]any
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("config block is not JSON: %v\n%s", err, m[1])
	}
	return cfg
}

func TestPage(t *testing.T) {
	hostile := `</script><script>alert(1)</script><!--`
	tests := []struct {
		name      string
		opts      graphiql.Options
		wantTitle string
		// wantConfig lists config keys that must have these values.
		wantConfig map[string]any
	}{
		{
			name:       "defaults",
			opts:       graphiql.Options{},
			wantTitle:  "<title>GraphiQL</title>",
			wantConfig: map[string]any{"endpoint": "/graphql"},
		},
		{
			name: "all options",
			opts: graphiql.Options{
				Title:                "herald",
				Endpoint:             "/api/graphql",
				SubscriptionEndpoint: "/api/subscriptions",
				Headers:              `{"Authorization": "Bearer x"}`,
				DefaultTabs: []graphiql.Tab{
					{Query: "query A { a }", Variables: `{"n": 1}`},
					{Query: "query B { b }", Headers: `{"X": "y"}`},
				},
			},
			wantTitle: "<title>herald</title>",
			wantConfig: map[string]any{
				"endpoint":             "/api/graphql",
				"subscriptionEndpoint": "/api/subscriptions",
				"headers":              `{"Authorization": "Bearer x"}`,
				"tabs": []any{
					// A tab without headers gets Options.Headers.
					map[string]any{"query": "query A { a }", "variables": `{"n": 1}`, "headers": `{"Authorization": "Bearer x"}`},
					map[string]any{"query": "query B { b }", "headers": `{"X": "y"}`},
				},
			},
		},
		{
			name: "values that try to break out of the page",
			opts: graphiql.Options{
				Title:       hostile,
				Endpoint:    hostile,
				Headers:     hostile,
				DefaultTabs: []graphiql.Tab{{Query: hostile, Variables: hostile}},
			},
			wantTitle: "<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--</title>",
			wantConfig: map[string]any{
				"endpoint": hostile,
				"headers":  hostile,
				"tabs":     []any{map[string]any{"query": hostile, "variables": hostile, "headers": hostile}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, graphiql.Handler(tt.opts), "/", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
			}
			html := rec.Body.String()

			if got := rec.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self';", "connect-src 'self' ws: wss:"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe") {
				t.Errorf("CSP %q allows unsafe sources", csp)
			}
			if !strings.Contains(html, tt.wantTitle) {
				t.Errorf("page lacks %s:\n%s", tt.wantTitle, html)
			}
			// Nothing can load from another host: no absolute URLs at all.
			for _, scheme := range []string{"http:", "https:", "//"} {
				for _, attr := range []string{`src="`, `href="`} {
					if strings.Contains(html, attr+scheme) {
						t.Errorf("page loads an absolute URL (%s%s):\n%s", attr, scheme, html)
					}
				}
			}
			if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
				t.Errorf("page names a URL:\n%s", html)
			}
			// The config block and the four scripts, and no injected one.
			if n := strings.Count(html, "<script"); n != 5 {
				t.Errorf("page has %d <script> elements, want 5:\n%s", n, html)
			}

			cfg := pageConfig(t, html)
			for k, want := range tt.wantConfig {
				got, _ := json.Marshal(cfg[k])
				wantJSON, _ := json.Marshal(want)
				if !bytes.Equal(got, wantJSON) {
					t.Errorf("config %s = %s, want %s", k, got, wantJSON)
				}
			}
			nonce, _ := cfg["styleNonce"].(string)
			if nonce == "" || !strings.Contains(csp, "style-src 'self' 'nonce-"+nonce+"'") {
				t.Errorf("style nonce %q is not the one in the CSP %q", nonce, csp)
			}
		})
	}
}

func TestPageNonceIsPerResponse(t *testing.T) {
	h := graphiql.Handler(graphiql.Options{})
	first := pageConfig(t, get(t, h, "/", nil).Body.String())["styleNonce"]
	second := pageConfig(t, get(t, h, "/", nil).Body.String())["styleNonce"]
	if first == second {
		t.Errorf("two responses share the style nonce %v", first)
	}
}

var assetRef = regexp.MustCompile(`(?:src|href)="([^"]+)"`)

var wantContentType = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
}

func TestAssetsReferencedByPage(t *testing.T) {
	h := graphiql.Handler(graphiql.Options{})
	html := get(t, h, "/", nil).Body.String()
	pageURL, err := url.Parse("http://herald.test/")
	if err != nil {
		t.Fatal(err)
	}

	var refs []string
	for _, m := range assetRef.FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[1], "data:") {
			refs = append(refs, m[1])
		}
	}
	if len(refs) != 6 {
		t.Fatalf("page references %d assets, want 2 styles and 4 scripts: %v", len(refs), refs)
	}
	for _, ref := range refs {
		t.Run(ref, func(t *testing.T) {
			u, err := pageURL.Parse(ref)
			if err != nil {
				t.Fatal(err)
			}
			target := u.RequestURI()
			plain := get(t, h, target, nil)
			if plain.Code != http.StatusOK {
				t.Fatalf("GET %s: status %d", target, plain.Code)
			}
			if got, want := plain.Header().Get("Content-Type"), wantContentType[path.Ext(u.Path)]; got != want {
				t.Errorf("Content-Type %q, want %q", got, want)
			}
			if got := plain.Header().Get("Cache-Control"); !strings.Contains(got, "immutable") {
				t.Errorf("versioned asset has Cache-Control %q, want immutable", got)
			}
			if plain.Header().Get("Content-Encoding") != "" || plain.Body.Len() == 0 {
				t.Errorf("plain response: encoding %q, %d bytes", plain.Header().Get("Content-Encoding"), plain.Body.Len())
			}

			// The precompressed copy, where there is one, must be the same file.
			zipped := get(t, h, target, http.Header{"Accept-Encoding": {"br, gzip"}})
			if zipped.Header().Get("Content-Encoding") != "gzip" {
				return
			}
			zr, err := gzip.NewReader(zipped.Body)
			if err != nil {
				t.Fatal(err)
			}
			unzipped, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(unzipped, plain.Body.Bytes()) {
				t.Errorf("gzip copy differs from the file: rerun build.sh")
			}
			if zipped.Header().Get("ETag") == plain.Header().Get("ETag") {
				t.Errorf("both encodings have ETag %s", plain.Header().Get("ETag"))
			}
		})
	}
}

func TestAssets(t *testing.T) {
	h := graphiql.Handler(graphiql.Options{})
	tests := []struct {
		name        string
		target      string
		header      http.Header
		wantStatus  int
		wantHeaders map[string]string
	}{
		{
			name:        "unversioned URL is revalidated",
			target:      "/graphiql/page.js",
			wantStatus:  http.StatusOK,
			wantHeaders: map[string]string{"Cache-Control": "no-cache", "Vary": "Accept-Encoding"},
		},
		{
			name:        "gzip refused with q=0",
			target:      "/graphiql/vendor/graphiql.min.js",
			header:      http.Header{"Accept-Encoding": {"gzip;q=0, deflate"}},
			wantStatus:  http.StatusOK,
			wantHeaders: map[string]string{"Content-Encoding": ""},
		},
		{
			name:        "license",
			target:      "/graphiql/vendor/LICENSE.graphiql.txt",
			wantStatus:  http.StatusOK,
			wantHeaders: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
		},
		{name: "unknown asset", target: "/graphiql/nope.js", wantStatus: http.StatusNotFound},
		{name: "compressed copy by name", target: "/graphiql/vendor/graphiql.min.js.gz", wantStatus: http.StatusNotFound},
		{name: "asset directory", target: "/graphiql/vendor/", wantStatus: http.StatusNotFound},
		{name: "page template", target: "/graphiql/page.html", wantStatus: http.StatusNotFound},
		{name: "outside the prefix", target: "/page.js", wantStatus: http.StatusNotFound},
		{name: "other path", target: "/graphql", wantStatus: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.target, tt.header)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			for k, want := range tt.wantHeaders {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestAssetRevalidation(t *testing.T) {
	h := graphiql.Handler(graphiql.Options{})
	first := get(t, h, "/graphiql/page.css", nil)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := get(t, h, "/graphiql/page.css", http.Header{"If-None-Match": {etag}})
	if again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, again.Code)
	}
}

func TestMethods(t *testing.T) {
	h := graphiql.Handler(graphiql.Options{})
	tests := []struct {
		method     string
		wantStatus int
	}{
		{http.MethodGet, http.StatusOK},
		{http.MethodHead, http.StatusOK},
		{http.MethodPost, http.StatusMethodNotAllowed},
		{http.MethodDelete, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, "/", nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
		})
	}
}

func TestMountedUnderPrefix(t *testing.T) {
	h := http.StripPrefix("/ui", graphiql.Handler(graphiql.Options{}))
	html := get(t, h, "/ui/", nil).Body.String()
	m := assetRef.FindAllStringSubmatch(html, -1)
	base, err := url.Parse("http://herald.test/ui/")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range m {
		if strings.HasPrefix(ref[1], "data:") {
			continue
		}
		u, err := base.Parse(ref[1])
		if err != nil {
			t.Fatal(err)
		}
		if rec := get(t, h, u.RequestURI(), nil); rec.Code != http.StatusOK {
			t.Errorf("GET %s: status %d", u.RequestURI(), rec.Code)
		}
	}
}

// TabsFor makes each page's tabs, in place of DefaultTabs, from its
// request; a tab without headers still gets Options.Headers.
func TestTabsPerRequest(t *testing.T) {
	h := graphiql.Handler(graphiql.Options{
		Headers:     `{"X": "page"}`,
		DefaultTabs: []graphiql.Tab{{Query: "query Static { a }"}},
		TabsFor: func(r *http.Request) []graphiql.Tab {
			return []graphiql.Tab{{Query: "query Live { a }", Variables: `{"q": "` + r.URL.Query().Get("q") + `"}`}}
		},
	})
	for _, q := range []string{"one", "two"} {
		got, _ := json.Marshal(pageConfig(t, get(t, h, "/?q="+q, nil).Body.String())["tabs"])
		want, _ := json.Marshal([]any{map[string]any{"query": "query Live { a }", "variables": `{"q": "` + q + `"}`, "headers": `{"X": "page"}`}})
		if !bytes.Equal(got, want) {
			t.Errorf("tabs for q=%s: %s, want %s", q, got, want)
		}
	}
}
