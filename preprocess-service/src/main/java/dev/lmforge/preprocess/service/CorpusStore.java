package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.common.store.AbortableOutputStream;

import java.util.List;
import java.util.Optional;

/** Where corpora live (S3 in the service, memory in unit tests). */
public interface CorpusStore {

    /** A published (complete) corpus. */
    Optional<Corpus> find(String corpusId);

    /** True if anything, complete or not, is stored under the corpus's prefix. */
    boolean hasObjects(String corpusId);

    /** A stream for one split's text; it becomes visible only when closed. */
    AbortableOutputStream openSplit(String corpusId, Split split);

    /** Fills in the corpus's location and split addresses. */
    Corpus.Builder locate(Corpus.Builder corpus);

    /** Writes stats.json, then the manifest last: from then on the corpus is complete. */
    void publish(Corpus corpus);

    /** Whether corpus.ingested was recorded as sent by the per-corpus marker used before the outbox. */
    boolean hasLegacyEventSentMarker(String corpusId);

    /** Published corpora in id order, after {@code startAfter} (exclusive), at most {@code limit}. */
    Page list(String startAfter, int limit);

    /** Deletes everything under the corpus's prefix, manifest first; returns how many objects went. */
    int delete(String corpusId);

    record Page(List<Corpus> corpora, String nextStartAfter) {
    }
}
