package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
)

// fakeExecution stands in for gqlgen's execution of a subscription: each
// value sent on events becomes a response, with the event's id in the
// trail as stream records it.
func fakeExecution(events <-chan int64, started chan<- struct{}) graphql.OperationHandler {
	return func(ctx context.Context) graphql.ResponseHandler {
		trail := trailOf(ctx)
		close(started)
		return func(ctx context.Context) *graphql.Response {
			select {
			case id, ok := <-events:
				if !ok {
					return nil
				}
				trail <- trailEntry{id: id, committed: time.Now()}
				return &graphql.Response{Data: json.RawMessage(fmt.Sprintf(`{"eventId":"%d"}`, id))}
			case <-ctx.Done():
				return nil
			}
		}
	}
}

func TestSlowGroupMemberIsCutOffWithoutDelayingOthers(t *testing.T) {
	m, err := newBrokerMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	lim := DefaultLimits()
	lim.SubscriberBuffer = 3
	f := newFanOut(lim, m)
	events := make(chan int64)
	started := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	fast, g := f.join(ctx, "same operation", fakeExecution(events, started))
	slow, g2 := f.join(ctx, "same operation", nil) // joins: never starts its own
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
	for id := 1; id <= lim.SubscriberBuffer; id++ {
		if resp := slowNext(ctx); resp == nil || string(resp.Data) != fmt.Sprintf(`{"eventId":"%d"}`, id) {
			t.Fatalf("slow member's queued event %d: %+v", id, resp)
		}
	}
	resp := slowNext(ctx)
	if resp == nil || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != CodeSlowConsumer ||
		resp.Errors[0].Extensions["resumeAfterEventId"] != fmt.Sprint(lim.SubscriberBuffer) {
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
	m, err := newBrokerMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	f := newFanOut(DefaultLimits(), m)
	events := make(chan int64)
	started := make(chan struct{})
	ctx := context.Background()
	a, g := f.join(ctx, "op", fakeExecution(events, started))
	b, _ := f.join(ctx, "op", nil)
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
	_, g2 := f.join(ctx, "op", fakeExecution(events2, started2))
	<-started2
	if g2 == g {
		t.Fatal("joined an ended execution")
	}
	close(events2)
}

func TestPanickingExecutionDoesNotStrandItsGroup(t *testing.T) {
	m, err := newBrokerMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	f := newFanOut(DefaultLimits(), m)
	ctx := context.Background()
	released := 0
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the execution's panic was swallowed")
			}
		}()
		f.joinOrRelease(ctx, "op", func(context.Context) graphql.ResponseHandler { panic("resolver bug") },
			func() { released++ })
	}()
	if released != 1 {
		t.Fatalf("admission released %d times, want 1", released)
	}
	if len(f.groups) != 0 {
		t.Fatal("the failed group is still there for the next subscriber to join")
	}
	events, started := make(chan int64), make(chan struct{})
	mem, _ := f.join(ctx, "op", fakeExecution(events, started))
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
	m, err := newBrokerMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	f := newFanOut(DefaultLimits(), m)
	events, started := make(chan int64), make(chan struct{})
	firstCtx, endFirst := context.WithCancel(context.Background())
	first, g := f.join(firstCtx, "op", fakeExecution(events, started))
	stays, _ := f.join(context.Background(), "op", nil)
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
