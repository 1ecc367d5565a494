package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"go.uber.org/goleak"

	"github.com/herald-indexer/herald/indexer/devnet"
	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/store/storetest"
)

// Shutting the gateway down closes its websockets: http.Server.Shutdown
// neither waits for nor closes hijacked connections, which would otherwise
// stay open, their goroutines with them, after `herald serve` returned.
func TestShutdownClosesWebsockets(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := defaultConfig()
	cfg.DatabaseURL = storetest.Empty(t)
	cfg.HTTP.Listen = addr
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), roles{serve: true}) }()

	dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var conn *websocket.Conn
	for conn == nil {
		conn, _, err = websocket.Dial(dctx, "ws://"+addr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil && dctx.Err() != nil {
			t.Fatalf("dial: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer conn.CloseNow()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(wsjson.Write(dctx, conn, map[string]any{"type": "connection_init"}))
	var ack map[string]any
	must(wsjson.Read(dctx, conn, &ack))
	must(wsjson.Write(dctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { chainHeads { height } }"}}))

	stop()
	if err := <-done; err != nil {
		t.Fatalf("herald serve: %v", err)
	}
	// The connection ends with a close frame, not with this test's deadline.
	var msg map[string]any
	err = wsjson.Read(dctx, conn, &msg)
	for err == nil { // a message sent before the close
		err = wsjson.Read(dctx, conn, &msg)
	}
	if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("after shutdown the websocket read %v, want a normal closure", err)
	}
}

// A chain that cannot be set up stops the process once its start-up time is
// up, and the chains already running are closed rather than left connected.
func TestFailedChainClosesTheChainsBuiltBefore(t *testing.T) {
	ctx := context.Background()
	chain, err := devnet.StartEVM(ctx, devnet.EVMOptions{HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Stop()
	before := goleak.IgnoreCurrent()

	cfg := defaultConfig()
	cfg.DatabaseURL = storetest.Empty(t)
	cfg.Index.Listen = "127.0.0.1:0"
	cfg.Index.StartupTimeout = time.Second
	contract := chain.Contracts()[0]
	ok := evm.Config{Name: "up", ChainID: chain.ChainID(), RPC: []string{chain.WSURL()},
		Contracts: []evm.ContractConfig{{Address: contract.Address.Hex(), Kind: contract.Kind}}}
	down := ok
	down.Name, down.RPC = "down", []string{"ws://127.0.0.1:1"}
	cfg.EVM = []evm.Config{ok, down}
	err = start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), roles{index: true})
	if err == nil || !strings.Contains(err.Error(), "evm[1]") || !strings.Contains(err.Error(), "no provider answered") {
		t.Fatalf("start = %v, want evm[1] to fail for want of an answer", err)
	}
	// The first chain's websocket client is gone, goroutines and all.
	for deadline := time.Now().Add(30 * time.Second); ; {
		err := goleak.Find(before)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
