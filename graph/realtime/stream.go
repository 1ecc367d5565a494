package realtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/store"
)

// Value is what a subscription delivers: a pointer to a value that records
// its position (so that it can render it as its eventId).
type Value interface {
	comparable
	SetPosition(Position)
}

// Source is what one subscription delivers.
type Source[T Value] struct {
	// Start, when set, is called once before any event, with the log
	// position after which the subscription reads: a source that derives
	// events from state (confirmations from chain tips) reads its state
	// as of then.
	Start func(ctx context.Context, at int64) error
	// Match selects the events of the subscription.
	Match func(*Event) bool
	// Convert turns a matching event into what the subscriber receives:
	// the event itself (nil for none), then what it derives, in order.
	Convert func(*Event) (own T, derived []T)
	// Fail is the value that ends the subscription with err.
	Fail func(err error) T
}

// Stream runs one subscription: every matching event after the position
// after (nil: the broker's position now), first from the log and then live
// from the broker, with no gap and no duplicate between the two. Each value
// comes with a context that carries its Delivery.
func Stream[T Value](ctx context.Context, b *Broker, st *store.Store, after *Position, src Source[T]) (<-chan graphql.Event[T], error) {
	sub, pos, err := b.subscribe(ctx, src.Match)
	if err != nil {
		return nil, err
	}
	skip := Position{Event: pos}
	if after != nil {
		skip = *after
	}
	// The row skip names is read again: what it derives may follow skip.
	from := max(skip.Event-1, 0)
	if src.Start != nil {
		if err := src.Start(ctx, from); err != nil {
			b.unsubscribe(sub)
			return nil, err
		}
	}
	out := make(chan graphql.Event[T])
	go func() {
		defer close(out)
		defer b.unsubscribe(sub)
		s := streamer[T]{ctx: ctx, out: out, src: src, last: skip}
		// The log up to where the broker took over.
		for read := from; read < pos; {
			rows, err := st.EventsAfter(ctx, read, 500)
			if err != nil {
				s.fail(err)
				return
			}
			if len(rows) == 0 {
				break
			}
			for _, row := range rows {
				if row.ID > pos {
					break
				}
				ev := decode(row)
				if src.Match(&ev) && !s.deliver(&ev) {
					return
				}
				read = row.ID
			}
		}
		for {
			evs, err := b.next(ctx, sub)
			if errors.Is(err, ErrFellBehind) {
				s.fail(SlowConsumerError{ResumeAfter: s.last})
				return
			}
			if err != nil {
				return
			}
			for i := range evs {
				if evs[i].ID <= from {
					continue // read before the broker's position was reached
				}
				if !s.deliver(&evs[i]) {
					return
				}
			}
		}
	}()
	return out, nil
}

// decode is a log row as the follower hands it over.
func decode(row store.Event) Event {
	p, _ := row.Decode() // a row that does not decode carries no payload: sources skip it
	return Event{Event: row, Payload: p}
}

type streamer[T Value] struct {
	ctx  context.Context
	out  chan<- graphql.Event[T]
	src  Source[T]
	last Position // newest position delivered, or where the stream starts
}

// deliver sends what ev converts to, each value after the last position;
// false means the subscription ended.
func (s *streamer[T]) deliver(ev *Event) bool {
	own, derived := s.src.Convert(ev)
	var none T
	if own != none && !s.send(own, Delivery{Position: Position{Event: ev.ID}, Committed: ev.CreatedAt}) {
		return false
	}
	for i, v := range derived {
		if !s.send(v, Delivery{Position: Position{Event: ev.ID, Index: i + 1}, Committed: ev.CreatedAt}) {
			return false
		}
	}
	return true
}

func (s *streamer[T]) send(v T, d Delivery) bool {
	if !d.Position.After(s.last) {
		return true // delivered before the subscription (re)started
	}
	v.SetPosition(d.Position)
	select {
	case s.out <- graphql.Event[T]{Context: WithDelivery(s.ctx, d), Value: v}:
		s.last = d.Position
		return true
	case <-s.ctx.Done():
		return false
	}
}

// fail ends the subscription with err as its last response.
func (s *streamer[T]) fail(err error) {
	select {
	case s.out <- graphql.Event[T]{Context: s.ctx, Value: s.src.Fail(err)}:
	case <-s.ctx.Done():
	}
}

// SlowConsumerError ends a subscription that could not keep up; it says
// where to resume.
type SlowConsumerError struct{ ResumeAfter Position }

func (e SlowConsumerError) Error() string {
	return fmt.Sprintf("subscriber too slow: events were dropped; resubscribe with afterEventId %q", e.ResumeAfter.String())
}

// GraphQLError is the error a client receives for e.
func (e SlowConsumerError) GraphQLError() *gqlerror.Error {
	err := apierr.New(apierr.SlowConsumer, "%s", e.Error())
	err.Extensions["resumeAfterEventId"] = e.ResumeAfter.String()
	return err
}
