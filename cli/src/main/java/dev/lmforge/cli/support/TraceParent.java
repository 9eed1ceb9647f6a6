package dev.lmforge.cli.support;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Joins the CLI's calls to a trace the caller started: with {@code TRACEPARENT} set (the W3C trace
 * context, as CI systems and otel-cli export it), every call carries it, so the services' spans of
 * several commands — a script's ingest, train and serve — are one trace. A malformed value is ignored.
 */
@GlobalInterceptor
@ApplicationScoped
public class TraceParent implements ClientInterceptor {

    static final Pattern W3C = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final Metadata.Key<String> HEADER = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    private final Optional<String> traceParent = valid(System.getenv("TRACEPARENT"));

    static Optional<String> valid(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> W3C.matcher(v).matches());
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                traceParent.ifPresent(t -> headers.put(HEADER, t));
                super.start(listener, headers);
            }
        };
    }
}
