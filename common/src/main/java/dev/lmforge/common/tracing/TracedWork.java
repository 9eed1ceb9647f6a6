package dev.lmforge.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * A step of the platform's work as a span of its own (a dataset build, a training job, a model load),
 * current on this thread until closed, with the resource ids it is about in its attributes and in
 * every log line meanwhile. Open it and close it on one thread.
 */
public final class TracedWork implements AutoCloseable {

    private final Span span;
    private final Scope scope;
    private final ResourceIds ids;

    private TracedWork(Span span, ResourceIds ids) {
        this.span = span;
        this.scope = span.makeCurrent();
        this.ids = ids;
    }

    /** A span under the current context. */
    public static TracedWork start(Tracer tracer, String name) {
        return start(tracer, name, SpanKind.INTERNAL, Context.current());
    }

    public static TracedWork start(Tracer tracer, String name, SpanKind kind, Context parent) {
        return new TracedWork(tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan(), ResourceIds.none());
    }

    /** Names a resource the work is about (see {@link ResourceIds}); an empty id is left out. */
    public TracedWork id(String field, String id) {
        ids.and(field, id);
        return this;
    }

    /** Names the resources an event is about. */
    public TracedWork ids(com.google.protobuf.Message event) {
        ids.and(event);
        return this;
    }

    /** Marks the span failed; the caller still closes it. */
    public void failed(Throwable t) {
        span.recordException(t);
        span.setStatus(StatusCode.ERROR, String.valueOf(t.getMessage()));
    }

    public Span span() {
        return span;
    }

    @Override
    public void close() {
        ids.close();
        scope.close();
        span.end();
    }
}
