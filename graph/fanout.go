package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// fanOut runs each distinct live subscription once, however many clients
// sent it. Marketplaces tend to send the very same operation: with 10,000
// of them, resolving and rendering every event for each subscriber would
// cost 10,000 executions; a group renders it once and its members only
// write the rendered response to their connections.
//
// Every subscription is a group. Clients that send the same query,
// operation name and variables share one; a subscription resuming with
// afterEventId has a backlog of its own and runs alone. A member has a
// bounded queue: one whose connection cannot keep up is cut off with
// SLOW_CONSUMER and the last event id it was given, and the group goes on
// without waiting for it.
type fanOut struct {
	metrics *brokerMetrics
	lim     Limits

	mu     sync.Mutex
	groups map[string]*group // shared groups by operation
	active int               // members of ready groups
}

// group is one execution of a subscription and the clients that receive it.
type group struct {
	key    string
	ctx    context.Context // the execution's; outlives any one member
	cancel context.CancelFunc
	ready  chan struct{} // closed once the execution has started

	mu      sync.Mutex
	members map[*member]struct{}
	ended   bool
}

// delivery is one rendered response and the event it came from.
type delivery struct {
	resp      *graphql.Response
	eventID   int64     // 0 when the response came from no event
	committed time.Time // the event's commit time, for the latency metric
}

type member struct {
	mu      sync.Mutex
	queue   []delivery
	head    int // next queue entry to hand out
	ended   bool
	final   *graphql.Response // handed out after the queue, when cut off
	lastID  int64             // newest event id queued
	wake    chan struct{}
	counted bool // in fanOut.active; guarded by fanOut.mu
}

func newFanOut(lim Limits, m *brokerMetrics) *fanOut {
	return &fanOut{lim: lim, metrics: m, groups: map[string]*group{}}
}

var (
	_ graphql.HandlerExtension     = (*fanOut)(nil)
	_ graphql.OperationInterceptor = (*fanOut)(nil)
)

func (*fanOut) ExtensionName() string                   { return "SubscriptionFanOut" }
func (*fanOut) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation hands a subscription its group's responses instead of
// an execution of its own; queries and mutations pass through.
func (f *fanOut) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	release, err := f.admit(ctx)
	if err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	m, g := f.joinOrRelease(ctx, shareKey(op), next, release)
	select {
	case <-g.ready:
	case <-ctx.Done():
	}
	f.mu.Lock()
	if ctx.Err() == nil {
		m.counted = true
		f.active++
		f.metrics.active.Inc()
	}
	f.mu.Unlock()
	context.AfterFunc(ctx, func() {
		f.leave(g, m)
		release()
	})
	return m.next(ctx, f.metrics)
}

// admit counts a subscription against its websocket's limit; release gives
// the place back when the subscription ends.
func (f *fanOut) admit(ctx context.Context) (release func(), err *gqlerror.Error) {
	cs, _ := ctx.Value(connKey{}).(*connState)
	if cs == nil {
		return func() {}, nil // SSE: one subscription per request
	}
	if n := cs.subs.Add(1); int(n) > f.lim.MaxSubscriptionsPerConnection {
		cs.subs.Add(-1)
		return nil, limitError(CodeTooManySubscriptions, "at most %d subscriptions per connection", f.lim.MaxSubscriptionsPerConnection)
	}
	return func() { cs.subs.Add(-1) }, nil
}

// shareKey says which subscriptions may share an execution: the same
// operation with the same variables, unless it resumes (its backlog is its
// own). "" means run alone.
func shareKey(op *graphql.OperationContext) string {
	for _, sel := range op.Operation.SelectionSet {
		field, ok := sel.(*ast.Field)
		if !ok || field.ArgumentMap(op.Variables)["afterEventId"] != nil {
			return ""
		}
	}
	vars, err := json.Marshal(op.Variables) // map keys come out sorted
	if err != nil {
		return ""
	}
	return op.OperationName + "\x00" + string(vars) + "\x00" + op.RawQuery
}

// joinOrRelease is join that gives the admission back if starting the
// execution panics (the transport recovers; the place must not leak).
func (f *fanOut) joinOrRelease(ctx context.Context, key string, start graphql.OperationHandler, release func()) (*member, *group) {
	defer func() {
		if r := recover(); r != nil {
			release()
			panic(r)
		}
	}()
	return f.join(ctx, key, start)
}

// join adds a member to the group for key, starting the group if there is
// none yet.
func (f *fanOut) join(ctx context.Context, key string, start graphql.OperationHandler) (*member, *group) {
	m := &member{wake: make(chan struct{}, 1)}
	f.mu.Lock()
	g := f.groups[key]
	found := g != nil && key != ""
	if !found {
		// The execution's context keeps the operation and the first
		// member's values but not its cancellation: it ends when the last
		// member leaves.
		g = &group{key: key, ready: make(chan struct{}), members: map[*member]struct{}{}}
		g.ctx, g.cancel = context.WithCancel(context.WithoutCancel(ctx))
		if key != "" {
			f.groups[key] = g
		}
	}
	g.mu.Lock()
	g.members[m] = struct{}{}
	g.mu.Unlock()
	f.mu.Unlock()
	if !found {
		started := false
		defer func() {
			if !started { // the execution panicked: end the group, not just this member
				close(g.ready)
				f.end(g)
			}
		}()
		trail := make(chan trailEntry, 1)
		responses := start(withTrail(g.ctx, trail))
		started = true
		close(g.ready)
		go f.run(g, responses, trail)
	}
	return m, g
}

