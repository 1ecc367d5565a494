package resolve

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/graph/realtime"
	"github.com/herald-indexer/herald/store"
)

// registrationStream derives a registration subscription's events from the log:
// ADDED and REMOVED as logged, and CONFIRMED once a registration's block is
// min deep on its chain (domain.Confirmed), counted from the block events
// in the log. Which registrations confirm at a block event, and in which
// order (the order they were added), is a function of the log up to it: a
// subscription resumed in the middle of a block's CONFIRMED events derives
// the same ones.
type registrationStream struct {
	st              *store.Store
	min             int64
	nft, collection *string

	tips    map[string]int64
	pending map[string]pendingRegistration // by registration key
}

type pendingRegistration struct {
	added int64 // the ADDED event's id
	reg   *store.Registration
}

// start brings the stream to where the log stood at event id at: the
// chains' tips, and the registrations still waiting to confirm. Whether a
// registration has confirmed depends on the deepest it has been, not on its
// depth now (a reorg to a shorter branch makes it shallower again): the
// registrations that may still wait are read again from the log from the
// first of them on, through the same conversion a live stream applies.
func (c *registrationStream) start(ctx context.Context, at int64) error {
	tips, err := c.st.TipsAt(ctx, at)
	if err != nil {
		return err
	}
	c.tips, c.pending = map[string]int64{}, map[string]pendingRegistration{}
	if c.min > 0 {
		candidates, err := c.st.UnconfirmedAt(ctx, at, tips, c.min)
		if err != nil {
			return err
		}
		first := map[string]int64{} // per chain, the first candidate's ADDED event
		for _, row := range candidates {
			if f, ok := first[row.Chain]; !ok || row.ID < f {
				first[row.Chain] = row.ID
			}
		}
		for chain, id := range first {
			from, err := c.st.TipsAt(ctx, id-1)
			if err != nil {
				return err
			}
			rows, err := c.st.RegistrationLog(ctx, chain, id-1, at)
			if err != nil {
				return err
			}
			c.tips[chain] = from[chain]
			for _, row := range rows {
				ev := realtime.Event{Event: row}
				if ev.Payload, err = row.Decode(); err == nil && c.match(&ev) {
					c.convert(&ev)
				}
			}
		}
	}
	c.tips = tips
	return nil
}

func (c *registrationStream) match(ev *realtime.Event) bool {
	switch p := ev.Payload.(type) {
	case *store.BlockRef:
		return true // tips, for confirmations
	case *store.Registration:
		return c.matches(p)
	}
	return false
}

func (c *registrationStream) matches(r *store.Registration) bool {
	return matches(c.nft, r.InscriptionID) && matches(c.collection, r.Collection)
}

func (c *registrationStream) convert(ev *realtime.Event) (*model.RegistrationEvent, []*model.RegistrationEvent) {
	switch p := ev.Payload.(type) {
	case *store.BlockRef:
		height := p.Height
		if ev.Kind == store.KindRemoved {
			height--
		}
		c.tips[ev.Chain] = height
		if ev.Kind != store.KindAdded {
			return nil, nil
		}
		var confirmed []pendingRegistration
		for key, pr := range c.pending {
			if pr.reg.Chain == ev.Chain && domain.Confirmed(height, pr.reg.BlockHeight, c.min) {
				delete(c.pending, key)
				confirmed = append(confirmed, pr)
			}
		}
		slices.SortFunc(confirmed, func(a, b pendingRegistration) int { return cmp.Compare(a.added, b.added) })
		out := make([]*model.RegistrationEvent, len(confirmed))
		for i, pr := range confirmed {
			out[i] = c.event(model.EventKindConfirmed, pr.reg)
		}
		return nil, out
	case *store.Registration:
		key := registrationKey(p)
		if ev.Kind == store.KindRemoved {
			delete(c.pending, key)
			return &model.RegistrationEvent{Event: model.Event{Kind: model.EventKindRemoved}, Registration: p}, nil
		}
		added := c.event(model.EventKindAdded, p)
		if c.min == 0 {
			return added, nil
		}
		if domain.Confirmed(c.depth(p), p.BlockHeight, c.min) {
			return added, []*model.RegistrationEvent{c.event(model.EventKindConfirmed, p)}
		}
		c.pending[key] = pendingRegistration{added: ev.ID, reg: p}
		return added, nil
	}
	return nil, nil
}

// depth is the tip a registration's confirmations are counted from. A
// batch logs its rows before its tip block: a registration is at least as
// deep as its own block.
func (c *registrationStream) depth(r *store.Registration) int64 {
	return max(c.tips[r.Chain], r.BlockHeight)
}

func (c *registrationStream) event(kind model.EventKind, r *store.Registration) *model.RegistrationEvent {
	return &model.RegistrationEvent{
		Event: model.Event{Kind: kind}, Registration: r,
		Confirmations: int(domain.Confirmations(c.depth(r), r.BlockHeight)),
	}
}

func registrationKey(r *store.Registration) string { return r.TxID + ":" + r.Collection }

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
	return e.Position.String(), nil
}

// afterPosition reads a subscription's afterEventId.
func afterPosition(ctx context.Context, afterEventID *string) (*realtime.Position, error) {
	if afterEventID == nil {
		return nil, nil
	}
	p, err := realtime.ParsePosition(*afterEventID)
	if err != nil {
		return nil, apierr.BadInput(ctx, "afterEventId", "%q is not an eventId herald handed out", *afterEventID)
	}
	return &p, nil
}

// matches is a subscription filter: no filter, or the value it names.
func matches(filter *string, v string) bool { return filter == nil || *filter == v }

// subscriptionError is what a subscription ends with.
func subscriptionError(err error) error {
	var slow realtime.SlowConsumerError
	if errors.As(err, &slow) {
		return slow.GraphQLError()
	}
	return err
}
