package dev.lmforge.tokenizer.service;

import dev.lmforge.api.v1.Corpus;

import java.io.InputStream;
import java.util.Optional;

/** The corpora the preprocess-service published, each tenant's apart (read from S3 in the service). */
public interface CorpusCatalog {

    /** A complete corpus. */
    Optional<Corpus> find(String tenant, String corpusId);

    /** True if anything is stored for the corpus, complete or not (still being ingested). */
    boolean hasObjects(String tenant, String corpusId);

    /** The text of one split: one paragraph (or sentence) per line. */
    InputStream openSplit(Corpus corpus, String split);
}
