// Package provider spreads the RPC calls of one network over an ordered list of
// providers, so that a slow or failing provider costs latency, not progress.
//
// The policy of Do:
//
//   - Providers are tried in list order: the first one whose circuit breaker admits
//     a request is used, so the preferred provider takes the traffic again as soon
//     as its breaker closes.
//   - Every attempt has its own timeout. A failed attempt fails over at once to the
//     next admissible provider not yet tried by this call. Once every admissible
//     provider has been tried, Do tries them again at once, once; before every
//     later round it sleeps an exponential backoff, min(max, base·2^round) spread
//     at random over ±jitter of itself (cenkalti/backoff). The attempt budget bounds the number of requests one
//     call makes.
//   - Each provider has a breaker: after Threshold consecutive failures it opens
//     and the provider is skipped for Cooldown. The first request after the
//     cool-down is a single half-open probe (other callers keep skipping the
//     provider meanwhile); success closes the breaker, failure opens it for another
//     cool-down.
//   - When no breaker admits a request, Do does not fail fast: it uses the provider
//     whose cool-down ends soonest (after the backoff, unless it is the call's first
//     attempt). An indexer behind flaky providers keeps going, and a success closes
//     that breaker. When the budget is spent, Do returns an error wrapping
//     ErrUnavailable and the last error of each provider tried.
//   - Every error is the provider's fault (timeout, refused connection, 5xx,
//     garbage) unless the caller marks it with Permanent: a request that is wrong
//     whatever the provider (invalid params) is returned at once, neither retried
//     nor counted against the provider. Cancellation of the caller's ctx returns at
//     once too, and is not counted either.
//
// Credentials stay inside the pool: a provider is shown as Redact(URL) unless
// named, and the secrets of its URL are masked in every error text the pool
// returns, records or reports.
package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// ErrUnavailable is wrapped by the error Do returns once its attempt budget is spent.
var ErrUnavailable = errors.New("all providers unavailable")

// ErrNoneAnswered is wrapped by a chain's start-up error when none of its
// providers answered its checks: a passing condition, worth another try.
var ErrNoneAnswered = errors.New("no provider answered")

// Provider is one RPC endpoint of a network.
type Provider[T any] struct {
	// Name labels the provider in logs, metrics and errors; empty means Redact(URL).
	Name string
	// URL is the endpoint as configured, credentials included. The pool only
	// derives the default name and the secrets to mask in error texts from it.
	URL string
	// Client is what the operations passed to Do are called with.
	Client T
}

// Clock is time as the pool sees it; tests substitute a fake one. The per-attempt
// timeout is a context deadline and so always runs on real time.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done and then returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// State is a provider's health, for metrics and the GraphQL _meta.
type State struct {
	Name                string
	Breaker             string // "closed", "open" or "half-open"
	ConsecutiveFailures int
	Requests            uint64
	Failures            uint64
	LastError           string    // secrets masked
	LastErrorAt         time.Time // when LastError happened; zero if never
	LastSuccess         time.Time // last answer, a Permanent error included; zero if none
}

// Pool is the ordered providers of one network. It is safe for concurrent use.
type Pool[T any] struct {
	cfg     config
	mu      sync.Mutex
	members []member[T]
}

type member[T any] struct {
	// Immutable.
	name    string
	client  T
	secrets []string
	// Guarded by Pool.mu.
	st        State
	breaker   breakerState
	probing   bool // a half-open probe is in flight
	openUntil time.Time
}

type breakerState int

const (
	closed breakerState = iota
	open
	halfOpen
)

func (b breakerState) String() string {
	return [...]string{"closed", "open", "half-open"}[b]
}

// NewPool returns a pool over providers, the preferred one first.
func NewPool[T any](providers []Provider[T], opts ...Option) (*Pool[T], error) {
	if len(providers) == 0 {
		return nil, errors.New("provider: empty provider list")
	}
	cfg := defaultConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	p := &Pool[T]{cfg: cfg, members: make([]member[T], len(providers))}
	for i, pr := range providers {
		if pr.Name == "" && pr.URL == "" {
			return nil, fmt.Errorf("provider: provider %d has neither name nor URL", i)
		}
		name, secrets := redact(pr.URL)
		if pr.Name != "" {
			name = pr.Name
		}
		p.members[i] = member[T]{name: name, client: pr.Client, secrets: secrets}
	}
	return p, nil
}

