package realtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/request"
)

// FanOut runs each distinct live subscription once, however many clients
// sent it. Marketplaces tend to send the very same operation: with 10,000
// of them, resolving and rendering every event for each subscriber would
// cost 10,000 executions; a group renders it once and its members only
// write the rendered response to their connections.
//
// Every subscription is a group. Clients that send the same query,
// operation name and variables share one; a subscription resuming with
// afterEventId has a backlog of its own and runs alone. A member has a
// bounded queue: one whose connection cannot keep up is cut off with
// SLOW_CONSUMER and the last position it was given, and the group goes on
// without waiting for it.
type FanOut struct {
	scope   func(context.Context) context.Context
	metrics *Metrics
	lim     FanOutLimits
	log     *slog.Logger

	mu        sync.Mutex
	groups    map[string]*group // shared groups by operation
	active    int               // members of ready groups
	perClient map[string]int    // admitted subscriptions by client
}

// FanOutLimits bound what subscribers may hold.
type FanOutLimits struct {
	Buffer        int // responses a member may have waiting
	PerConnection int // subscriptions one websocket carries
	PerClient     int // subscriptions one client holds, websockets and SSE together
}

// group is one execution of a subscription and the clients that receive it.
type group struct {
	id     string
	key    string
	ctx    context.Context // the execution's; outlives any one member
	cancel context.CancelFunc
	ready  chan struct{} // closed once the execution has started

	// delivery is what the response being rendered came from; the
	// group's response interceptor sets it while the group's run waits
	// for the response.
	delivery    Delivery
	hasDelivery bool

	mu      sync.Mutex
	members map[*member]struct{}
}

// queued is one rendered response and where it came from.
type queued struct {
	resp     *graphql.Response
	delivery Delivery
	has      bool // false for a response from no event (an error)
}

type member struct {
	mu      sync.Mutex
	queue   []queued
	head    int // next queue entry to hand out
	ended   bool
	final   *graphql.Response // handed out after the queue, when cut off
	last    Position          // newest position queued
	wake    chan struct{}
	counted bool // in FanOut.active; guarded by FanOut.mu
}

// NewFanOut builds the fan-out within lim. scope gives the context of each
// response a group renders what rendering one response needs (its own
// dataloaders): gqlgen resolves an event's fields with the context its
// response is asked for with.
func NewFanOut(lim FanOutLimits, scope func(context.Context) context.Context, m *Metrics, log *slog.Logger) *FanOut {
	lim.Buffer = max(lim.Buffer, 1)
	return &FanOut{scope: scope, metrics: m, lim: lim, log: log, groups: map[string]*group{}, perClient: map[string]int{}}
}

var (
	_ graphql.HandlerExtension     = (*FanOut)(nil)
	_ graphql.OperationInterceptor = (*FanOut)(nil)
	_ graphql.ResponseInterceptor  = (*FanOut)(nil)
)

func (*FanOut) ExtensionName() string                   { return "SubscriptionFanOut" }
func (*FanOut) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation hands a subscription its group's responses instead of
// an execution of its own; queries and mutations pass through.
func (f *FanOut) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	release, err := f.admit(ctx)
	if err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	m, g := f.joinOrRelease(ctx, op, next, release)
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

// InterceptResponse notes, for the group rendering it, which event the
// response came from: gqlgen hands response interceptors the per-event
// context the subscription's stream gave the value.
func (f *FanOut) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if g, ok := ctx.Value(groupKey{}).(*group); ok {
		g.delivery, g.hasDelivery = DeliveryOf(ctx)
	}
	return resp
}

type groupKey struct{}

// admit counts a subscription against its websocket's limit and its
// client's; release gives the places back when the subscription ends. Past
// a limit the subscription is refused and its connection stays up.
func (f *FanOut) admit(ctx context.Context) (release func(), err *gqlerror.Error) {
	c := connectionOf(ctx) // nil for SSE: one subscription per request
	if c != nil {
		if n := c.subs.Add(1); f.lim.PerConnection > 0 && int(n) > f.lim.PerConnection {
			c.subs.Add(-1)
			return nil, apierr.New(apierr.TooManySubscriptions, "at most %d subscriptions per connection", f.lim.PerConnection)
		}
	}
	client := request.Client(ctx)
	f.mu.Lock()
	if f.lim.PerClient > 0 && f.perClient[client] >= f.lim.PerClient {
		f.mu.Unlock()
		if c != nil {
			c.subs.Add(-1)
		}
		return nil, apierr.New(apierr.TooManySubscriptions, "at most %d subscriptions per client", f.lim.PerClient)
	}
	f.perClient[client]++
	f.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			if c != nil {
				c.subs.Add(-1)
			}
			f.mu.Lock()
			if f.perClient[client]--; f.perClient[client] <= 0 {
				delete(f.perClient, client)
			}
			f.mu.Unlock()
		})
	}, nil
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
func (f *FanOut) joinOrRelease(ctx context.Context, op *graphql.OperationContext, start graphql.OperationHandler, release func()) (*member, *group) {
	defer func() {
		if r := recover(); r != nil {
			release()
			panic(r)
		}
	}()
	return f.join(ctx, op, start)
}

