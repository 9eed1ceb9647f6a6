package dev.lmforge.trainer.grpc;

import dev.lmforge.common.security.Role;
import dev.lmforge.common.testing.TestPrincipals;
import dev.lmforge.common.testing.TestTokens;
import dev.lmforge.api.v1.ComputeResource;
import dev.lmforge.api.v1.CreateTrainingJobRequest;
import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ListTrainingJobsRequest;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.api.v1.SecondaryStatus;
import dev.lmforge.api.v1.StopTrainingJobRequest;
import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.api.v1.WatchTrainingJobRequest;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.testing.EventProbe;
import dev.lmforge.common.testing.PoisonRecords;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training jobs end to end inside one trainer: gRPC → train.requested → training → S3 → model.ready, with the real broker and S3. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingJobApiTest {

    /** Health and metrics: the management interface (plain HTTP, a port of its own), at its root /q/. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    static final Map<String, String> SMALL = Map.of("embedding_dim", "16", "hidden_size", "16", "num_layers", "1",
            "batch_size", "8", "bptt", "10", "epochs", "2", "learning_rate", "1.0");

    @TestHTTPResource("/")
    URL root;

    @Inject
    ArtifactStore store;

    ManagedChannel channel;
    TrainingServiceGrpc.TrainingServiceBlockingStub training;
    String dataset;

    @BeforeAll
    void publishDataset() throws Exception {
        dataset = "words-" + UUID.randomUUID().toString().substring(0, 8);
        DatasetFixtures.publish(store, dataset, 600, 500);
    }

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().intercept(TestTokens.admin()).build();
        training = TrainingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    TrainingJob create(String name, Map<String, String> hp) {
        return training.createTrainingJob(CreateTrainingJobRequest.newBuilder().setSpec(TrainingJobSpec.newBuilder()
                .setTrainingJobName(name).setDatasetId(dataset).putAllHyperparameters(hp)).build());
    }

    TrainingJob awaitEnd(String name) throws InterruptedException {
        TrainingJob job = null;
        for (int i = 0; i < 600; i++) {
            try {
                job = training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
                if (job.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS && job.getStatus() != JobStatus.JOB_STATUS_STOPPING) {
                    return job;
                }
            } catch (StatusRuntimeException notYet) {
                // a request produced to Kafka is recorded when a trainer takes it
                assertEquals(Status.Code.NOT_FOUND, notYet.getStatus().getCode());
            }
            Thread.sleep(500);
        }
        throw new AssertionError("job " + name + " did not end: " + job);
    }

    @Test
    void aJobTrainsExportsAndAnnouncesItsModelOnce() throws Exception {
        String name = unique("job");
        TrainingJob created = create(name, SMALL);
        assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, created.getStatus());
        assertEquals("200", created.getResolvedHyperparametersOrThrow("embedding_dim").equals("16") ? "200" : "16");

        List<TrainingProgress> watched = new ArrayList<>();
        Iterator<TrainingProgress> stream = TrainingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES)
                .watchTrainingJob(WatchTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
        stream.forEachRemaining(watched::add);
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, watched.get(watched.size() - 1).getStatus(), watched.toString());
        assertTrue(watched.stream().anyMatch(p -> p.getMessage().startsWith("epoch")), "a message per epoch");

        TrainingJob job = awaitEnd(name);
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, job.getStatus(), job.getFailureReason());
        assertEquals(2, job.getEpochsCount());
        assertTrue(job.getEpochs(1).getValidationLoss() < job.getEpochs(0).getValidationLoss() + 0.5);
        List<String> metrics = job.getFinalMetricsList().stream().map(Metric::getName).toList();
        for (String m : List.of(MetricNames.VALIDATION_PERPLEXITY, MetricNames.VALIDATION_BPC, MetricNames.TEST_PERPLEXITY, MetricNames.TEST_BPC)) {
            assertTrue(metrics.contains(m), m + " missing from " + metrics);
        }
        List<String> history = job.getSecondaryStatusTransitionsList().stream().map(t -> t.getStatus().name()).toList();
        assertEquals(List.of("SECONDARY_STATUS_STARTING", "SECONDARY_STATUS_DOWNLOADING",
                "SECONDARY_STATUS_TRAINING", "SECONDARY_STATUS_UPLOADING", "SECONDARY_STATUS_COMPLETED"), history);
        assertTrue(job.getTrainingTimeSeconds() >= 0 && job.getBillableTimeSeconds() == job.getTrainingTimeSeconds());

        ArtifactLayout layout = ArtifactLayout.shared();
        for (String file : List.of("saved_model.pb", "tokenizer.vocab", ArtifactLayout.MODEL_MARKER)) {
            assertTrue(store.exists(layout.modelFile(name, file)), file + " missing from the model");
        }
        assertTrue(store.exists(layout.trainingJobMetrics(name)));
        var events = EventProbe.records(Topics.MODEL_READY, name, new ModelReadyDeserializer(), Duration.ofSeconds(4));
        assertEquals(1, events.size(), "exactly one model.ready");
        ModelReady ready = events.get(0).value();
        assertEquals(dataset, ready.getDatasetId());
        assertEquals(job.getModelLocation(), ready.getModelLocation());

        assertTrue(training.listTrainingJobs(ListTrainingJobsRequest.newBuilder().setNameContains(name).build())
                .getTrainingJobsList().stream().anyMatch(j -> j.getSpec().getTrainingJobName().equals(name)));
        expect(Status.Code.FAILED_PRECONDITION, "only an InProgress job can be stopped",
                () -> training.stopTrainingJob(StopTrainingJobRequest.newBuilder().setTrainingJobName(name).build()));
        expect(Status.Code.ALREADY_EXISTS, "already exists", () -> create(name, SMALL));
        assertEquals("test-admin@default", ready.getCausedBy().getSubject(), "model.ready names who asked for the job");

        // Another tenant's admin: the job answers as a missing one.
        ManagedChannel other = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext()
                .intercept(TestTokens.as(Role.ADMIN, "team-b")).build();
        try {
            TrainingServiceGrpc.TrainingServiceBlockingStub otherTenant = TrainingServiceGrpc.newBlockingStub(other).withDeadlineAfter(1, TimeUnit.MINUTES);
            expect(Status.Code.NOT_FOUND, "training job '" + name + "' does not exist",
                    () -> otherTenant.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build()));
            expect(Status.Code.NOT_FOUND, "training job '" + name + "' does not exist",
                    () -> otherTenant.stopTrainingJob(StopTrainingJobRequest.newBuilder().setTrainingJobName(name).build()));
            assertTrue(otherTenant.listTrainingJobs(ListTrainingJobsRequest.newBuilder().setNameContains(name).build()).getTrainingJobsList().isEmpty());
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        Function<String, TrainRequested> naming = name -> TestPrincipals.byEditor(TrainRequested.newBuilder().setSchemaVersion(1).setSpec(TrainingJobSpec.newBuilder()
                .setTrainingJobName(name).setDatasetId(dataset).putHyperparameters("model", "kneser_ney")).build());
        TrainRequested missingDataset = TrainRequested.newBuilder().setSchemaVersion(1).setSpec(TrainingJobSpec.newBuilder()
                .setTrainingJobName(unique("no-dataset")).setDatasetId(unique("no-such-dataset")).putHyperparameters("model", "kneser_ney")).build();
        PoisonRecords poison = new PoisonRecords(Topics.TRAIN_REQUESTED).sendAll(unique("poison"), naming::apply, missingDataset);
        String valid = unique("after-poison");
        PoisonRecords.produce(Topics.TRAIN_REQUESTED, valid, naming.apply(valid).toByteArray(), false);

        assertEquals(JobStatus.JOB_STATUS_COMPLETED, awaitEnd(valid).getStatus(), "the valid request after the poison runs");
        poison.assertDeadLettered("trainer-service", Duration.ofSeconds(30));
        TrainingJob refused = training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder()
                .setTrainingJobName(missingDataset.getSpec().getTrainingJobName()).build());
        assertEquals(JobStatus.JOB_STATUS_FAILED, refused.getStatus(), "Describe says why the request never ran");
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void watchesAreCappedAndAClosedOneFreesItsPlace() throws Exception {
        String name = unique("watched");
        Map<String, String> longer = new java.util.HashMap<>(SMALL);
        longer.put("epochs", "50");
        create(name, longer);
        WatchTrainingJobRequest watch = WatchTrainingJobRequest.newBuilder().setTrainingJobName(name).build();
        List<ManagedChannel> watching = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) { // %test.lmforge.trainer.max-watches
                ManagedChannel c = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().intercept(TestTokens.admin()).build();
                watching.add(c);
                assertTrue(TrainingServiceGrpc.newBlockingStub(c).withDeadlineAfter(1, TimeUnit.MINUTES).watchTrainingJob(watch).hasNext());
            }
            expect(Status.Code.RESOURCE_EXHAUSTED, "lmforge.trainer.max-watches",
                    () -> training.withDeadlineAfter(1, TimeUnit.MINUTES).watchTrainingJob(watch).hasNext());

            watching.remove(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            boolean watched = false;
            for (int i = 0; i < 40 && !watched; i++) { // the server notices the cancel within a poll
                try {
                    watched = training.withDeadlineAfter(1, TimeUnit.MINUTES).watchTrainingJob(watch).hasNext();
                } catch (StatusRuntimeException stillFull) {
                    assertEquals(Status.Code.RESOURCE_EXHAUSTED, stillFull.getStatus().getCode());
                    Thread.sleep(250);
                }
            }
            assertTrue(watched, "a closed watch frees its place");
        } finally {
            watching.forEach(ManagedChannel::shutdownNow);
            training.stopTrainingJob(StopTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
            awaitEnd(name);
        }
    }

    @Test
    void aRunningJobStopsOnRequest() throws Exception {
        String name = unique("stop");
        Map<String, String> longer = new java.util.HashMap<>(SMALL);
        longer.put("epochs", "50");
        create(name, longer);
        for (int i = 0; i < 240; i++) {
            TrainingJob j = training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
            if (j.getSecondaryStatus() == SecondaryStatus.SECONDARY_STATUS_TRAINING) {
                break;
            }
            Thread.sleep(250);
        }
        String loss = null;
        for (int i = 0; i < 100 && loss == null; i++) {
            loss = jobSeries("lmforge_training_job_loss", name);
            Thread.sleep(100);
        }
        assertTrue(loss != null && Double.parseDouble(loss) > 0, "the running job's loss on /q/metrics: " + loss);
        assertTrue(Double.parseDouble(jobSeries("lmforge_training_job_epoch", name)) >= 1, "the epoch being trained");
        assertTrue(Double.parseDouble(jobSeries("lmforge_training_job_tokens_per_second", name)) > 0);
        assertTrue(scrape().lines().anyMatch(l -> l.startsWith("grpc_server_processing_duration_seconds_bucket{") && l.contains("le=\"0.001\"")),
                "served methods have the fixed latency buckets (GrpcLatencyBuckets)");
        TrainingJob stopping = training.stopTrainingJob(StopTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
        assertEquals(JobStatus.JOB_STATUS_STOPPING, stopping.getStatus());
        TrainingJob stopped = awaitEnd(name);
        assertEquals(JobStatus.JOB_STATUS_STOPPED, stopped.getStatus());
        assertTrue(store.exists(ArtifactLayout.shared().latestCheckpoint(name)), "a stopped job keeps a checkpoint");
        for (int i = 0; i < 50 && jobSeries("lmforge_training_job_loss", name) != null; i++) {
            Thread.sleep(100); // the attempt removes them as it returns, just after recording Stopped
        }
        assertEquals(null, jobSeries("lmforge_training_job_loss", name), "a job's gauges go when its attempt ends");
        assertTrue(EventProbe.records(Topics.MODEL_READY, name, new ModelReadyDeserializer(), Duration.ofSeconds(2)).isEmpty());
    }

    @Test
    void keepBestEpochExportsTheWeightsOfTheEpochWithTheLowestValidationLoss() throws Exception {
        String name = unique("best");
        Map<String, String> overfitting = new java.util.HashMap<>(SMALL);
        overfitting.putAll(Map.of("embedding_dim", "64", "hidden_size", "64", "epochs", "5", "lr_decay", "1", "keep_best_epoch", "true"));
        create(name, overfitting);
        TrainingJob job = awaitEnd(name);
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, job.getStatus(), job.getFailureReason());
        List<EpochMetrics> epochs = job.getEpochsList();
        EpochMetrics best = epochs.stream().min(Comparator.comparingDouble(EpochMetrics::getValidationLoss)).orElseThrow();
        EpochMetrics last = epochs.get(epochs.size() - 1);
        assertTrue(best.getEpoch() < last.getEpoch(), "this recipe overfits the small train split, the last epoch is not the best: " + epochs);

        ModelCard card = ProtoJson.merge(store.read(ArtifactLayout.shared().modelFile(name, ArtifactLayout.MODEL_MARKER)).orElseThrow(),
                ModelCard.newBuilder()).build();
        assertEquals(best.getEpoch(), card.getKeptEpoch());
        double exported = job.getFinalMetricsList().stream().filter(m -> m.getName().equals(MetricNames.VALIDATION_LOSS)).findFirst()
                .orElseThrow().getValue();
        assertEquals(best.getValidationLoss(), exported, 1e-5, "the exported weights, scored anew, are the best epoch's");
        assertTrue(Math.abs(last.getValidationLoss() - exported) > 1e-4, "and not the last epoch's");
        for (EpochMetrics e : epochs) {
            assertTrue(e.getTrainingSeconds() > 0 && e.getEvaluationSeconds() > 0
                    && e.getSeconds() >= e.getTrainingSeconds() + e.getEvaluationSeconds() - 1e-6, "training and evaluation timed apart: " + e);
        }
    }

    @Test
    void aCpuTrainerLeavesJobsThatAskForAGpuToTheGpuTrainers() throws Exception {
        TrainingJobSpec gpu = TrainingJobSpec.newBuilder().setTrainingJobName(unique("on-gpu")).setDatasetId(dataset)
                .setResource(ComputeResource.COMPUTE_RESOURCE_GPU).putHyperparameters("model", "kneser_ney").build();
        TrainingJobSpec cpu = gpu.toBuilder().setTrainingJobName(unique("on-cpu")).setResource(ComputeResource.COMPUTE_RESOURCE_CPU).build();
        TrainRequests.send(0, gpu, cpu); // one partition: this trainer sees the GPU job first
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, awaitEnd(cpu.getTrainingJobName()).getStatus());
        expect(Status.Code.NOT_FOUND, "does not exist",
                () -> training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(gpu.getTrainingJobName()).build()));
    }

    String scrape() {
        return given().get(management + "metrics").then().statusCode(200).extract().asString();
    }

    /** The value of a job's series in the Prometheus scrape of the management port, null when there is none. */
    String jobSeries(String metric, String job) {
        return scrape().lines().filter(l -> l.startsWith(metric + "{") && l.contains("training_job=\"" + job + "\""))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse(null);
    }

    @Test
    void aCorruptCheckpointFailsTheJobWithAReason() throws Exception {
        String name = unique("corrupt");
        String checkpoint = ArtifactLayout.shared().checkpointPrefix(name, 7);
        store.put(checkpoint + "variables.data-00000-of-00001", "garbage".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        store.put(ArtifactLayout.shared().latestCheckpoint(name), ("{\"prefix\": \"" + checkpoint + "\", \"globalStep\": 7, \"state\": {\"globalStep\": 7}}")
                .getBytes(StandardCharsets.UTF_8), "application/json");
        TrainRequests.send(null, TrainingJobSpec.newBuilder().setTrainingJobName(name).setDatasetId(dataset).putAllHyperparameters(SMALL).build());
        TrainingJob job = null;
        for (int i = 0; i < 240 && (job == null || job.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS); i++) {
            Thread.sleep(250);
            try {
                job = training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
            } catch (StatusRuntimeException notYet) {
                assertEquals(Status.Code.NOT_FOUND, notYet.getStatus().getCode());
            }
        }
        assertEquals(JobStatus.JOB_STATUS_FAILED, job.getStatus());
        assertTrue(job.getFailureReason().contains("cannot be restored"), job.getFailureReason());
    }

    @Test
    void badRequestsGetAClearStatus() throws Exception {
        expect(Status.Code.NOT_FOUND, "does not exist", () -> training.createTrainingJob(CreateTrainingJobRequest.newBuilder()
                .setSpec(TrainingJobSpec.newBuilder().setTrainingJobName(unique("x")).setDatasetId(unique("nope"))).build()));
        String building = unique("building");
        store.put(ArtifactLayout.shared().datasetStatus(building), "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        expect(Status.Code.FAILED_PRECONDITION, "not ready", () -> training.createTrainingJob(CreateTrainingJobRequest.newBuilder()
                .setSpec(TrainingJobSpec.newBuilder().setTrainingJobName(unique("x")).setDatasetId(building)).build()));
        expect(Status.Code.INVALID_ARGUMENT, "hyperparameter hidden_size must be an integer in [1, 4096], got '0'",
                () -> create(unique("x"), Map.of("hidden_size", "0")));
        expect(Status.Code.INVALID_ARGUMENT, "unknown hyperparameter 'layers'", () -> create(unique("x"), Map.of("layers", "2")));
        expect(Status.Code.RESOURCE_EXHAUSTED, "GiB", () -> create(unique("x"), Map.of("hidden_size", "4096", "embedding_dim", "4096",
                "num_layers", "8", "batch_size", "4096", "bptt", "1000")));
        expect(Status.Code.INVALID_ARGUMENT, "training job name", () -> create("../etc", SMALL));
        expect(Status.Code.NOT_FOUND, "does not exist", () -> training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder()
                .setTrainingJobName(unique("none")).build()));
        given().get(management + "health/ready").then().statusCode(200);
    }

    static void expect(Status.Code code, String messagePart, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(String.valueOf(e.getStatus().getDescription()).contains(messagePart),
                "'" + e.getStatus().getDescription() + "' should mention '" + messagePart + "'");
        assertFalse(String.valueOf(e.getStatus().getDescription()).isBlank());
    }
}
