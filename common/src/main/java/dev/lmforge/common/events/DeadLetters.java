package dev.lmforge.common.events;

/**
 * The dead-letter topics: each consuming service has one, {@code lmforge.dlq.<service>}, written by
 * SmallRye's {@code dead-letter-queue} failure strategy with the original key, value and headers. The
 * connector adds {@code dead-letter-topic}, {@code -partition}, {@code -offset}, {@code -reason} (the
 * exception's message) and {@code -exception-class-name}; LM Forge adds the headers below.
 */
public final class DeadLetters {

    public static final String TOPIC_PREFIX = "lmforge.dlq.";

    /** Why the record was given up, one of {@link Reason}'s header values. */
    public static final String REASON = "lmforge-dlq-reason";
    /** The service that gave it up. */
    public static final String SERVICE = "lmforge-dlq-service";
    /** How many times it was handled before it was given up. */
    public static final String ATTEMPTS = "lmforge-dlq-attempts";
    /** Headers of the connector's own: the topic the record came from, and the failure's message. */
    public static final String ORIGINAL_TOPIC = "dead-letter-topic";
    public static final String MESSAGE = "dead-letter-reason";

    public enum Reason {
        /** The bytes are not an event of the topic's type (or the record has no value). */
        UNDECODABLE("undecodable"),
        /** The event decodes but can never be handled: an invalid id, a reference to nothing. */
        INVALID("invalid"),
        /** The event names no principal, or one the role table does not let ask for it. */
        UNAUTHORIZED("unauthorized"),
        /** The handler failed in a way no retry can mend (a bug, a refused state). */
        FAILED("failed"),
        /** The handler kept failing with a transient error (S3 or Kafka unavailable) until the retries ran out. */
        RETRIES_EXHAUSTED("retries-exhausted");

        public final String header;

        Reason(String header) {
            this.header = header;
        }
    }

    private DeadLetters() {
    }

    public static String topic(String service) {
        return TOPIC_PREFIX + service;
    }
}
