package dev.lmforge.common.tracing;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Where a service's spans go: OTLP over HTTP (protobuf) to {@code lmforge.tracing.otlp-endpoint}
 * (LMFORGE_TRACING_OTLP_ENDPOINT, the full URL, e.g. {@code http://collector:4318/v1/traces}) when it
 * is set, nowhere otherwise. Spans are made either way, so trace and span ids reach every log line.
 * Quarkus's own OTLP exporter is switched off at build time (it would send to localhost:4317 whatever
 * the run-time configuration); this is the OpenTelemetry SDK's exporter, which Quarkus batches like any
 * SpanExporter bean ({@code quarkus.otel.traces.exporter=cdi}).
 */
@Singleton
public class TraceExport {

    private static final Logger LOG = Logger.getLogger(TraceExport.class);

    @Produces
    @Singleton
    SpanExporter otlp(@ConfigProperty(name = "lmforge.tracing.otlp-endpoint") Optional<String> endpoint) {
        if (endpoint.isEmpty()) {
            return SpanExporter.composite();
        }
        LOG.infof("traces are exported to %s", endpoint.get());
        return OtlpHttpSpanExporter.builder().setEndpoint(endpoint.get()).build();
    }
}
