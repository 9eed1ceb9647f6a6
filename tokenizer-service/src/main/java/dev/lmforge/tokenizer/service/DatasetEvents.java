package dev.lmforge.tokenizer.service;

import dev.lmforge.api.v1.Dataset;

/** Announces complete datasets on tokens.ready, through the outbox (Kafka and S3 in the service). */
public interface DatasetEvents {

    /** Records the dataset's event as pending; called before the dataset is published, so a crash after that still announces it. */
    void stageTokensReady(String tenant, Dataset complete);

    /** Sends the staged event; returns once the broker has acknowledged it, throws UNAVAILABLE (it stays pending) if not. */
    void sendTokensReady(String tenant, String datasetId);

    /** Drops the staged event of a dataset that is deleted. */
    void withdrawTokensReady(String tenant, String datasetId);
}
