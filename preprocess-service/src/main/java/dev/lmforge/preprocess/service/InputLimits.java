package dev.lmforge.preprocess.service;

/**
 * What one ingestion may read, all its files together, so that no input can fill the disk, the
 * heap or a thread's time: see {@link PreprocessConfig} for the meaning and the keys.
 */
public record InputLimits(long maxCorpusBytes, int maxGzipRatio, long gzipRatioCheckedAfterBytes, int maxFiles) {

    public static final String MAX_CORPUS_BYTES_KEY = "lmforge.preprocess.max-corpus-bytes";
    public static final String MAX_GZIP_RATIO_KEY = "lmforge.preprocess.max-gzip-ratio";
    public static final String MAX_FILES_KEY = "lmforge.preprocess.max-files";
}
