package dev.lmforge.common.events;

/**
 * The Kafka topics that carry the hand-offs. Services bind them to channels in their
 * application.properties; infra/topics.properties (local broker) and the KafkaTopic resources in
 * k8s/ create them with their partition counts. A test checks that all three agree.
 */
public final class Topics {

    public static final String CORPUS_INGESTED = "lmforge.corpus.ingested";
    public static final String TOKENS_READY = "lmforge.tokens.ready";
    public static final String TRAIN_REQUESTED = "lmforge.train.requested";
    public static final String MODEL_READY = "lmforge.model.ready";
    public static final String TRAINING_PROGRESS = "lmforge.training.progress";
    /** Compacted: the latest change of each endpoint, read by every inference replica. */
    public static final String ENDPOINTS = "lmforge.endpoints";

    private Topics() {
    }
}
