package dev.lmforge.trainer.grpc;

import dev.lmforge.api.v1.ComputeResource;
import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.testing.TestTokens;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A trainer labelled as a GPU one (on this CPU machine: its TensorFlow device stays the CPU) is the
 * consumer group trainer-service-gpu: it runs the jobs that ask for a GPU and never one that asks for
 * a CPU (TrainingJobApiTest shows the reverse).
 */
@QuarkusTest
@TestProfile(GpuClassTrainerTest.GpuClass.class)
class GpuClassTrainerTest {

    public static class GpuClass implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lmforge.trainer.device-class", "gpu");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Inject
    ArtifactStore store;

    @Test
    void runsGpuJobsAndLeavesCpuJobsToTheCpuTrainers() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String dataset = "gpu-class-" + id;
        DatasetFixtures.publish(store, dataset, 200, 300);
        TrainingJobSpec cpu = TrainingJobSpec.newBuilder().setTrainingJobName("cpu-job-" + id).setDatasetId(dataset)
                .setResource(ComputeResource.COMPUTE_RESOURCE_CPU).putHyperparameters("model", "kneser_ney").build();
        TrainingJobSpec gpu = cpu.toBuilder().setTrainingJobName("gpu-job-" + id).setResource(ComputeResource.COMPUTE_RESOURCE_GPU).build();
        TrainRequests.send(0, cpu, gpu); // one partition: this trainer sees the CPU job first

        ManagedChannel channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().intercept(TestTokens.admin()).build();
        try {
            var training = TrainingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.MINUTES);
            TrainingJob done = null;
            for (int i = 0; i < 360 && (done == null || done.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS); i++) {
                try {
                    done = training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(gpu.getTrainingJobName()).build());
                } catch (StatusRuntimeException notYet) {
                    assertEquals(Status.Code.NOT_FOUND, notYet.getStatus().getCode());
                }
                Thread.sleep(500);
            }
            assertEquals(JobStatus.JOB_STATUS_COMPLETED, done == null ? null : done.getStatus(), "the GPU job ran here: " + done);
            StatusRuntimeException cpuJob = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(cpu.getTrainingJobName()).build()));
            assertEquals(Status.Code.NOT_FOUND, cpuJob.getStatus().getCode(), "the CPU job, seen first, was left to the CPU trainers");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
