package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/request"
)

// fakeExecution stands in for gqlgen's execution of a subscription: each
// value sent on events becomes a response, handed to the fan-out's
// response interceptor with its delivery in the per-event context, as
// gqlgen does with what Stream sends.
func fakeExecution(f *FanOut, events <-chan int64, started chan<- struct{}) graphql.OperationHandler {
	return func(ctx context.Context) graphql.ResponseHandler {
		close(started)
		return func(ctx context.Context) *graphql.Response {
			select {
			case id, ok := <-events:
				if !ok {
					return nil
				}
				d := Delivery{Position: Position{Event: id}, Committed: time.Now()}
				return f.InterceptResponse(WithDelivery(ctx, d), func(context.Context) *graphql.Response {
					return &graphql.Response{Data: json.RawMessage(fmt.Sprintf(`{"eventId":"%d"}`, id))}
				})
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// subscription is an operation to join with: clients that send the same
// query share a group.
func subscription(query string) *graphql.OperationContext {
	return &graphql.OperationContext{RawQuery: query, Operation: &ast.OperationDefinition{Operation: ast.Subscription}}
}

func newTestFanOut(t *testing.T, buffer int) (*FanOut, *Metrics) {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return NewFanOut(FanOutLimits{Buffer: buffer, PerConnection: 20}, nil, m, slog.New(slog.DiscardHandler)), m
}

func TestSlowGroupMemberIsCutOffWithoutDelayingOthers(t *testing.T) {
	const buffer = 3
	f, m := newTestFanOut(t, buffer)
	events := make(chan int64)
	started := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	fast, g := f.join(ctx, subscription("same operation"), fakeExecution(f, events, started))
	slow, g2 := f.join(ctx, subscription("same operation"), nil) // joins: never starts its own
	<-started
	if g != g2 {
		t.Fatal("the same operation started a second execution")
	}
	fastNext, slowNext := fast.next(ctx, m), slow.next(ctx, m)

	// The fast member reads every event as it comes; the slow one reads
	// nothing until the end.
	got := make(chan string, 100)
	go func() {
		for {
			resp := fastNext(ctx)
			if resp == nil {
				close(got)
				return
			}
			got <- string(resp.Data)
		}
	}()
	for id := int64(1); id <= 10; id++ {
		events <- id
		select {
		case data := <-got:
			if want := fmt.Sprintf(`{"eventId":"%d"}`, id); data != want {
				t.Fatalf("fast member got %s, want %s", data, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("fast member waited for event %d behind the slow one", id)
		}
	}

	// The slow member gets what was queued before it was cut off, then
	// the error telling it to resume after the last of those.
	for id := 1; id <= buffer; id++ {
		if resp := slowNext(ctx); resp == nil || string(resp.Data) != fmt.Sprintf(`{"eventId":"%d"}`, id) {
			t.Fatalf("slow member's queued event %d: %+v", id, resp)
		}
	}
	resp := slowNext(ctx)
	if resp == nil || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != apierr.SlowConsumer ||
		resp.Errors[0].Extensions["resumeAfterEventId"] != fmt.Sprint(buffer) {
		t.Fatalf("slow member's end: %+v", resp)
	}
	if resp := slowNext(ctx); resp != nil {
		t.Fatalf("after the error: %+v", resp)
	}

	// The execution ends when its last member leaves.
	f.leave(g, slow)
	f.leave(g, fast)
	select {
	case <-g.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("execution still running after every member left")
	}
	if len(f.groups) != 0 {
		t.Fatalf("groups left: %d", len(f.groups))
	}
}

func TestEndedExecutionEndsItsMembers(t *testing.T) {
	f, m := newTestFanOut(t, 1000)
	events := make(chan int64)
	started := make(chan struct{})
	ctx := context.Background()
	a, g := f.join(ctx, subscription("op"), fakeExecution(f, events, started))
	b, _ := f.join(ctx, subscription("op"), nil)
	<-started
	events <- 7
	close(events)
	for _, mem := range []*member{a, b} {
		next := mem.next(ctx, m)
		if resp := next(ctx); resp == nil || string(resp.Data) != `{"eventId":"7"}` {
			t.Fatalf("before the end: %+v", resp)
		}
		if resp := next(ctx); resp != nil {
			t.Fatalf("after the end: %+v", resp)
		}
	}
	// A new subscription to the same operation starts a new execution.
	events2, started2 := make(chan int64), make(chan struct{})
	_, g2 := f.join(ctx, subscription("op"), fakeExecution(f, events2, started2))
	<-started2
	if g2 == g {
		t.Fatal("joined an ended execution")
	}
	close(events2)
}

func TestPanickingExecutionDoesNotStrandItsGroup(t *testing.T) {
	f, m := newTestFanOut(t, 1000)
	ctx := context.Background()
	released := 0
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the execution's panic was swallowed")
			}
		}()
		f.joinOrRelease(ctx, subscription("op"), func(context.Context) graphql.ResponseHandler { panic("resolver bug") },
			func() { released++ })
	}()
	if released != 1 {
		t.Fatalf("admission released %d times, want 1", released)
	}
	if len(f.groups) != 0 {
		t.Fatal("the failed group is still there for the next subscriber to join")
	}
	events, started := make(chan int64), make(chan struct{})
	mem, _ := f.join(ctx, subscription("op"), fakeExecution(f, events, started))
	<-started
	go func() { events <- 1; close(events) }()
	if resp := mem.next(ctx, m)(ctx); resp == nil || string(resp.Data) != `{"eventId":"1"}` {
		t.Fatalf("next subscriber: %+v", resp)
	}
}

// gqlgen calls the handler of a group's first member with the group's
// context, which lives as long as any member does: the member must still
// end when its own subscription does, not when the group does.
func TestFirstMemberEndsBeforeItsGroup(t *testing.T) {
	f, m := newTestFanOut(t, 1000)
	events, started := make(chan int64), make(chan struct{})
	firstCtx, endFirst := context.WithCancel(context.Background())
	first, g := f.join(firstCtx, subscription("op"), fakeExecution(f, events, started))
	stays, _ := f.join(context.Background(), subscription("op"), nil)
	<-started
	context.AfterFunc(firstCtx, func() { f.leave(g, first) }) // as InterceptOperation does
	ended := make(chan *graphql.Response)
	go func() { ended <- first.next(firstCtx, m)(g.ctx) }()
	endFirst()
	select {
	case resp := <-ended:
		if resp != nil {
			t.Fatalf("the first member's stream went on: %+v", resp)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first member still waits 10 s after its subscription ended")
	}
	f.leave(g, stays)
}

// A group's execution belongs to none of its members: what it logs and
// reports carries the group's id, not the request id of whichever member
// happened to start it.
func TestGroupKeepsNoneOfItsFirstMembersValues(t *testing.T) {
	f, _ := newTestFanOut(t, 1000)
	started := make(chan struct{})
	var seen string
	exec := func(ctx context.Context) graphql.ResponseHandler {
		seen = request.ID(ctx)
		close(started)
		return func(context.Context) *graphql.Response { return nil }
	}
	ctx := request.WithID(context.Background(), "first-member")
	_, g := f.join(ctx, subscription("op"), exec)
	<-started
	if seen == "first-member" || seen != g.id {
		t.Fatalf("the group's execution runs as request %q; want the group's own id %q", seen, g.id)
	}
}
