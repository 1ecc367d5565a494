//go:build linux

package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
)

// BenchmarkSubscriptionFanOut: 10,000 websocket subscribers (or
// HERALD_FANOUT_SUBSCRIBERS) to the same registration subscription; each
// round commits one registration and waits until the last subscriber has
// it. The subscribers live in a child process (this test binary again, see
// TestFanOutClients): a process may hold 20,000 open files here, and 10,000
// connections need that many on each side.
//
// HERALD_FANOUT_PROF=dir writes CPU profiles of the rounds, server and
// subscribers, into dir.
func BenchmarkSubscriptionFanOut(b *testing.B) {
	subscribers := 10_000
	if n, err := strconv.Atoi(os.Getenv("HERALD_FANOUT_SUBSCRIBERS")); err == nil {
		subscribers = n
	}
	glim := limits.Defaults()
	glim.RatePerSecond = 0
	glim.MaxConnectionsPerClient = 0
	// The subscribers are one client, on one address: the per-client cap
	// (200) is for the public, not for the bench.
	glim.MaxSubscriptionsPerClient = 0
	e := newEnv(b, glim)
	blocks := bitcoinBlocks(1 + b.N)
	applyBlocksTB(b, e.writer, blocks[:1])
	caughtUp(b, e)

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestFanOutClients$", "-test.v")
	child.Env = append(os.Environ(), "HERALD_FANOUT_URL="+e.srv.URL, fmt.Sprintf("HERALD_FANOUT_N=%d", subscribers))
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cancel(); _ = child.Wait() }()
	ready := make(chan struct{})
	lastArrival := make(chan int64, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "fanout ready":
				close(ready)
			case strings.HasPrefix(line, "fanout last "):
				n, _ := strconv.ParseInt(strings.TrimPrefix(line, "fanout last "), 10, 64)
				lastArrival <- n
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(5 * time.Minute):
		b.Fatal("subscribers not ready after 5 minutes")
	}
	deadline := time.Now().Add(2 * time.Minute)
	for graph.Subscribers(e.gateway) < subscribers {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d subscribed", graph.Subscribers(e.gateway), subscribers)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)

	var lat latencies
	if dir := os.Getenv("HERALD_FANOUT_PROF"); dir != "" {
		defer cpuProfile(b, dir+"/server.prof")()
	}
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		blocks[i].Registrations = []store.Registration{registration(nftID(i), txid("fan", i), 1, store.StatusValid, 50000)}
		applyBlocksTB(b, e.writer, blocks[i:i+1])
		committed := time.Now().UnixNano()
		select {
		case last := <-lastArrival:
			lat.add(time.Duration(last - committed))
		case <-time.After(time.Minute):
			b.Fatal("not every subscriber had the event within a minute")
		}
	}
	b.StopTimer()
	lat.report(b, "last_subscriber_")
	b.ReportMetric(float64(after.HeapInuse-min(before.HeapInuse, after.HeapInuse))/float64(subscribers)/1024, "server_KiB/subscriber")
}

// cpuProfile profiles this process until stop is called: HERALD_FANOUT_PROF
// names a directory for the rounds' profiles of both processes (go test's
// -cpuprofile would include the 10,000 subscriptions' setup).
func cpuProfile(tb testing.TB, path string) (stop func()) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		tb.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

