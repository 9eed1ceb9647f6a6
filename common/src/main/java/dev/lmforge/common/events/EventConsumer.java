package dev.lmforge.common.events;

import com.google.protobuf.Message;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.AuditLog;
import dev.lmforge.common.security.Caller;
import dev.lmforge.common.security.EventPrincipals;
import dev.lmforge.common.security.TokenVerifier;
import dev.lmforge.common.tracing.TracedWork;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How every LM Forge service consumes an event, so that no record can stop a consumer: the record's
 * bytes are decoded here (not by the connector, so undecodable bytes reach the dead-letter topic as
 * they came), the principal it names must be one the role table lets ask for the topic's work
 * ({@link EventPrincipals}), the handler runs on a worker thread, a transient failure (UNAVAILABLE) is retried with
 * exponential backoff, and a record that can never be handled, or still fails after the retries, is
 * nacked with its reason: the channel's {@code dead-letter-queue} failure strategy writes it to the
 * service's dead-letter topic and the channel goes on with the next record.
 *
 * <p>Handling a record is a span ({@code <topic> process}) in the producer's trace: the connector
 * reads the W3C context from the record's headers (a header that does not parse starts a new trace),
 * and the handler's work is that span's child, with the ids of the resources the event names on
 * the span and in every log line ({@link dev.lmforge.common.tracing.ResourceIds}).
 *
 * <p>Listeners return {@link #consume}'s Uni from an {@code @Incoming} method that takes a
 * {@code Message<byte[]>}; the connector runs those one record at a time, in order.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final MeterRegistry meters;
    private final String service;
    private final Guard transientRetries;
    private final Tracer tracer;

    EventConsumer(MeterRegistry meters, Tracer tracer,
            @ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "lmforge.events.max-retries", defaultValue = "5") int maxRetries,
            @ConfigProperty(name = "lmforge.events.retry-delay", defaultValue = "1s") Duration retryDelay,
            @ConfigProperty(name = "lmforge.events.max-retry-delay", defaultValue = "30s") Duration maxRetryDelay) {
        this.meters = meters;
        this.tracer = tracer;
        this.service = service;
        this.transientRetries = Guard.create()
                .withRetry()
                .maxRetries(maxRetries)
                .delay(retryDelay.toMillis(), ChronoUnit.MILLIS)
                .maxDuration(0, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .whenException(EventConsumer::isTransient)
                .withExponentialBackoff().factor(2).maxDelay(maxRetryDelay.toMillis(), ChronoUnit.MILLIS).done()
                .done()
                .build();
    }

    /** Handles one record and settles it: acked when handled, nacked (to the dead-letter topic) when given up. */
    public <T extends Message> Uni<Void> consume(org.eclipse.microprofile.reactive.messaging.Message<byte[]> record,
            ProtoEventDeserializer<T> decoder, EventHandler<T> handler) {
        Context context = Vertx.currentContext();
        Uni<GivenUp> outcome = context == null
                ? Uni.createFrom().item(() -> handle(record, decoder, handler))
                : Uni.createFrom().completionStage(() -> context.executeBlocking(() -> handle(record, decoder, handler), false).toCompletionStage());
        return outcome.chain(givenUp -> Uni.createFrom().completionStage(givenUp == null
                ? record.ack()
                : record.nack(givenUp.cause(), Metadata.of(givenUp.headers()))));
    }

    private <T extends Message> GivenUp handle(org.eclipse.microprofile.reactive.messaging.Message<byte[]> record,
            ProtoEventDeserializer<T> decoder, EventHandler<T> handler) {
        var metadata = record.getMetadata(IncomingKafkaRecordMetadata.class);
        String topic = metadata.map(IncomingKafkaRecordMetadata::getTopic).orElse("?");
        // The connector's receive span, a child of the context in the record's headers.
        io.opentelemetry.context.Context parent = TracingMetadata.fromMessage(record).map(TracingMetadata::getCurrentContext)
                .orElse(io.opentelemetry.context.Context.current());
        TracedWork work = TracedWork.start(tracer, topic + " process", SpanKind.CONSUMER, parent);
        try (work) {
            work.span().setAttribute("messaging.system", "kafka");
            work.span().setAttribute("messaging.destination.name", topic);
            GivenUp outcome = handle(record, metadata, topic, decoder, handler, work);
            if (outcome != null) {
                work.failed(outcome.cause());
            }
            return outcome;
        }
    }

    private <T extends Message> GivenUp handle(org.eclipse.microprofile.reactive.messaging.Message<byte[]> record,
            Optional<IncomingKafkaRecordMetadata> metadata, String topic, ProtoEventDeserializer<T> decoder,
            EventHandler<T> handler, TracedWork work) {
        Headers headers = metadata.map(IncomingKafkaRecordMetadata::getHeaders).orElse(null);
        T event;
        try {
            byte[] value = record.getPayload();
            if (value == null || value.length == 0) {
                throw new IllegalArgumentException("the record on " + topic + " has no value");
            }
            event = decoder.deserialize(topic, headers, value);
        } catch (RuntimeException e) {
            return giveUp(topic, DeadLetters.Reason.UNDECODABLE, 0, e);
        }
        work.ids(event);
        String key = metadata.map(m -> String.valueOf(m.getKey())).orElse("");
        Caller causedBy;
        try {
            causedBy = EventPrincipals.authorize(topic, event);
        } catch (TokenVerifier.AccessDenied e) {
            AuditLog.record("unknown", "", topic, key, "PERMISSION_DENIED: " + e.getMessage());
            return giveUp(topic, DeadLetters.Reason.UNAUTHORIZED, 0, e);
        }
        GivenUp outcome = run(topic, event, handler);
        AuditLog.record(causedBy, topic, key, outcome == null ? "OK" : outcome.reason().header.toUpperCase(Locale.ROOT));
        return outcome;
    }

    private <T extends Message> GivenUp run(String topic, T event, EventHandler<T> handler) {
        AtomicInteger attempts = new AtomicInteger();
        try {
            transientRetries.call(() -> {
                if (attempts.incrementAndGet() > 1) {
                    LOG.infof("%s record: attempt %d", topic, attempts.get());
                }
                handler.handle(event);
                return null;
            }, Void.class);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return giveUp(topic, DeadLetters.Reason.RETRIES_EXHAUSTED, attempts.get(), e);
        } catch (Exception e) {
            return giveUp(topic, reasonOf(e), attempts.get(), e);
        }
    }

    private GivenUp giveUp(String topic, DeadLetters.Reason reason, int attempts, Throwable cause) {
        LOG.warnf("%s: a record is given up (%s after %d attempt(s)): %s; it is in %s", topic, reason.header, attempts,
                cause.getMessage(), DeadLetters.topic(service));
        meters.counter("lmforge.events.dead.lettered", "topic", topic, "reason", reason.header).increment();
        Headers headers = new RecordHeaders();
        headers.add(DeadLetters.REASON, bytes(reason.header));
        headers.add(DeadLetters.SERVICE, bytes(service));
        headers.add(DeadLetters.ATTEMPTS, bytes(Integer.toString(attempts)));
        return new GivenUp(cause, reason, OutgoingKafkaRecordMetadata.builder().withHeaders(headers).build());
    }

    static DeadLetters.Reason reasonOf(Throwable e) {
        if (isTransient(e)) {
            return DeadLetters.Reason.RETRIES_EXHAUSTED;
        }
        if (e instanceof LmForgeException || e instanceof IllegalArgumentException) {
            return DeadLetters.Reason.INVALID;
        }
        return DeadLetters.Reason.FAILED;
    }

    static boolean isTransient(Throwable e) {
        return e instanceof LmForgeException l && l.kind() == LmForgeException.Kind.UNAVAILABLE;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private record GivenUp(Throwable cause, DeadLetters.Reason reason, OutgoingKafkaRecordMetadata<?> headers) {
    }
}
