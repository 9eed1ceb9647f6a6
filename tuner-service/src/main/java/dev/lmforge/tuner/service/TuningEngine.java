package dev.lmforge.tuner.service;

import dev.lmforge.api.v1.Principal;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.EarlyStopping;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ObjectiveType;
import dev.lmforge.api.v1.ParameterImportance;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.common.naming.JobStatusNames;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.tuner.strategy.Assignment;
import dev.lmforge.tuner.strategy.BayesianOptimization;
import dev.lmforge.tuner.strategy.Hyperband;
import dev.lmforge.tuner.strategy.MedianStoppingRule;
import dev.lmforge.tuner.strategy.Observation;
import dev.lmforge.tuner.strategy.ParameterImportance.Method;
import dev.lmforge.tuner.strategy.SearchSpace;
import dev.lmforge.tuner.strategy.StrategySpec;
import dev.lmforge.tuner.strategy.StrategyType;
import dev.lmforge.tuner.strategy.Strategies;
import dev.lmforge.tuner.strategy.SuggestionStrategy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs tuning jobs: keeps up to max_parallel_jobs trials in flight, learns their results (from
 * model.ready and progress events, and from the trainer's job records, which also cover anything
 * missed while the tuner was down), stops trials the median rule condemns, asks the strategy for
 * the next points, and ends the job. Its state lives in S3 after every change; a trial is recorded
 * before it is requested, so a restarted tuner neither loses nor duplicates trials. A tuning job
 * belongs to a tenant: its trials, its warm-start parents and its state are that tenant's.
 */
@ApplicationScoped
public class TuningEngine {

    private static final Logger LOG = Logger.getLogger(TuningEngine.class);

    private final TuningStore store;
    private final Trials trials;
    private final TunerConfig config;
    /** The running jobs of every tenant. */
    private final Map<TenantKey, TuningJob> active = new ConcurrentHashMap<>();
    /** Trials found at start-up that no trainer knows of: requested again on their job's next advance. */
    private final Set<TenantKey> requestAgain = ConcurrentHashMap.newKeySet();

    public TuningEngine(TuningStore store, Trials trials, TunerConfig config) {
        this.store = store;
        this.trials = trials;
        this.config = config;
    }

    /** At start-up: every job that was running, in every tenant, runs on. */
    public void restore() {
        for (String tenant : store.tenants()) {
            for (TuningJob j : store.all(tenant)) {
                if (j.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS || j.getStatus() == JobStatus.JOB_STATUS_STOPPING) {
                    active.put(new TenantKey(tenant, j.getSpec().getTuningJobName()), j);
                    // A trial is recorded before it is requested: a tuner killed in between left one that no trainer knows of.
                    j.getTrialsList().stream()
                            .filter(t -> t.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS && trials.find(tenant, t.getTrainingJobName()).isEmpty())
                            .forEach(t -> requestAgain.add(new TenantKey(tenant, t.getTrainingJobName())));
                }
            }
        }
    }

    void start(String tenant, TuningJob job) {
        TenantKey key = new TenantKey(tenant, job.getSpec().getTuningJobName());
        active.put(key, job);
        advance(key);
    }

    Optional<TuningJob> current(String tenant, String name) {
        return Optional.ofNullable(active.get(new TenantKey(tenant, name)));
    }

    synchronized TuningJob requestStop(String tenant, String name) {
        TenantKey key = new TenantKey(tenant, name);
        TuningJob job = active.get(key);
        if (job == null || job.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS) {
            throw LmForgeException.failedPrecondition("tuning job '%s' is not InProgress: only a running job can be stopped", name);
        }
        TuningJob stopping = job.toBuilder().setStatus(JobStatus.JOB_STATUS_STOPPING).build();
        save(tenant, stopping);
        advance(key);
        return active.getOrDefault(key, stopping);
    }

    /** The running jobs of every tenant, as they stand. */
    public Map<TenantKey, TuningJob> running() {
        return Map.copyOf(active);
    }

    /** Every running job of every tenant, once (the scheduler calls this). */
    public void advanceAll() {
        for (TenantKey job : List.copyOf(active.keySet())) {
            try {
                advance(job);
            } catch (RuntimeException e) {
                LOG.warnf("tuning job %s: %s (will retry)", job, e.getMessage());
            }
        }
    }

    /** A trial of the tenant reported an epoch or ended: look at its tuning job now. */
    public void onTrialEvent(String tenant, String tuningJobName) {
        TenantKey job = new TenantKey(tenant, tuningJobName);
        if (!tuningJobName.isEmpty() && active.containsKey(job)) {
            try {
                advance(job);
            } catch (RuntimeException e) {
                LOG.warnf("tuning job %s: %s (will retry)", job, e.getMessage());
            }
        }
    }

