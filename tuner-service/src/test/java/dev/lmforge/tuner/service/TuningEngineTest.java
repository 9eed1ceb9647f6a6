package dev.lmforge.tuner.service;

import dev.lmforge.common.testing.TenantAssertions;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.ContinuousParameterRange;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.EarlyStopping;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.IntegerParameterRange;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ObjectiveType;
import dev.lmforge.api.v1.ParameterRanges;
import dev.lmforge.api.v1.ScalingType;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;
import dev.lmforge.api.v1.TuningObjective;
import dev.lmforge.api.v1.TuningStrategy;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tuning loop against a simulated trainer whose "validation perplexity" is a known function of the
 * hyperparameters; two tenants' tuning jobs of the same name kept apart.
 */
class TuningEngineTest {

    /** Tuning jobs by their tenant key, as the S3 store keeps them apart by their tenant's layout. */
    static final class MemoryStore implements TuningStore {
        final Map<String, TuningJob> jobs = new TreeMap<>();

        @Override
        public Optional<TuningJob> find(String tenant, String name) {
            return Optional.ofNullable(jobs.get(TenantKey.encode(tenant, name)));
        }

        @Override
        public void create(String tenant, TuningJob job) {
            save(tenant, job);
        }

        @Override
        public void save(String tenant, TuningJob job) {
            jobs.put(TenantKey.encode(tenant, job.getSpec().getTuningJobName()), job);
        }

        @Override
        public List<TuningJob> all(String tenant) {
            return jobs.entrySet().stream().filter(e -> TenantKey.decode(e.getKey()).tenant().equals(tenant)).map(Map.Entry::getValue).toList();
        }

        @Override
        public List<String> tenants() {
            Set<String> tenants = new LinkedHashSet<>(List.of(Tenants.DEFAULT));
            jobs.keySet().forEach(key -> tenants.add(TenantKey.decode(key).tenant()));
            return List.copyOf(tenants);
        }
    }

    static final class ProcessKilled extends Error {
    }

    /**
     * Requested trials run for a few ticks, one epoch a tick, then complete with the objective's value.
     * Jobs, requests and stops are recorded by the trial's tenant key (the bare name in the default tenant).
     */
    static final class SimulatedTrainer implements Trials {
        final Map<String, TrainingJob.Builder> jobs = new LinkedHashMap<>();
        final List<String> requested = new ArrayList<>();
        final List<String> stopped = new ArrayList<>();
        final List<Map<String, String>> checked = new ArrayList<>();
        /** The tuner process "dies" (an Error nothing catches) when it is about to request this trial. */
        String dieOnRequest;
        /** Requests fail as when Kafka is away, this many times. */
        int kafkaAwayFor;
        final ToDoubleFunction<Map<String, String>> objective;
        int maxRunning;

        SimulatedTrainer(ToDoubleFunction<Map<String, String>> objective) {
            this.objective = objective;
        }

        @Override
        public Optional<TrainingJob> find(String tenant, String name) {
            return Optional.ofNullable(jobs.get(TenantKey.encode(tenant, name))).map(TrainingJob.Builder::build);
        }

        /** Dataset ds exists in the default tenant and in acme. */
        @Override
        public Dataset dataset(String tenant, String datasetId) {
            if (!datasetId.equals("ds") || !OWNERS.containsKey(tenant)) {
                throw LmForgeException.notFound("dataset '%s' does not exist", datasetId);
            }
            return Dataset.getDefaultInstance();
        }

        /** Like the trainer: it knows its hyperparameters, and hidden_size only up to 1024. */
        @Override
        public void check(String tenant, TrainingJobSpec spec) {
            dataset(tenant, spec.getDatasetId());
            checked.add(spec.getHyperparametersMap());
            for (var hp : spec.getHyperparametersMap().entrySet()) {
                if (!Set.of("epochs", "learning_rate", "hidden_size", "dropout", "optimizer").contains(hp.getKey())) {
                    throw LmForgeException.invalidArgument("the trainer would refuse the trials %s: unknown hyperparameter '%s'",
                            spec.getHyperparametersMap(), hp.getKey());
                }
                if (hp.getKey().equals("hidden_size") && Long.parseLong(hp.getValue()) > 1024) {
                    throw LmForgeException.invalidArgument("the trainer would refuse the trials %s: hidden_size must be at most 1024",
                            spec.getHyperparametersMap());
                }
            }
        }

