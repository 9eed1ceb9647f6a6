package dev.lmforge.preprocess.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "lmforge.preprocess")
public interface PreprocessConfig {

    /** Longest accepted input line; longer ones fail the ingestion (is the file text at all?). */
    @WithDefault("4194304")
    int maxLineBytes();

    /** Longest accepted document, in characters; a document is held in memory while it is cleaned. */
    @WithDefault("67108864")
    long maxDocumentChars();

    /** Documents cleaned together in parallel. */
    @WithDefault("512")
    int batchDocuments();

    /** Distinct words counted exactly; beyond this the vocabulary size is estimated. */
    @WithDefault("2000000")
    int maxExactVocabulary();

    /** Without a language filter, one document in this many is language-identified for the statistics. */
    @WithDefault("16")
    int languageSampleEvery();

    /** At most this many documents are language-identified for the statistics (identification is slow). */
    @WithDefault("500")
    int maxLanguageSamples();

    /** Most frequent words kept in the statistics. */
    @WithDefault("50")
    int topWords();

    /**
     * Longest word kept in the statistics, in characters; longer ones are cut and end with an
     * ellipsis. Bounds the corpus.ingested event (Kafka refuses records over 1 MB) and the memory
     * the word counts take.
     */
    @WithDefault("64")
    int topWordMaxChars();

    /** Largest ingestion, in bytes of text after gunzip (and of upload received), all files together. */
    @WithDefault("10737418240")
    long maxCorpusBytes();

    /** Highest gzip expansion accepted (text bytes per compressed byte); beyond it a file is taken for a gzip bomb. */
    @WithDefault("100")
    int maxGzipRatio();

    /** The gzip ratio is checked only once a file has expanded to this many bytes (small files can compress very well). */
    @WithDefault("16777216")
    long gzipRatioCheckedAfterBytes();

    /** Most files in one ingestion: each is listed in the corpus's manifest and the IngestCorpus response. */
    @WithDefault("1000")
    int maxFiles();

    /** Upload bytes buffered between the network and the cleaning; beyond it the client is held back. */
    @WithDefault("8388608")
    int uploadBufferBytes();

    /** An upload that sends nothing for this long (before its spec or midway) fails with DEADLINE_EXCEEDED. */
    @WithDefault("60s")
    java.time.Duration uploadIdleTimeout();

    /** How long an ingestion waits for Kafka to acknowledge its corpus.ingested event. */
    @WithDefault("30s")
    java.time.Duration eventAckTimeout();

    default CorpusPipeline.Settings pipelineSettings() {
        return new CorpusPipeline.Settings(maxLineBytes(), maxDocumentChars(), batchDocuments(), maxExactVocabulary(),
                languageSampleEvery(), maxLanguageSamples(), topWords(), topWordMaxChars(),
                new InputLimits(maxCorpusBytes(), maxGzipRatio(), gzipRatioCheckedAfterBytes(), maxFiles()));
    }
}
