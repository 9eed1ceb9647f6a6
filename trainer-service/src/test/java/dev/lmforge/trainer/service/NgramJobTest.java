package dev.lmforge.trainer.service;

import dev.lmforge.common.testing.TenantAssertions;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetSplit;
import dev.lmforge.api.v1.ComputeResource;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.SecondaryStatus;
import dev.lmforge.api.v1.SecondaryStatusTransition;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.trainer.internal.LatestCheckpoint;
import dev.lmforge.trainer.internal.TrainingState;
import dev.lmforge.trainer.model.KneserNeyModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs through JobRunner with in-memory stores: a kneser_ney job (the LSTM's states, one epoch, the final
 * metrics, an ARPA model no one can serve); requests that must never run; jobs whose trainer died; two
 * tenants with jobs of the same name, kept apart.
 */
class NgramJobTest {

    private static final int VOCAB = 12;
    private static final int EOS = 0;

    private final Map<String, int[]> splits = Map.of("train", stream(6000, 1), "validation", stream(800, 2), "test", stream(700, 3));
    private final Dataset dataset = Dataset.newBuilder().setDatasetId("d").setCorpusId("c").setVocabSize(VOCAB).setEosId(EOS).setUnkId(1)
            .setTokenizer(TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD))
            .setTokenizerLocation(S3Location.newBuilder().setKey(ArtifactLayout.shared().datasetFile("d", "tokenizer.vocab")))
            .putSplits("train", DatasetSplit.newBuilder().setTokens(6000).setCharacters(30_000).build())
            .putSplits("validation", DatasetSplit.newBuilder().setTokens(800).setCharacters(4000).build())
            .putSplits("test", DatasetSplit.newBuilder().setTokens(700).setCharacters(3500).build()).build();
    private final MemoryStore store = new MemoryStore();
    /** What happens elsewhere while the job reads its dataset. */
    private Runnable whileReadingTokens = () -> {
    };
    private final List<TrainingProgress> progress = new CopyOnWriteArrayList<>();
    /** Staged model.ready events, by the job's tenant key. */
    private final Map<String, TrainingJob> staged = new ConcurrentHashMap<>();
    /** The tenant keys of the jobs whose model.ready went out. */
    private final List<String> ready = new CopyOnWriteArrayList<>();
    private final DatasetReader datasets = new DatasetReader() {
        public Dataset dataset(String tenant, String id) {
            if (!TENANTS_WITH_DATASET.contains(tenant)) {
                throw LmForgeException.notFound("dataset '%s' does not exist", id);
            }
            return dataset;
        }

        public int[] tokens(Dataset d, String split, long maxTokens) {
            whileReadingTokens.run();
            return Arrays.copyOf(splits.get(split), (int) Math.min(maxTokens, splits.get(split).length));
        }

        public byte[] tokenizer(Dataset d) {
            return "vocabulary".getBytes();
        }
    };
    static final Principal OWNER = Principal.newBuilder().setSubject("alice").setTenant("default").setRole("editor").build();
    static final Principal ACME_OWNER = Principal.newBuilder().setSubject("bob").setTenant("acme").setRole("editor").build();
    private static final Set<String> TENANTS_WITH_DATASET = Set.of(Tenants.DEFAULT, "acme");
    private final List<TrainingJobSpec> requested = new CopyOnWriteArrayList<>();
    private final TrainerEvents events = new TrainerEvents() {
        public void trainRequested(TrainingJobSpec spec, Principal requestedBy) {
            requested.add(spec);
        }

        public void stageModelReady(String tenant, TrainingJob completed) {
            assertEquals(tenant, completed.getCreatedBy().getTenant(), "model.ready names the job's tenant in caused_by");
            staged.put(TenantKey.encode(tenant, completed.getSpec().getTrainingJobName()), completed);
        }

        public void sendModelReady(String tenant, String trainingJobName) {
            String key = TenantKey.encode(tenant, trainingJobName);
            if (staged.containsKey(key)) {
                ready.add(key);
            }
        }

        public void progress(String tenant, TrainingProgress p) {
            assertEquals(tenant, p.getCausedBy().getTenant(), "progress names the job's tenant in caused_by");
            progress.add(p);
        }
    };
    private final LanguageModel.Factory noNeuralModels = new LanguageModel.Factory() {
        public LanguageModel create(Hyperparameters h, int vocabSize) {
            throw new AssertionError("kneser_ney builds no neural model");
        }

        public LanguageModel restore(Hyperparameters h, int vocabSize, Path checkpoint) {
            throw new AssertionError("kneser_ney restores no checkpoint");
        }

        public long estimateBytes(Hyperparameters h, int vocabSize) {
            throw new AssertionError("kneser_ney has no neural memory estimate");
        }
    };
    private final TrainerConfig config = new TrainerConfig() {
        public Optional<String> id() {
            return Optional.of("trainer-1");
        }

        public int maxCrashes() {
            return 3;
        }

        public int maxWatches() {
            return 4;
        }

        public long maxModelBytes() {
            return 1L << 30;
        }

        public int checkpointIntervalSeconds() {
            return 60;
        }

        public Duration statusInterval() {
            return Duration.ofSeconds(2);
        }

        public Duration leaseRenewal() {
            return Duration.ofSeconds(5);
        }

        public Duration leaseExpiry() {
            return Duration.ofSeconds(20);
        }

        public String device() {
            return "cpu";
        }

        public String deviceClass() {
            return "cpu";
        }

        public String defaultDeviceClass() {
            return "cpu";
        }

        public Duration eventAckTimeout() {
            return Duration.ofSeconds(1);
        }
    };
    private final TrainingJobs jobs = new TrainingJobs(store, datasets, events, noNeuralModels, config);
    private final JobRunner runner = new JobRunner(store, datasets, events, noNeuralModels, jobs, config, new SimpleMeterRegistry(),
            OpenTelemetry.noop().getTracer("test"));

    @Test
    void aKneserNeyJobCountsScoresAndExportsAnArpaModel() throws Exception {
        runner.run(TrainingJobSpec.newBuilder().setTrainingJobName("kn-1").setDatasetId("d")
                .putHyperparameters("model", "kneser_ney").putHyperparameters("ngram_order", "3").build(), OWNER);

        TrainingJob job = store.find(Tenants.DEFAULT, "kn-1").orElseThrow();
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, job.getStatus(), job.getFailureReason());
        assertEquals(OWNER, job.getCreatedBy(), "a job from Kafka is recorded as its requester's");
        assertEquals(List.of(SecondaryStatus.SECONDARY_STATUS_STARTING, SecondaryStatus.SECONDARY_STATUS_DOWNLOADING,
                        SecondaryStatus.SECONDARY_STATUS_TRAINING, SecondaryStatus.SECONDARY_STATUS_UPLOADING, SecondaryStatus.SECONDARY_STATUS_COMPLETED),
                job.getSecondaryStatusTransitionsList().stream().map(SecondaryStatusTransition::getStatus).toList());
        assertEquals(1, job.getEpochsCompleted());
        EpochMetrics epoch = job.getEpochs(0);
        double validNats = KneserNeyModel.fit(splits.get("train"), VOCAB, 3).evaluateNats(withEos(splits.get("validation")));
        assertEquals(validNats / Math.log(2) / 4000, epoch.getValidationBpc(), 1e-12, "the LSTM's bits per character");
        assertEquals(List.of(MetricNames.TRAIN_LOSS, MetricNames.VALIDATION_LOSS, MetricNames.VALIDATION_PERPLEXITY, MetricNames.VALIDATION_BPC, MetricNames.TEST_LOSS, MetricNames.TEST_PERPLEXITY, MetricNames.TEST_BPC),
                job.getFinalMetricsList().stream().map(Metric::getName).toList());
        assertTrue(progress.stream().anyMatch(p -> p.getEpoch() == 1 && p.getMetricsList().stream().anyMatch(m -> m.getName().equals(MetricNames.VALIDATION_BPC))));
        assertEquals(1, ready.size());

        ModelCard card = ProtoJson.merge(store.manifest, ModelCard.newBuilder()).build();
        assertEquals(0, card.getSignaturesCount(), "nothing for the inference-service to serve");
        assertEquals("kneser_ney", card.getHyperparametersOrThrow("model"));
        assertEquals(0, card.getNumLayers());
        assertEquals(List.of(NgramBaseline.ARPA_FILE, "tokenizer.vocab"), List.copyOf(new TreeMap<>(store.modelFiles).keySet()));
        assertTrue(store.modelFiles.get(NgramBaseline.ARPA_FILE).startsWith("\\data\\\nngram 1=12\n"));
        assertTrue(store.checkpoints.isEmpty(), "no checkpoints");
    }

    @Test
    void aJobThatAsksForAGpuIsNeverRunOnACpuTrainer() throws Exception {
        TrainingJobSpec gpu = TrainingJobSpec.newBuilder().setTrainingJobName("kn-gpu").setDatasetId("d").setResource(ComputeResource.COMPUTE_RESOURCE_GPU)
                .putHyperparameters("model", "kneser_ney").build();
        runner.run(gpu, OWNER);
        assertTrue(store.find(Tenants.DEFAULT, "kn-gpu").isEmpty(), "left to the GPU trainers: not even recorded here");
        assertTrue(ready.isEmpty());
        assertEquals("waiting for a gpu trainer", jobs.validate(Tenants.DEFAULT, gpu).getSecondaryStatusTransitions(0).getMessage());

        runner.run(gpu.toBuilder().setTrainingJobName("kn-cpu").setResource(ComputeResource.COMPUTE_RESOURCE_CPU).build(), OWNER);
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, store.find(Tenants.DEFAULT, "kn-cpu").orElseThrow().getStatus());
        runner.run(gpu.toBuilder().setTrainingJobName("kn-default").clearResource().build(), OWNER);
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, store.find(Tenants.DEFAULT, "kn-default").orElseThrow().getStatus(),
                "an unspecified resource is the default class's");
    }

    @Test
    void aJobWhoseTrainersDiedMaxCrashesTimesFailsAndIsNotTakenAgain() throws Exception {
        TrainingJobSpec spec = TrainingJobSpec.newBuilder().setTrainingJobName("kn-crashing").setDatasetId("d")
                .putHyperparameters("model", "kneser_ney").build();
        store.create(Tenants.DEFAULT, jobs.validate(Tenants.DEFAULT, spec).toBuilder().setCreatedBy(OWNER).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS)
                .setCrashes(2).setTrainerId("trainer-0").build());
        store.writeLease(Tenants.DEFAULT, "kn-crashing", new JobStore.Lease("trainer-0", Instant.now().minus(Duration.ofMinutes(5)), 1));

        runner.run(spec, OWNER);

        TrainingJob job = store.find(Tenants.DEFAULT, "kn-crashing").orElseThrow();
        assertEquals(JobStatus.JOB_STATUS_FAILED, job.getStatus());
        assertEquals(3, job.getCrashes());
        assertTrue(job.getFailureReason().startsWith("its trainer died 3 times while running it"), job.getFailureReason());
        assertTrue(ready.isEmpty(), "no model");
        assertTrue(store.lease(Tenants.DEFAULT, "kn-crashing").isEmpty(), "the lease is released");

        runner.run(spec, OWNER);
        assertEquals(job, store.find(Tenants.DEFAULT, "kn-crashing").orElseThrow(), "a failed job is not taken again");
    }

    @Test
    void aJobWhoseTrainerDiedOnceResumes() throws Exception {
        TrainingJobSpec spec = TrainingJobSpec.newBuilder().setTrainingJobName("kn-resumed").setDatasetId("d")
                .putHyperparameters("model", "kneser_ney").build();
        store.create(Tenants.DEFAULT, jobs.validate(Tenants.DEFAULT, spec).toBuilder().setCreatedBy(OWNER).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS)
                .setTrainerId("trainer-0").build());
        store.writeLease(Tenants.DEFAULT, "kn-resumed", new JobStore.Lease("trainer-0", Instant.now().minus(Duration.ofMinutes(5)), 1));

        runner.run(spec, OWNER);

        TrainingJob job = store.find(Tenants.DEFAULT, "kn-resumed").orElseThrow();
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, job.getStatus(), job.getFailureReason());
        assertEquals(1, job.getCrashes());
        assertEquals(1, ready.size());
    }

    @Test
    void anAttemptWhoseLeaseWasTakenOverWritesNothingMore() throws Exception {
        TrainingJobSpec spec = TrainingJobSpec.newBuilder().setTrainingJobName("kn-fenced").setDatasetId("d")
                .putHyperparameters("model", "kneser_ney").build();
        // This trainer stalls while reading its data; another one finds the lease expired and takes the job over.
        whileReadingTokens = () -> store.writeLease(Tenants.DEFAULT, "kn-fenced", new JobStore.Lease("trainer-2", Instant.now(), 2));

        runner.run(spec, OWNER);

        TrainingJob job = store.find(Tenants.DEFAULT, "kn-fenced").orElseThrow();
        assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, job.getStatus(), "the stale attempt neither completes nor fails the job");
        assertEquals(SecondaryStatus.SECONDARY_STATUS_DOWNLOADING, job.getSecondaryStatus(), "its last write came before the takeover");
        assertTrue(ready.isEmpty(), "no model.ready");
        assertTrue(store.modelFiles.isEmpty(), "no model");
        assertEquals("trainer-2", store.lease(Tenants.DEFAULT, "kn-fenced").orElseThrow().owner(), "the new holder keeps its lease");
    }

    @Test
    void aRequestWithAnInvalidJobNameIsRefusedWithoutTouchingTheStore() {
        LmForgeException e = assertThrows(LmForgeException.class,
                () -> runner.run(TrainingJobSpec.newBuilder().setTrainingJobName("../x").setDatasetId("d").build(), OWNER));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(store.jobs.isEmpty());
    }

    @Test
    void anInvalidRequestIsRecordedAsFailedAndThrownBack() {
        TrainingJobSpec spec = TrainingJobSpec.newBuilder().setTrainingJobName("bad-hp").setDatasetId("d")
                .putHyperparameters("no_such_parameter", "1").build();
        LmForgeException e = assertThrows(LmForgeException.class, () -> runner.run(spec, OWNER));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals(JobStatus.JOB_STATUS_FAILED, store.find(Tenants.DEFAULT, "bad-hp").orElseThrow().getStatus());
    }

    @Test
    void twoTenantsRunJobsOfTheSameNameApart() throws Exception {
        TrainingJobSpec spec = TrainingJobSpec.newBuilder().setTrainingJobName("same").setDatasetId("d")
                .putHyperparameters("model", "kneser_ney").build();

        runner.run(spec, OWNER);
        runner.run(spec, ACME_OWNER);

        TrainingJob mine = store.find(Tenants.DEFAULT, "same").orElseThrow();
        TrainingJob theirs = store.find("acme", "same").orElseThrow();
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, mine.getStatus(), mine.getFailureReason());
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, theirs.getStatus(), "acme's job ran although the default tenant's of that name had ended");
        assertEquals(OWNER, mine.getCreatedBy());
        assertEquals(ACME_OWNER, theirs.getCreatedBy());
        assertEquals(ArtifactLayout.shared().modelPrefix("same"), mine.getModelLocation().getKey(), "the default tenant's keys are those of before");
        assertEquals(ArtifactLayout.of("acme").modelPrefix("same"), theirs.getModelLocation().getKey());
        assertEquals(List.of("same", "acme:same"), ready, "each tenant's model.ready went out");
        assertTrue(store.leases.isEmpty(), "both leases are released");
    }

    @Test
    void anotherTenantsJobAnswersLikeAMissingOne() {
        TrainingJobSpec spec = TrainingJobSpec.newBuilder().setTrainingJobName("mine").setDatasetId("d")
                .putHyperparameters("model", "kneser_ney").build();
        jobs.create(Tenants.DEFAULT, spec, OWNER);

        TenantAssertions.assertAnswersAsMissing(() -> jobs.describe("nobody", "mine"), () -> jobs.describe("acme", "mine"), () -> jobs.stop("acme", "mine"));
        assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, jobs.describe(Tenants.DEFAULT, "mine").getStatus(), "acme's stop touched nothing");
        assertTrue(jobs.list("acme", JobStatus.JOB_STATUS_UNSPECIFIED, "", "", 10).items().isEmpty());

        jobs.create("acme", spec, ACME_OWNER);
        assertEquals(ACME_OWNER, jobs.describe("acme", "mine").getCreatedBy(), "the name is free in another tenant");
        assertEquals(OWNER, jobs.describe(Tenants.DEFAULT, "mine").getCreatedBy());
        assertEquals(JobStatus.JOB_STATUS_STOPPING, jobs.stop("acme", "mine").getStatus());
        assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, jobs.describe(Tenants.DEFAULT, "mine").getStatus());
        assertEquals(List.of(OWNER), jobs.list(Tenants.DEFAULT, JobStatus.JOB_STATUS_UNSPECIFIED, "", "", 10).items().stream()
                .map(TrainingJob::getCreatedBy).toList());
        assertEquals(2, requested.size());
    }

    @Test
    void aJobReadsOnlyItsTenantsDatasets() {
        TrainingJobSpec spec = TrainingJobSpec.newBuilder().setTrainingJobName("elsewhere").setDatasetId("d")
                .putHyperparameters("model", "kneser_ney").build();
        Principal stranger = OWNER.toBuilder().setTenant("nobody").build();
        LmForgeException e = assertThrows(LmForgeException.class, () -> jobs.create("nobody", spec, stranger));
        assertEquals(LmForgeException.Kind.NOT_FOUND, e.kind(), "dataset d is the default tenant's and acme's, not nobody's");
        assertThrows(IllegalArgumentException.class, () -> jobs.create("acme", spec, OWNER), "a job is its creator's tenant's");
        assertTrue(store.jobs.isEmpty());
    }

    /** Lines of 3 to 8 tokens of a small Markov chain, eos after each. */
    private static int[] stream(int tokens, long seed) {
        Random random = new Random(seed);
        int[] out = new int[tokens];
        int left = 0;
        for (int i = 0; i < tokens; i++) {
            if (left == 0) {
                out[i] = EOS;
                left = 3 + random.nextInt(6);
            } else {
                out[i] = 2 + ((i > 0 ? out[i - 1] : 0) * 5 + random.nextInt(3)) % (VOCAB - 2);
                left--;
            }
        }
        return out;
    }

    private static int[] withEos(int[] tokens) {
        int[] out = new int[tokens.length + 1];
        out[0] = EOS;
        System.arraycopy(tokens, 0, out, 1, tokens.length);
        return out;
    }

    /** Jobs by their tenant key, as the S3 store keeps them apart by their tenant's layout. */
    private static final class MemoryStore implements JobStore {
        final Map<String, TrainingJob> jobs = new HashMap<>();
        final Map<String, Lease> leases = new HashMap<>();
        final Map<String, String> modelFiles = new HashMap<>();
        final List<TrainingState> checkpoints = new ArrayList<>();
        byte[] manifest;

        public synchronized Optional<TrainingJob> find(String tenant, String name) {
            return Optional.ofNullable(jobs.get(TenantKey.encode(tenant, name)));
        }

        public synchronized void create(String tenant, TrainingJob job) {
            save(tenant, job);
        }

        public synchronized void save(String tenant, TrainingJob job) {
            jobs.put(TenantKey.encode(tenant, job.getSpec().getTrainingJobName()), job);
        }

        public synchronized Page list(String tenant, String startAfter, int limit) {
            return new Page(jobs.entrySet().stream().filter(e -> TenantKey.decode(e.getKey()).tenant().equals(tenant))
                    .map(Map.Entry::getValue).toList(), null);
        }

        public synchronized Optional<Lease> lease(String tenant, String name) {
            return Optional.ofNullable(leases.get(TenantKey.encode(tenant, name)));
        }

        public synchronized void writeLease(String tenant, String name, Lease lease) {
            leases.put(TenantKey.encode(tenant, name), lease);
        }

        public synchronized void releaseLease(String tenant, String name) {
            leases.remove(TenantKey.encode(tenant, name));
        }

        public void writeMetrics(String tenant, String name, List<EpochMetrics> epochs) {
        }

        public void saveCheckpoint(String tenant, String name, Path dir, TrainingState state) {
            checkpoints.add(state);
        }

        public Optional<LatestCheckpoint> latestCheckpoint(String tenant, String name) {
            return Optional.empty();
        }

        public void downloadCheckpoint(String tenant, String name, long globalStep, Path into) {
            throw new AssertionError("no checkpoint to download");
        }

        public S3Location saveModel(String tenant, String name, Path modelDir, byte[] manifest) {
            try (var files = Files.list(modelDir)) {
                for (Path f : files.toList()) {
                    modelFiles.put(f.getFileName().toString(), Files.readString(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.manifest = manifest;
            return S3Location.newBuilder().setKey(ArtifactLayout.of(tenant).modelPrefix(name)).build();
        }

        public boolean hasLegacyModelReadyMarker(String name) {
            return false;
        }
    }
}