// TestFanOutClients is BenchmarkSubscriptionFanOut's child process: it opens
// HERALD_FANOUT_N subscriptions to HERALD_FANOUT_URL and reports on stdout
// when the last of them has an event. It does nothing in a normal test run.
//
// The subscribers share the two cores with the gateway they measure, so
// they cost as little as a load generator can: raw sockets read by one
// epoll loop per core, frames parsed in place, the event id picked out of
// the message rather than decoded.
func TestFanOutClients(t *testing.T) {
	base := os.Getenv("HERALD_FANOUT_URL")
	if base == "" {
		t.Skip("the child process of BenchmarkSubscriptionFanOut")
	}
	n, err := strconv.Atoi(os.Getenv("HERALD_FANOUT_N"))
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(base, "http://")
	var out sync.Mutex
	report := func(line string) {
		out.Lock()
		defer out.Unlock()
		fmt.Println(line)
	}
	arrivals := newArrivals(n, func(last int64) { report(fmt.Sprintf("fanout last %d", last)) })

	loops := make([]*epollLoop, runtime.GOMAXPROCS(0))
	for i := range loops {
		if loops[i], err = newEpollLoop(arrivals); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fd, err := dialRawSubscriber(addr)
			if err != nil {
				t.Error(err)
				return
			}
			if err := loops[i%len(loops)].add(fd); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for _, l := range loops {
		go l.run()
	}
	report("fanout ready")
	if dir := os.Getenv("HERALD_FANOUT_PROF"); dir != "" {
		stop := cpuProfile(t, dir+"/client.prof")
		time.AfterFunc(3*time.Second, stop) // the parent kills this process
	}
	// The parent ends this process when it is done. Until then, say how
	// far each event got, for a run that stalls.
	for range time.Tick(10 * time.Second) {
		arrivals.reportStalled()
	}
}

// arrivals counts each event's subscribers and says when the last has it.
type arrivals struct {
	mu     sync.Mutex
	n      int
	events map[string]*arrival
	done   func(last int64)
}

type arrival struct {
	count int
	last  int64
}

func newArrivals(n int, done func(last int64)) *arrivals {
	return &arrivals{n: n, events: map[string]*arrival{}, done: done}
}

func (a *arrivals) add(eventID []byte, at int64) {
	a.mu.Lock()
	ev := a.events[string(eventID)]
	if ev == nil {
		ev = &arrival{}
		a.events[string(eventID)] = ev
	}
	ev.count++
	ev.last = max(ev.last, at)
	done := ev.count == a.n
	a.mu.Unlock()
	if done {
		a.done(ev.last)
	}
}

func (a *arrivals) reportStalled() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, ev := range a.events {
		if ev.count < a.n {
			fmt.Fprintf(os.Stderr, "fanout: event %s reached %d of %d subscribers\n", id, ev.count, a.n)
		}
	}
}

// dialRawSubscriber opens a graphql-transport-ws connection by hand,
// subscribes, and returns its socket, non-blocking.
func dialRawSubscriber(addr string) (int, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Minute)
	if err != nil {
		return -1, err
	}
	defer conn.Close() // the returned descriptor is a duplicate
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	fmt.Fprintf(conn, "GET /graphql HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"+
		"Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n", addr)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return -1, fmt.Errorf("websocket handshake: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return -1, fmt.Errorf("websocket handshake: %s", resp.Status)
	}
	if _, err := conn.Write(clientFrame(opText, []byte(`{"type":"connection_init"}`))); err != nil {
		return -1, err
	}
	if op, ack, err := readFrame(br); err != nil || op != opText || !bytes.Contains(ack, []byte(`"connection_ack"`)) {
		return -1, fmt.Errorf("connection_init: %v %s", err, ack)
	}
	sub := `{"id":"1","type":"subscribe","payload":{"query":"subscription { registrationEvents { eventId } }"}}`
	if _, err := conn.Write(clientFrame(opText, []byte(sub))); err != nil {
		return -1, err
	}
	if br.Buffered() > 0 {
		return -1, fmt.Errorf("unexpected message before any event")
	}
	f, err := conn.(*net.TCPConn).File()
	if err != nil {
		return -1, err
	}
	fd, err := syscall.Dup(int(f.Fd()))
	f.Close()
	if err != nil {
		return -1, err
	}
	return fd, syscall.SetNonblock(fd, true)
}

// WebSocket opcodes (RFC 6455 section 5.2).
const (
	opText  = 0x1
	opClose = 0x8
	opPing  = 0x9
	opPong  = 0xA
)

// clientFrame is one final frame from a client: masked, as the RFC
// requires (with a zero key: the server only unmasks).
func clientFrame(op byte, payload []byte) []byte {
	f := []byte{0x80 | op}
	switch n := len(payload); {
	case n < 126:
		f = append(f, 0x80|byte(n))
	case n <= 0xffff:
		f = append(f, 0x80|126)
		f = binary.BigEndian.AppendUint16(f, uint16(n))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	f = append(f, 0, 0, 0, 0)
	return append(f, payload...)
}

// parseFrame reads one unmasked server frame from buf: its opcode, its
// payload and its length in buf, or n == 0 when buf holds only part of it.
func parseFrame(buf []byte) (op byte, payload []byte, n int) {
	if len(buf) < 2 {
		return 0, nil, 0
	}
	op, size, head := buf[0]&0x0f, int(buf[1]&0x7f), 2
	switch size {
	case 126:
		if len(buf) < 4 {
			return 0, nil, 0
		}
		size, head = int(binary.BigEndian.Uint16(buf[2:])), 4
	case 127:
		if len(buf) < 10 {
			return 0, nil, 0
		}
		size, head = int(binary.BigEndian.Uint64(buf[2:])), 10
	}
	if len(buf) < head+size {
		return 0, nil, 0
	}
	return op, buf[head : head+size], head + size
}

func readFrame(br *bufio.Reader) (byte, []byte, error) {
	buf := make([]byte, 2, 64)
	if _, err := io.ReadFull(br, buf); err != nil {
		return 0, nil, err
	}
	for {
		op, payload, n := parseFrame(buf)
		if n > 0 {
			return op, payload, nil
		}
		b, err := br.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		buf = append(buf, b)
	}
}

// epollLoop reads many subscribers' sockets on one thread.
type epollLoop struct {
	epfd     int
	arrivals *arrivals
	pending  map[int][]byte // bytes of a frame not complete yet, by socket
}

func newEpollLoop(a *arrivals) (*epollLoop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &epollLoop{epfd: epfd, arrivals: a, pending: map[int][]byte{}}, nil
}

func (l *epollLoop) add(fd int) error {
	return syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)})
}

