// Package realtime follows the event log and delivers it: one follower per
// gateway process reads the log (follower.go) and hands each batch to the
// caches and then to the broker (broker.go); the broker keeps the newest
// events for the subscriptions it runs (stream.go), and subscriptions that
// clients share run once for all of them (fanout.go).
//
// Delivery is exact: every event a subscription delivers has a position,
// strictly increasing in delivery order, and a subscription started after a
// position delivers exactly the events after it.
package realtime

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/herald-indexer/herald/store"
)

// Event is a row of the event log with the entity it carries decoded, once
// for every cache and subscriber (store.Event.Decode says which types).
type Event struct {
	store.Event
	Payload any
}

// Position is where a delivered event stands in the event log. Most events
// are a row of the log: Index 0. Events derived from a row — a block event
// that confirms registrations, a registration that confirms at once — follow
// it at Index 1, 2, …: positions order every delivery, derived ones
// included, and a subscription resumed after any position delivers exactly
// what followed it.
type Position struct {
	Event int64
	Index int
}

// String is the position as clients see it: "445", or "445.2" for the
// second event derived from row 445.
func (p Position) String() string {
	if p.Index == 0 {
		return strconv.FormatInt(p.Event, 10)
	}
	return strconv.FormatInt(p.Event, 10) + "." + strconv.Itoa(p.Index)
}

// After reports whether p comes after q.
func (p Position) After(q Position) bool {
	return p.Event > q.Event || p.Event == q.Event && p.Index > q.Index
}

// ParsePosition reads a position a client was given.
func ParsePosition(s string) (Position, error) {
	event, index, derived := strings.Cut(s, ".")
	var p Position
	var err error
	if p.Event, err = strconv.ParseInt(event, 10, 64); err != nil || p.Event < 0 || (len(event) > 1 && event[0] == '0') {
		return Position{}, fmt.Errorf("%q is not an event position", s)
	}
	if derived {
		if p.Index, err = strconv.Atoi(index); err != nil || p.Index < 1 || index[0] == '0' {
			return Position{}, fmt.Errorf("%q is not an event position", s)
		}
	}
	return p, nil
}

// Delivery is what a subscription's value came from: its position, and
// when its row was committed (for the delivery latency metric). It travels
// with the value in the per-event context gqlgen hands to response
// interceptors, where the fan-out reads it.
type Delivery struct {
	Position  Position
	Committed time.Time
}

type deliveryKey struct{}

// WithDelivery is ctx carrying d.
func WithDelivery(ctx context.Context, d Delivery) context.Context {
	return context.WithValue(ctx, deliveryKey{}, d)
}

// DeliveryOf returns the delivery ctx carries.
func DeliveryOf(ctx context.Context) (Delivery, bool) {
	d, ok := ctx.Value(deliveryKey{}).(Delivery)
	return d, ok
}
