package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock only moves when told to or when something sleeps on it.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	slept   []time.Duration
	onSleep func()
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.onSleep != nil {
		c.onSleep()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

// node is an in-process stand-in for an RPC client.
type node struct {
	name string
	mu   sync.Mutex
	err  error
	// failEvery makes every n-th call fail with errFlaky instead.
	failEvery int
	calls     int
	// hook runs inside each call, as if while the request is on the wire.
	hook func()
}

var (
	errRefused = errors.New("connection refused")
	err503     = errors.New("503 Service Unavailable")
	errInvalid = errors.New("invalid params")
	errFlaky   = errors.New("flaky")
)

func (n *node) set(err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.err = err
}

func (n *node) callCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.calls
}

func (n *node) call() (string, error) {
	n.mu.Lock()
	n.calls++
	err, hook := n.err, n.hook
	if n.failEvery > 0 && n.calls%n.failEvery == 0 {
		err = errFlaky
	}
	n.mu.Unlock()
	if hook != nil {
		hook()
	}
	if err != nil {
		return "", err
	}
	return n.name, nil
}

func get(_ context.Context, n *node) (string, error) { return n.call() }

func newNodes(errs ...error) []*node {
	nodes := make([]*node, len(errs))
	for i, err := range errs {
		nodes[i] = &node{name: string(rune('a' + i)), err: err}
	}
	return nodes
}

func newTestPool(t *testing.T, clock *fakeClock, nodes []*node, opts ...Option) *Pool[*node] {
	t.Helper()
	providers := make([]Provider[*node], len(nodes))
	for i, n := range nodes {
		providers[i] = Provider[*node]{Name: n.name, Client: n}
	}
	opts = append([]Option{
		WithClock(clock),
		WithJitter(0),
		WithBackoff(100*time.Millisecond, 500*time.Millisecond),
	}, opts...)
	p, err := NewPool(providers, opts...)
	if err != nil {
		t.Fatalf("NewPool: %v", err)
	}
	return p
}

func callCounts(nodes []*node) []int {
	out := make([]int, len(nodes))
	for i, n := range nodes {
		out[i] = n.callCount()
	}
	return out
}

func TestDo(t *testing.T) {
	tests := []struct {
		name      string
		errs      []error
		want      string
		wantErr   error
		permanent bool
		wantText  []string
		calls     []int
	}{
		{name: "first healthy", errs: []error{nil, nil}, want: "a", calls: []int{1, 0}},
		{name: "first fails, second used", errs: []error{errRefused, nil}, want: "b", calls: []int{1, 1}},
		{name: "first times out", errs: []error{context.DeadlineExceeded, nil}, want: "b", calls: []int{1, 1}},
		{name: "third used", errs: []error{errRefused, err503, nil}, want: "c", calls: []int{1, 1, 1}},
		{
			name:      "permanent error not retried",
			errs:      []error{Permanent(errInvalid), nil},
			wantErr:   errInvalid,
			permanent: true,
			wantText:  []string{"getblock: a: invalid params"},
			calls:     []int{1, 0},
		},
		{
			name:     "all fail",
			errs:     []error{errRefused, err503},
			wantErr:  ErrUnavailable,
			wantText: []string{"getblock: all providers unavailable after 4 attempts", "a: connection refused", "b: 503"},
			calls:    []int{2, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes := newNodes(tt.errs...)
			var results int
			p := newTestPool(t, newFakeClock(), nodes,
				WithAttempts(4),
				WithBreaker(10, time.Minute),
				WithOnResult(func(string, string, error, time.Duration) { results++ }),
			)

			got, err := Do(t.Context(), p, "getblock", get)

			if tt.wantErr == nil {
				if err != nil || got != tt.want {
					t.Fatalf("Do = %q, %v; want %q, nil", got, err, tt.want)
				}
			} else if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Do error = %v; want it to wrap %v", err, tt.wantErr)
			}
			if IsPermanent(err) != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v; want %v", err, !tt.permanent, tt.permanent)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			calls := callCounts(nodes)
			if !slices.Equal(calls, tt.calls) {
				t.Errorf("calls = %v; want %v", calls, tt.calls)
			}
			var total int
			for _, c := range calls {
				total += c
			}
			if results != total {
				t.Errorf("OnResult called %d times for %d requests", results, total)
			}
		})
	}
}

