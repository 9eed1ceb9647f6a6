package dev.lmforge.tokenizer.service;

import dev.lmforge.api.v1.Dataset;

/** Announces a complete dataset (on Kafka in the service). */
public interface DatasetEvents {

    /** Returns once the broker has acknowledged tokens.ready; throws UNAVAILABLE if it does not. */
    void tokensReady(Dataset dataset);
}