// Do calls fn with a provider's client until it succeeds, following the policy in
// the package comment; op names the operation in errors and for WithOnResult.
// A failed Do returns an error that wraps, with secrets masked in its text, the
// caller's ctx.Err(), or the Permanent error, or ErrUnavailable and each tried
// provider's last error.
func Do[T, R any](ctx context.Context, p *Pool[T], op string, fn func(ctx context.Context, client T) (R, error)) (R, error) {
	var zero R
	tried := make([]bool, len(p.members))
	last := make([]error, len(p.members))
	retry := p.newBackoff()
	rounds := 0
	for range p.cfg.attempts {
		if err := ctx.Err(); err != nil {
			return zero, fmt.Errorf("%s: %w", op, err)
		}
		i, probe := p.acquire(tried, false)
		if i < 0 && slices.Contains(tried, true) {
			// Every admissible provider has had its turn: start over, at
			// once the first time and after a backoff from then on. One
			// failed request is often just that request's (a dropped
			// connection, one busy backend behind the provider's balancer);
			// sleeping before every second try made a Bitcoin backfill
			// through one provider failing 30% of requests run at 20% of
			// its healthy rate (BenchmarkBackfillUnderFaults, 25 of 127
			// blocks/s; 116 with no sleeps at all).
			if rounds++; rounds > 1 {
				if err := p.cfg.clock.Sleep(ctx, retry.NextBackOff()); err != nil {
					return zero, fmt.Errorf("%s: %w", op, err)
				}
			}
			clear(tried)
		}
		if i < 0 {
			i, probe = p.acquire(tried, true)
		}
		tried[i] = true

		r, err := call(ctx, p, i, op, fn)
		switch {
		case err == nil:
			p.record(i, probe, nil)
			return r, nil
		case ctx.Err() != nil:
			p.release(i, probe)
			return zero, fmt.Errorf("%s: %w", op, ctx.Err())
		case IsPermanent(err):
			p.record(i, probe, nil) // the provider answered; the request was wrong
			return zero, fmt.Errorf("%s: %w", op, err)
		}
		p.record(i, probe, err)
		last[i] = err
	}
	last = slices.DeleteFunc(last, func(err error) bool { return err == nil })
	return zero, &unavailableError{op: op, attempts: p.cfg.attempts, errs: last}
}

// call makes one attempt on provider i; a returned error names the provider and
// has its secrets masked.
func call[T, R any](ctx context.Context, p *Pool[T], i int, op string, fn func(context.Context, T) (R, error)) (R, error) {
	m := &p.members[i]
	actx, cancel := ctx, context.CancelFunc(func() {})
	if p.cfg.timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, p.cfg.timeout)
	}
	start := p.cfg.clock.Now()
	r, err := fn(actx, m.client)
	cancel()
	if err != nil {
		err = &attemptError{provider: m.name, msg: scrub(err.Error(), m.secrets), err: err}
	}
	if p.cfg.onResult != nil {
		p.cfg.onResult(m.name, op, err, p.cfg.clock.Now().Sub(start))
	}
	return r, err
}

// acquire returns the first provider not yet tried whose breaker admits a request,
// and whether the request is the half-open probe. With force, when there is none,
// it returns the provider whose cool-down ends soonest.
func (p *Pool[T]) acquire(tried []bool, force bool) (int, bool) {
	now := p.cfg.clock.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.members {
		m := &p.members[i]
		switch {
		case tried[i]:
		case m.breaker == closed:
			return i, false
		case m.breaker == open && !now.Before(m.openUntil), m.breaker == halfOpen && !m.probing:
			m.breaker, m.probing = halfOpen, true
			return i, true
		}
	}
	if !force {
		return -1, false
	}
	best := 0
	for i := range p.members {
		if p.members[i].openUntil.Before(p.members[best].openUntil) {
			best = i
		}
	}
	return best, false
}

// record applies an attempt's outcome, err being nil when the provider answered.
func (p *Pool[T]) record(i int, probe bool, err error) {
	now := p.cfg.clock.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	m := &p.members[i]
	m.st.Requests++
	if probe {
		m.probing = false
	}
	if err == nil {
		m.breaker = closed
		m.st.ConsecutiveFailures = 0
		m.st.LastSuccess = now
		return
	}
	m.st.Failures++
	m.st.ConsecutiveFailures++
	m.st.LastError = err.Error()
	m.st.LastErrorAt = now
	if m.breaker != closed || m.st.ConsecutiveFailures >= p.cfg.threshold {
		m.breaker = open
		m.openUntil = now.Add(p.cfg.cooldown)
	}
}

// release ends an attempt cut short by the caller, leaving the breaker as it was
// so that another caller can make the probe.
func (p *Pool[T]) release(i int, probe bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.members[i].st.Requests++
	if probe {
		p.members[i].probing = false
	}
}

// newBackoff is the delays between one call's retry rounds.
func (p *Pool[T]) newBackoff() *backoff.ExponentialBackOff {
	return &backoff.ExponentialBackOff{
		InitialInterval: p.cfg.base, MaxInterval: p.cfg.max, Multiplier: 2, RandomizationFactor: p.cfg.jitter,
	}
}

// States returns a snapshot of every provider's health, in list order.
func (p *Pool[T]) States() []State {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]State, len(p.members))
	for i, m := range p.members {
		out[i] = m.st
		out[i].Name = m.name
		out[i].Breaker = m.breaker.String()
	}
	return out
}

// Permanent marks err as the request's fault rather than the provider's, so Do
// returns it without retrying or failing over. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var pe *permanentError
	return errors.As(err, &pe)
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// attemptError names the provider and masks its secrets in the message, while
// Unwrap still reaches the original error for errors.Is and errors.As.
type attemptError struct {
	provider, msg string
	err           error
}

func (e *attemptError) Error() string { return e.provider + ": " + e.msg }
func (e *attemptError) Unwrap() error { return e.err }

// unavailableError wraps ErrUnavailable and the last error of each provider tried.
type unavailableError struct {
	op       string
	attempts int
	errs     []error
}

func (e *unavailableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %v after %d attempts", e.op, ErrUnavailable, e.attempts)
	sep := ": "
	for _, err := range e.errs {
		b.WriteString(sep)
		b.WriteString(err.Error())
		sep = "; "
	}
	return b.String()
}

func (e *unavailableError) Unwrap() []error {
	return append([]error{ErrUnavailable}, e.errs...)
}
