package dev.lmforge.common.store;

import com.google.protobuf.Message;
import dev.lmforge.common.errors.LmForgeException;

/** Datasets as the trainer and the tuner read them: only a complete one, published by the tokenizer-service. */
public final class PublishedDatasets {

    private PublishedDatasets() {
    }

    /**
     * A complete dataset of the tenant: its record (its meta record, written last) merged into {@code into}, the
     * caller's Dataset builder. FAILED_PRECONDITION while its build runs or after it failed,
     * NOT_FOUND when there is no such dataset.
     */
    public static <B extends Message.Builder> B require(ArtifactStore store, String tenant, String datasetId, B into) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        return store.read(layout.datasetMeta(datasetId)).map(json -> ProtoJson.merge(json, into))
                .orElseThrow(() -> store.exists(layout.datasetStatus(datasetId))
                        ? LmForgeException.failedPrecondition("dataset '%s' is not ready: its build is still running or failed (see GetDataset)", datasetId)
                        : LmForgeException.notFound("dataset '%s' does not exist", datasetId));
    }
}
