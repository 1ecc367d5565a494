// Package browsertest drives a headless Chromium from Go tests, to check that
// a page really renders and works in a browser. It speaks the Chrome DevTools
// protocol over the --remote-debugging-pipe file descriptors, so it needs no
// dependency beyond the standard library and the Debian chromium package.
//
// Tests skip when no Chromium binary is installed.
package browsertest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Bounds on how long the browser may take; they only stop a broken run from
// hanging, no test asserts on them.
const (
	callTimeout = 30 * time.Second
	waitTimeout = 30 * time.Second
	pollEvery   = 100 * time.Millisecond
)

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
	conn    *conn
	session string
	stderr  *lockedBuffer
	url     string

	requests []Request
	problems []string
}

// Open starts a headless Chromium with a fresh profile, loads url in it and
// waits for the document to finish loading. It skips t when Chromium is not
// installed and fails t when the browser cannot be driven. The browser is
// closed when the test ends.
func Open(t testing.TB, url string) *Page {
	t.Helper()
	bin, err := chromium()
	if err != nil {
		t.Skipf("chromium not installed: %v", err)
	}
	p, err := launch(t, bin)
	if err != nil {
		t.Fatalf("browsertest: start %s: %v", bin, err)
	}
	if err := p.navigate(url); err != nil {
		t.Fatalf("browsertest: load %s: %v\nchromium stderr:\n%s", url, err, p.stderr)
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

func launch(t testing.TB, bin string) (*Page, error) {
	// Chromium reads commands from fd 3 and writes replies to fd 4.
	cmdRead, cmdWrite, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("command pipe: %w", err)
	}
	replyRead, replyWrite, err := os.Pipe()
	if err != nil {
		cmdRead.Close()
		cmdWrite.Close()
		return nil, fmt.Errorf("reply pipe: %w", err)
	}
	cmd := exec.Command(bin,
		"--headless",
		"--no-sandbox", // Chromium refuses its sandbox as root, as tests run here and in CI
		"--disable-gpu",
		// No connections of the browser's own: the network is closed, and a
		// test must see only the page's requests.
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-quic",
		"--no-first-run",
		"--no-default-browser-check",
		"--hide-scrollbars",
		"--user-data-dir="+t.TempDir(),
		fmt.Sprintf("--window-size=%d,%d", viewportWidth, viewportHeight),
		"--remote-debugging-pipe",
		"about:blank",
	)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	cmd.ExtraFiles = []*os.File{cmdRead, replyWrite}
	// Renderer processes inherit stderr; don't wait on them forever.
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Start()
	// The child has its own copies now.
	cmdRead.Close()
	replyWrite.Close()
	if err != nil {
		cmdWrite.Close()
		replyRead.Close()
		return nil, err
	}

	c := newConn(cmdWrite, replyRead)
	p := &Page{conn: c, stderr: stderr}
	t.Cleanup(func() {
		// Browser.close ends every Chromium process; killing is the fallback
		// when the browser no longer answers.
		if err := c.call("", "Browser.close", nil, nil, p.record); err != nil {
			_ = cmd.Process.Kill()
		}
		c.close()
		_ = cmd.Wait()
	})

	if err := p.attach(); err != nil {
		return nil, fmt.Errorf("%w\nchromium stderr:\n%s", err, stderr)
	}
	return p, nil
}

// attach connects to the tab Chromium opened and enables the events the Page
// records.
func (p *Page) attach() error {
	var targets struct {
		TargetInfos []struct {
			TargetID string `json:"targetId"`
			Type     string `json:"type"`
		} `json:"targetInfos"`
	}
	if err := p.conn.call("", "Target.getTargets", nil, &targets, p.record); err != nil {
		return err
	}
	var target string
	for _, ti := range targets.TargetInfos {
		if ti.Type == "page" {
			target = ti.TargetID
			break
		}
	}
	if target == "" {
		return errors.New("chromium opened no page")
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	params := map[string]any{"targetId": target, "flatten": true}
	if err := p.conn.call("", "Target.attachToTarget", params, &attached, p.record); err != nil {
		return err
	}
	p.session = attached.SessionID

	steps := []struct {
		method string
		params any
	}{
		{"Page.enable", nil},
		{"Runtime.enable", nil},
		{"Log.enable", nil},
		{"Network.enable", nil},
		{"Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": problemsScript}},
		{"Emulation.setDeviceMetricsOverride", map[string]any{
			"width": viewportWidth, "height": viewportHeight, "deviceScaleFactor": 1, "mobile": false,
		}},
	}
	for _, s := range steps {
		if err := p.call(s.method, s.params, nil); err != nil {
			return err
		}
	}
	return nil
}

func (p *Page) navigate(url string) error {
	p.url = url
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.call("Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return errors.New(nav.ErrorText)
	}
	return p.WaitFor(`document.readyState === "complete"`)
}

func (p *Page) call(method string, params, result any) error {
	return p.conn.call(p.session, method, params, result, p.record)
}

// record keeps what the page did, from the events Chromium sends.
func (p *Page) record(m message) {
	switch m.Method {
	case "Network.requestWillBeSent":
		var e struct {
			Request struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"request"`
		}
		if json.Unmarshal(m.Params, &e) == nil {
			u := e.Request.URL
			if strings.HasPrefix(u, "data:") && len(u) > maxDataURL {
				u = u[:maxDataURL] + "…"
			}
			p.requests = append(p.requests, Request{Method: e.Request.Method, URL: u})
		}
	case "Network.webSocketCreated":
		var e struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(m.Params, &e) == nil {
			p.requests = append(p.requests, Request{Method: "WEBSOCKET", URL: e.URL})
		}
	case "Runtime.exceptionThrown":
		var e struct {
			ExceptionDetails struct {
				Text      string `json:"text"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		if json.Unmarshal(m.Params, &e) == nil {
			d := e.ExceptionDetails
			p.problems = append(p.problems, "exception: "+d.Text+" "+d.Exception.Description)
		}
	case "Runtime.consoleAPICalled":
		var e struct {
			Type string `json:"type"`
			Args []struct {
				Value       any    `json:"value"`
				Description string `json:"description"`
			} `json:"args"`
		}
		if json.Unmarshal(m.Params, &e) == nil && (e.Type == "error" || e.Type == "assert") {
			parts := make([]string, 0, len(e.Args))
			for _, a := range e.Args {
				if a.Value != nil {
					parts = append(parts, fmt.Sprint(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			p.problems = append(p.problems, "console."+e.Type+": "+strings.Join(parts, " "))
		}
	case "Log.entryAdded":
		var e struct {
			Entry struct {
				Level  string `json:"level"`
				Source string `json:"source"`
				Text   string `json:"text"`
				URL    string `json:"url"`
			} `json:"entry"`
		}
		if json.Unmarshal(m.Params, &e) == nil && e.Entry.Level == "error" {
			p.problems = append(p.problems, fmt.Sprintf("%s error: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	}
}

// Eval evaluates a JavaScript expression in the page, awaiting it if it is a
// promise, and decodes its JSON-serialisable value into result (which may be
// nil).
func (p *Page) Eval(expr string, result any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	params := map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}
	if err := p.call("Runtime.evaluate", params, &r); err != nil {
		return fmt.Errorf("evaluate %q: %w", expr, err)
	}
	if d := r.ExceptionDetails; d != nil {
		return fmt.Errorf("evaluate %q: %s %s", expr, d.Text, d.Exception.Description)
	}
	if result == nil || len(r.Result.Value) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Result.Value, result); err != nil {
		return fmt.Errorf("evaluate %q: decode result: %w", expr, err)
	}
	return nil
}

// WaitFor evaluates a JavaScript expression repeatedly until it is truthy.
func (p *Page) WaitFor(expr string) error {
	deadline := time.Now().Add(waitTimeout)
	for {
		var ok bool
		if err := p.Eval("!!("+expr+")", &ok); err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still false after %v: %s", waitTimeout, expr)
		}
		time.Sleep(pollEvery)
	}
}

// DOM returns the page's current document as HTML.
func (p *Page) DOM() (string, error) {
	var html string
	if err := p.Eval("document.documentElement.outerHTML", &html); err != nil {
		return "", err
	}
	return html, nil
}

// Screenshot saves the viewport as a PNG file.
func (p *Page) Screenshot(path string) error {
	var shot struct {
		Data string `json:"data"`
	}
	if err := p.call("Page.captureScreenshot", map[string]any{"format": "png"}, &shot); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return fmt.Errorf("decode screenshot: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Errorf("write screenshot: %w", err)
	}
	return nil
}

// Requests returns every request the page has made so far, websockets
// included (Method "WEBSOCKET").
func (p *Page) Requests() ([]Request, error) {
	// A round trip delivers the events Chromium sent before it.
	if err := p.Eval("0", nil); err != nil {
		return nil, err
	}
	return p.requests, nil
}

// Problems returns what went wrong in the page so far: uncaught exceptions,
// console errors, failed loads and Content-Security-Policy violations.
func (p *Page) Problems() ([]string, error) {
	if err := p.Eval("0", nil); err != nil {
		return nil, err
	}
	return p.problems, nil
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
		if err != nil {
			foreign = append(foreign, r)
			continue
		}
		switch {
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
func sameScheme(req, page string) bool {
	switch page {
	case "http":
		return req == "http" || req == "ws"
	case "https":
		return req == "https" || req == "wss"
	}
	return req == page
}

// message is one DevTools protocol message: a reply when ID is set, an event
// otherwise.
type message struct {
	ID        int64           `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// conn is a DevTools protocol connection over Chromium's pipe: messages are
// JSON, each terminated by a NUL byte.
type conn struct {
	w      io.WriteCloser
	r      io.Closer
	msgs   chan message
	done   chan struct{}
	once   sync.Once
	nextID int64
	// readErr is set before msgs is closed.
	readErr error
}

func newConn(w io.WriteCloser, r io.ReadCloser) *conn {
	c := &conn{w: w, r: r, msgs: make(chan message, 64), done: make(chan struct{})}
	go c.read(bufio.NewReader(r))
	return c
}

func (c *conn) read(r *bufio.Reader) {
	defer close(c.msgs)
	for {
		line, err := r.ReadBytes(0)
		if err != nil {
			c.readErr = fmt.Errorf("read from chromium: %w", err)
			return
		}
		var m message
		if err := json.Unmarshal(line[:len(line)-1], &m); err != nil {
			c.readErr = fmt.Errorf("decode message from chromium: %w", err)
			return
		}
		select {
		case c.msgs <- m:
		case <-c.done:
			return
		}
	}
}

// call sends a command and waits for its reply, handing the events that
// arrive meanwhile to onEvent.
func (c *conn) call(session, method string, params, result any, onEvent func(message)) error {
	c.nextID++
	id := c.nextID
	raw, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("%s: encode params: %w", method, err)
	}
	if params == nil {
		raw = nil
	}
	req, err := json.Marshal(message{ID: id, SessionID: session, Method: method, Params: raw})
	if err != nil {
		return fmt.Errorf("%s: encode: %w", method, err)
	}
	if _, err := c.w.Write(append(req, 0)); err != nil {
		return fmt.Errorf("%s: send: %w", method, err)
	}
	timeout := time.NewTimer(callTimeout)
	defer timeout.Stop()
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				return fmt.Errorf("%s: %w", method, c.readErr)
			}
			if m.ID != id {
				if m.ID == 0 && m.SessionID == session {
					onEvent(m)
				}
				continue
			}
			if m.Error != nil {
				return fmt.Errorf("%s: chromium error %d: %s", method, m.Error.Code, m.Error.Message)
			}
			if result == nil {
				return nil
			}
			if err := json.Unmarshal(m.Result, result); err != nil {
				return fmt.Errorf("%s: decode result: %w", method, err)
			}
			return nil
		case <-timeout.C:
			return fmt.Errorf("%s: no reply from chromium after %v", method, callTimeout)
		}
	}
}

func (c *conn) close() {
	c.once.Do(func() {
		close(c.done)
		c.w.Close()
		c.r.Close()
	})
}

// lockedBuffer collects Chromium's stderr, written by exec's copying
// goroutine and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
