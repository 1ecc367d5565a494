package indexer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/herald-indexer/herald/indexer/provider"
)

// Build calls build until it succeeds or fails for good. A chain none of
// whose providers answered (an error wrapping provider.ErrNoneAnswered) is
// built again, with exponential backoff, until timeout has passed: a flaky
// provider refusing the first check must not stop start-up. failed hears
// each attempt that will be retried. Any other error — a provider serving
// another network, a bad configuration — ends it at once.
func Build[T any](ctx context.Context, timeout time.Duration, clock provider.Clock, failed func(error), build func(context.Context) (T, error)) (T, error) {
	if clock == nil {
		clock = provider.RealClock{}
	}
	retry := &backoff.ExponentialBackOff{
		InitialInterval: 500 * time.Millisecond, MaxInterval: 10 * time.Second, Multiplier: 2, RandomizationFactor: 0.5,
	}
	deadline := clock.Now().Add(timeout)
	for attempt := 1; ; attempt++ {
		v, err := build(ctx)
		if err == nil || !errors.Is(err, provider.ErrNoneAnswered) || ctx.Err() != nil {
			return v, err
		}
		delay := retry.NextBackOff()
		if left := deadline.Sub(clock.Now()); left <= 0 {
			var zero T
			return zero, fmt.Errorf("%w (%d attempts in %s)", err, attempt, timeout)
		} else if delay > left {
			delay = left
		}
		if failed != nil {
			failed(fmt.Errorf("%w; retrying in %s", err, delay.Round(time.Millisecond)))
		}
		if err := clock.Sleep(ctx, delay); err != nil {
			var zero T
			return zero, err
		}
	}
}
