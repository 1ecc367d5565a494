package dashboard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestHandlerServesPageAndAssets(t *testing.T) {
	h, err := Handler(Options{Path: "/dashboard", ClaimsPerMinute: 123})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *http.Response {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Result()
	}
	resp := get("/dashboard")
	body, _ := io.ReadAll(resp.Body)
	page := string(body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("page: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	if !strings.Contains(page, `"claimsPerMinute":123`) || !strings.Contains(page, `"gasBudget":285000`) || !strings.Contains(page, `"endpoint":"/graphql"`) {
		t.Fatalf("page config missing from the page:\n%s", page)
	}
	// Every script and stylesheet the page names is served, versioned,
	// from the page's own path.
	refs := regexp.MustCompile(`(?:src|href)="(/dashboard/assets/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) != 4 {
		t.Fatalf("page names %d assets, want 4 (uPlot's script and style, the page's): %v", len(refs), refs)
	}
	for _, r := range refs {
		resp := get(strings.ReplaceAll(r[1], "&amp;", "&"))
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d, cache %q", r[1], resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("the page names another origin")
	}
	for _, path := range []string{"/dashboard/assets/nope.js", "/dashboard/other", "/dashboard/assets/../page.html"} {
		if code := get(path).StatusCode; code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/dashboard", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", rec.Code)
	}
}
