package transport

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// NewServer is the HTTP server for handler, with a deadline for every
// phase of a request and a cap on the connections one address holds:
// headers within HeaderTimeout, the whole body within BodyTimeout (Wrap),
// the handling within RequestTimeout (Wrap), and a kept-alive connection
// idle for at most IdleTimeout. A client that opens connections and sends
// one byte now and then holds each for a timeout, and at most
// max_http_connections_per_address of them.
//
// Shutdown neither waits for nor closes hijacked connections (websockets),
// and waits for streaming responses (SSE) until its deadline: the server
// ends both when its Shutdown starts.
func (h *HTTP) NewServer(handler http.Handler) *http.Server {
	lim := h.opts.Limits
	streams, endStreams := context.WithCancel(context.Background())
	perAddress := &addressConns{max: lim.MaxHTTPConnectionsPerAddress, clients: h.clients, open: map[string]int{}, of: map[net.Conn]string{}}
	srv := &http.Server{
		Handler:           endedWith(streams, handler),
		ReadHeaderTimeout: lim.HeaderTimeout,
		IdleTimeout:       lim.IdleTimeout,
		ConnState:         perAddress.track,
	}
	srv.RegisterOnShutdown(endStreams)
	return srv
}

// endedWith ends the long-lived requests — websockets and Server-Sent
// Events — when streams ends; other requests finish as they would.
func endedWith(streams context.Context, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isUpgrade(r) && !isStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(streams, cancel)
		defer stop()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// addressConns counts the open connections of each address, and closes
// new ones past the cap. Trusted proxies carry many clients' connections:
// they are not counted.
type addressConns struct {
	max     int
	clients *clients
	refused atomic.Int64

	mu   sync.Mutex
	open map[string]int
	of   map[net.Conn]string
}

func (a *addressConns) track(c net.Conn, state http.ConnState) {
	if a.max <= 0 {
		return
	}
	switch state {
	case http.StateNew:
		addr := peer(c.RemoteAddr().String())
		if a.clients.trusted(addr) {
			return
		}
		id := network(addr)
		a.mu.Lock()
		over := a.open[id] >= a.max
		if !over {
			a.open[id]++
			a.of[c] = id
		}
		a.mu.Unlock()
		if over {
			a.refused.Add(1)
			_ = c.Close()
		}
	case http.StateHijacked, http.StateClosed:
		// A websocket leaves the count here; its own limits go on.
		a.mu.Lock()
		if id, ok := a.of[c]; ok {
			delete(a.of, c)
			if a.open[id]--; a.open[id] <= 0 {
				delete(a.open, id)
			}
		}
		a.mu.Unlock()
	}
}
