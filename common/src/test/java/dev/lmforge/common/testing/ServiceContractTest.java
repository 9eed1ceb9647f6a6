package dev.lmforge.common.testing;

import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServiceDescriptor;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every LM Forge service promises operators: Quarkus health and Prometheus metrics over HTTP,
 * gRPC health and reflection on the same port. Each service runs it as a {@code @QuarkusTest}.
 */
public abstract class ServiceContractTest {

    /** Health and metrics: the management interface (plain HTTP, a port of its own), at its root /q/. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @TestHTTPResource("/")
    URL root;

    private ManagedChannel channel;

    /** The LM Forge gRPC services the app must expose, e.g. "lmforge.v1.CorpusService". */
    protected abstract List<String> grpcServices();

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().intercept(TestTokens.admin()).build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void readinessIsUp() {
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsAreExposed() {
        given().get(management + "metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void grpcHealthServes() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    }

    @Test
    void grpcReflectionListsTheServices() throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        names.complete(r.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        List<String> services = names.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertTrue(services.contains("grpc.health.v1.Health"), "health service missing from " + services);
        for (String expected : grpcServices()) {
            assertTrue(services.contains(expected), expected + " missing from " + services);
        }
    }

    @Test
    void grpcHealthNeedsNoToken() {
        ManagedChannel anonymous = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().build();
        try {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(anonymous).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().build());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
        } finally {
            anonymous.shutdownNow();
        }
    }

    @Test
    void everyRpcAnswersEachCredentialAsTheRoleTableSays() throws Exception {
        ManagedChannel bare = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().build();
        try {
            PermissionMatrix matrix = new PermissionMatrix();
            for (String service : grpcServices()) {
                String simpleName = service.substring(service.lastIndexOf('.') + 1);
                Class<?> grpc = Class.forName("dev.lmforge.api.v1." + simpleName + "Grpc");
                matrix.run(bare, (ServiceDescriptor) grpc.getMethod("getServiceDescriptor").invoke(null));
            }
            System.out.println(getClass().getSimpleName() + " " + matrix.summary());
            assertEquals(List.of(), matrix.mismatches());
        } finally {
            bare.shutdownNow();
        }
    }
}
