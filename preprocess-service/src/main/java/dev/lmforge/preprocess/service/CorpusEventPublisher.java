package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Corpus;

/** Announces complete corpora on corpus.ingested, through the outbox (Kafka and S3 in the service). */
public interface CorpusEventPublisher {

    /** Records the corpus's event as pending (the corpus names its tenant in created_by); called before the corpus is published, so a crash after that still announces it. */
    void stageCorpusIngested(Corpus corpus);

    /** Sends the staged event; returns once the broker has acknowledged it, throws UNAVAILABLE (it stays pending) if not. */
    void sendCorpusIngested(String tenant, String corpusId);

    /** Drops the staged event of a corpus that is not kept. */
    void withdrawCorpusIngested(String tenant, String corpusId);
}