func TestBreaker(t *testing.T) {
	tests := []struct {
		name     string
		probeErr error
		want     string // answer to the probing call and the one after it
		wantA    State  // provider a after the probe (counters and breaker only)
		callsA   int    // calls made to a in the end
	}{
		{
			name:   "probe succeeds",
			want:   "a",
			wantA:  State{Breaker: "closed", Requests: 4, Failures: 2},
			callsA: 4,
		},
		{
			name:     "probe fails",
			probeErr: err503,
			want:     "b",
			wantA:    State{Breaker: "open", ConsecutiveFailures: 3, Requests: 3, Failures: 3},
			callsA:   3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			clock := newFakeClock()
			nodes := newNodes(errRefused, nil)
			a := nodes[0]
			p := newTestPool(t, clock, nodes, WithAttempts(2), WithBreaker(2, 30*time.Second))
			mustGet := func(want string) {
				t.Helper()
				if got, err := Do(ctx, p, "get", get); err != nil || got != want {
					t.Fatalf("Do = %q, %v; want %q, nil", got, err, want)
				}
			}

			mustGet("b")
			if s := p.States()[0]; s.Breaker != "closed" || s.ConsecutiveFailures != 1 {
				t.Fatalf("after 1 failure a = %+v; want closed with 1 failure", s)
			}
			failedAt := clock.Now()
			mustGet("b")
			if s := p.States()[0]; s.Breaker != "open" || s.LastError != "a: connection refused" || !s.LastErrorAt.Equal(failedAt) {
				t.Fatalf("after 2 failures a = %+v; want open, with the error's time %s", s, failedAt)
			}
			mustGet("b")
			if a.callCount() != 2 {
				t.Fatalf("open provider called: %d calls; want 2", a.callCount())
			}

			// After the cool-down one probe goes to a; a caller arriving meanwhile
			// skips it.
			clock.Advance(30 * time.Second)
			a.set(tt.probeErr)
			var during State
			var concurrent string
			a.hook = func() {
				a.hook = nil
				during = p.States()[0]
				concurrent, _ = Do(ctx, p, "get", get)
			}
			mustGet(tt.want)
			if during.Breaker != "half-open" || concurrent != "b" {
				t.Errorf("during probe: a %q, concurrent caller got %q; want half-open, b", during.Breaker, concurrent)
			}
			mustGet(tt.want)

			s := p.States()[0]
			got := State{Breaker: s.Breaker, ConsecutiveFailures: s.ConsecutiveFailures, Requests: s.Requests, Failures: s.Failures}
			if got != tt.wantA {
				t.Errorf("a = %+v; want %+v", got, tt.wantA)
			}
			if a.callCount() != tt.callsA {
				t.Errorf("a called %d times; want %d", a.callCount(), tt.callsA)
			}
		})
	}
}

func TestAllOpenUsesSoonestCooldown(t *testing.T) {
	clock := newFakeClock()
	nodes := newNodes(errRefused, nil)
	a, b := nodes[0], nodes[1]
	p := newTestPool(t, clock, nodes, WithAttempts(2), WithBreaker(1, 30*time.Second))

	if got, err := Do(t.Context(), p, "get", get); err != nil || got != "b" {
		t.Fatalf("Do = %q, %v; want b", got, err)
	}
	clock.Advance(10 * time.Second)
	a.set(nil)
	b.set(err503)

	// b fails and opens; a is still cooling down but its cool-down ends first.
	got, err := Do(t.Context(), p, "get", get)
	if err != nil || got != "a" {
		t.Fatalf("Do = %q, %v; want a", got, err)
	}
	states := p.States()
	if states[0].Breaker != "closed" || states[1].Breaker != "open" {
		t.Errorf("breakers = %q, %q; want closed, open", states[0].Breaker, states[1].Breaker)
	}
}

func TestParentCancel(t *testing.T) {
	tests := []struct {
		name  string
		setup func(cancel func(), clock *fakeClock, nodes []*node)
		calls []int
	}{
		{
			name:  "before the call",
			setup: func(cancel func(), _ *fakeClock, _ []*node) { cancel() },
			calls: []int{0, 0},
		},
		{
			name: "during a request",
			setup: func(cancel func(), _ *fakeClock, nodes []*node) {
				nodes[0].hook = cancel
				nodes[0].set(context.Canceled)
			},
			calls: []int{1, 0},
		},
		{
			name: "during the backoff",
			setup: func(cancel func(), clock *fakeClock, nodes []*node) {
				clock.onSleep = cancel
				nodes[0].set(errRefused)
				nodes[1].set(errRefused)
			},
			// The second round is at once; the backoff comes before the third.
			calls: []int{2, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			clock := newFakeClock()
			nodes := newNodes(nil, nil)
			p := newTestPool(t, clock, nodes)
			tt.setup(cancel, clock, nodes)

			_, err := Do(ctx, p, "get", get)

			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Do error = %v; want context.Canceled", err)
			}
			if calls := callCounts(nodes); !slices.Equal(calls, tt.calls) {
				t.Errorf("calls = %v; want %v", calls, tt.calls)
			}
			if tt.name == "during a request" {
				if s := p.States()[0]; s.Failures != 0 || s.Breaker != "closed" {
					t.Errorf("canceled request counted against a: %+v", s)
				}
			}
		})
	}
}