    synchronized void advance(TenantKey key) {
        TuningJob before = active.get(key);
        if (before == null) {
            return;
        }
        String tenant = key.tenant();
        TuningJob.Builder job = before.toBuilder();
        TuningJobSpec spec = job.getSpec();
        SearchSpace space = SearchSpaces.of(spec.getRanges());
        boolean maximize = spec.getObjective().getType() == ObjectiveType.OBJECTIVE_TYPE_MAXIMIZE;

        refreshTrials(tenant, job, spec);
        if (spec.getEarlyStopping() == EarlyStopping.EARLY_STOPPING_AUTO && job.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS) {
            applyMedianRule(tenant, job, maximize);
        }
        long running = job.getTrialsList().stream().filter(t -> t.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS).count();
        long ended = job.getTrialsCount() - running;

        if (job.getStatus() == JobStatus.JOB_STATUS_STOPPING) {
            for (Trial t : job.getTrialsList()) {
                if (t.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS) {
                    trials.stop(tenant, t.getTrainingJobName());
                }
            }
            if (running == 0) {
                finish(key, job, JobStatus.JOB_STATUS_STOPPED);
            }
        } else {
            int free = (int) Math.min(spec.getMaxParallelJobs() - running, spec.getMaxJobs() - job.getTrialsCount());
            if (free > 0) {
                List<Assignment> next = strategy(spec, space).suggest(free, observations(tenant, job.getTrialsList(), spec, space, maximize),
                        pending(job, space));
                for (Assignment a : next) {
                    launch(tenant, job, spec, a);
                }
                if (next.isEmpty() && running == 0) {
                    LOG.infof("tuning job %s: the strategy has nothing more to try", key);
                    finish(key, job, JobStatus.JOB_STATUS_COMPLETED);
                }
            }
            if (job.getTrialsCount() == spec.getMaxJobs() && ended == spec.getMaxJobs() && job.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS) {
                finish(key, job, JobStatus.JOB_STATUS_COMPLETED);
            }
        }
        summarize(tenant, job, space, maximize);
        TuningJob after = job.build();
        if (!after.equals(before)) {
            save(tenant, after);
        }
    }

    private void save(String tenant, TuningJob job) {
        store.save(tenant, job);
        TenantKey key = new TenantKey(tenant, job.getSpec().getTuningJobName());
        if (job.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS || job.getStatus() == JobStatus.JOB_STATUS_STOPPING) {
            active.put(key, job);
        } else {
            active.remove(key);
        }
    }

    /** Brings each running trial up to date from its training job's record. */
    private void refreshTrials(String tenant, TuningJob.Builder job, TuningJobSpec spec) {
        String metric = spec.getObjective().getMetricName();
        for (int i = 0; i < job.getTrialsCount(); i++) {
            Trial t = job.getTrials(i);
            if (t.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS) {
                continue;
            }
            Optional<TrainingJob> record = trials.find(tenant, t.getTrainingJobName());
            if (record.isEmpty()) {
                if (requestAgain.remove(new TenantKey(tenant, t.getTrainingJobName()))) {
                    request(tenant, spec, t, job.getCreatedBy());
                }
                continue;
            }
            TrainingJob tj = record.get();
            Trial.Builder b = t.toBuilder().clearObjectiveCurve().addAllObjectiveCurve(curve(tj, metric));
            switch (tj.getStatus()) {
                case JOB_STATUS_COMPLETED -> {
                    b.setStatus(JobStatus.JOB_STATUS_COMPLETED).setEndTime(tj.getTrainingEndTime());
                    finalMetric(tj, metric).ifPresent(v -> b.setObjectiveValue(v).setHasObjectiveValue(true));
                }
                case JOB_STATUS_FAILED -> b.setStatus(JobStatus.JOB_STATUS_FAILED).setFailureReason(tj.getFailureReason()).setEndTime(tj.getTrainingEndTime());
                case JOB_STATUS_STOPPED -> {
                    // A stopped trial counts with its last reported objective, as SageMaker counts early-stopped trials.
                    b.setStatus(JobStatus.JOB_STATUS_STOPPED).setEndTime(tj.getTrainingEndTime());
                    if (b.getObjectiveCurveCount() > 0) {
                        b.setObjectiveValue(b.getObjectiveCurve(b.getObjectiveCurveCount() - 1)).setHasObjectiveValue(true);
                    }
                }
                default -> {
                }
            }
            job.setTrials(i, b);
        }
    }

