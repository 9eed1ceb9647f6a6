package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.Principal;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.SecondaryStatus;
import dev.lmforge.api.v1.SecondaryStatusTransition;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.common.paging.Paging;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Training jobs as their users see them, with SageMaker's semantics: create (validate, record,
 * request on train.requested), describe, list (newest first), stop. Running them is {@link JobRunner}'s.
 * Every job belongs to a tenant, and a caller names its own: another tenant's job is answered exactly
 * like a missing one.
 */
@ApplicationScoped
public class TrainingJobs {

    private final JobStore store;
    private final DatasetReader datasets;
    private final TrainerEvents events;
    private final LanguageModel.Factory models;
    private final TrainerConfig config;

    public TrainingJobs(JobStore store, DatasetReader datasets, TrainerEvents events, LanguageModel.Factory models, TrainerConfig config) {
        this.store = store;
        this.datasets = datasets;
        this.events = events;
        this.models = models;
        this.config = config;
    }

    /**
     * Records the job in the tenant as the principal's and requests it on train.requested. The request
     * names its tenant only through the principal, so the principal must act in the tenant.
     */
    public TrainingJob create(String tenant, TrainingJobSpec spec, Principal createdBy) {
        if (!tenant.equals(createdBy.getTenant())) {
            throw new IllegalArgumentException("a job of tenant '" + tenant + "' created by a principal of tenant '" + createdBy.getTenant() + "'");
        }
        TrainingJob job = validate(tenant, spec).toBuilder().setCreatedBy(createdBy).build();
        if (store.find(tenant, spec.getTrainingJobName()).isPresent()) {
            throw LmForgeException.alreadyExists("training job '%s' already exists: job names are unique", spec.getTrainingJobName());
        }
        store.create(tenant, job);
        try {
            events.trainRequested(job.getSpec(), createdBy);
        } catch (RuntimeException e) {
            store.save(tenant, failed(job, "the train.requested event could not be published: " + e.getMessage()));
            throw e;
        }
        return job;
    }

    /** Checks a spec completely (its dataset is the tenant's) and returns the job record it becomes (InProgress, Starting). */
    public TrainingJob validate(String tenant, TrainingJobSpec spec) {
        ResourceNames.requireValid("training job name", spec.getTrainingJobName());
        ResourceNames.requireValid("dataset id", spec.getDatasetId());
        Hyperparameters h = Hyperparameters.parse(spec.getHyperparametersMap());
        if (spec.getStoppingCondition().getMaxRuntimeSeconds() < 0) {
            throw LmForgeException.invalidArgument("stopping_condition.max_runtime_seconds must be >= 0 (0: no limit)");
        }
        if (spec.getCheckpointConfig().getIntervalSeconds() < 0) {
            throw LmForgeException.invalidArgument("checkpoint_config.interval_seconds must be >= 0 (0: the trainer's default)");
        }
        if (spec.hasOutputLocation() || spec.getCheckpointConfig().hasLocation()) {
            throw LmForgeException.invalidArgument(
                    "output_location and checkpoint_config.location are not supported: models and checkpoints go under training-jobs/{name}/ in the platform's bucket");
        }
        Dataset dataset = datasets.dataset(tenant, spec.getDatasetId());
        // the n-gram baseline's memory depends on the distinct n-grams, known only once counted
        long bytes = h.model() == Hyperparameters.Model.KNESER_NEY ? 0 : models.estimateBytes(h, dataset.getVocabSize());
        if (bytes > config.maxModelBytes()) {
            throw LmForgeException.resourceExhausted(
                    "this configuration needs about %.1f GiB to train (parameters, optimizer state, activations of batch_size × bptt, vocabulary %d); "
                            + "the trainer allows %.1f GiB: lower hidden_size, num_layers, embedding_dim, batch_size or bptt",
                    bytes / 1073741824.0, dataset.getVocabSize(), config.maxModelBytes() / 1073741824.0);
        }
        Timestamp ts = Timestamps.now();
        return TrainingJob.newBuilder().setSpec(spec).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS)
                .setSecondaryStatus(SecondaryStatus.SECONDARY_STATUS_STARTING)
                .addSecondaryStatusTransitions(SecondaryStatusTransition.newBuilder().setStatus(SecondaryStatus.SECONDARY_STATUS_STARTING)
                        .setStartTime(ts).setMessage("waiting for a " + deviceClass(spec) + " trainer"))
                .setCreationTime(ts).putAllResolvedHyperparameters(h.resolved()).build();
    }

    /** The class of trainer a job runs on: what its resource asks for, else the platform's default class. */
    public String deviceClass(TrainingJobSpec spec) {
        return switch (spec.getResource()) {
            case COMPUTE_RESOURCE_GPU -> "gpu";
            case COMPUTE_RESOURCE_CPU -> "cpu";
            default -> config.defaultDeviceClass();
        };
    }

    public TrainingJob describe(String tenant, String name) {
        ResourceNames.requireValid("training job name", name);
        return store.find(tenant, name).orElseThrow(() -> LmForgeException.notFound("training job '%s' does not exist", name));
    }

    /** A page of the tenant's jobs, newest first, filtered; the page token is an offset this method returned. */
    public Paging.Page<TrainingJob> list(String tenant, JobStatus statusEquals, String nameContains, String pageToken, int pageSize) {
        Paging.Window window = Paging.window(pageToken, pageSize);
        List<TrainingJob> all = new ArrayList<>();
        String after = null;
        do {
            JobStore.Page page = store.list(tenant, after, 1000);
            for (TrainingJob j : page.jobs()) {
                boolean statusOk = statusEquals == JobStatus.JOB_STATUS_UNSPECIFIED || j.getStatus() == statusEquals;
                boolean nameOk = nameContains.isEmpty() || j.getSpec().getTrainingJobName().toLowerCase(Locale.ROOT)
                        .contains(nameContains.toLowerCase(Locale.ROOT));
                if (statusOk && nameOk) {
                    all.add(j);
                }
            }
            after = page.nextStartAfter();
        } while (after != null);
        all.sort(Comparator.comparing((TrainingJob j) -> j.getCreationTime().getSeconds())
                .thenComparing(j -> j.getCreationTime().getNanos()).reversed());
        return window.slice(all);
    }

    /** Asks a running job to stop; the trainer running it notices within seconds. */
    public TrainingJob stop(String tenant, String name) {
        TrainingJob job = describe(tenant, name);
        if (job.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS) {
            throw LmForgeException.failedPrecondition("training job '%s' is %s: only an InProgress job can be stopped",
                    name, JobStates.name(job.getStatus()));
        }
        TrainingJob stopping = JobStates.transition(job.toBuilder().setStatus(JobStatus.JOB_STATUS_STOPPING),
                SecondaryStatus.SECONDARY_STATUS_STOPPING, "stop requested").build();
        store.save(tenant, stopping);
        return stopping;
    }

    static TrainingJob failed(TrainingJob job, String reason) {
        return JobStates.transition(job.toBuilder().setStatus(JobStatus.JOB_STATUS_FAILED).setFailureReason(reason),
                SecondaryStatus.SECONDARY_STATUS_FAILED, reason).build();
    }

}
