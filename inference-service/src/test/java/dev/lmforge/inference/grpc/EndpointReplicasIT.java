package dev.lmforge.inference.grpc;

import dev.lmforge.common.testing.TestTokens;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.testing.PackagedServices;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two packaged inference replicas on the real broker and S3 server: an endpoint changed through
 * either one is served by both, as behind a Kubernetes Service where the call reaches one pod.
 */
class EndpointReplicasIT {

    private final PackagedServices replicas = new PackagedServices("EndpointReplicasIT");
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        replicas.close();
    }

    @Test
    void anEndpointChangedOnOneReplicaIsServedByEveryReplica() throws Exception {
        ArtifactStore store = PackagedServices.store();
        String modelA = ModelFixtures.publish(store, "europarl-a");
        String modelB = ModelFixtures.publish(store, "europarl-b");
        String endpoint = "replicated-" + UUID.randomUUID().toString().substring(0, 8);
        InferenceServiceGrpc.InferenceServiceBlockingStub one = replica("one");
        InferenceServiceGrpc.InferenceServiceBlockingStub two = replica("two");

        one.withDeadlineAfter(2, TimeUnit.MINUTES).setEndpointModel(SetEndpointModelRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion(modelA)).build());
        awaitServed(two, endpoint, modelA);

        two.withDeadlineAfter(2, TimeUnit.MINUTES).setEndpointModel(SetEndpointModelRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion(modelB)).build());
        awaitServed(one, endpoint, modelB);
        awaitServed(two, endpoint, modelB);
    }

    /** Waits until the replica lists the endpoint on {@code version} and answers a Predict from that version. */
    private static void awaitServed(InferenceServiceGrpc.InferenceServiceBlockingStub replica, String endpoint, String version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            boolean listed = replica.withDeadlineAfter(10, TimeUnit.SECONDS).listModels(ListModelsRequest.getDefaultInstance()).getEndpointsList()
                    .stream().anyMatch(e -> e.getName().equals(endpoint) && e.getModelVersion().equals(version));
            if (listed) {
                assertEquals(version, replica.withDeadlineAfter(30, TimeUnit.SECONDS).predict(PredictRequest.newBuilder()
                        .setEndpoint(endpoint).setText("the european").setTopK(3).build()).getModelVersion());
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the replica did not follow endpoint " + endpoint + " to " + version);
    }

    private InferenceServiceGrpc.InferenceServiceBlockingStub replica(String id) throws IOException, InterruptedException {
        int port = replicas.start(id, "512m", Map.of("LMFORGE_INFERENCE_MODEL_CACHE", Files.createTempDirectory("replica-" + id).toString()));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().intercept(TestTokens.admin()).build();
        channels.add(channel);
        return InferenceServiceGrpc.newBlockingStub(channel);
    }
}
