package dev.lmforge.common.events.outbox;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import java.util.function.BiConsumer;

/**
 * A topic whose events go through the {@link Outbox}: a service's Kafka adapter implements it as a
 * bean, and the outbox finds every such bean. Each event announces one artifact, named by its key.
 */
public interface OutboxTopic<T extends Message> {

    /** The Kafka topic; also the folder of its pending entries. */
    String topic();

    /** Reads back a pending entry. */
    Parser<T> parser();

    /** Sends one event and returns once the broker acknowledged it; throws UNAVAILABLE otherwise. */
    void send(String key, T event);

    /** Whether the artifact that an event announces may be announced now. */
    Readiness readiness(String key);

    /**
     * Before the outbox, a per-artifact marker recorded that an event went out: stages the events of
     * published artifacts without one. Runs once per service and topic; none by default.
     */
    default void stageLegacyPending(BiConsumer<String, T> stage) {
    }

    enum Readiness {
        /** The artifact is published: send its event. */
        PUBLISHED,
        /** The artifact is still being written (the entry is staged before its marker): keep the entry. */
        NOT_YET,
        /** The artifact was discarded or deleted: drop the entry unsent. */
        GONE
    }
}
