package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store/storetest"
)

// TestDev drives `herald dev` for a short run and checks, through the API
// only, what a new user should see within a minute.
func TestDev(t *testing.T) {
	cfg := defaultConfig()
	cfg.DatabaseURL = storetest.Empty(t)
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Listen = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	banner, bannerW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		args := []string{"-btc-block-interval", "300ms", "-evm-block-interval", "200ms", "-evm-rpc", "127.0.0.1:0"}
		done <- dev(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), args, bannerW, io.Discard)
		bannerW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("herald dev: %v", err)
		}
	})
	// The banner names GraphiQL's address.
	var base string
	sc := bufio.NewScanner(banner)
	for sc.Scan() {
		if m := regexp.MustCompile(`GraphiQL\s+(http://\S+)/`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatal("no banner with the GraphiQL address")
	}
	go func() { _, _ = io.Copy(io.Discard, banner) }()

	query := func(q string, out any) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"query": q})
		resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var r struct {
			Data   json.RawMessage
			Errors []any
		}
		if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
			t.Fatalf("%s: %s", q, raw)
		}
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	}
	type state struct {
		Meta struct {
			Chains []struct {
				Chain         string
				IndexedHeight int
			}
		} `json:"_meta"`
		Registrations struct{ TotalCount int }
		Badges        struct{ TotalCount int }
	}
	read := func() (s state) {
		query(`{ _meta { chains { chain indexedHeight } } registrations(first: 1) { totalCount } badges(first: 1) { totalCount } }`, &s)
		return s
	}
	heights := func(s state) map[string]int {
		m := map[string]int{}
		for _, c := range s.Meta.Chains {
			m[c.Chain] = c.IndexedHeight
		}
		return m
	}

	// A subscription, opened early, must see events.
	sub, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql",
		strings.NewReader(`{"query":"subscription { chainHeads { eventId chain height } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	sub.Header.Set("Content-Type", "application/json")
	sub.Header.Set("Accept", "text/event-stream")
	subResp, err := http.DefaultClient.Do(sub)
	if err != nil {
		t.Fatal(err)
	}
	defer subResp.Body.Close()
	events := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(subResp.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data:") {
				events <- sc.Text()
			}
		}
	}()

	deadline := time.Now().Add(time.Minute)
	first := heights(read())
	for {
		s := read()
		h := heights(s)
		advanced := h[devBitcoinChain] > first[devBitcoinChain] && h[devEVMChain] > first[devEVMChain]
		if advanced && s.Registrations.TotalCount > 0 && s.Badges.TotalCount > 0 && len(events) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute: chains %v (from %v), %d registrations, %d badges, %d subscription events",
				h, first, s.Registrations.TotalCount, s.Badges.TotalCount, len(events))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
