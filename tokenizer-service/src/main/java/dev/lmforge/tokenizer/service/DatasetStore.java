package dev.lmforge.tokenizer.service;

import dev.lmforge.api.v1.Dataset;
import dev.lmforge.common.store.AbortableOutputStream;

import java.util.List;
import java.util.Optional;

/**
 * Where datasets live, each tenant's apart. {@code status.json} holds a dataset's current state from its creation on;
 * {@code meta.json}, written after every shard and the tokenizer file, marks it complete.
 */
public interface DatasetStore {

    /** The current state of a dataset: meta.json once complete, status.json before (or after a failure). */
    Optional<Dataset> find(String tenant, String datasetId);

    void saveStatus(String tenant, Dataset dataset);

    /** Fills in the dataset's S3 locations. */
    Dataset.Builder locate(String tenant, Dataset.Builder dataset);

    /** Stores the tokenizer file; returns where. */
    dev.lmforge.api.v1.S3Location putTokenizer(String tenant, String datasetId, String fileName, byte[] content);

    Optional<byte[]> tokenizer(Dataset dataset);

    /**
     * An object the tenant may import, by s3:// URI (an uploaded tokenizer model): INVALID_ARGUMENT
     * for a malformed URI, PERMISSION_DENIED outside the tenant's import allow-list, before any read.
     */
    java.io.InputStream openImport(String s3Uri, String tenant);

    /** A stream for one shard object; visible only once closed. Returns its key. */
    AbortableOutputStream openShard(String tenant, String datasetId, String name);

    String shardKey(String tenant, String datasetId, String name);

    /** Writes meta.json last: the dataset is complete from then on. */
    void publish(String tenant, Dataset dataset);

    /** Removes the shards, tokenizer and meta of a failed build, keeping its status. */
    void discardArtifacts(String tenant, String datasetId);

    /** Whether tokens.ready was recorded as sent by the per-dataset marker used before the outbox. */
    boolean hasLegacyTokensReadyMarker(String tenant, String datasetId);

    /** Datasets in id order after {@code startAfter}, at most {@code limit}. */
    Page list(String tenant, String startAfter, int limit);

    int delete(String tenant, String datasetId);

    /** Every tenant with datasets (the default one first), for the builds to pick up at start. */
    List<String> tenants();

    record Page(List<Dataset> datasets, String nextStartAfter) {
    }
}
