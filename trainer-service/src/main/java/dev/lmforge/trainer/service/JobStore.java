package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.trainer.internal.LatestCheckpoint;
import dev.lmforge.trainer.internal.TrainingState;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where training jobs live, apart per tenant (each tenant's under its own layout, so the same job name
 * may exist in two tenants): {@code training-jobs/{name}/spec.json}, {@code status.json} (the
 * TrainingJob message, always current), {@code metrics.jsonl}, {@code lease.json},
 * {@code checkpoints/…} with {@code checkpoints/latest.json} written last, and {@code model/…} with
 * {@code model/manifest.json} written last.
 */
public interface JobStore {

    Optional<TrainingJob> find(String tenant, String name);

    /** Writes spec.json and the first status.json of a new job. */
    void create(String tenant, TrainingJob job);

    void save(String tenant, TrainingJob job);

    /** The tenant's jobs in name order after {@code startAfter}, at most {@code limit}. */
    Page list(String tenant, String startAfter, int limit);

    /**
     * Who runs a job, and when they last said so. {@code attempt} fences the holder: an attempt writes
     * only while the lease names its trainer and its attempt number (0 in leases written before fencing).
     */
    record Lease(String owner, Instant renewed, int attempt) {

        public boolean heldBy(String trainer, int attemptNumber) {
            return owner.equals(trainer) && attempt == attemptNumber;
        }
    }

    Optional<Lease> lease(String tenant, String name);

    void writeLease(String tenant, String name, Lease lease);

    void releaseLease(String tenant, String name);

    void writeMetrics(String tenant, String name, List<dev.lmforge.api.v1.EpochMetrics> epochs);

    /**
     * Uploads a checkpoint directory, then points checkpoints/latest.json at it and deletes the
     * previous one, unless it is the checkpoint of the state's best epoch ({@code best_global_step},
     * set with keep_best_epoch), which is kept until a better epoch replaces it.
     */
    void saveCheckpoint(String tenant, String name, Path dir, TrainingState state);

    Optional<LatestCheckpoint> latestCheckpoint(String tenant, String name);

    /** Downloads the files of the checkpoint taken at {@code globalStep} into an empty directory. */
    void downloadCheckpoint(String tenant, String name, long globalStep, Path into);

    /** Uploads the SavedModel and its companions, then model/manifest.json last. */
    S3Location saveModel(String tenant, String name, Path modelDir, byte[] manifest);

    /**
     * Whether model.ready was recorded as sent by the per-job marker used before the outbox; such
     * markers predate tenants, so only the default tenant's jobs have them.
     */
    boolean hasLegacyModelReadyMarker(String name);

    record Page(List<TrainingJob> jobs, String nextStartAfter) {
    }
}
