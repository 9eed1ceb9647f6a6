package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.common.tracing.ResourceIds;
import dev.lmforge.common.tracing.TracedWork;
import dev.lmforge.common.naming.ModelSignatures;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.SecondaryStatus;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.common.naming.ResourceNames;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.store.LocalFiles;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.trainer.internal.LatestCheckpoint;
import dev.lmforge.trainer.internal.TrainingState;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Runs the jobs that arrive on train.requested, one at a time. A job is run by one trainer at a time
 * (a lease in S3, renewed while it runs); when a trainer dies, the request comes again to another one,
 * which waits for the dead trainer's lease to expire and resumes from the last checkpoint. A job
 * already ended is not run again, so a redelivered request does nothing. A job runs in the tenant of
 * the principal that requested it, and all it reads and writes is that tenant's.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobStore store;
    private final DatasetReader datasets;
    private final TrainerEvents events;
    private final LanguageModel.Factory models;
    private final TrainingJobs jobs;
    private final TrainerConfig config;
    private final MeterRegistry metrics;
    private final String trainerId;
    private final Tracer tracer;

    public JobRunner(JobStore store, DatasetReader datasets, TrainerEvents events, LanguageModel.Factory models,
            TrainingJobs jobs, TrainerConfig config, MeterRegistry metrics, Tracer tracer) {
        this.store = store;
        this.datasets = datasets;
        this.events = events;
        this.models = models;
        this.jobs = jobs;
        this.config = config;
        this.metrics = metrics;
        this.tracer = tracer;
        this.trainerId = config.id().orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName());
    }

    public String trainerId() {
        return trainerId;
    }

    /**
     * Runs the job in the principal's tenant (recording it first if it came straight from Kafka, as the
     * principal's); returns when it ends or moves on (or was not this trainer's to run: another trainer
     * holds it, or it asks for another device class).
     */
    public void run(TrainingJobSpec spec, Principal requestedBy) throws InterruptedException {
        String name = ResourceNames.requireValid("training job name", spec.getTrainingJobName());
        // The job is a span of the train.requested trace, with its ids in every line it logs.
        try (TracedWork work = TracedWork.start(tracer, "training job").id(ResourceIds.TRAINING_JOB, name)
                .id(ResourceIds.DATASET, spec.getDatasetId()).id(ResourceIds.TUNING_JOB, spec.getTuningJobName())) {
            try {
                run(name, spec, requestedBy);
            } catch (InterruptedException | RuntimeException e) {
                work.failed(e);
                throw e;
            }
        }
    }

    private void run(String name, TrainingJobSpec spec, Principal requestedBy) throws InterruptedException {
        String tenant = requestedBy.getTenant();
        String deviceClass = jobs.deviceClass(spec);
        if (!deviceClass.equals(config.deviceClass())) {
            LOG.debugf("training job %s runs on a %s trainer, this one takes %s jobs: left to the %s trainers' consumer group",
                    TenantKey.encode(tenant, name), deviceClass, config.deviceClass(), deviceClass);
            return;
        }
        TrainingJob job = store.find(tenant, name).orElseGet(() -> recordRequestedJob(tenant, spec, requestedBy));
        if (JobStates.terminal(job.getStatus())) {
            LOG.infof("training job %s is %s already; nothing to do", TenantKey.encode(tenant, name), JobStates.name(job.getStatus()));
            return;
        }
        job = acquire(tenant, job);
        if (job == null) {
            return;
        }
        try {
            if (job.getCrashes() >= config.maxCrashes()) {
                store.save(tenant, TrainingJobs.failed(job, String.format(
                        "its trainer died %d times while running it (last on %s), so it is not run again: see that trainer's log "
                                + "(an out-of-memory kill?), then create the job anew, e.g. with a smaller batch_size or model",
                        job.getCrashes(), job.getTrainerId())));
                LOG.warnf("training job %s: failed after %d trainer crashes", TenantKey.encode(tenant, name), job.getCrashes());
                return;
            }
            if (job.getStatus() == JobStatus.JOB_STATUS_STOPPING) {
                store.save(tenant, stopped(job, "stopped before it started"));
                return;
            }
            new Attempt(tenant, job).run();
        } finally {
            // An attempt that lost its lease leaves the new holder's lease alone.
            int attempt = job.getAttempt() + 1;
            if (store.lease(tenant, name).map(l -> l.heldBy(trainerId, attempt)).orElse(false)) {
                store.releaseLease(tenant, name);
            }
        }
    }

    /**
     * A request produced straight onto Kafka (no CreateTrainingJob): validate it and record it. One that
     * fails validation is recorded as Failed with the reason (Describe shows why it never ran) and thrown
     * back, so that the record goes to the dead-letter topic; a transient failure is only thrown back.
     */
    private TrainingJob recordRequestedJob(String tenant, TrainingJobSpec spec, Principal requestedBy) {
        try {
            TrainingJob job = jobs.validate(tenant, spec).toBuilder().setCreatedBy(requestedBy).build();
            store.create(tenant, job);
            return job;
        } catch (LmForgeException e) {
            if (e.kind() != LmForgeException.Kind.UNAVAILABLE) {
                LOG.warnf("train.requested for %s rejected: %s", TenantKey.encode(tenant, spec.getTrainingJobName()), e.getMessage());
                TrainingJob rejected = TrainingJob.newBuilder().setSpec(spec).setCreationTime(Timestamps.now()).setCreatedBy(requestedBy).build();
                store.create(tenant, TrainingJobs.failed(rejected, e.getMessage()));
            }
            throw e;
        }
    }

    /** Waits until no live trainer holds the job, then takes it; null if the job ended meanwhile. */
    private TrainingJob acquire(String tenant, TrainingJob job) throws InterruptedException {
        String name = job.getSpec().getTrainingJobName();
        while (true) {
            Optional<JobStore.Lease> lease = store.lease(tenant, name);
            boolean free = lease.isEmpty() || lease.get().owner().equals(trainerId)
                    || lease.get().renewed().plus(config.leaseExpiry()).isBefore(Instant.now());
            if (free) {
                TrainingJob current = store.find(tenant, name).orElse(job);
                store.writeLease(tenant, name, new JobStore.Lease(trainerId, Instant.now(), current.getAttempt() + 1));
                if (lease.isPresent()) {
                    // A lease is released whenever an attempt ends, even by an exception: one left behind
                    // means the trainer that held it died.
                    current = current.toBuilder().setCrashes(current.getCrashes() + 1).build();
                    store.save(tenant, current);
                }
                return current;
            }
            LOG.infof("training job %s is held by trainer %s (renewed %s); waiting", TenantKey.encode(tenant, name), lease.get().owner(), lease.get().renewed());
            Thread.sleep(config.leaseRenewal().toMillis());
            job = store.find(tenant, name).orElse(job);
            if (JobStates.terminal(job.getStatus())) {
                return null;
            }
        }
    }

    /** This attempt's lease belongs to another attempt now. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost(String message) {
            super(message);
        }
    }

    private static TrainingJob stopped(TrainingJob job, String message) {
        return JobStates.transition(job.toBuilder().setStatus(JobStatus.JOB_STATUS_STOPPED), SecondaryStatus.SECONDARY_STATUS_STOPPED, message).build();
    }

    /** One attempt at a job, from lease to release. */
    private final class Attempt implements TrainingLoop.Hooks {
        private final String tenant;
        private final String name;
        /** The job as logs name it: its name, prefixed by its tenant outside the default one. */
        private final String logName;
        private TrainingJob.Builder job;
        private final Timestamp started = Timestamps.now();
        private long lastStatus = System.nanoTime();
        private long lastLease = System.nanoTime();
        private long lastCheckpoint = System.nanoTime();
        private boolean stopRequested;
        private LanguageModel model;
        private Path work;
        private final JobGauges gauges;
        private int totalEpochs;

        Attempt(String tenant, TrainingJob job) {
            this.tenant = tenant;
            this.name = job.getSpec().getTrainingJobName();
            this.logName = TenantKey.encode(tenant, name);
            this.job = job.toBuilder().setAttempt(job.getAttempt() + 1).setTrainerId(trainerId).clearFailureReason();
            this.gauges = new JobGauges(metrics, tenant, name);
        }

        void run() {
            String outcome = "failed";
            try {
                work = Files.createTempDirectory("lmforge-job-");
                outcome = train();
            } catch (Throwable t) {
                fail(t);
            } finally {
                gauges.close();
                if (model != null) {
                    model.close();
                }
                LocalFiles.deleteTree(work);
                metrics.counter("lmforge.training.jobs", "outcome", outcome).increment();
            }
        }

        private String train() throws IOException {
            Optional<LatestCheckpoint> checkpoint = store.latestCheckpoint(tenant, name);
            transition(checkpoint.isPresent() ? SecondaryStatus.SECONDARY_STATUS_RESTARTING : SecondaryStatus.SECONDARY_STATUS_STARTING,
                    checkpoint.map(c -> "attempt " + job.getAttempt() + " on " + trainerId + ", resuming from step " + c.getGlobalStep())
                            .orElse("attempt " + job.getAttempt() + " on " + trainerId));
            if (job.getTrainingStartTime().getSeconds() == 0) {
                job.setTrainingStartTime(started);
            }
            Hyperparameters h = Hyperparameters.parse(job.getSpec().getHyperparametersMap());
            totalEpochs = h.epochs();

            transition(SecondaryStatus.SECONDARY_STATUS_DOWNLOADING, "reading dataset " + job.getSpec().getDatasetId());
            Dataset dataset = datasets.dataset(tenant, job.getSpec().getDatasetId());
            TokenData data = load(dataset, h);
            if (h.model() == Hyperparameters.Model.KNESER_NEY) {
                return countNgrams(dataset, h, data);
            }

            TrainingState state = checkpoint.map(LatestCheckpoint::getState).orElse(TrainingState.getDefaultInstance());
            if (checkpoint.isPresent()) {
                model = restore(h, data, checkpoint.get().getGlobalStep());
            } else {
                model = models.create(h, data.vocabSize());
            }
            transition(SecondaryStatus.SECONDARY_STATUS_TRAINING, String.format("%,d parameters, %,d train tokens, %d epochs",
                    model.parameterCount(), data.train().length, h.epochs()));
            TrainingLoop.Result result = TrainingLoop.run(model, h, data, state, this);
            job.clearEpochs().addAllEpochs(result.state().getEpochsList()).setEpochsCompleted(result.state().getEpochsCompleted());

            switch (result.outcome()) {
                case STOPPED -> {
                    finish(stopped(job.build(), "stopped on request at step " + result.state().getGlobalStep()));
                    return "stopped";
                }
                case MAX_RUNTIME_EXCEEDED -> {
                    finish(JobStates.transition(job.setStatus(JobStatus.JOB_STATUS_STOPPED), SecondaryStatus.SECONDARY_STATUS_MAX_RUNTIME_EXCEEDED,
                            "max_runtime_seconds " + job.getSpec().getStoppingCondition().getMaxRuntimeSeconds() + " reached").build());
                    return "stopped";
                }
                default -> {
                    int kept = StandaloneTraining.keptEpoch(h, result.state());
                    boolean best = kept != result.state().getEpochsCompleted();
                    transition(SecondaryStatus.SECONDARY_STATUS_UPLOADING, "evaluating on the test split and exporting the model of epoch " + kept
                            + (best ? " (keep_best_epoch: of " + result.state().getEpochsCompleted() + ", the lowest validation loss)" : ""));
                    if (best) {
                        model.close();
                        model = null;
                        model = restore(h, data, result.state().getBestGlobalStep());
                    }
                    List<Metric> finalMetrics = StandaloneTraining.finalMetrics(model, h, result.state(), data);
                    Path modelDir = work.resolve("model");
                    model.exportSavedModel(modelDir);
                    ModelCard card = card(dataset, h, finalMetrics, result.state(), modelDir).setParameters(model.parameterCount())
                            .setNumLayers(h.numLayers()).setHiddenSize(h.hiddenSize())
                            .addAllSignatures(ModelSignatures.EXPORTED).setKeptEpoch(kept).build();
                    return complete(finalMetrics, saveModel(modelDir, card),
                            result.outcome() == TrainingLoop.Outcome.EARLY_STOPPED
                                    ? "stopped early: no better validation loss for " + h.earlyStoppingPatience() + " epochs" : "training complete");
                }
            }
        }

        /** The model as the checkpoint at {@code globalStep} left it (the latest one, or the best epoch's). */
        private LanguageModel restore(Hyperparameters h, TokenData data, long globalStep) throws IOException {
            Path dir = Files.createDirectories(work.resolve("restore-" + globalStep));
            store.downloadCheckpoint(tenant, name, globalStep, dir);
            try {
                return models.restore(h, data.vocabSize(), dir);
            } catch (RuntimeException e) {
                throw LmForgeException.failedPrecondition("the checkpoint at step %d cannot be restored: %s", globalStep, e.getMessage());
            } finally {
                LocalFiles.deleteTree(dir);
            }
        }

        /** The kneser_ney baseline: counts, one epoch of metrics, an ARPA file and a card without signatures (nothing to serve). */
        private String countNgrams(Dataset dataset, Hyperparameters h, TokenData data) throws IOException {
            transition(SecondaryStatus.SECONDARY_STATUS_TRAINING,
                    String.format("counting the %d-grams of %,d train tokens", h.ngramOrder(), data.train().length));
            NgramBaseline.Result result = NgramBaseline.fit(h, data);
            onEpoch(result.state(), result.state().getEpochs(0));
            transition(SecondaryStatus.SECONDARY_STATUS_UPLOADING, "writing the n-gram model");
            Path modelDir = work.resolve("model");
            NgramBaseline.write(result.model(), modelDir);
            ModelCard card = card(dataset, h, result.finalMetrics(), result.state(), modelDir).setParameters(result.model().ngramCount()).build();
            return complete(result.finalMetrics(), saveModel(modelDir, card),
                    String.format("%,d n-grams counted", result.model().ngramCount()));
        }

        private String complete(List<Metric> finalMetrics, S3Location location, String message) {
            job.clearFinalMetrics().addAllFinalMetrics(finalMetrics).setModelLocation(location);
            TrainingJob done = JobStates.transition(job.setStatus(JobStatus.JOB_STATUS_COMPLETED), SecondaryStatus.SECONDARY_STATUS_COMPLETED, message)
                    .build();
            // Staged before Completed is recorded: a trainer that dies in between leaves a job that is resumed, not one never announced.
            requireLease();
            events.stageModelReady(tenant, done);
            finish(done);
            announce(done);
            return "completed";
        }

        private TokenData load(Dataset dataset, Hyperparameters h) {
            long trainTokens = dataset.getSplitsOrThrow("train").getTokens();
            long keep = (long) Math.ceil(trainTokens * h.dataFraction());
            int[] train = datasets.tokens(dataset, "train", keep);
            return new TokenData(dataset.getVocabSize(), dataset.getEosId(), train,
                    withContext(dataset.getEosId(), datasets.tokens(dataset, "validation", Long.MAX_VALUE)),
                    withContext(dataset.getEosId(), datasets.tokens(dataset, "test", Long.MAX_VALUE)),
                    dataset.getSplitsOrThrow("validation").getCharacters(), dataset.getSplitsOrThrow("test").getCharacters());
        }

        /** An end-of-line in front, so the first token is predicted too and every character is counted. */
        private static int[] withContext(int eos, int[] tokens) {
            int[] out = new int[tokens.length + 1];
            out[0] = eos;
            System.arraycopy(tokens, 0, out, 1, tokens.length);
            return out;
        }

        /** Puts the tokenizer next to the model; the card's fields that every model type has. */
        private ModelCard.Builder card(Dataset dataset, Hyperparameters h, List<Metric> finalMetrics, TrainingState state, Path modelDir)
                throws IOException {
            String tokenizerFile = Path.of(dataset.getTokenizerLocation().getKey()).getFileName().toString();
            Files.write(modelDir.resolve(tokenizerFile), datasets.tokenizer(dataset));
            return ModelCard.newBuilder().setSchemaVersion(1).setTrainingJobName(name).setDatasetId(dataset.getDatasetId())
                    .setCorpusId(dataset.getCorpusId()).setTokenizerKind(dataset.getTokenizer().getKind()).setTokenizerFile(tokenizerFile)
                    .setVocabSize(dataset.getVocabSize()).setEosId(dataset.getEosId()).setUnkId(dataset.getUnkId())
                    .putAllHyperparameters(h.resolved()).addAllMetrics(finalMetrics).addAllEpochs(state.getEpochsList())
                    .setCreatedAt(Timestamps.now());
        }

        private S3Location saveModel(Path modelDir, ModelCard card) {
            requireLease();
            return store.saveModel(tenant, name, modelDir, ProtoJson.bytes(card));
        }

        private void announce(TrainingJob done) {
            try {
                events.sendModelReady(tenant, name);
            } catch (RuntimeException e) {
                LOG.warnf("training job %s: model.ready not published yet (%s); the outbox retries it", logName, e.getMessage());
            }
            progressEvent(done.toBuilder(), "completed");
        }

        private void fail(Throwable t) {
            if (t instanceof LeaseLost lost) {
                LOG.warnf("training job %s: %s; this attempt stops and writes nothing more", logName, lost.getMessage());
                return;
            }
            String reason = t instanceof LmForgeException ? t.getMessage() : t.getClass().getSimpleName() + ": " + t.getMessage();
            LOG.errorf(t instanceof LmForgeException ? null : t, "training job %s failed: %s", logName, reason);
            try {
                finish(TrainingJobs.failed(job.build(), reason));
            } catch (RuntimeException e) {
                LOG.warnf("training job %s: could not record the failure: %s", logName, e.getMessage());
            }
        }

        private void finish(TrainingJob ended) {
            Timestamp now = Timestamps.now();
            long seconds = Timestamps.between(started, now).getSeconds();
            TrainingJob.Builder b = ended.toBuilder().setTrainingEndTime(now)
                    .setTrainingTimeSeconds(ended.getTrainingTimeSeconds() + seconds)
                    .setBillableTimeSeconds(ended.getBillableTimeSeconds() + seconds).clearProgress();
            job = b;
            requireLease();
            store.save(tenant, b.build());
            progressEvent(b, JobStates.name(b.getStatus()));
            LOG.infof("training job %s: %s", logName, JobStates.name(b.getStatus()));
        }

        private void transition(SecondaryStatus next, String message) {
            JobStates.transition(job, next, message);
            save();
            LOG.infof("training job %s: %s (%s)", logName, next, message);
        }

        /**
         * Writes the job's record, keeping a stop that StopTrainingJob wrote meanwhile (the record is
         * shared with the API, which may run in another pod): the stop is noticed here, not overwritten.
         */
        private void save() {
            if (job.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS) {
                store.find(tenant, name).filter(current -> current.getStatus() == JobStatus.JOB_STATUS_STOPPING).ifPresent(current -> {
                    stopRequested = true;
                    job.setStatus(JobStatus.JOB_STATUS_STOPPING);
                    JobStates.transition(job, SecondaryStatus.SECONDARY_STATUS_STOPPING, "stop requested");
                });
            }
            requireLease();
            store.save(tenant, job.build());
        }

        /**
         * Fencing: a trainer too slow to renew its lease (a long pause, a partition) may find that
         * another trainer took the job over. Every write checks the lease first, so such a stale
         * attempt stops instead of overwriting the new attempt's status, checkpoints or model.
         */
        private void requireLease() {
            Optional<JobStore.Lease> lease = store.lease(tenant, name);
            if (lease.isEmpty() || !lease.get().heldBy(trainerId, job.getAttempt())) {
                throw new LeaseLost(lease.map(l -> "the lease was taken over by " + l.owner() + " (attempt " + l.attempt() + ")")
                        .orElse("the lease was released by someone else"));
            }
        }

        // ---- TrainingLoop.Hooks ----

        @Override
        public void onStep(TrainingState state, long stepsPerEpoch, double loss, double tokensPerSecond) {
            long now = System.nanoTime();
            long totalSteps = stepsPerEpoch * totalEpochs;
            long done = (long) state.getEpochsCompleted() * stepsPerEpoch + state.getStepInEpoch();
            double eta = (totalSteps - done) * state.getTrainingSeconds() / Math.max(1, state.getGlobalStep());
            gauges.step(loss, tokensPerSecond, state.getEpochsCompleted() + 1, eta);
            if (now - lastLease > config.leaseRenewal().toNanos()) {
                lastLease = now;
                requireLease();
                store.writeLease(tenant, name, new JobStore.Lease(trainerId, Instant.now(), job.getAttempt()));
                save();
            }
            if (now - lastStatus > config.statusInterval().toNanos()) {
                lastStatus = now;
                TrainingProgress p = TrainingProgress.newBuilder().setTrainingJobName(name).setStatus(job.getStatus())
                        .setSecondaryStatus(job.getSecondaryStatus()).setEpoch(state.getEpochsCompleted() + 1).setTotalEpochs(totalEpochs)
                        .setStep(done).setTotalSteps(totalSteps).setLoss(loss).setTokensPerSecond(tokensPerSecond)
                        .setEtaSeconds(eta)
                        .setTimestamp(Timestamps.now()).build();
                job.setProgress(p).setTokensPerSecond(tokensPerSecond);
                save();
            }
        }

        @Override
        public void onEpoch(TrainingState state, EpochMetrics m) {
            gauges.epochEnded(m.getValidationBpc());
            job.clearEpochs().addAllEpochs(state.getEpochsList()).setEpochsCompleted(state.getEpochsCompleted());
            requireLease();
            store.writeMetrics(tenant, name, state.getEpochsList());
            save();
            TrainingProgress.Builder p = TrainingProgress.newBuilder().setEpoch(m.getEpoch()).setStep(state.getGlobalStep())
                    .setLoss(m.getTrainLoss()).setTokensPerSecond(m.getTokensPerSecond()).setEvaluationSeconds(m.getEvaluationSeconds())
                    .addMetrics(Metric.newBuilder().setName(MetricNames.TRAIN_LOSS).setValue(m.getTrainLoss()))
                    .addMetrics(Metric.newBuilder().setName(MetricNames.VALIDATION_LOSS).setValue(m.getValidationLoss()))
                    .addMetrics(Metric.newBuilder().setName(MetricNames.VALIDATION_PERPLEXITY).setValue(m.getValidationPerplexity()))
                    .addMetrics(Metric.newBuilder().setName(MetricNames.VALIDATION_BPC).setValue(m.getValidationBpc()));
            events.progress(tenant, p.setTrainingJobName(name).setStatus(job.getStatus()).setSecondaryStatus(job.getSecondaryStatus())
                    .setTuningJobName(job.getSpec().getTuningJobName()).setTimestamp(Timestamps.now()).setCausedBy(job.getCreatedBy())
                    .setMessage(String.format("epoch %d: validation perplexity %.2f, %.3f bits per character", m.getEpoch(),
                            m.getValidationPerplexity(), m.getValidationBpc())).build());
            LOG.infof("training job %s: epoch %d, train loss %.4f, validation perplexity %.2f, bpc %.4f, %.0f tokens/s training, %.1f s evaluation",
                    logName, m.getEpoch(), m.getTrainLoss(), m.getValidationPerplexity(), m.getValidationBpc(), m.getTokensPerSecond(),
                    m.getEvaluationSeconds());
        }

        @Override
        public boolean stopRequested() {
            return stopRequested;
        }

        @Override
        public boolean runtimeExceeded() {
            long max = job.getSpec().getStoppingCondition().getMaxRuntimeSeconds();
            return max > 0 && Timestamps.between(started, Timestamps.now()).getSeconds() + job.getTrainingTimeSeconds() >= max;
        }

        @Override
        public boolean checkpointDue() {
            int interval = job.getSpec().getCheckpointConfig().getIntervalSeconds();
            long seconds = interval > 0 ? interval : config.checkpointIntervalSeconds();
            return System.nanoTime() - lastCheckpoint > seconds * 1_000_000_000L;
        }

        @Override
        public void checkpoint(TrainingState state) {
            Path dir = work.resolve("checkpoint-" + state.getGlobalStep());
            model.saveCheckpoint(dir);
            requireLease();
            store.saveCheckpoint(tenant, name, dir, state);
            LocalFiles.deleteTree(dir);
            lastCheckpoint = System.nanoTime();
        }

        private void progressEvent(TrainingJob.Builder b, String message) {
            events.progress(tenant, TrainingProgress.newBuilder().setTrainingJobName(name).setStatus(b.getStatus())
                    .setSecondaryStatus(b.getSecondaryStatus()).setEpoch(b.getEpochsCompleted()).setTuningJobName(b.getSpec().getTuningJobName())
                    .addAllMetrics(b.getFinalMetricsList()).setMessage(message).setTimestamp(Timestamps.now()).setCausedBy(b.getCreatedBy()).build());
        }
    }
}
