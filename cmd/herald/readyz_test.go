package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store/storetest"
)

func TestReadyzFollowsTheDatabase(t *testing.T) {
	dbURL := storetest.Empty(t)
	sw := storetest.NewSwitch(t, dbURL)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := defaultConfig()
	cfg.DatabaseURL = sw.URL(dbURL)
	cfg.HTTP.Listen = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), roles{serve: true}) }()
	defer func() { cancel(); <-done }()

	status := func() int {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitFor := func(want int, what string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for status() != want {
			if time.Now().After(deadline) {
				t.Fatalf("/readyz never answered %d %s", want, what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor(http.StatusOK, "at start")
	sw.Down()
	waitFor(http.StatusServiceUnavailable, "with the database stopped")
	sw.Up(t)
	waitFor(http.StatusOK, "once the database is back")
}
