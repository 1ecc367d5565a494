package provider

import (
	"context"
	"errors"
	"time"
)

// Option configures a Pool.
type Option func(*config)

type config struct {
	timeout   time.Duration
	attempts  int
	base, max time.Duration
	threshold int
	cooldown  time.Duration
	clock     Clock
	jitter    float64
	onResult  func(provider, op string, err error, d time.Duration)
}

func defaultConfig() config {
	return config{
		timeout:   10 * time.Second,
		attempts:  5,
		base:      25 * time.Millisecond, // 100ms: BenchmarkBackfillUnderFaults 45% of healthy; 25ms: 83%
		max:       5 * time.Second,
		threshold: 5,
		cooldown:  30 * time.Second,
		clock:     RealClock{},
		jitter:    0.5,
	}
}

func (c config) validate() error {
	switch {
	case c.timeout < 0:
		return errors.New("negative timeout")
	case c.attempts < 1:
		return errors.New("attempts must be at least 1")
	case c.base <= 0 || c.max < c.base:
		return errors.New("backoff needs 0 < base <= max")
	case c.threshold < 1:
		return errors.New("breaker threshold must be at least 1")
	case c.cooldown < 0:
		return errors.New("negative breaker cool-down")
	case c.clock == nil:
		return errors.New("nil clock")
	case c.jitter < 0 || c.jitter > 1:
		return errors.New("jitter must be between 0 and 1")
	}
	return nil
}

// WithTimeout bounds each attempt (default 10s); 0 leaves attempts bounded only
// by the caller's ctx.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// WithAttempts sets the number of requests one Do may make, over all providers
// (default 5).
func WithAttempts(n int) Option {
	return func(c *config) { c.attempts = n }
}

// WithBackoff sets the delay between retry rounds: min(maxDelay, base·2^round)
// with jitter (default 25ms, 5s). The pool rides over blips; the follower's
// own backoff (500ms to 30s) and the breakers handle outages.
func WithBackoff(base, maxDelay time.Duration) Option {
	return func(c *config) { c.base, c.max = base, maxDelay }
}

// WithBreaker opens a provider's breaker after threshold consecutive failures,
// for cooldown (default 5, 30s).
func WithBreaker(threshold int, cooldown time.Duration) Option {
	return func(c *config) { c.threshold, c.cooldown = threshold, cooldown }
}

// WithClock replaces the real clock, for tests.
func WithClock(clock Clock) Option {
	return func(c *config) { c.clock = clock }
}

// WithJitter spreads each delay at random over ±factor of itself (default
// 0.5), so that callers retrying together do not move in step; 0 makes the
// delays exact.
func WithJitter(factor float64) Option {
	return func(c *config) { c.jitter = factor }
}

// WithOnResult calls f after every attempt, with the provider's name, op, the
// attempt's error (nil on success; secrets masked in its text) and its duration.
// f runs on the caller's goroutine and must be quick.
func WithOnResult(f func(provider, op string, err error, d time.Duration)) Option {
	return func(c *config) { c.onResult = f }
}

// RealClock is time as it passes.
type RealClock struct{}

// Now implements Clock.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep implements Clock.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
