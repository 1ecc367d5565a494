package browsertest_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/herald-indexer/herald/graph/graphiql/browsertest"
)

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestPageReportsWhatItDid(t *testing.T) {
	// Another port on loopback is another origin, with no traffic leaving
	// the machine.
	other := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, "window.loaded = true;")
	})
	page := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
<p id="greeting">hello</p>
<script src="%s/x.js"></script>
<script>console.error("boom")</script>
<script>throw new Error("kaboom")</script>
</body></html>`, other.URL)
	})

	p := browsertest.Open(t, page.URL+"/")

	if err := p.WaitFor(`window.loaded === true`); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := p.Eval(`document.getElementById("greeting").textContent`, &text); err != nil {
		t.Fatal(err)
	}
	if text != "hello" {
		t.Errorf("Eval = %q, want hello", text)
	}
	if err := p.Eval(`no_such_variable`, nil); err == nil {
		t.Error("Eval of a throwing expression: no error")
	}

	foreign, err := p.ForeignRequests()
	if err != nil {
		t.Fatal(err)
	}
	if len(foreign) != 1 || foreign[0].URL != other.URL+"/x.js" {
		t.Errorf("foreign requests %v, want only %s/x.js", foreign, other.URL)
	}

	problems, err := p.Problems()
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(problems, "\n")
	for _, want := range []string{"console.error: boom", "kaboom"} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}

	dom, err := p.DOM()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dom, `<p id="greeting">hello</p>`) {
		t.Errorf("DOM lacks the paragraph:\n%s", dom)
	}

	shot := filepath.Join(t.TempDir(), "page.png")
	if err := p.Screenshot(shot); err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot is not a PNG")
	}
}

func TestBrowserEndsWithTheTest(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `<!doctype html><p>hello</p>`)
	})
	ignore := goleak.IgnoreCurrent()
	var browser []int
	t.Run("page", func(t *testing.T) {
		p := browsertest.Open(t, srv.URL+"/")
		if err := p.Eval("0", nil); err != nil {
			t.Fatal(err)
		}
		browser = descendants(t, os.Getpid())
		if len(browser) == 0 {
			t.Fatal("no browser processes")
		}
	})
	// A loaded machine may take a while to wind the connections down; the
	// processes are gone when Open's cleanup returns.
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if err = goleak.Find(ignore); err == nil {
			break
		}
	}
	if err != nil {
		t.Error(err)
	}
	for _, pid := range browser {
		if state, _, ok := procStat(pid); ok && state != "Z" {
			t.Errorf("browser process %d still runs (state %s)", pid, state)
		}
	}
}

// descendants returns the processes below pid.
func descendants(t *testing.T, pid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if _, ppid, ok := procStat(p); ok {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	for queue := children[pid]; len(queue) > 0; queue = queue[1:] {
		out = append(out, queue[0])
		queue = append(queue, children[queue[0]]...)
	}
	return out
}

// procStat reads a process's state and parent from /proc/pid/stat.
func procStat(pid int) (state string, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	// pid (comm) state ppid …; comm may hold spaces and parentheses.
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(fields) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(fields[1])
	return fields[0], ppid, err == nil
}