    /** The objective after each epoch, from the job's epoch metrics. */
    static List<Double> curve(TrainingJob tj, String metric) {
        List<Double> out = new ArrayList<>();
        for (EpochMetrics m : tj.getEpochsList()) {
            switch (metric) {
                case MetricNames.VALIDATION_LOSS -> out.add(m.getValidationLoss());
                case MetricNames.VALIDATION_PERPLEXITY -> out.add(m.getValidationPerplexity());
                case MetricNames.VALIDATION_BPC -> out.add(m.getValidationBpc());
                case MetricNames.TRAIN_LOSS -> out.add(m.getTrainLoss());
                default -> {
                    return List.of();
                }
            }
        }
        return out;
    }

    private static Optional<Double> finalMetric(TrainingJob tj, String metric) {
        return tj.getFinalMetricsList().stream().filter(m -> m.getName().equals(metric)).map(Metric::getValue).findFirst();
    }

    private void applyMedianRule(String tenant, TuningJob.Builder job, boolean maximize) {
        MedianStoppingRule rule = new MedianStoppingRule(config.medianRuleMinTrials(), 1);
        List<Trial> all = job.getTrialsList();
        for (int i = 0; i < all.size(); i++) {
            Trial t = all.get(i);
            if (t.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS || t.getEarlyStopped() || t.getObjectiveCurveCount() == 0) {
                continue;
            }
            List<double[]> earlier = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                earlier.add(signed(all.get(j).getObjectiveCurveList(), maximize));
            }
            MedianStoppingRule.Decision d = rule.evaluate(signed(t.getObjectiveCurveList(), maximize), earlier);
            if (d.stop()) {
                LOG.infof("tuning job %s: stopping trial %s early: %s", TenantKey.encode(tenant, job.getSpec().getTuningJobName()), t.getTrainingJobName(), d.reason());
                trials.stop(tenant, t.getTrainingJobName());
                job.setTrials(i, t.toBuilder().setEarlyStopped(true));
            }
        }
    }

    private static double[] signed(List<Double> curve, boolean maximize) {
        return curve.stream().mapToDouble(v -> maximize ? -v : v).toArray();
    }

    private static SuggestionStrategy strategy(TuningJobSpec spec, SearchSpace space) {
        StrategyType type = switch (spec.getStrategy()) {
            case TUNING_STRATEGY_RANDOM -> StrategyType.RANDOM;
            case TUNING_STRATEGY_GRID -> StrategyType.GRID;
            case TUNING_STRATEGY_HYPERBAND -> StrategyType.HYPERBAND;
            default -> StrategyType.BAYESIAN;
        };
        StrategySpec s = StrategySpec.of(type, space).withSeed(spec.getRandomSeed()).withMaxJobs(spec.getMaxJobs())
                .withBayesian(BayesianOptimization.Options.defaults());
        if (type == StrategyType.HYPERBAND) {
            var hb = spec.getHyperband();
            int max = hb.getMaxEpochs() > 0 ? hb.getMaxEpochs()
                    : Integer.parseInt(spec.getStaticHyperparametersMap().getOrDefault("epochs", "9"));
            s = s.withHyperband(new Hyperband.Options(max, Math.max(1, hb.getMinEpochs()), hb.getEta() > 1 ? hb.getEta() : 3));
        }
        return Strategies.create(s);
    }

    /** Finished trials (this job's and its warm-start parents', of its tenant), objective minimised. */
    private List<Observation> observations(String tenant, List<Trial> own, TuningJobSpec spec, SearchSpace space, boolean maximize) {
        List<Trial> all = new ArrayList<>(own);
        for (String parent : spec.getWarmStartParentsList()) {
            store.find(tenant, parent).ifPresent(p -> all.addAll(p.getTrialsList()));
        }
        List<Observation> out = new ArrayList<>();
        for (Trial t : all) {
            if (t.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS) {
                continue;
            }
            Assignment a = SearchSpaces.assignment(space, t.getHyperparametersMap(), t.getResource(), t.getStrategyTag());
            out.add(t.getHasObjectiveValue() ? new Observation(a, maximize ? -t.getObjectiveValue() : t.getObjectiveValue()) : Observation.failed(a));
        }
        return out;
    }

    private static List<Assignment> pending(TuningJob.Builder job, SearchSpace space) {
        return job.getTrialsList().stream().filter(t -> t.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS)
                .map(t -> SearchSpaces.assignment(space, t.getHyperparametersMap(), t.getResource(), t.getStrategyTag())).toList();
    }

    /** Records the trial, saves the state, then requests the training job. */
    private void launch(String tenant, TuningJob.Builder job, TuningJobSpec spec, Assignment a) {
        String trialName = String.format("%s-%03d", spec.getTuningJobName(), job.getTrialsCount() + 1);
        Map<String, String> hp = new TreeMap<>(spec.getStaticHyperparametersMap());
        hp.putAll(SearchSpaces.hyperparameters(a));
        Trial trial = Trial.newBuilder().setTrainingJobName(trialName).putAllHyperparameters(hp).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS)
                .setResource(a.resource()).setStrategyTag(a.tag()).setCreationTime(Timestamps.now()).build();
        job.addTrials(trial);
        save(tenant, job.build());
        try {
            trials.request(tenant, trialSpec(spec, trial), job.getCreatedBy());
            LOG.infof("tuning job %s: trial %s with %s", TenantKey.encode(tenant, spec.getTuningJobName()), trialName, hp);
        } catch (LmForgeException e) {
            if (e.kind() == LmForgeException.Kind.UNAVAILABLE) {
                // Kafka is away for a moment: the trial stays recorded and is requested again on a later tick.
                requestAgain.add(new TenantKey(tenant, trialName));
                LOG.warnf("tuning job %s: trial %s could not be requested yet (%s); next tick", TenantKey.encode(tenant, spec.getTuningJobName()), trialName, e.getMessage());
                return;
            }
            int last = job.getTrialsCount() - 1;
            job.setTrials(last, trial.toBuilder().setStatus(JobStatus.JOB_STATUS_FAILED)
                    .setFailureReason("the train.requested event could not be published: " + e.getMessage()));
        }
    }

    /** A recorded trial's request, sent again (a trainer takes a job name once, so a duplicate does nothing). */
    private void request(String tenant, TuningJobSpec spec, Trial trial, Principal requestedBy) {
        try {
            trials.request(tenant, trialSpec(spec, trial), requestedBy);
            LOG.infof("tuning job %s: trial %s requested again after a restart", TenantKey.encode(tenant, spec.getTuningJobName()), trial.getTrainingJobName());
        } catch (RuntimeException e) {
            requestAgain.add(new TenantKey(tenant, trial.getTrainingJobName()));
            LOG.warnf("tuning job %s: trial %s could not be requested again (%s); next tick", TenantKey.encode(tenant, spec.getTuningJobName()), trial.getTrainingJobName(), e.getMessage());
        }
    }

    private static TrainingJobSpec trialSpec(TuningJobSpec spec, Trial trial) {
        return TrainingJobSpec.newBuilder().setTrainingJobName(trial.getTrainingJobName()).setDatasetId(spec.getDatasetId())
                .putAllHyperparameters(trial.getHyperparametersMap()).setTuningJobName(spec.getTuningJobName()).build();
    }

    private static void finish(TenantKey key, TuningJob.Builder job, JobStatus status) {
        job.setStatus(status).setEndTime(Timestamps.now());
        LOG.infof("tuning job %s: %s after %d trials", key, status, job.getTrialsCount());
    }

    /** Counts by status, best trial, and (once a few trials ended) which parameters matter. */
    private void summarize(String tenant, TuningJob.Builder job, SearchSpace space, boolean maximize) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Trial t : job.getTrialsList()) {
            String key = switch (t.getStatus()) {
                case JOB_STATUS_IN_PROGRESS, JOB_STATUS_COMPLETED, JOB_STATUS_FAILED -> JobStatusNames.of(t.getStatus()).orElseThrow();
                case JOB_STATUS_STOPPED -> t.getEarlyStopped() ? "EarlyStopped" : JobStatusNames.of(t.getStatus()).orElseThrow();
                default -> "Other";
            };
            counts.merge(key, 1, Integer::sum);
        }
        job.clearTrialCountsByStatus().putAllTrialCountsByStatus(counts);
        job.getTrialsList().stream().filter(Trial::getHasObjectiveValue)
                .min(Comparator.comparingDouble(t -> maximize ? -t.getObjectiveValue() : t.getObjectiveValue()))
                .ifPresent(job::setBestTrial);
        List<Observation> obs = observations(tenant, job.getTrialsList(), job.getSpec(), space, maximize).stream()
                .filter(o -> !o.isFailed()).toList();
        // A GP fit is not free: estimate again only when another trial has finished.
        if (obs.size() >= 3 && obs.size() != job.getImportanceTrials()) {
            Map<String, Double> importance = dev.lmforge.tuner.strategy.ParameterImportance.compute(space, obs, Method.FANOVA, job.getSpec().getRandomSeed());
            job.clearParameterImportance().setImportanceTrials(obs.size())
                    .setImportanceMethod("functional ANOVA of the Gaussian process mean over " + obs.size() + " trials");
            importance.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> job.addParameterImportance(ParameterImportance.newBuilder().setName(e.getKey()).setImportance(e.getValue())));
        }
    }
}
