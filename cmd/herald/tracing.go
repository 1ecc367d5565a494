package main

import (
	"context"
	"fmt"
	"os"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// setupTracing exports OpenTelemetry traces over OTLP/HTTP when the standard
// OTEL_* variables name an endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; OTEL_TRACES_EXPORTER=none turns it
// off). The exporter reads the rest of OTEL_* itself: headers, timeouts,
// sampling via OTEL_TRACES_SAMPLER, resource attributes. Without them spans
// go nowhere, at no cost. The returned func flushes and stops the exporter.
func setupTracing(ctx context.Context, getenv func(string) string) (shutdown func(context.Context) error, err error) {
	noop := func(context.Context) error { return nil }
	if getenv("OTEL_TRACES_EXPORTER") == "none" ||
		(getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "") {
		return noop, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return noop, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	// resource.Default reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
	res := resource.Default()
	if getenv("OTEL_SERVICE_NAME") == "" {
		res, err = resource.Merge(res, resource.NewSchemaless(attribute.String("service.name", serviceName())))
	}
	if err != nil {
		return noop, fmt.Errorf("OTel resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	// The OTel API keeps its provider process-wide: instrumentation
	// (otelgqlgen, the indexer's batch spans) finds it there.
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

func serviceName() string {
	if h, err := os.Hostname(); err == nil {
		return "herald@" + h
	}
	return "herald"
}
