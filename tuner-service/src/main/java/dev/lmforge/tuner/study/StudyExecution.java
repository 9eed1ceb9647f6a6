package dev.lmforge.tuner.study;

import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.ContinuousParameterRange;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.EarlyStopping;
import dev.lmforge.api.v1.IntegerParameterRange;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ObjectiveType;
import dev.lmforge.api.v1.ParameterRanges;
import dev.lmforge.api.v1.ScalingType;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyRun;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;
import dev.lmforge.api.v1.TuningObjective;
import dev.lmforge.api.v1.TuningStrategy;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.common.security.TenantKey;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One study from start to report, as a plain sequence: the stop-word-free corpus, the datasets, the
 * training jobs and the tuning job, each made only if it does not exist yet (so a restarted tuner
 * picks a study up where it was), then a wait until every run has ended, then the report. The
 * study's record is saved after every change of a run. Everything it makes and reads is its tenant's.
 */
public final class StudyExecution {

    private static final Logger LOG = Logger.getLogger(StudyExecution.class);
    static final String STUDY_TAG = "lmforge.dev/study";
    static final String RUN_TAG = "lmforge.dev/study-run";

    private final String tenant;
    private final StudyPlatform platform;
    private final StudyStore store;
    private final Duration pollInterval;
    private Study.Builder study;

    public StudyExecution(String tenant, Study study, StudyPlatform platform, StudyStore store, Duration pollInterval) {
        this.tenant = tenant;
        this.study = study.toBuilder();
        this.platform = platform;
        this.store = store;
        this.pollInterval = pollInterval;
    }

