package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.common.store.AbortableOutputStream;

import java.util.List;
import java.util.Optional;

/** Where corpora live, each tenant's apart (S3 in the service, memory in unit tests). */
public interface CorpusStore {

    /** A published (complete) corpus. */
    Optional<Corpus> find(String tenant, String corpusId);

    /** True if anything, complete or not, is stored under the corpus's prefix. */
    boolean hasObjects(String tenant, String corpusId);

    /** A stream for one split's text; it becomes visible only when closed. */
    AbortableOutputStream openSplit(String tenant, String corpusId, Split split);

    /** Fills in the corpus's location and split addresses. */
    Corpus.Builder locate(String tenant, Corpus.Builder corpus);

    /** Writes stats.json, then the manifest last: from then on the corpus is complete. */
    void publish(String tenant, Corpus corpus);

    /** Whether corpus.ingested was recorded as sent by the per-corpus marker used before the outbox. */
    boolean hasLegacyEventSentMarker(String tenant, String corpusId);

    /** Published corpora in id order, after {@code startAfter} (exclusive), at most {@code limit}. */
    Page list(String tenant, String startAfter, int limit);

    /** Deletes everything under the corpus's prefix, manifest first; returns how many objects went. */
    int delete(String tenant, String corpusId);

    record Page(List<Corpus> corpora, String nextStartAfter) {
    }
}
