package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.Dataset;

/** Tokenized datasets as the tokenizer-service publishes them (S3 in the service). */
public interface DatasetReader {

    /** A complete dataset of the tenant; NOT_FOUND or FAILED_PRECONDITION (still being built) otherwise. */
    Dataset dataset(String tenant, String datasetId);

    /** A split's token ids, read from its shards (the dataset names their keys); at most {@code maxTokens} of them. */
    int[] tokens(Dataset dataset, String split, long maxTokens);

    /** The tokenizer file, which travels with the model. */
    byte[] tokenizer(Dataset dataset);
}