// run reads the sockets that are ready. While frames keep coming it looks
// every millisecond instead of sleeping in epoll_wait: a sleeping waiter is
// woken by each frame, and on one machine that wakeup runs inside the
// server's write (perf: a third of the write's kernel time, in
// sock_def_readable and the interrupt it sends), a cost clients on other
// machines do not put on the server. Arrivals are timestamped when read,
// so looking later can only make latencies longer, by up to a millisecond.
func (l *epollLoop) run() {
	runtime.LockOSThread()
	events := make([]syscall.EpollEvent, 256)
	buf := make([]byte, 64<<10)
	idle := 0
	for {
		timeout := 0
		if idle >= 1000 {
			timeout = -1 // a second without frames: sleep until one comes
		}
		n, err := syscall.EpollWait(l.epfd, events, timeout)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "fanout: epoll: %v\n", err)
			return
		}
		if n == 0 {
			idle++
			time.Sleep(time.Millisecond)
			continue
		}
		idle = 0
		at := time.Now().UnixNano()
		for _, ev := range events[:n] {
			l.read(int(ev.Fd), buf, at)
		}
	}
}

// read takes what the socket has and handles each complete frame.
func (l *epollLoop) read(fd int, buf []byte, at int64) {
	for {
		n, err := syscall.Read(fd, buf)
		if err == syscall.EAGAIN {
			return
		}
		if err != nil || n == 0 {
			fmt.Fprintf(os.Stderr, "fanout: connection closed: %v\n", err)
			_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
			_ = syscall.Close(fd)
			return
		}
		data := buf[:n]
		if p := l.pending[fd]; len(p) > 0 {
			data = append(p, data...)
		}
		for {
			op, payload, size := parseFrame(data)
			if size == 0 {
				break
			}
			l.handle(fd, op, payload, at)
			data = data[size:]
		}
		if len(data) > 0 {
			l.pending[fd] = append([]byte(nil), data...)
		} else {
			delete(l.pending, fd)
		}
		if n < len(buf) {
			return // drained; epoll says when there is more
		}
	}
}

func (l *epollLoop) handle(fd int, op byte, msg []byte, at int64) {
	switch op {
	case opPing:
		_, _ = syscall.Write(fd, clientFrame(opPong, msg))
	case opClose:
		fmt.Fprintf(os.Stderr, "fanout: server closed a connection: %q\n", msg)
	case opText:
		switch {
		case bytes.Contains(msg, []byte(`"type":"next"`)) && !bytes.Contains(msg, []byte(`"errors"`)):
			if id, ok := eventIDIn(msg); ok {
				l.arrivals.add(id, at)
				return
			}
			fmt.Fprintf(os.Stderr, "fanout: no eventId in %s\n", msg)
		case bytes.Contains(msg, []byte(`"type":"ping"`)):
			_, _ = syscall.Write(fd, clientFrame(opText, []byte(`{"type":"pong"}`)))
		case bytes.Contains(msg, []byte(`"type":"pong"`)):
		default:
			fmt.Fprintf(os.Stderr, "fanout: %s\n", msg)
		}
	}
}

// eventIDIn finds `"eventId":"123"` in a next message.
func eventIDIn(msg []byte) ([]byte, bool) {
	_, rest, ok := bytes.Cut(msg, []byte(`"eventId":"`))
	if !ok {
		return nil, false
	}
	id, _, ok := bytes.Cut(rest, []byte(`"`))
	return id, ok
}
