package storetest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Switch is a TCP proxy in front of PostgreSQL that a test can cut and
// restore: from herald's side, the database stops and comes back.
type Switch struct {
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

// NewSwitch proxies the database at dbURL; URL is the address to use
// instead.
func NewSwitch(t testing.TB, dbURL string) *Switch {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Switch{target: u.Host, addr: ln.Addr().String()}
	s.serve(ln)
	t.Cleanup(s.Down)
	return s
}

// URL is the database's URL through the switch.
func (s *Switch) URL(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	u.Host = s.addr
	return u.String()
}

func (s *Switch) serve(ln net.Listener) {
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", s.target)
			if err != nil {
				c.Close()
				continue
			}
			s.mu.Lock()
			s.conns = append(s.conns, c, up)
			s.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// Down refuses new connections and cuts the open ones.
func (s *Switch) Down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
		s.ln = nil
	}
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// Up accepts connections again.
func (s *Switch) Up(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	s.serve(ln)
}