func TestBackoffBetweenRounds(t *testing.T) {
	tests := []struct {
		jitter   float64
		want     []time.Duration // ms, before jitter
		min, max float64         // bounds of each delay, as a share of want
	}{
		// Six rounds of one provider: the second at once, then a backoff
		// before each of the other four.
		{jitter: 0, want: []time.Duration{100, 200, 400, 500}, min: 1, max: 1},
		{jitter: 0.5, want: []time.Duration{100, 200, 400, 500}, min: 0.5, max: 1.5},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.jitter), func(t *testing.T) {
			clock := newFakeClock()
			p := newTestPool(t, clock, newNodes(errRefused),
				WithAttempts(6),
				WithBreaker(100, time.Minute),
				WithJitter(tt.jitter),
			)
			if _, err := Do(t.Context(), p, "get", get); !errors.Is(err, ErrUnavailable) {
				t.Fatalf("Do error = %v; want ErrUnavailable", err)
			}
			if len(clock.slept) != len(tt.want) {
				t.Fatalf("slept %v; want %d delays", clock.slept, len(tt.want))
			}
			for i, ms := range tt.want {
				d, want := clock.slept[i], ms*time.Millisecond
				if float64(d) < tt.min*float64(want) || float64(d) > tt.max*float64(want)+1 {
					t.Errorf("delay %d: %v; want %v within ×[%v, %v]", i, d, want, tt.min, tt.max)
				}
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	nodes := newNodes(nil, nil, nil)
	for i, n := range nodes {
		n.failEvery = i + 2
	}
	p := newTestPool(t, newFakeClock(), nodes, WithBreaker(2, time.Second))

	var wg sync.WaitGroup
	errs := make(chan error, 8*50)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if _, err := Do(t.Context(), p, "get", get); err != nil && !errors.Is(err, ErrUnavailable) {
					errs <- err
				}
				p.States()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Do: %v", err)
	}

	for i, s := range p.States() {
		if int(s.Requests) != nodes[i].callCount() {
			t.Errorf("%s: %d requests recorded for %d calls", s.Name, s.Requests, nodes[i].callCount())
		}
	}
}

func TestSecretsMasked(t *testing.T) {
	const rawURL = "https://rpcuser:hunter22@eth.example.com/v2/abcdEFGH1234ijklMNOP5678qrstUVWX?apikey=s3cretkey"
	secrets := []string{"hunter22", "abcdEFGH1234ijklMNOP5678qrstUVWX", "s3cretkey", "rpcuser"}
	var observed []string
	p, err := NewPool([]Provider[string]{{URL: rawURL}},
		WithAttempts(1),
		WithClock(newFakeClock()),
		WithOnResult(func(_, _ string, err error, _ time.Duration) { observed = append(observed, err.Error()) }),
	)
	if err != nil {
		t.Fatalf("NewPool: %v", err)
	}

	_, err = Do(t.Context(), p, "get", func(context.Context, string) (int, error) {
		return 0, fmt.Errorf("Post %q: %w", rawURL, errRefused)
	})

	if !errors.Is(err, errRefused) {
		t.Errorf("Do error = %v; want it to wrap %v", err, errRefused)
	}
	s := p.States()[0]
	for _, text := range append([]string{err.Error(), s.Name, s.LastError}, observed...) {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("%q leaks %q", text, secret)
			}
		}
	}
	if want := "https://eth.example.com/v2/***?apikey=***"; s.Name != want {
		t.Errorf("name = %q; want %q", s.Name, want)
	}
}

func TestNewPoolRejects(t *testing.T) {
	one := []Provider[int]{{Name: "a"}}
	tests := []struct {
		name      string
		providers []Provider[int]
		opts      []Option
	}{
		{name: "no providers"},
		{name: "provider without name or URL", providers: []Provider[int]{{Client: 1}}},
		{name: "zero attempts", providers: one, opts: []Option{WithAttempts(0)}},
		{name: "zero backoff", providers: one, opts: []Option{WithBackoff(0, time.Second)}},
		{name: "max below base", providers: one, opts: []Option{WithBackoff(time.Second, time.Millisecond)}},
		{name: "zero threshold", providers: one, opts: []Option{WithBreaker(0, time.Second)}},
		{name: "negative timeout", providers: one, opts: []Option{WithTimeout(-time.Second)}},
		{name: "nil clock", providers: one, opts: []Option{WithClock(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewPool(tt.providers, tt.opts...); err == nil {
				t.Error("NewPool succeeded; want an error")
			}
		})
	}
}