// join adds a member to the group for op, starting the group if there is
// none yet.
func (f *FanOut) join(ctx context.Context, op *graphql.OperationContext, start graphql.OperationHandler) (*member, *group) {
	key := shareKey(op)
	m := &member{wake: make(chan struct{}, 1)}
	f.mu.Lock()
	g := f.groups[key]
	found := g != nil && key != ""
	if !found {
		g = f.newGroup(key, op)
		if key != "" {
			f.groups[key] = g
		}
	}
	g.mu.Lock()
	g.members[m] = struct{}{}
	g.mu.Unlock()
	f.mu.Unlock()
	f.log.Debug("subscription joined its group", "request_id", request.ID(ctx), "group", g.id, "shared", found)
	if !found {
		started := false
		defer func() {
			if !started { // the execution panicked: end the group, not just this member
				close(g.ready)
				f.end(g)
			}
		}()
		responses := start(g.ctx)
		started = true
		close(g.ready)
		go f.run(g, responses)
	}
	return m, g
}

// newGroup is a group for op whose execution belongs to no one member: its
// context carries the operation and the group's own id (errors while it runs
// are logged under it; join logs which requests are its members), and none
// of the values of the request that happened to start it.
func (f *FanOut) newGroup(key string, op *graphql.OperationContext) *group {
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	shared := &graphql.OperationContext{ // without the first member's headers
		RawQuery: op.RawQuery, Variables: op.Variables, OperationName: op.OperationName, Doc: op.Doc,
		Extensions: op.Extensions, Operation: op.Operation, DisableIntrospection: op.DisableIntrospection,
		RecoverFunc: op.RecoverFunc, ResolverMiddleware: op.ResolverMiddleware,
		RootResolverMiddleware: op.RootResolverMiddleware, Stats: op.Stats,
	}
	g := &group{id: "sub-" + hex.EncodeToString(id), key: key, ready: make(chan struct{}), members: map[*member]struct{}{}}
	ctx := graphql.WithOperationContext(context.Background(), shared)
	ctx = request.WithID(ctx, g.id)
	g.ctx, g.cancel = context.WithCancel(context.WithValue(ctx, groupKey{}, g))
	return g
}

// run renders the group's events and queues each for every member.
func (f *FanOut) run(g *group, responses graphql.ResponseHandler) {
	defer f.end(g)
	for {
		g.hasDelivery = false
		ctx := g.ctx
		if f.scope != nil {
			ctx = f.scope(ctx)
		}
		resp := responses(ctx)
		if resp == nil {
			return
		}
		// gqlgen renders every event of a subscription into the same
		// buffer; members send this one while the next is rendered.
		resp.Data = bytes.Clone(resp.Data)
		q := queued{resp: resp, delivery: g.delivery, has: g.hasDelivery}
		g.mu.Lock()
		for m := range g.members {
			if !m.push(q, f.lim.Buffer) {
				delete(g.members, m)
				f.metrics.slow.Inc()
			}
		}
		g.mu.Unlock()
	}
}

// end closes the group once its execution has finished; its members get
// what is queued and then the end of the stream.
func (f *FanOut) end(g *group) {
	f.mu.Lock()
	if f.groups[g.key] == g {
		delete(f.groups, g.key)
	}
	f.mu.Unlock()
	g.mu.Lock()
	for m := range g.members {
		m.finish(nil)
	}
	clear(g.members)
	g.mu.Unlock()
	g.cancel()
}

// leave takes a member out when its subscription ends; the last one out
// stops the execution.
func (f *FanOut) leave(g *group, m *member) {
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

// Subscribers is how many subscriptions the fan-out runs for clients.
func (f *FanOut) Subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.active
}

// push queues q, or cuts the member off when its queue is full.
func (m *member) push(q queued, limit int) bool {
	m.mu.Lock()
	ok := len(m.queue)-m.head < limit
	if ok {
		m.queue = append(m.queue, q)
		if q.has {
			m.last = q.delivery.Position
		}
	}
	last := m.last
	m.mu.Unlock()
	if !ok {
		m.finish(&graphql.Response{Errors: gqlerror.List{SlowConsumerError{ResumeAfter: last}.GraphQLError()}})
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
func (m *member) next(ctx context.Context, metrics *Metrics) graphql.ResponseHandler {
	return func(context.Context) *graphql.Response {
		for {
			m.mu.Lock()
			if m.head < len(m.queue) {
				q := m.queue[m.head]
				m.queue[m.head] = queued{}
				if m.head++; m.head == len(m.queue) {
					m.queue, m.head = m.queue[:0], 0
				}
				m.mu.Unlock()
				if q.has {
					metrics.delivered.Inc()
					metrics.latency.Observe(time.Since(q.delivery.Committed).Seconds())
				}
				return q.resp
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
