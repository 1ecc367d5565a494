package graphiql_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
	graphql "github.com/graph-gophers/graphql-go"
	"github.com/graph-gophers/graphql-go/relay"
)

// A real, if tiny, GraphQL server for the browser tests: GraphiQL must be
// able to introspect it, run a query over HTTP and a subscription over
// graphql-transport-ws, as it will against herald's gateway.

const testSchema = `
schema {
	query: Query
	subscription: Subscription
}

type Query {
	"Greets name."
	greeting(name: String!): String!
}

type Subscription {
	"Counts from 1 to count."
	ticks(count: Int!): Int!
}
`

type testResolver struct{}

func (*testResolver) Greeting(args struct{ Name string }) string {
	return "Hello, " + args.Name + "!"
}

func (*testResolver) Ticks(ctx context.Context, args struct{ Count int32 }) <-chan int32 {
	ch := make(chan int32)
	go func() {
		defer close(ch)
		for i := int32(1); i <= args.Count; i++ {
			select {
			case ch <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// newGraphQLHandler serves the test schema at one path, over HTTP POST and
// over websockets.
func newGraphQLHandler(t *testing.T) http.Handler {
	t.Helper()
	schema, err := graphql.ParseSchema(testSchema, &testResolver{})
	if err != nil {
		t.Fatalf("parse test schema: %v", err)
	}
	post := &relay.Handler{Schema: schema}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if websocket.IsWebSocketUpgrade(r) {
			serveTransportWS(t, schema, w, r)
			return
		}
		post.ServeHTTP(w, r)
	})
}

// wsMessage is a graphql-transport-ws protocol message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// serveTransportWS speaks the server side of graphql-transport-ws, enough for
// GraphiQL: the handshake, pings, and subscriptions until they complete or
// the client stops them.
func serveTransportWS(t *testing.T, schema *graphql.Schema, w http.ResponseWriter, r *http.Request) {
	upgrader := websocket.Upgrader{Subprotocols: []string{"graphql-transport-ws"}}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		t.Errorf("websocket upgrade: %v", err)
		return
	}
	defer conn.Close()

	var mu sync.Mutex // one writer at a time
	send := func(m wsMessage) {
		mu.Lock()
		defer mu.Unlock()
		_ = conn.WriteJSON(m)
	}
	// Deferred in this order so that subscriptions are stopped, then waited
	// for, before the connection closes.
	var running sync.WaitGroup
	defer running.Wait()
	ctx, cancelAll := context.WithCancel(r.Context())
	defer cancelAll()
	cancels := make(map[string]context.CancelFunc)

	for {
		var m wsMessage
		if err := conn.ReadJSON(&m); err != nil {
			return // the client went away
		}
		switch m.Type {
		case "connection_init":
			send(wsMessage{Type: "connection_ack"})
		case "ping":
			send(wsMessage{Type: "pong"})
		case "complete":
			if cancel, ok := cancels[m.ID]; ok {
				cancel()
			}
		case "subscribe":
			var req struct {
				Query         string         `json:"query"`
				OperationName string         `json:"operationName"`
				Variables     map[string]any `json:"variables"`
			}
			if err := json.Unmarshal(m.Payload, &req); err != nil {
				send(wsMessage{ID: m.ID, Type: "error", Payload: json.RawMessage(`[{"message":"bad payload"}]`)})
				continue
			}
			subCtx, cancel := context.WithCancel(ctx)
			cancels[m.ID] = cancel
			results, err := schema.Subscribe(subCtx, req.Query, req.OperationName, req.Variables)
			if err != nil {
				payload, _ := json.Marshal([]map[string]string{{"message": err.Error()}})
				send(wsMessage{ID: m.ID, Type: "error", Payload: payload})
				continue
			}
			running.Add(1)
			go func(id string) {
				defer running.Done()
				for res := range results {
					payload, err := json.Marshal(res)
					if err != nil {
						t.Errorf("encode subscription result: %v", err)
						return
					}
					send(wsMessage{ID: id, Type: "next", Payload: payload})
				}
				send(wsMessage{ID: id, Type: "complete"})
			}(m.ID)
		}
	}
}