    /** Runs the study to its end; the record says how it ended. */
    public Study run() throws InterruptedException {
        String name = study.getSpec().getStudyName();
        try {
            Corpus corpus = platform.findCorpus(tenant, study.getSpec().getCorpusId())
                    .orElseThrow(() -> new IllegalStateException("corpus '" + study.getSpec().getCorpusId() + "' no longer exists"));
            StudyPlan plan = StudyPlan.of(name, Budget.of(study.getSpec().getBudget()), corpus.getStats().getVocabularySize());
            plan.runs().stream().filter(run -> runStatus(run) == JobStatus.JOB_STATUS_UNSPECIFIED)
                    .forEach(run -> update(run, JobStatus.JOB_STATUS_UNSPECIFIED, ""));
            Optional<Corpus> variant = stopwordFreeCorpus(plan, corpus);
            startDatasets(plan, corpus, variant);
            Map<String, Dataset> datasets = awaitDatasets(plan);
            startJobs(plan, datasets);
            Map<String, TrainingJob> jobs = new HashMap<>();
            Optional<TuningJob> tuning = awaitJobs(plan, jobs);
            phase("writing the report");
            Map<String, Long> parameters = new HashMap<>();
            jobs.forEach((id, job) -> platform.parameters(tenant, job.getSpec().getTrainingJobName()).ifPresent(p -> parameters.put(id, p)));
            StudyReport report = new StudyReport(new StudyResults(plan, corpus, variant, datasets, jobs, tuning, parameters));
            Map<String, byte[]> files = report.files();
            files.forEach((file, content) -> store.putReportFile(tenant, name, file, content));
            List<String> failed = study.getRunsList().stream().filter(r -> r.getStatus() != JobStatus.JOB_STATUS_COMPLETED)
                    .map(r -> r.getId() + " (" + r.getFailureReason() + ")").toList();
            study.setSummary(report.summary()).setReportLocation(store.reportLocation(tenant, name)).clearReportFiles().addAllReportFiles(files.keySet())
                    .setStatus(failed.isEmpty() ? JobStatus.JOB_STATUS_COMPLETED : JobStatus.JOB_STATUS_FAILED)
                    .setFailureReason(failed.isEmpty() ? "" : "runs that did not complete, shown as such in the report: " + String.join("; ", failed))
                    .setPhase("").setEndTime(Timestamps.now());
            save();
            LOG.infof("study %s: %s, report at %s", TenantKey.encode(tenant, name), study.getStatus(), study.getReportLocation().getKey());
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "study %s failed", TenantKey.encode(tenant, name));
            study.setStatus(JobStatus.JOB_STATUS_FAILED).setFailureReason(e.getMessage() == null ? e.toString() : e.getMessage())
                    .setPhase("").setEndTime(Timestamps.now());
            save();
        }
        return study.build();
    }

    private Optional<Corpus> stopwordFreeCorpus(StudyPlan plan, Corpus corpus) {
        StudyPlan.Run run = plan.run(StudyPlan.NO_STOPWORDS);
        phase("removing stop words: corpus " + run.resource());
        try {
            Corpus variant = platform.findCorpus(tenant, run.resource()).orElseGet(() -> platform.importWithoutStopwords(tenant, corpus, run.resource()));
            update(run, JobStatus.JOB_STATUS_COMPLETED, "");
            return Optional.of(variant);
        } catch (RuntimeException e) {
            update(run, JobStatus.JOB_STATUS_FAILED, e.getMessage());
            return Optional.empty();
        }
    }

    private void startDatasets(StudyPlan plan, Corpus corpus, Optional<Corpus> variant) {
        for (StudyPlan.Run run : plan.ofKind(StudyPlan.DATASET)) {
            boolean onVariant = run.id().equals(StudyPlan.NO_STOPWORDS_WORD);
            if (onVariant && variant.isEmpty()) {
                update(run, JobStatus.JOB_STATUS_FAILED, "the stop-word-free corpus could not be made");
                continue;
            }
            if (platform.findDataset(tenant, run.resource()).isEmpty()) {
                platform.createDataset(tenant, run.resource(), onVariant ? variant.get().getCorpusId() : corpus.getCorpusId(), tokenizer(run, plan.vocabulary()));
            }
            update(run, JobStatus.JOB_STATUS_IN_PROGRESS, "");
        }
    }

    static TokenizerSpec tokenizer(StudyPlan.Run run, int vocabulary) {
        return switch (run.id()) {
            case StudyPlan.BPE -> TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_BPE).setVocabSize(vocabulary).setByteFallback(true).build();
            case StudyPlan.UNIGRAM -> TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_UNIGRAM).setVocabSize(vocabulary)
                    .setByteFallback(true).build();
            default -> TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setVocabSize(vocabulary).setMinCount(2).build();
        };
    }

    private Map<String, Dataset> awaitDatasets(StudyPlan plan) throws InterruptedException {
        Map<String, Dataset> done = new LinkedHashMap<>();
        while (true) {
            boolean waiting = false;
            for (StudyPlan.Run run : plan.ofKind(StudyPlan.DATASET)) {
                if (runStatus(run) != JobStatus.JOB_STATUS_IN_PROGRESS) {
                    continue;
                }
                Optional<Dataset> d = platform.findDataset(tenant, run.resource());
                JobStatus status = d.map(Dataset::getStatus).orElse(JobStatus.JOB_STATUS_IN_PROGRESS);
                if (status == JobStatus.JOB_STATUS_COMPLETED) {
                    done.put(run.id(), d.get());
                    update(run, status, "");
                } else if (status == JobStatus.JOB_STATUS_FAILED) {
                    update(run, status, d.get().getFailureReason());
                } else {
                    waiting = true;
                }
            }
            if (!waiting) {
                return done;
            }
            phase("building datasets");
            Thread.sleep(pollInterval.toMillis());
        }
    }

    private void startJobs(StudyPlan plan, Map<String, Dataset> datasets) {
        String name = plan.study();
        for (StudyPlan.Run run : plan.runs()) {
            if (run.kind().equals(StudyPlan.CORPUS) || run.kind().equals(StudyPlan.DATASET)) {
                continue;
            }
            Dataset dataset = datasets.get(run.dataset());
            if (dataset == null) {
                update(run, JobStatus.JOB_STATUS_FAILED, "its dataset " + plan.run(run.dataset()).resource() + " was not built");
                continue;
            }
            if (run.kind().equals(StudyPlan.TRAINING_JOB)) {
                if (platform.findTrainingJob(tenant, run.resource()).isEmpty()) {
                    platform.requestTrainingJob(tenant, TrainingJobSpec.newBuilder().setTrainingJobName(run.resource()).setDatasetId(dataset.getDatasetId())
                            .putAllHyperparameters(run.hyperparameters()).setStudyName(name)
                            .putTags(STUDY_TAG, name).putTags(RUN_TAG, run.id()).build(), study.getCreatedBy());
                }
            } else if (platform.findTuningJob(tenant, run.resource()).isEmpty()) {
                platform.createTuningJob(tenant, tuningSpec(plan, run, dataset), study.getCreatedBy());
            }
            update(run, JobStatus.JOB_STATUS_IN_PROGRESS, "");
        }
    }

    static TuningJobSpec tuningSpec(StudyPlan plan, StudyPlan.Run run, Dataset dataset) {
        Budget b = plan.budget();
        Map<String, String> fixed = new LinkedHashMap<>(run.hyperparameters());
        fixed.remove("learning_rate");
        fixed.remove("hidden_size");
        fixed.remove("dropout");
        fixed.put("epochs", Integer.toString(b.tuningEpochs()));
        ParameterRanges ranges = ParameterRanges.newBuilder()
                .addContinuous(ContinuousParameterRange.newBuilder().setName("learning_rate").setMinValue(b.learningRate() / 6)
                        .setMaxValue(b.learningRate() * 6).setScalingType(ScalingType.SCALING_TYPE_LOGARITHMIC))
                .addContinuous(ContinuousParameterRange.newBuilder().setName("dropout").setMinValue(0).setMaxValue(0.5)
                        .setScalingType(ScalingType.SCALING_TYPE_LINEAR))
                .addInteger(IntegerParameterRange.newBuilder().setName("hidden_size").setMinValue(b.minHidden()).setMaxValue(b.maxHidden())
                        .setScalingType(ScalingType.SCALING_TYPE_LOGARITHMIC))
                .build();
        return TuningJobSpec.newBuilder().setTuningJobName(run.resource()).setDatasetId(dataset.getDatasetId()).putAllStaticHyperparameters(fixed)
                .setRanges(ranges).setObjective(TuningObjective.newBuilder().setMetricName(MetricNames.VALIDATION_BPC).setType(ObjectiveType.OBJECTIVE_TYPE_MINIMIZE))
                .setStrategy(TuningStrategy.TUNING_STRATEGY_BAYESIAN).setMaxJobs(b.tuningTrials()).setMaxParallelJobs(b.tuningParallel())
                .setEarlyStopping(EarlyStopping.EARLY_STOPPING_OFF).setRandomSeed(1).build();
    }

    private Optional<TuningJob> awaitJobs(StudyPlan plan, Map<String, TrainingJob> jobs) throws InterruptedException {
        Optional<TuningJob> tuning = Optional.empty();
        while (true) {
            int running = 0;
            String current = "";
            for (StudyPlan.Run run : plan.runs()) {
                if (runStatus(run) != JobStatus.JOB_STATUS_IN_PROGRESS) {
                    continue;
                }
                if (run.kind().equals(StudyPlan.TRAINING_JOB)) {
                    Optional<TrainingJob> job = platform.findTrainingJob(tenant, run.resource());
                    JobStatus status = job.map(TrainingJob::getStatus).orElse(JobStatus.JOB_STATUS_IN_PROGRESS);
                    if (status == JobStatus.JOB_STATUS_COMPLETED) {
                        jobs.put(run.id(), job.get());
                        update(run, status, "");
                    } else if (status == JobStatus.JOB_STATUS_FAILED || status == JobStatus.JOB_STATUS_STOPPED) {
                        update(run, status, job.get().getFailureReason().isEmpty() ? "stopped" : job.get().getFailureReason());
                    } else {
                        running++;
                        if (job.isPresent() && job.get().hasProgress() && current.isEmpty()) {
                            current = String.format("%s epoch %d/%d", run.id(), job.get().getProgress().getEpoch(), job.get().getProgress().getTotalEpochs());
                        }
                    }
                } else if (run.kind().equals(StudyPlan.TUNING_JOB)) {
                    Optional<TuningJob> t = platform.findTuningJob(tenant, run.resource());
                    JobStatus status = t.map(TuningJob::getStatus).orElse(JobStatus.JOB_STATUS_IN_PROGRESS);
                    if (status == JobStatus.JOB_STATUS_COMPLETED || status == JobStatus.JOB_STATUS_FAILED || status == JobStatus.JOB_STATUS_STOPPED) {
                        tuning = t;
                        update(run, status, t.get().getFailureReason());
                    } else {
                        running++;
                    }
                }
            }
            if (running == 0) {
                return tuning;
            }
            int total = plan.ofKind(StudyPlan.TRAINING_JOB).size() + plan.ofKind(StudyPlan.TUNING_JOB).size();
            phase(String.format("jobs: %d of %d ended%s", total - running, total, current.isEmpty() ? "" : "; training " + current));
            Thread.sleep(pollInterval.toMillis());
        }
    }

    private JobStatus runStatus(StudyPlan.Run run) {
        return study.getRunsList().stream().filter(r -> r.getId().equals(run.id())).map(StudyRun::getStatus).findFirst()
                .orElse(JobStatus.JOB_STATUS_UNSPECIFIED);
    }

    private void update(StudyPlan.Run run, JobStatus status, String failureReason) {
        StudyRun next = StudyRun.newBuilder().setId(run.id()).setKind(run.kind()).setResource(run.resource()).addAllQuestions(run.questions())
                .setDescription(run.description()).setStatus(status).setFailureReason(failureReason == null ? "" : failureReason).build();
        for (int i = 0; i < study.getRunsCount(); i++) {
            if (study.getRuns(i).getId().equals(run.id())) {
                if (!study.getRuns(i).equals(next)) {
                    study.setRuns(i, next);
                    save();
                }
                return;
            }
        }
        study.addRuns(next);
        save();
    }

    private void phase(String phase) {
        if (!study.getPhase().equals(phase)) {
            study.setPhase(phase);
            save();
        }
    }

    private void save() {
        store.save(tenant, study.build());
    }
}
