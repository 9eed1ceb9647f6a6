package dev.lmforge.trainer;

import dev.lmforge.api.v1.CheckpointConfig;
import dev.lmforge.api.v1.CreateTrainingJobRequest;
import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.SecondaryStatus;
import dev.lmforge.api.v1.SecondaryStatusTransition;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.testing.EventProbe;
import dev.lmforge.trainer.grpc.DatasetFixtures;
import dev.lmforge.trainer.grpc.ModelReadyDeserializer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resilience check with real processes: a trainer (the packaged app) runs a job and is
 * killed with SIGKILL; a second trainer takes the redelivered train.requested, waits for the dead
 * one's lease to expire, resumes from the last checkpoint, and the job completes with exactly one
 * model.ready.
 */
class TrainerKillResumeIT {

    private static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");
    private final List<Process> trainers = new ArrayList<>();

    @AfterEach
    void stopTrainers() {
        trainers.forEach(Process::destroyForcibly);
    }

    @Test
    void aKilledTrainersJobResumesFromItsCheckpointOnAnotherTrainer() throws Exception {
        ArtifactStore store = store();
        String dataset = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        DatasetFixtures.publish(store, dataset, 1500, 800);
        String name = "resume-" + UUID.randomUUID().toString().substring(0, 8);

        int portA = freePort();
        Process a = startTrainer("trainer-a", portA);
        ManagedChannel channelA = channel(portA);
        TrainingServiceGrpc.newBlockingStub(channelA).withDeadlineAfter(1, TimeUnit.MINUTES).createTrainingJob(CreateTrainingJobRequest.newBuilder()
                .setSpec(TrainingJobSpec.newBuilder().setTrainingJobName(name).setDatasetId(dataset)
                        .putHyperparameters("embedding_dim", "32").putHyperparameters("hidden_size", "64").putHyperparameters("num_layers", "1")
                        .putHyperparameters("epochs", "6").putHyperparameters("batch_size", "8").putHyperparameters("bptt", "20")
                        .setCheckpointConfig(CheckpointConfig.newBuilder().setIntervalSeconds(1))).build());
        TrainingJob beforeKill = awaitJob(channelA, name, j -> j.getEpochsCount() >= 2, Duration.ofMinutes(4));
        a.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no lease release, no commit
        channelA.shutdownNow();
        assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, beforeKill.getStatus());

        int portB = freePort();
        startTrainer("trainer-b", portB);
        ManagedChannel channelB = channel(portB);
        TrainingJob done = awaitJob(channelB, name, j -> j.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS, Duration.ofMinutes(5));
        channelB.shutdownNow();

        assertEquals(JobStatus.JOB_STATUS_COMPLETED, done.getStatus(), done.getFailureReason());
        SecondaryStatusTransition restart = done.getSecondaryStatusTransitionsList().stream()
                .filter(t -> t.getStatus() == SecondaryStatus.SECONDARY_STATUS_RESTARTING).findFirst()
                .orElseThrow(() -> new AssertionError("no Restarting transition: " + done.getSecondaryStatusTransitionsList()));
        assertTrue(restart.getMessage().contains("trainer-b") && restart.getMessage().matches(".*resuming from step [1-9]\\d*.*"),
                restart.getMessage());
        assertEquals(6, done.getEpochsCount(), "every epoch once, none lost or repeated: " + done.getEpochsList());
        for (int i = 0; i < 6; i++) {
            assertEquals(i + 1, done.getEpochs(i).getEpoch());
        }
        assertEquals(1, EventProbe.records(Topics.MODEL_READY, name, new ModelReadyDeserializer(), Duration.ofSeconds(5)).size(),
                "exactly one model.ready");
    }

    private Process startTrainer(String id, int port) throws IOException, InterruptedException {
        Path log = Files.createDirectories(Path.of("target/failsafe-reports")).resolve("TrainerKillResumeIT-" + id + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                "-XX:+UseSerialGC", "-jar", APP.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        pb.environment().put("LMFORGE_S3_PREFIX", "tests/");
        pb.environment().put("LMFORGE_TRAINER_ID", id);
        pb.environment().put("LMFORGE_TRAINER_LEASE_RENEWAL", "1s");
        pb.environment().put("LMFORGE_TRAINER_LEASE_EXPIRY", "5s");
        pb.environment().put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        Process p = pb.start();
        trainers.add(p);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 240; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!p.isAlive()) {
                throw new AssertionError(id + " exited with " + p.exitValue() + "; see " + log);
            }
            Thread.sleep(250);
        }
        throw new AssertionError(id + " did not become ready; see " + log);
    }

    private static TrainingJob awaitJob(ManagedChannel channel, String name, java.util.function.Predicate<TrainingJob> until, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        TrainingJob job = null;
        while (System.nanoTime() < deadline) {
            try {
                job = TrainingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
                if (until.test(job)) {
                    return job;
                }
            } catch (StatusRuntimeException notYet) {
                // the record may not be written yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("training job " + name + " did not get there in " + max + ": " + job);
    }

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static ArtifactStore store() {
        String endpoint = System.getenv().getOrDefault("QUARKUS_S3_ENDPOINT_OVERRIDE", "http://127.0.0.1:19000");
        S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("lmforge", "lmforge-secret")))
                .httpClient(ApacheHttpClient.create()).build();
        ArtifactStore store = new ArtifactStore(s3, "lmforge", "tests/", endpoint);
        store.ensureBucket();
        return store;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
