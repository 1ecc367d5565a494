// Package browsertest drives a headless Chromium from Go tests, with
// github.com/chromedp/chromedp, to check that a page really renders and works
// in a browser.
//
// Tests skip when no Chromium binary is installed.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// timeout bounds every step of the browser, waits included; it only stops a
// broken run from hanging, no test asserts on it.
const timeout = 30 * time.Second

// pollEvery is how often WaitFor evaluates its expression.
const pollEvery = 100 * time.Millisecond

// maxDataURL is how much of a data: URL Requests keeps; fonts are inlined
// as long ones.
const maxDataURL = 64

// Viewport size of every page, in CSS pixels.
const (
	viewportWidth  = 1280
	viewportHeight = 800
)

// problemsScript makes CSP violations visible as console errors, which the
// Page records: Chromium reports them only to DevTools' own console.
const problemsScript = `window.addEventListener('securitypolicyviolation', function (e) {
	console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI);
});`

// Request is one network request a page made.
type Request struct {
	Method string
	URL    string
}

// Page is one tab of a headless Chromium started for a test. Its methods are
// not safe for concurrent use.
type Page struct {
	ctx context.Context // the tab's chromedp context
	url string

	mu       sync.Mutex // the browser's reading goroutine records events
	requests []Request
	problems []string
}

// Open starts a headless Chromium with a fresh profile, loads url in it and
// waits for the document to finish loading. It skips t when Chromium is not
// installed and fails t when the browser cannot be driven. The browser is
// closed, and its processes ended, when the test ends.
func Open(t testing.TB, url string) *Page {
	t.Helper()
	bin, err := chromium()
	if err != nil {
		t.Skipf("chromium not installed: %v", err)
	}
	// chromedp talks to Chromium over --remote-debugging-pipe and gives it a
	// temporary --user-data-dir, which it removes with the browser.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox, // Chromium refuses its sandbox as root, as tests run here and in CI
		chromedp.Flag("disable-gpu", true),
		// No connections of the browser's own: the network is closed, and a
		// test must see only the page's requests.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(viewportWidth, viewportHeight),
	)
	p := &Page{url: url}
	// The listener sees every event of the tab from its start.
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(p.record))
	p.ctx = ctx
	// Both cancel funcs wait until the browser has exited.
	stop := sync.OnceFunc(func() {
		cancel()
		cancelAlloc()
	})
	t.Cleanup(stop)

	// The browser lives as long as the context of its first run, so that run
	// has no deadline: a watchdog stops a browser that never answers.
	watchdog := time.AfterFunc(timeout, stop)
	err = chromedp.Do(ctx)
	watchdog.Stop()
	if err != nil {
		t.Fatalf("browsertest: start %s: %v", bin, err)
	}

	if err := p.do(
		chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
			_, err := cdp.Call(ctx, tab, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: problemsScript})
			return err
		}),
		chromedp.EmulateViewport(viewportWidth, viewportHeight),
		chromedp.Navigate(url), // waits for the load event
	); err != nil {
		t.Fatalf("browsertest: load %s: %v", url, err)
	}
	return p
}

// chromium finds the browser under the names it is installed as, Debian's
// first.
func chromium() (string, error) {
	var errs []error
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		path, err := exec.LookPath(name)
		if err == nil {
			return path, nil
		}
		errs = append(errs, err)
	}
	return "", errors.Join(errs...)
}

