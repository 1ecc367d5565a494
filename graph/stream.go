package graph

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/store"
)

// CodeSlowConsumer ends a subscription that could not keep up.
const CodeSlowConsumer = "SLOW_CONSUMER"

// eventFields are the fields subscription filters look at, decoded once per
// event from its data.
type eventFields struct {
	InscriptionID string `json:"inscriptionId"`
	Collection    string `json:"collection"`
	Player        string `json:"player"`
	Contract      string `json:"contract"`
	From          string `json:"from"`
	To            string `json:"to"`
}

func fieldsOf(ev *store.Event) eventFields {
	var f eventFields
	_ = json.Unmarshal(ev.Data, &f)
	return f
}

// converter turns a matching event into what the subscriber receives (none,
// one, or — a registration that confirms — several).
type converter[T any] func(ev store.Event) []*T

// stream runs one subscription: when afterEventID is given, first every
// matching event of the log after it, then live events from the broker,
// with no gap and no duplicate between the two.
func stream[T any](ctx context.Context, r *Resolver, afterEventID *string, match matcher,
	convert converter[T], fail func(error) *T) (<-chan *T, error) {
	var after int64 = -1
	if afterEventID != nil {
		n, err := strconv.ParseInt(*afterEventID, 10, 64)
		if err != nil || n < 0 {
			return nil, badInput(ctx, "afterEventId", "%q is not an event id", *afterEventID)
		}
		after = n
	}
	sub, pos := r.broker.subscribe(match)
	out := make(chan *T)
	trail := trailOf(ctx)
	go func() {
		defer close(out)
		defer r.broker.unsubscribe(sub)
		send := func(vs []*T, ev *store.Event) bool {
			for _, v := range vs {
				if trail != nil {
					t := trailEntry{}
					if ev != nil {
						t = trailEntry{id: ev.ID, committed: ev.CreatedAt}
					}
					select {
					case trail <- t:
					case <-ctx.Done():
						return false
					}
				}
				select {
				case out <- v:
				case <-ctx.Done():
					return false
				}
			}
			return true
		}
		lastSent := pos
		if after >= 0 {
			lastSent = after
			for lastSent < pos {
				evs, err := r.store.EventsAfter(ctx, lastSent, 500)
				if err != nil {
					send([]*T{fail(err)}, nil)
					return
				}
				if len(evs) == 0 {
					break
				}
				for _, ev := range evs {
					if ev.ID > pos {
						break
					}
					f := fieldsOf(&ev)
					if match(&ev, &f) && !send(convert(ev), &ev) {
						return
					}
					lastSent = ev.ID
				}
			}
		}
		for {
			evs, err := r.broker.next(ctx, sub)
			if errors.Is(err, errFellBehind) {
				send([]*T{fail(errSlowConsumer{resumeAfter: lastSent})}, nil)
				return
			}
			if err != nil {
				return
			}
			for i := range evs {
				ev := &evs[i]
				if !send(convert(*ev), ev) {
					return
				}
				lastSent = ev.ID
			}
		}
	}()
	return out, nil
}

// confirmTracker produces a registration subscription's events, including
// CONFIRMED once a registration's block is minConf deep.
type confirmTracker struct {
	min     int64
	tips    map[string]int64
	pending map[string]store.Registration
}

func (c *confirmTracker) convert(ev store.Event) []*model.RegistrationEvent {
	switch ev.Entity {
	case store.EntityBlock:
		height := ev.BlockHeight
		if ev.Kind == store.KindRemoved {
			height--
		}
		c.tips[ev.Chain] = height
		if ev.Kind != store.KindAdded {
			return nil
		}
		var out []*model.RegistrationEvent
		for key, reg := range c.pending {
			if reg.Chain == ev.Chain && height-reg.BlockHeight+1 >= c.min {
				delete(c.pending, key)
				out = append(out, c.event(ev.ID, model.EventKindConfirmed, reg))
			}
		}
		return out
	case store.EntityRegistration:
		var reg store.Registration
		if json.Unmarshal(ev.Data, &reg) != nil {
			return nil
		}
		key := reg.TxID + ":" + reg.Collection
		if ev.Kind == store.KindRemoved {
			delete(c.pending, key)
			return []*model.RegistrationEvent{{Event: model.Event{ID: ev.ID, Kind: model.EventKindRemoved}, Registration: &reg}}
		}
		out := []*model.RegistrationEvent{c.event(ev.ID, model.EventKindAdded, reg)}
		if c.min > 0 {
			if c.confirmations(reg) >= c.min {
				out = append(out, c.event(ev.ID, model.EventKindConfirmed, reg))
			} else {
				c.pending[key] = reg
			}
		}
		return out
	}
	return nil
}

func (c *confirmTracker) confirmations(reg store.Registration) int64 {
	// A batch logs its rows before its tip block: a registration is at
	// least as deep as its own block.
	return max(c.tips[reg.Chain], reg.BlockHeight) - reg.BlockHeight + 1
}

func (c *confirmTracker) event(id int64, kind model.EventKind, reg store.Registration) *model.RegistrationEvent {
	return &model.RegistrationEvent{Event: model.Event{ID: id, Kind: kind}, Registration: &reg, Confirmations: int(c.confirmations(reg))}
}

func eventKind(kind string) model.EventKind {
	if kind == store.KindRemoved {
		return model.EventKindRemoved
	}
	return model.EventKindAdded
}

func eventID(e model.Event) (string, error) {
	if e.Err != nil {
		return "", e.Err
	}
	return strconv.FormatInt(e.ID, 10), nil
}

func matchesRegistration(nft, collection *string, id, col string) bool {
	return (nft == nil || id == *nft) && (collection == nil || col == *collection)
}

// decode reads an event's row; a row that does not decode is reported as
// empty rather than ending the subscription (it cannot happen for rows the
// store wrote).
func decode[T any](data []byte) *T {
	var v T
	_ = json.Unmarshal(data, &v)
	return &v
}