// run renders the group's events and queues each for every member.
func (f *fanOut) run(g *group, responses graphql.ResponseHandler, trail <-chan trailEntry) {
	defer f.end(g)
	for {
		resp := responses(g.ctx)
		if resp == nil {
			return
		}
		// gqlgen renders every event of a subscription into the same
		// buffer; members send this one while the next is rendered.
		resp.Data = bytes.Clone(resp.Data)
		d := delivery{resp: resp}
		select {
		case t := <-trail: // what stream recorded for the value just rendered
			d.eventID, d.committed = t.id, t.committed
		default: // an error response from no event
		}
		g.mu.Lock()
		for m := range g.members {
			if !m.push(d, f.lim.SubscriberBuffer) {
				delete(g.members, m)
				f.metrics.slow.Inc()
			}
		}
		g.mu.Unlock()
	}
}

// end closes the group once its execution has finished; its members get
// what is queued and then the end of the stream.
func (f *fanOut) end(g *group) {
	f.mu.Lock()
	if f.groups[g.key] == g {
		delete(f.groups, g.key)
	}
	f.mu.Unlock()
	g.mu.Lock()
	g.ended = true
	for m := range g.members {
		m.finish(nil)
	}
	clear(g.members)
	g.mu.Unlock()
	g.cancel()
}

// leave takes a member out when its subscription ends; the last one out
// stops the execution.
func (f *fanOut) leave(g *group, m *member) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m.counted {
		f.active--
		f.metrics.active.Dec()
	}
	g.mu.Lock()
	delete(g.members, m)
	empty := len(g.members) == 0
	g.mu.Unlock()
	m.signal() // its handler may be waiting for the next response
	if empty {
		if f.groups[g.key] == g {
			delete(f.groups, g.key)
		}
		g.cancel()
	}
}

// push queues d, or cuts the member off when its queue is full.
func (m *member) push(d delivery, limit int) bool {
	m.mu.Lock()
	ok := len(m.queue)-m.head < max(limit, 1)
	if ok {
		m.queue = append(m.queue, d)
		if d.eventID != 0 {
			m.lastID = d.eventID
		}
	}
	m.mu.Unlock()
	if !ok {
		m.finish(&graphql.Response{Errors: gqlerror.List{slowConsumerError(errSlowConsumer{resumeAfter: m.lastID})}})
		return false
	}
	m.signal()
	return true
}

// finish ends the member's stream after what is queued, with final (when
// not nil) as its last response.
func (m *member) finish(final *graphql.Response) {
	m.mu.Lock()
	m.ended, m.final = true, final
	m.mu.Unlock()
	m.signal()
}

func (m *member) signal() {
	select {
	case m.wake <- struct{}{}:
	default: // already signalled
	}
}

// next is the member's response handler: the transport calls it for each
// response to send, nil ending the stream. It watches the subscription's
// own ctx, not the one it is called with: gqlgen calls a handler with the
// context its innermost operation handler saw, which for a group's first
// member is the group's, alive as long as any member is. Watching that, a
// first member that left before the others waited for a wake-up that never
// came, and its transport goroutine leaked.
func (m *member) next(ctx context.Context, metrics *brokerMetrics) graphql.ResponseHandler {
	return func(context.Context) *graphql.Response {
		for {
			m.mu.Lock()
			if m.head < len(m.queue) {
				d := m.queue[m.head]
				m.queue[m.head] = delivery{}
				if m.head++; m.head == len(m.queue) {
					m.queue, m.head = m.queue[:0], 0
				}
				m.mu.Unlock()
				if !d.committed.IsZero() {
					metrics.delivered.Inc()
					metrics.latency.Observe(time.Since(d.committed).Seconds())
				}
				return d.resp
			}
			if m.ended {
				final := m.final
				m.final = nil
				m.mu.Unlock()
				return final
			}
			m.mu.Unlock()
			if ctx.Err() != nil {
				return nil
			}
			<-m.wake // leave signals it when ctx ends (AfterFunc)
		}
	}
}

// trailEntry tells a group which event the value stream just handed to
// gqlgen came from. stream puts it in the trail (capacity one) before
// sending the value, so it cannot put the next one until the group has
// taken this one: the pairing is exact.
type trailEntry struct {
	id        int64
	committed time.Time
}

type trailKey struct{}

func withTrail(ctx context.Context, trail chan<- trailEntry) context.Context {
	return context.WithValue(ctx, trailKey{}, trail)
}

func trailOf(ctx context.Context) chan<- trailEntry {
	t, _ := ctx.Value(trailKey{}).(chan<- trailEntry)
	return t
}
