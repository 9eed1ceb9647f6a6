package dev.lmforge.common.events;

import com.google.protobuf.Message;
import dev.lmforge.common.errors.LmForgeException;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one event keyed by the id of what it is about, and returns only once the broker has
 * acknowledged it: a caller that records "announced" after {@link #send} never records an event
 * that was lost. Failures are UNAVAILABLE with the reason, except a record too large for Kafka, which
 * no retry can send: RESOURCE_EXHAUSTED. The record's publish span is a child of the caller's trace
 * context (the connector writes it into the record's headers), whichever thread the connector sends on.
 */
public final class EventSender<T extends Message> {

    private final Emitter<T> emitter;
    private final Duration ackTimeout;

    public EventSender(Emitter<T> emitter, Duration ackTimeout) {
        this.emitter = emitter;
        this.ackTimeout = ackTimeout;
    }

    public void send(String key, T event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        org.eclipse.microprofile.reactive.messaging.Message<T> message = org.eclipse.microprofile.reactive.messaging.Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
                .addMetadata(TracingMetadata.withCurrent(Context.current()))
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        String what = event.getDescriptorForType().getName() + " " + key;
        try {
            emitter.send(message);
            acked.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isRecordTooLarge(cause)) {
                throw new LmForgeException(LmForgeException.Kind.RESOURCE_EXHAUSTED,
                        "Kafka refused " + what + " for good (retrying cannot help): " + cause.getMessage(), cause);
            }
            throw LmForgeException.unavailable("Kafka refused " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw LmForgeException.unavailable("Kafka did not acknowledge " + what + " within " + ackTimeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LmForgeException.unavailable("interrupted while waiting for Kafka", e);
        } catch (RuntimeException e) {
            throw LmForgeException.unavailable("Kafka is unavailable: " + e.getMessage(), e);
        }
    }

    /** A record over the producer's max.request.size or the broker's message.max.bytes is refused on every try. */
    private static boolean isRecordTooLarge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }
}
