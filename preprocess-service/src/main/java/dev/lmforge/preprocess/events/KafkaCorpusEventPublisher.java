package dev.lmforge.preprocess.events;

import com.google.protobuf.Timestamp;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.preprocess.service.CorpusEventPublisher;
import dev.lmforge.preprocess.service.PreprocessConfig;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Publishes corpus.ingested, keyed by corpus id, and waits for the broker's acknowledgement. */
@ApplicationScoped
public class KafkaCorpusEventPublisher implements CorpusEventPublisher {

    static final int SCHEMA_VERSION = 1;

    private final Emitter<CorpusIngested> emitter;
    private final Duration ackTimeout;

    public KafkaCorpusEventPublisher(@Channel("corpus-ingested") Emitter<CorpusIngested> emitter, PreprocessConfig config) {
        this.emitter = emitter;
        this.ackTimeout = config.eventAckTimeout();
    }

    @Override
    public void corpusIngested(Corpus corpus) {
        Instant now = Instant.now();
        CorpusIngested.Builder event = CorpusIngested.newBuilder()
                .setSchemaVersion(SCHEMA_VERSION)
                .setCorpusId(corpus.getCorpusId())
                .setLocation(corpus.getLocation())
                .setStats(corpus.getStats())
                .setIngestedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
        if (corpus.getSpec().hasAutoTokenize()) {
            event.setAutoTokenize(corpus.getSpec().getAutoTokenize());
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<CorpusIngested> message = Message.of(event.build())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(corpus.getCorpusId()).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
            acked.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw LmForgeException.unavailable("Kafka refused the event: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw LmForgeException.unavailable("Kafka did not acknowledge the event within " + ackTimeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LmForgeException.unavailable("interrupted while waiting for Kafka", e);
        } catch (RuntimeException e) {
            throw LmForgeException.unavailable("Kafka is unavailable: " + e.getMessage(), e);
        }
    }
}
