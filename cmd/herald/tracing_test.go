package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"
)

func TestTracesGoToTheOTLPEndpoint(t *testing.T) {
	var posts atomic.Int32
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/traces" && r.Method == http.MethodPost {
			posts.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })

	// The exporter itself reads the process environment, as any OTel SDK does.
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	ctx := context.Background()
	shutdown, err := setupTracing(ctx, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	_, span := otel.Tracer("test").Start(ctx, "probe")
	span.End()
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if posts.Load() == 0 {
		t.Fatal("no trace reached the OTLP endpoint")
	}
}

func TestNoTracingWithoutAnEndpoint(t *testing.T) {
	shutdown, err := setupTracing(context.Background(), env(nil))
	if err != nil || shutdown(context.Background()) != nil {
		t.Fatalf("without OTEL_* settings tracing must be off and harmless: %v", err)
	}
}
