package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Corpus;

/** Announces a complete corpus (on Kafka in the service). */
public interface CorpusEventPublisher {

    /** Returns once the broker has acknowledged the event; throws UNAVAILABLE if it does not. */
    void corpusIngested(Corpus corpus);
}
