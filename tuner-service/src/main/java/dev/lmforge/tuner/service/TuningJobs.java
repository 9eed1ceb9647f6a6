package dev.lmforge.tuner.service;

import dev.lmforge.api.v1.Principal;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.EarlyStopping;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ObjectiveType;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;
import dev.lmforge.api.v1.TuningStrategy;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.common.paging.Paging;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tuning jobs as their users see them, with SageMaker's semantics; {@link TuningEngine} runs them.
 * Every job belongs to a tenant, and a caller names its own: another tenant's job is answered exactly
 * like a missing one.
 */
@ApplicationScoped
public class TuningJobs {

    static final int MAX_JOBS = 500;

    private final TuningStore store;
    private final Trials trials;
    private final TuningEngine engine;

    public TuningJobs(TuningStore store, Trials trials, TuningEngine engine) {
        this.store = store;
        this.trials = trials;
        this.engine = engine;
    }

    /**
     * Records the tuning job in the tenant as the principal's (its trials run on its behalf) and starts
     * it. A trial's request names its tenant only through the principal, so the principal must act in the tenant.
     */
    public TuningJob create(String tenant, TuningJobSpec spec, Principal createdBy) {
        if (!tenant.equals(createdBy.getTenant())) {
            throw new IllegalArgumentException("a tuning job of tenant '" + tenant + "' created by a principal of tenant '" + createdBy.getTenant() + "'");
        }
        validate(tenant, spec);
        if (store.find(tenant, spec.getTuningJobName()).isPresent()) {
            throw LmForgeException.alreadyExists("tuning job '%s' already exists: job names are unique", spec.getTuningJobName());
        }
        TuningJob job = TuningJob.newBuilder().setSpec(spec).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS).setCreationTime(Timestamps.now())
                .setCreatedBy(createdBy).build();
        store.create(tenant, job);
        engine.start(tenant, job);
        return job;
    }

    void validate(String tenant, TuningJobSpec spec) {
        ResourceNames.requireValid("tuning job name", spec.getTuningJobName());
        if (spec.getTuningJobName().length() > ResourceNames.MAX_LENGTH - 4) {
            throw LmForgeException.invalidArgument("tuning job name must have at most %d characters (trials are named NAME-001, ...)",
                    ResourceNames.MAX_LENGTH - 4);
        }
        ResourceNames.requireValid("dataset id", spec.getDatasetId());
        var space = SearchSpaces.of(spec.getRanges());
        Set<String> tuned = new HashSet<>();
        space.parameters().forEach(p -> tuned.add(p.name()));
        for (String fixed : spec.getStaticHyperparametersMap().keySet()) {
            if (tuned.contains(fixed)) {
                throw LmForgeException.invalidArgument("hyperparameter '%s' is both static and tuned: give it one way", fixed);
            }
        }
        if (!MetricNames.ALL.contains(spec.getObjective().getMetricName())) {
            throw LmForgeException.invalidArgument("objective metric '%s' is not one the trainer emits: %s",
                    spec.getObjective().getMetricName(), String.join(", ", MetricNames.ALL));
        }
        if (spec.getObjective().getType() == ObjectiveType.OBJECTIVE_TYPE_UNSPECIFIED) {
            throw LmForgeException.invalidArgument("objective type is required: OBJECTIVE_TYPE_MINIMIZE or OBJECTIVE_TYPE_MAXIMIZE");
        }
        if (spec.getStrategy() == TuningStrategy.TUNING_STRATEGY_UNSPECIFIED) {
            throw LmForgeException.invalidArgument("strategy is required: BAYESIAN, RANDOM, GRID or HYPERBAND");
        }
        if (spec.getMaxJobs() < 1 || spec.getMaxJobs() > MAX_JOBS) {
            throw LmForgeException.invalidArgument("max_jobs must be between 1 and %d, got %d", MAX_JOBS, spec.getMaxJobs());
        }
        if (spec.getMaxParallelJobs() < 1 || spec.getMaxParallelJobs() > spec.getMaxJobs()) {
            throw LmForgeException.invalidArgument("max_parallel_jobs must be between 1 and max_jobs (%d), got %d", spec.getMaxJobs(), spec.getMaxParallelJobs());
        }
        if (spec.getEarlyStopping() == EarlyStopping.EARLY_STOPPING_AUTO && !MetricNames.PER_EPOCH.contains(spec.getObjective().getMetricName())) {
            throw LmForgeException.invalidArgument("early stopping Auto needs an objective reported after every epoch (validation:* or train:loss), not %s",
                    spec.getObjective().getMetricName());
        }
        if (spec.getWarmStartParentsCount() > 5) {
            throw LmForgeException.invalidArgument("at most 5 warm-start parents, got %d", spec.getWarmStartParentsCount());
        }
        for (String parent : spec.getWarmStartParentsList()) {
            TuningJob p = store.find(tenant, parent).orElseThrow(() -> LmForgeException.notFound("warm-start parent tuning job '%s' does not exist", parent));
            if (!p.getSpec().getRanges().equals(spec.getRanges())) {
                throw LmForgeException.invalidArgument("warm-start parent '%s' tunes other ranges: a parent must have the same ranges", parent);
            }
            if (!p.getSpec().getObjective().equals(spec.getObjective())) {
                throw LmForgeException.invalidArgument("warm-start parent '%s' has another objective", parent);
            }
        }
        trials.dataset(tenant, spec.getDatasetId());
        for (Map<String, String> corner : SearchSpaces.corners(space)) {
            Map<String, String> hp = new TreeMap<>(spec.getStaticHyperparametersMap());
            hp.putAll(corner);
            trials.check(tenant, TrainingJobSpec.newBuilder().setTrainingJobName(spec.getTuningJobName() + "-001").setDatasetId(spec.getDatasetId())
                    .putAllHyperparameters(hp).setTuningJobName(spec.getTuningJobName()).build());
        }
    }

    public TuningJob describe(String tenant, String name) {
        ResourceNames.requireValid("tuning job name", name);
        return engine.current(tenant, name).or(() -> store.find(tenant, name))
                .orElseThrow(() -> LmForgeException.notFound("tuning job '%s' does not exist", name));
    }

    public Paging.Page<TuningJob> list(String tenant, JobStatus statusEquals, String nameContains, String pageToken, int pageSize) {
        Paging.Window window = Paging.window(pageToken, pageSize);
        List<TuningJob> all = store.all(tenant).stream()
                .filter(j -> statusEquals == JobStatus.JOB_STATUS_UNSPECIFIED || j.getStatus() == statusEquals)
                .filter(j -> j.getSpec().getTuningJobName().toLowerCase(Locale.ROOT).contains(nameContains.toLowerCase(Locale.ROOT)))
                .sorted(Comparator.comparing((TuningJob j) -> j.getCreationTime().getSeconds()).reversed()).toList();
        return window.slice(all);
    }

    /** Stopping: running trials are stopped, and the job ends Stopped when none runs any more. */
    public TuningJob stop(String tenant, String name) {
        describe(tenant, name);
        return engine.requestStop(tenant, name);
    }

}
