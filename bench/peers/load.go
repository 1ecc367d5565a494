package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A request is one HTTP POST of a GraphQL body; a step may send several in
// a row (a page, then the next one with the first's cursor).
type step func(c *client) error

// client is one of the concurrent clients: its own connection, its own
// random sequence.
type client struct {
	http *http.Client
	url  string
	rnd  uint64
	buf  bytes.Buffer
	lat  []time.Duration
}

func (c *client) next(n int) int {
	// xorshift: each client's sequence differs, and costs nothing.
	c.rnd ^= c.rnd << 13
	c.rnd ^= c.rnd >> 7
	c.rnd ^= c.rnd << 17
	return int(c.rnd % uint64(n))
}

// post sends body and returns the response, which must have no errors.
func (c *client) post(body []byte) ([]byte, error) {
	t0 := time.Now()
	resp, err := c.http.Post(c.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	c.buf.Reset()
	_, err = c.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	c.lat = append(c.lat, time.Since(t0))
	if err != nil {
		return nil, err
	}
	out := c.buf.Bytes()
	if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		return nil, fmt.Errorf("status %d: %.300s", resp.StatusCode, out)
	}
	return out, nil
}

// run is what one workload did against one peer in one round.
type run struct {
	requests int
	errors   int
	firstErr string
	elapsed  time.Duration
	lat      []time.Duration
	cpu      map[string]time.Duration // by process group: server, postgres
}

func (r run) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r run) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(int(p*float64(len(r.lat))), len(r.lat)-1)]
}

// cpuPer is a process group's CPU time per request.
func (r run) cpuPer(group string) time.Duration {
	if r.requests == 0 {
		return 0
	}
	return r.cpu[group] / time.Duration(r.requests)
}

// drive runs clients concurrent clients of do against url for d, counting
// the CPU the server's and PostgreSQL's processes spend meanwhile.
func drive(url string, clients int, d time.Duration, seed uint64, groups map[string]func() []int, do step) run {
	var mu sync.Mutex
	var out run
	before := pidCPU(groups)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			c := &client{
				http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}, Timeout: time.Minute},
				url:  url, rnd: seed*1_000_003 + uint64(i)*7919 + 1,
			}
			n, errs, first := 0, 0, ""
			for time.Now().Before(deadline) {
				sent := len(c.lat)
				if err := do(c); err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
				}
				n += len(c.lat) - sent
			}
			c.http.CloseIdleConnections()
			mu.Lock()
			out.requests += n
			out.errors += errs
			if out.firstErr == "" {
				out.firstErr = first
			}
			out.lat = append(out.lat, c.lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	out.cpu = cpuSince(groups, before)
	slices.Sort(out.lat)
	return out
}

// pidCPU is the CPU time (user + system) each group's processes have used.
func pidCPU(groups map[string]func() []int) map[string]map[int]time.Duration {
	out := map[string]map[int]time.Duration{}
	for g, pids := range groups {
		out[g] = map[int]time.Duration{}
		for _, pid := range pids() {
			out[g][pid] = processCPU(pid)
		}
	}
	return out
}

// cpuSince is each group's CPU time since before: a process that started
// since counts whole, one that ended since is lost (backends of a pool
// live as long as it does).
func cpuSince(groups map[string]func() []int, before map[string]map[int]time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for g, pids := range pidCPU(groups) {
		for pid, t := range pids {
			out[g] += t - before[g][pid]
		}
	}
	return out
}

// processCPU reads a process's utime + stime from /proc (USER_HZ ticks).
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command may hold spaces: fields count from after its ')'.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

// processRSS is a process's resident set, in bytes.
func processRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// postgresPIDs are the postmaster of dataDir and its children (backends,
// background workers).
func postgresPIDs(dataDir string) func() []int {
	return func() []int {
		b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
		if err != nil {
			return nil
		}
		master, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
		pids := []int{master}
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
			if err != nil {
				continue
			}
			s := string(stat)
			f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
			if len(f) > 1 && f[1] == strconv.Itoa(master) {
				pids = append(pids, pid)
			}
		}
		return pids
	}
}

// waitFor polls url with body until it answers without errors.
func waitFor(ctx context.Context, url string, body []byte, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	var last error
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && !bytes.Contains(b, []byte(`"errors"`)) {
				return nil
			}
			err = fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %v", url, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
