package dev.lmforge.trainer;

import dev.lmforge.common.testing.TestTokens;
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
import dev.lmforge.common.testing.PackagedServices;
import dev.lmforge.trainer.grpc.DatasetFixtures;
import dev.lmforge.trainer.grpc.ModelReadyDeserializer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    private final PackagedServices trainers = new PackagedServices("TrainerKillResumeIT");

    @AfterEach
    void stopTrainers() {
        trainers.close();
    }

    @Test
    void aKilledTrainersJobResumesFromItsCheckpointOnAnotherTrainer() throws Exception {
        ArtifactStore store = PackagedServices.store();
        String dataset = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        DatasetFixtures.publish(store, dataset, 1500, 800);
        String name = "resume-" + UUID.randomUUID().toString().substring(0, 8);

        ManagedChannel channelA = channel(startTrainer("trainer-a"));
        TrainingServiceGrpc.newBlockingStub(channelA).withDeadlineAfter(1, TimeUnit.MINUTES).createTrainingJob(CreateTrainingJobRequest.newBuilder()
                .setSpec(TrainingJobSpec.newBuilder().setTrainingJobName(name).setDatasetId(dataset)
                        .putHyperparameters("embedding_dim", "32").putHyperparameters("hidden_size", "64").putHyperparameters("num_layers", "1")
                        .putHyperparameters("epochs", "6").putHyperparameters("batch_size", "8").putHyperparameters("bptt", "20")
                        .setCheckpointConfig(CheckpointConfig.newBuilder().setIntervalSeconds(1))).build());
        TrainingJob beforeKill = awaitJob(channelA, name, j -> j.getEpochsCount() >= 2, Duration.ofMinutes(4));
        trainers.kill("trainer-a");
        channelA.shutdownNow();
        assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, beforeKill.getStatus());

        ManagedChannel channelB = channel(startTrainer("trainer-b"));
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

    private int startTrainer(String id) throws IOException, InterruptedException {
        return trainers.start(id, "768m", Map.of("LMFORGE_TRAINER_ID", id, "LMFORGE_TRAINER_LEASE_RENEWAL", "1s", "LMFORGE_TRAINER_LEASE_EXPIRY", "5s"));
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
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().intercept(TestTokens.admin()).build();
    }
}
