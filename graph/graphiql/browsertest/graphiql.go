package browsertest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// Selectors of GraphiQL 3's markup; see assets/vendor/VERSIONS.txt.
const (
	selQueryEditor = `.graphiql-container .graphiql-query-editor .CodeMirror`
	selDocsButton  = `button[aria-label="Show Documentation Explorer"]`
	selRootType    = `.graphiql-doc-explorer .graphiql-doc-explorer-root-type`
	selExecute     = `.graphiql-execute-button`
	selResponse    = `.graphiql-response .CodeMirror`
)

// Run opens url, which must serve a GraphiQL page, waits until the editor has
// rendered and the schema has been fetched, and checks that the page loaded
// nothing from another origin and reported no problems (exceptions, console
// errors, failed loads, CSP violations). It saves a screenshot in the test's
// temporary directory, logs its path, and returns the page's DOM and the
// screenshot's path. It skips t when Chromium is not installed.
func Run(t testing.TB, url string) (dom, screenshot string) {
	t.Helper()
	p := OpenGraphiQL(t, url)
	p.CheckSelfContained(t)
	screenshot = filepath.Join(t.TempDir(), "graphiql.png")
	if err := p.Screenshot(screenshot); err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	t.Logf("screenshot of %s: %s", url, screenshot)
	dom, err := p.DOM()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	return dom, screenshot
}

// OpenGraphiQL opens url like Open, then waits for GraphiQL's query editor
// and for the schema: it opens the documentation explorer, which lists the
// root types only once introspection has succeeded.
func OpenGraphiQL(t testing.TB, url string) *Page {
	t.Helper()
	p := Open(t, url)
	if err := p.WaitFor(`document.querySelector(` + jsString(selQueryEditor) + `)`); err != nil {
		t.Fatalf("browsertest: GraphiQL did not render: %v%s", err, p.report())
	}
	if err := p.Eval(`document.querySelector(`+jsString(selDocsButton)+`).click()`, nil); err != nil {
		t.Fatalf("browsertest: open the documentation explorer: %v%s", err, p.report())
	}
	if err := p.WaitFor(`document.querySelector(` + jsString(selRootType) + `)`); err != nil {
		t.Fatalf("browsertest: GraphiQL did not load the schema: %v%s", err, p.report())
	}
	return p
}

// CheckSelfContained fails t if the page requested anything from another
// origin or reported problems.
func (p *Page) CheckSelfContained(t testing.TB) {
	t.Helper()
	foreign, err := p.ForeignRequests()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	for _, r := range foreign {
		t.Errorf("page requested another origin: %s %s", r.Method, r.URL)
	}
	problems, err := p.Problems()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	for _, pr := range problems {
		t.Errorf("page reported: %s", pr)
	}
}

// Execute clicks GraphiQL's execute button, running the operation in the
// active tab, and waits until the response editor contains want. It returns
// the response editor's text.
//
// Run the page's first tab: GraphiQL updates the operation name it sends a
// moment after the editor changes (debounced), and nothing in the page shows
// when it has, so executing right after switching tabs may send the previous
// tab's operation name.
func (p *Page) Execute(want string) (string, error) {
	if err := p.Eval(`document.querySelector(`+jsString(selExecute)+`).click()`, nil); err != nil {
		return "", fmt.Errorf("click execute: %w", err)
	}
	// CodeMirror 5 keeps its instance on the wrapper element.
	response := `document.querySelector(` + jsString(selResponse) + `).CodeMirror.getValue()`
	if err := p.WaitFor(response + `.includes(` + jsString(want) + `)`); err != nil {
		var got string
		_ = p.Eval(response, &got)
		return "", fmt.Errorf("response never contained %q (last response: %s): %w", want, got, err)
	}
	var got string
	if err := p.Eval(response, &got); err != nil {
		return "", fmt.Errorf("read response: %w", err)
	}
	return got, nil
}

// report describes what the page did, for failure messages.
func (p *Page) report() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	b.WriteString("\nrequests:")
	for _, r := range p.requests {
		fmt.Fprintf(&b, "\n  %s %s", r.Method, r.URL)
	}
	b.WriteString("\nproblems:")
	for _, pr := range p.problems {
		b.WriteString("\n  " + pr)
	}
	return b.String()
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		// Marshalling a string cannot fail.
		return `""`
	}
	return string(b)
}
