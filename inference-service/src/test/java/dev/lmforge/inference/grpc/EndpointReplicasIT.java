package dev.lmforge.inference.grpc;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.common.store.ArtifactStore;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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

/**
 * Two packaged inference replicas on the real broker and S3 server: an endpoint changed through
 * either one is served by both, as behind a Kubernetes Service where the call reaches one pod.
 */
class EndpointReplicasIT {

    private static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");
    private final List<Process> replicas = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        replicas.forEach(Process::destroyForcibly);
    }

    @Test
    void anEndpointChangedOnOneReplicaIsServedByEveryReplica() throws Exception {
        ArtifactStore store = store();
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
        int port = freePort();
        Path log = Files.createDirectories(Path.of("target/failsafe-reports")).resolve("EndpointReplicasIT-" + id + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-jar", APP.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        pb.environment().put("LMFORGE_S3_PREFIX", "tests/");
        pb.environment().put("LMFORGE_INFERENCE_MODEL_CACHE", Files.createTempDirectory("replica-" + id).toString());
        pb.environment().put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        Process p = pb.start();
        replicas.add(p);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 480; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
                    channels.add(channel);
                    return InferenceServiceGrpc.newBlockingStub(channel);
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!p.isAlive()) {
                throw new AssertionError("replica " + id + " exited with " + p.exitValue() + "; see " + log);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("replica " + id + " did not become ready; see " + log);
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
