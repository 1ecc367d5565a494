package graphiql_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/herald-indexer/herald/graph/graphiql"
	"github.com/herald-indexer/herald/graph/graphiql/browsertest"
)

// These tests run GraphiQL in headless Chromium (Debian package chromium)
// against a real GraphQL server, and skip when Chromium is not installed.

// testServer serves GraphiQL at / and the test schema at /graphql.
type testServer struct {
	*httptest.Server

	mu sync.Mutex
	// exampleHeaders are the X-Example header values of the GraphQL
	// requests, to see that the headers editor's content is sent.
	exampleHeaders []string
}

func newTestServer(t *testing.T, opts graphiql.Options) *testServer {
	t.Helper()
	ts := &testServer{}
	gql := newGraphQLHandler(t)
	mux := http.NewServeMux()
	mux.Handle("/graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("X-Example"); v != "" {
			ts.mu.Lock()
			ts.exampleHeaders = append(ts.exampleHeaders, v)
			ts.mu.Unlock()
		}
		gql.ServeHTTP(w, r)
	}))
	mux.Handle("/", graphiql.Handler(opts))
	ts.Server = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) sawExampleHeader(want string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return slices.Contains(ts.exampleHeaders, want)
}

func TestBrowserRendersPage(t *testing.T) {
	srv := newTestServer(t, graphiql.Options{
		Title:   "herald test",
		Headers: `{"X-Example": "1"}`,
		DefaultTabs: []graphiql.Tab{
			{Query: "query Greet($name: String!) {\n  greeting(name: $name)\n}", Variables: `{"name": "browser"}`},
			{Query: "subscription Count {\n  ticks(count: 3)\n}"},
		},
	})

	dom, screenshot := browsertest.Run(t, srv.URL+"/")

	for _, want := range []string{
		"graphiql-container",
		"<title>herald test</title>",
		// Tabs are titled with their operation names.
		">Greet<", ">Count<",
		// The active tab's query, as CodeMirror renders it.
		">greeting<",
		// The documentation explorer lists the schema's root types.
		">Query<", ">Subscription<",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	if filepath.Ext(screenshot) != ".png" {
		t.Errorf("screenshot %q is not a PNG", screenshot)
	}
}

func TestBrowserExecutes(t *testing.T) {
	tests := []struct {
		name string
		tab  graphiql.Tab
		want string
		// wantWebsocket is whether the operation must go over a websocket.
		wantWebsocket bool
		// wantHeader is an X-Example request header value the server must see.
		wantHeader string
	}{
		{
			name: "query over HTTP",
			tab: graphiql.Tab{
				Query:     "query Greet($name: String!) {\n  greeting(name: $name)\n}",
				Variables: `{"name": "browser"}`,
				Headers:   `{"X-Example": "from the tab"}`,
			},
			want:       `"greeting": "Hello, browser!"`,
			wantHeader: "from the tab",
		},
		{
			name:          "subscription over graphql-transport-ws",
			tab:           graphiql.Tab{Query: "subscription Count {\n  ticks(count: 3)\n}"},
			want:          `"ticks": 3`,
			wantWebsocket: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, graphiql.Options{DefaultTabs: []graphiql.Tab{tt.tab}})
			page := browsertest.OpenGraphiQL(t, srv.URL+"/")

			got, err := page.Execute(tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(got, `"errors"`) {
				t.Errorf("response has errors: %s", got)
			}
			page.CheckSelfContained(t)

			requests, err := page.Requests()
			if err != nil {
				t.Fatal(err)
			}
			wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
			sawWebsocket := false
			for _, r := range requests {
				if r.Method == "WEBSOCKET" && r.URL == wsURL {
					sawWebsocket = true
				}
			}
			if sawWebsocket != tt.wantWebsocket {
				t.Errorf("websocket to %s opened: %v, want %v; requests: %v", wsURL, sawWebsocket, tt.wantWebsocket, requests)
			}
			if tt.wantHeader != "" && !srv.sawExampleHeader(tt.wantHeader) {
				t.Errorf("no request had X-Example: %s", tt.wantHeader)
			}

			shot := filepath.Join(t.TempDir(), "executed.png")
			if err := page.Screenshot(shot); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", shot)
		})
	}
}

// GraphiQL's dialogs insert a <style> element, which the page's CSP admits
// only with the per-response nonce page.js hands over.
func TestBrowserDialogsKeepToCSP(t *testing.T) {
	srv := newTestServer(t, graphiql.Options{})
	page := browsertest.OpenGraphiQL(t, srv.URL+"/")
	for _, label := range []string{"Open settings dialog", "Open short keys dialog"} {
		open := `document.querySelector('button[aria-label="` + label + `"]').click()`
		if err := page.Eval(open, nil); err != nil {
			t.Fatal(err)
		}
		if err := page.WaitFor(`document.querySelector('[role="dialog"]')`); err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		// Escape closes the dialog, as a person would.
		closeDialog := `document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))`
		if err := page.Eval(closeDialog, nil); err != nil {
			t.Fatal(err)
		}
		if err := page.WaitFor(`!document.querySelector('[role="dialog"]')`); err != nil {
			t.Fatalf("%s: %v", label, err)
		}
	}
	page.CheckSelfContained(t)
}