        @Override
        public void request(String tenant, TrainingJobSpec spec, Principal requestedBy) {
            assertEquals(OWNERS.get(tenant), requestedBy, "trials run on behalf of the tuning job's creator, in its tenant");
            if (spec.getTrainingJobName().equals(dieOnRequest)) {
                dieOnRequest = null;
                throw new ProcessKilled();
            }
            if (kafkaAwayFor > 0) {
                kafkaAwayFor--;
                throw LmForgeException.unavailable("Kafka refused TrainRequested " + spec.getTrainingJobName() + ": timed out", null);
            }
            String key = TenantKey.encode(tenant, spec.getTrainingJobName());
            requested.add(key);
            jobs.put(key, TrainingJob.newBuilder().setSpec(spec).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS));
        }

        @Override
        public void stop(String tenant, String name) {
            String key = TenantKey.encode(tenant, name);
            stopped.add(key);
            jobs.get(key).setStatus(JobStatus.JOB_STATUS_STOPPED);
        }

        /** One epoch for every running job; a job ends after its "epochs". */
        void tick() {
            maxRunning = Math.max(maxRunning, (int) jobs.values().stream().filter(j -> j.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS).count());
            for (TrainingJob.Builder j : jobs.values()) {
                if (j.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS) {
                    continue;
                }
                double value = objective.applyAsDouble(j.getSpec().getHyperparametersMap());
                int epoch = j.getEpochsCount() + 1;
                j.addEpochs(EpochMetrics.newBuilder().setEpoch(epoch).setValidationPerplexity(value * (1 + 1.0 / epoch)));
                if (epoch == Integer.parseInt(j.getSpec().getHyperparametersOrDefault("epochs", "3"))) {
                    j.setStatus(JobStatus.JOB_STATUS_COMPLETED).addFinalMetrics(Metric.newBuilder().setName(MetricNames.VALIDATION_PERPLEXITY).setValue(value));
                }
            }
        }
    }

    static TuningJobSpec spec(String name, TuningStrategy strategy, int maxJobs, int parallel) {
        return TuningJobSpec.newBuilder().setTuningJobName(name).setDatasetId("ds").putStaticHyperparameters("epochs", "3")
                .setRanges(ParameterRanges.newBuilder()
                        .addContinuous(ContinuousParameterRange.newBuilder().setName("learning_rate").setMinValue(0.01).setMaxValue(10)
                                .setScalingType(ScalingType.SCALING_TYPE_LOGARITHMIC))
                        .addInteger(IntegerParameterRange.newBuilder().setName("hidden_size").setMinValue(16).setMaxValue(256)))
                .setObjective(TuningObjective.newBuilder().setMetricName(MetricNames.VALIDATION_PERPLEXITY).setType(ObjectiveType.OBJECTIVE_TYPE_MINIMIZE))
                .setStrategy(strategy).setMaxJobs(maxJobs).setMaxParallelJobs(parallel).setRandomSeed(7).build();
    }

    /** Best near learning_rate 1 and hidden_size 200. */
    static double perplexity(Map<String, String> hp) {
        double lr = Math.log10(Double.parseDouble(hp.get("learning_rate")));
        double h = Double.parseDouble(hp.get("hidden_size"));
        return 100 + 50 * lr * lr + Math.pow((h - 200) / 50, 2);
    }

    static final Principal OWNER = Principal.newBuilder().setSubject("alice").setTenant("default").setRole("editor").build();
    static final Principal ACME_OWNER = Principal.newBuilder().setSubject("bob").setTenant("acme").setRole("editor").build();
    /** The tenants with dataset ds, and who creates tuning jobs in each. */
    static final Map<String, Principal> OWNERS = Map.of(Tenants.DEFAULT, OWNER, "acme", ACME_OWNER);
    final MemoryStore store = new MemoryStore();
    final SimulatedTrainer trainer = new SimulatedTrainer(TuningEngineTest::perplexity);
    final TunerConfig config = new TunerConfig() {
        public String tickInterval() { return "2s"; }
        public Duration eventAckTimeout() { return Duration.ofSeconds(1); }
        public int medianRuleMinTrials() { return 3; }
        public Duration studyPollInterval() { return Duration.ofSeconds(1); }
    };

    TuningEngine engine = new TuningEngine(store, trainer, config);
    TuningJobs jobs = new TuningJobs(store, trainer, engine);

    TuningJob runToEnd(String name) {
        return runToEnd(Tenants.DEFAULT, name);
    }

    TuningJob runToEnd(String tenant, String name) {
        for (int i = 0; i < 500 && engine.current(tenant, name).isPresent(); i++) {
            trainer.tick();
            engine.advanceAll();
        }
        return store.find(tenant, name).orElseThrow();
    }

    @Test
    void bayesianTuningRunsMaxJobsTrialsTwoAtATimeAndFindsTheGoodRegion() {
        jobs.create(Tenants.DEFAULT, spec("bo", TuningStrategy.TUNING_STRATEGY_BAYESIAN, 12, 2), OWNER);
        TuningJob done = runToEnd("bo");
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, done.getStatus());
        assertEquals(12, done.getTrialsCount());
        assertEquals(12, trainer.requested.size());
        assertEquals(2, trainer.maxRunning, "max_parallel_jobs trials at most");
        assertTrue(done.getBestTrial().getObjectiveValue() < 110, "best " + done.getBestTrial());
        assertEquals(12, (int) done.getTrialCountsByStatusOrThrow("Completed"));
        assertEquals(2, done.getParameterImportanceCount());
        assertEquals("learning_rate", done.getParameterImportance(0).getName(), "learning rate matters most here");
    }

    @Test
    void aTrialRequestedWhileKafkaIsAwayRunsOnceItIsBack() {
        trainer.kafkaAwayFor = 3;
        jobs.create(Tenants.DEFAULT, spec("kafka-away", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2), OWNER);
        TuningJob done = runToEnd("kafka-away");
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, done.getStatus());
        assertEquals(4, (int) done.getTrialCountsByStatusOrThrow("Completed"), done.getTrialsList().toString());
        assertEquals(4, trainer.requested.size(), "every trial ran once");
    }

    @Test
    void theTrainerChecksTheCornersOfTheSpaceBeforeAnyTrialRuns() {
        jobs.create(Tenants.DEFAULT, spec("corners", TuningStrategy.TUNING_STRATEGY_RANDOM, 2, 1), OWNER);
        assertEquals(List.of(Map.of("epochs", "3", "learning_rate", "0.01", "hidden_size", "16"),
                Map.of("epochs", "3", "learning_rate", "10.0", "hidden_size", "256")), trainer.checked);

        TuningJobSpec typo = spec("typo", TuningStrategy.TUNING_STRATEGY_RANDOM, 2, 1).toBuilder()
                .setRanges(ParameterRanges.newBuilder().addContinuous(ContinuousParameterRange.newBuilder()
                        .setName("learnign_rate").setMinValue(0.01).setMaxValue(1))).build();
        LmForgeException e = assertThrows(LmForgeException.class, () -> jobs.create(Tenants.DEFAULT, typo, OWNER));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("learnign_rate"), e.getMessage());

        TuningJobSpec tooLarge = spec("too-large", TuningStrategy.TUNING_STRATEGY_RANDOM, 2, 1).toBuilder()
                .setRanges(ParameterRanges.newBuilder().addInteger(IntegerParameterRange.newBuilder()
                        .setName("hidden_size").setMinValue(16).setMaxValue(4096))).build();
        assertThrows(LmForgeException.class, () -> jobs.create(Tenants.DEFAULT, tooLarge, OWNER));
        assertTrue(store.find(Tenants.DEFAULT, "typo").isEmpty() && store.find(Tenants.DEFAULT, "too-large").isEmpty(), "a refused tuning job is not recorded");
        assertTrue(trainer.requested.stream().allMatch(t -> t.startsWith("corners-")), "and requests no trial: " + trainer.requested);
    }

    @Test
    void aRestartedTunerNeitherLosesNorDuplicatesTrials() {
        jobs.create(Tenants.DEFAULT, spec("restart", TuningStrategy.TUNING_STRATEGY_RANDOM, 6, 3), OWNER);
        trainer.tick();
        engine.advanceAll();
        int before = trainer.requested.size();
        engine = new TuningEngine(store, trainer, config);
        jobs = new TuningJobs(store, trainer, engine);
        engine.restore();
        TuningJob done = runToEnd("restart");
        assertEquals(6, done.getTrialsCount());
        assertEquals(6, trainer.requested.size());
        assertEquals(trainer.requested.stream().distinct().count(), trainer.requested.size());
        assertTrue(before >= 3);
    }

    @Test
    void aTunerKilledBetweenRecordingATrialAndRequestingItLeavesNoPhantomTrial() {
        trainer.dieOnRequest = "killed-003";
        assertThrows(ProcessKilled.class, () -> {
            jobs.create(Tenants.DEFAULT, spec("killed", TuningStrategy.TUNING_STRATEGY_RANDOM, 5, 3), OWNER);
        });
        assertEquals(3, store.find(Tenants.DEFAULT, "killed").orElseThrow().getTrialsCount(), "the third trial was recorded");
        assertEquals(List.of("killed-001", "killed-002"), trainer.requested, "but never requested");

        engine = new TuningEngine(store, trainer, config);
        jobs = new TuningJobs(store, trainer, engine);
        engine.restore();
        TuningJob done = runToEnd("killed");
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, done.getStatus());
        assertEquals(5, done.getTrialsCount());
        assertEquals(5, (int) done.getTrialCountsByStatusOrThrow("Completed"), "the recorded trial ran after the restart");
        assertEquals(List.of("killed-001", "killed-002", "killed-003", "killed-004", "killed-005"), trainer.requested.stream().sorted().toList());
    }

    @Test
    void theMedianRuleStopsTrialsThatFallBehind() {
        jobs.create(Tenants.DEFAULT, spec("es", TuningStrategy.TUNING_STRATEGY_RANDOM, 10, 1).toBuilder()
                .setEarlyStopping(EarlyStopping.EARLY_STOPPING_AUTO).putStaticHyperparameters("epochs", "4").build(), OWNER);
        TuningJob done = runToEnd("es");
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, done.getStatus());
        assertFalse(trainer.stopped.isEmpty(), "some random trials should be worse than the median");
        for (Trial t : done.getTrialsList()) {
            if (t.getEarlyStopped()) {
                assertEquals(JobStatus.JOB_STATUS_STOPPED, t.getStatus());
                assertTrue(t.getHasObjectiveValue());
            }
        }
    }

    @Test
    void stoppingStopsTheRunningTrials() {
        jobs.create(Tenants.DEFAULT, spec("stop", TuningStrategy.TUNING_STRATEGY_RANDOM, 10, 2), OWNER);
        trainer.tick();
        jobs.stop(Tenants.DEFAULT, "stop");
        TuningJob done = runToEnd("stop");
        assertEquals(JobStatus.JOB_STATUS_STOPPED, done.getStatus());
        assertEquals(2, trainer.stopped.size());
        var e = assertThrows(LmForgeException.class, () -> jobs.stop(Tenants.DEFAULT, "stop"));
        assertEquals(LmForgeException.Kind.FAILED_PRECONDITION, e.kind());
    }

    @Test
    void warmStartUsesTheParentsTrials() {
        jobs.create(Tenants.DEFAULT, spec("parent", TuningStrategy.TUNING_STRATEGY_BAYESIAN, 6, 2), OWNER);
        runToEnd("parent");
        jobs.create(Tenants.DEFAULT, spec("child", TuningStrategy.TUNING_STRATEGY_BAYESIAN, 3, 1).toBuilder().addWarmStartParents("parent").build(), OWNER);
        TuningJob child = runToEnd("child");
        assertTrue(child.getBestTrial().getObjectiveValue() < 130, child.getBestTrial().toString());
        var other = spec("child2", TuningStrategy.TUNING_STRATEGY_BAYESIAN, 3, 1).toBuilder().addWarmStartParents("parent")
                .setRanges(ParameterRanges.newBuilder().addInteger(IntegerParameterRange.newBuilder().setName("bptt").setMinValue(10).setMaxValue(40))).build();
        assertTrue(assertThrows(LmForgeException.class, () -> jobs.create(Tenants.DEFAULT, other, OWNER)).getMessage().contains("tunes other ranges"));
    }

    @Test
    void twoTenantsTuneJobsOfTheSameNameApartAcrossARestart() {
        jobs.create(Tenants.DEFAULT, spec("same", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2), OWNER);
        jobs.create("acme", spec("same", TuningStrategy.TUNING_STRATEGY_RANDOM, 3, 1), ACME_OWNER);
        trainer.tick();
        engine.advanceAll();
        engine = new TuningEngine(store, trainer, config);
        jobs = new TuningJobs(store, trainer, engine);
        engine.restore();

        TuningJob mine = runToEnd(Tenants.DEFAULT, "same");
        TuningJob theirs = runToEnd("acme", "same");
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, mine.getStatus());
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, theirs.getStatus(), "acme's job ran on after the restart");
        assertEquals(4, (int) mine.getTrialCountsByStatusOrThrow("Completed"));
        assertEquals(3, (int) theirs.getTrialCountsByStatusOrThrow("Completed"));
        assertEquals(ACME_OWNER, theirs.getCreatedBy());
        assertEquals(List.of("acme:same-001", "acme:same-002", "acme:same-003", "same-001", "same-002", "same-003", "same-004"),
                trainer.requested.stream().sorted().toList(), "each trial requested once, in its tuning job's tenant");
    }

    @Test
    void anotherTenantsTuningJobAnswersLikeAMissingOne() {
        jobs.create(Tenants.DEFAULT, spec("mine", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2), OWNER);

        TenantAssertions.assertAnswersAsMissing(() -> jobs.describe("nobody", "mine"), () -> jobs.describe("acme", "mine"), () -> jobs.stop("acme", "mine"));
        assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, jobs.describe(Tenants.DEFAULT, "mine").getStatus(), "acme's stop touched nothing");
        assertTrue(jobs.list("acme", JobStatus.JOB_STATUS_UNSPECIFIED, "", "", 10).items().isEmpty());
        LmForgeException parent = assertThrows(LmForgeException.class, () -> jobs.create("acme",
                spec("child", TuningStrategy.TUNING_STRATEGY_RANDOM, 2, 1).toBuilder().addWarmStartParents("mine").build(), ACME_OWNER));
        assertEquals(LmForgeException.Kind.NOT_FOUND, parent.kind(), "a warm-start parent is looked for in the child's tenant");
        LmForgeException noDataset = assertThrows(LmForgeException.class, () -> jobs.create("nobody",
                spec("mine", TuningStrategy.TUNING_STRATEGY_RANDOM, 2, 1), OWNER.toBuilder().setTenant("nobody").build()));
        assertEquals(LmForgeException.Kind.NOT_FOUND, noDataset.kind(), "dataset ds is not nobody's");

        jobs.create("acme", spec("mine", TuningStrategy.TUNING_STRATEGY_RANDOM, 2, 1), ACME_OWNER);
        assertEquals(JobStatus.JOB_STATUS_STOPPING, jobs.stop("acme", "mine").getStatus(), "the name is free in another tenant");
        assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, jobs.describe(Tenants.DEFAULT, "mine").getStatus());
        assertEquals(List.of("acme:mine-001"), trainer.stopped, "only acme's running trial was stopped");
        assertEquals(List.of(OWNER), jobs.list(Tenants.DEFAULT, JobStatus.JOB_STATUS_UNSPECIFIED, "", "", 10).items().stream()
                .map(TuningJob::getCreatedBy).toList());
    }

    @Test
    void badSpecsAreRejectedWithTheReason() {
        expect("ranges is empty", spec("a", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2).toBuilder().clearRanges().build());
        expect("max_parallel_jobs must be between 1 and max_jobs (4), got 5", spec("a", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 5));
        expect("not one the trainer emits", spec("a", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2).toBuilder()
                .setObjective(TuningObjective.newBuilder().setMetricName("validation:accuracy").setType(ObjectiveType.OBJECTIVE_TYPE_MAXIMIZE)).build());
        expect("min", spec("a", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2).toBuilder().setRanges(ParameterRanges.newBuilder()
                .addContinuous(ContinuousParameterRange.newBuilder().setName("dropout").setMinValue(0.5).setMaxValue(0.1))).build());
        expect("log", spec("a", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2).toBuilder().setRanges(ParameterRanges.newBuilder()
                .addContinuous(ContinuousParameterRange.newBuilder().setName("dropout").setMinValue(0).setMaxValue(0.5)
                        .setScalingType(ScalingType.SCALING_TYPE_LOGARITHMIC))).build());
        var unknown = assertThrows(LmForgeException.class, () -> jobs.create(Tenants.DEFAULT, spec("a", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2).toBuilder().setDatasetId("nope").build(), OWNER));
        assertEquals(LmForgeException.Kind.NOT_FOUND, unknown.kind());
        var parent = assertThrows(LmForgeException.class, () -> jobs.create(Tenants.DEFAULT, spec("a", TuningStrategy.TUNING_STRATEGY_RANDOM, 4, 2).toBuilder()
                .addWarmStartParents("missing").build(), OWNER));
        assertEquals(LmForgeException.Kind.NOT_FOUND, parent.kind());
    }

    private void expect(String messagePart, TuningJobSpec spec) {
        var e = assertThrows(LmForgeException.class, () -> jobs.create(Tenants.DEFAULT, spec, OWNER));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