// run runs one action in the tab, bounded by timeout.
func run[T any](p *Page, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

func (p *Page) do(steps ...chromedp.Action[chromedp.Void]) error {
	_, err := run(p, chromedp.Steps(steps...))
	return err
}

// record keeps what the page did. chromedp calls it for every event of the
// tab, on its reading goroutine, before the reply to any later command.
func (p *Page) record(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if strings.HasPrefix(u, "data:") && len(u) > maxDataURL {
			u = u[:maxDataURL] + "…"
		}
		p.requests = append(p.requests, Request{Method: ev.Request.Method, URL: u})
	case *network.EventWebSocketCreated:
		p.requests = append(p.requests, Request{Method: "WEBSOCKET", URL: ev.URL})
	case *runtime.EventExceptionThrown:
		p.problems = append(p.problems, (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		parts := make([]string, 0, len(ev.Args))
		for _, a := range ev.Args {
			var v any
			if len(a.Value) > 0 && json.Unmarshal(a.Value, &v) == nil {
				parts = append(parts, fmt.Sprint(v))
			} else {
				parts = append(parts, a.Description)
			}
		}
		p.problems = append(p.problems, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
	case *log.EventEntryAdded:
		if e := ev.Entry; e.Level == log.EntryLevelError {
			p.problems = append(p.problems, fmt.Sprintf("%s error: %s %s", e.Source, e.Text, e.URL))
		}
	}
}

// Eval evaluates a JavaScript expression in the page, awaiting it if it is a
// promise, and decodes its JSON-serialisable value into result (which may be
// nil).
func (p *Page) Eval(expr string, result any) error {
	raw, err := run(p, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("evaluate %q: %w", expr, err)
	}
	if result == nil || len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, result); err != nil {
		return fmt.Errorf("evaluate %q: decode result: %w", expr, err)
	}
	return nil
}

// WaitFor evaluates a JavaScript expression repeatedly until it is truthy.
func (p *Page) WaitFor(expr string) error {
	_, err := run(p, chromedp.Poll[bool]("!!("+expr+")",
		chromedp.WithPollingInterval(pollEvery), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		return fmt.Errorf("wait for %s: %w", expr, err)
	}
	return nil
}

// DOM returns the page's current document as HTML.
func (p *Page) DOM() (string, error) {
	var html string
	err := p.Eval("document.documentElement.outerHTML", &html)
	return html, err
}

// Screenshot saves the viewport as a PNG file.
func (p *Page) Screenshot(path string) error {
	png, err := run(p, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Errorf("write screenshot: %w", err)
	}
	return nil
}

// Requests returns every request the page has made so far, websockets
// included (Method "WEBSOCKET").
func (p *Page) Requests() ([]Request, error) {
	requests, _, err := p.recorded()
	return requests, err
}

// Problems returns what went wrong in the page so far: uncaught exceptions,
// console errors, failed loads and Content-Security-Policy violations.
func (p *Page) Problems() ([]string, error) {
	_, problems, err := p.recorded()
	return problems, err
}

// recorded returns copies of what the page did up to now: a round trip
// delivers the events Chromium sent before it.
func (p *Page) recorded() ([]Request, []string, error) {
	if err := p.Eval("0", nil); err != nil {
		return nil, nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...), append([]string(nil), p.problems...), nil
}

// ForeignRequests returns the requests to any origin other than the page's
// (websockets count as same-origin on the same host and port). data: URLs
// never leave the page and are not reported.
func (p *Page) ForeignRequests() ([]Request, error) {
	base, err := url.Parse(p.url)
	if err != nil {
		return nil, fmt.Errorf("parse page URL: %w", err)
	}
	reqs, err := p.Requests()
	if err != nil {
		return nil, err
	}
	var foreign []Request
	for _, r := range reqs {
		u, err := url.Parse(r.URL)
		switch {
		case err != nil:
			foreign = append(foreign, r)
		case u.Scheme == "data":
		case u.Host == base.Host && sameScheme(u.Scheme, base.Scheme):
		default:
			foreign = append(foreign, r)
		}
	}
	return foreign, nil
}

// sameScheme reports whether a request scheme belongs to a page scheme:
// http pages open ws sockets, https pages wss.
func sameScheme(req, pageScheme string) bool {
	switch pageScheme {
	case "http":
		return req == "http" || req == "ws"
	case "https":
		return req == "https" || req == "wss"
	}
	return req == pageScheme
}
