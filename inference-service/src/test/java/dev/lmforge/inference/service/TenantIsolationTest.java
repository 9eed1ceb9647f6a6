package dev.lmforge.inference.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.ListModelsResponse;
import dev.lmforge.api.v1.Model;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.Caller;
import dev.lmforge.common.security.Role;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.security.TestCallers;
import dev.lmforge.inference.grpc.InferenceGrpcService;
import dev.lmforge.inference.http.SageMakerResource;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two tenants with the same model version and endpoint names, kept apart: each predicts with its own
 * model; the other's endpoints and versions answer exactly as missing ones do; each lists, unloads
 * and restores only its own. The default tenant is one of them: its keys are those of before tenants.
 */
class TenantIsolationTest {

    private static final String A = Tenants.DEFAULT;
    private static final String B = "acme";
    /** The token each tenant's job-1 predicts: the same version name, two models. */
    private static final int A_TOKEN = 5;
    private static final int B_TOKEN = 7;

    private final ServiceFakes.FakeStore store = new ServiceFakes.FakeStore();
    private final List<ModelRegistry> registries = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private ModelRegistry registry;
    private Inference inference;

    @BeforeEach
    void serve() throws Exception {
        ServiceFakes.publish(store, A, "job-1", A_TOKEN);
        ServiceFakes.publish(store, B, "job-1", B_TOKEN);
        store.missing.add(TenantKey.encode(B, "a-only"));
        registry = registry();
        inference = new Inference(registry, ServiceFakes.config());
        registry.setEndpoint(A, endpoint("e", "job-1"));
        registry.setEndpoint(B, endpoint("e", "job-1"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        registries.forEach(ModelRegistry::stop);
    }

    @Test
    void eachTenantPredictsWithItsOwnModelOfTheSameName() {
        assertEquals(A_TOKEN, predictedBy(A, "e"));
        assertEquals(B_TOKEN, predictedBy(B, "e"));
        assertEquals("job-1", inference.predict(B, "e", "the", null, 1).getModelVersion());
    }

    @Test
    void anotherTenantsEndpointAnswersAsAMissingOne() {
        String missingInB = notFound(() -> inference.predict(B, "private", "the", null, 1));
        String missingInC = notFound(() -> inference.predict("globex", "private", "the", null, 1));
        String unknownInB = notFound(() -> registry.model(B, "a-only"));
        String unloadInB = notFound(() -> registry.unload(B, "a-only"));

        registry.setEndpoint(A, endpoint("private", "a-only"));

        assertEquals(missingInB, notFound(() -> inference.predict(B, "private", "the", null, 1)));
        assertEquals(missingInC, notFound(() -> inference.predict("globex", "private", "the", null, 1)));
        assertTrue(missingInC.contains("no model is served yet"), "a tenant without endpoints has none, whatever others have: " + missingInC);
        assertEquals(unknownInB, notFound(() -> registry.model(B, "a-only")));
        assertEquals(unloadInB, notFound(() -> registry.unload(B, "a-only")));
        assertTrue(notFound(() -> registry.setEndpoint(B, endpoint("private", "a-only"))).contains("model a-only does not exist"));
        assertEquals("a-only", inference.predict(A, "private", "the", null, 1).getModelVersion(), "A's own endpoint serves");
    }

    @Test
    void eachTenantListsAndUnloadsOnlyItsOwn() {
        registry.setEndpoint(A, endpoint("private", "a-only"));

        assertEquals(Set.of("job-1", "a-only"), versions(registry.models(A)));
        assertEquals(Set.of("job-1"), versions(registry.models(B)));
        assertEquals(List.of(endpoint("e", "job-1")), registry.endpoints(B));
        assertNotEquals(registry.model(A, "job-1").getLocation(), registry.model(B, "job-1").getLocation());

        LmForgeException served = assertThrows(LmForgeException.class, () -> registry.unload(B, "job-1"));
        assertEquals(LmForgeException.Kind.FAILED_PRECONDITION, served.kind(), "B's own endpoint serves its job-1");
        registry.setEndpoint(A, endpoint("e", "a-only"));
        assertEquals(ModelState.MODEL_STATE_UNLOADED, registry.unload(A, "job-1").getState(), "B's endpoint does not hold A's job-1");
        assertEquals(ModelState.MODEL_STATE_AVAILABLE, registry.model(B, "job-1").getState());
        assertEquals(B_TOKEN, predictedBy(B, "e"));
    }

    @Test
    void endpointsAreStoredApartAndEachTenantsAreRestored() throws Exception {
        registry.setEndpoint(B, endpoint("default", "job-1"));
        assertEquals(List.of(endpoint("e", "job-1")), store.endpoints(A));
        assertEquals(List.of(endpoint("e", "job-1"), endpoint("default", "job-1")), store.endpoints(B));

        ModelRegistry restarted = registry();
        restarted.restore();
        restarted.load(A, "job-1").get(30, TimeUnit.SECONDS);
        restarted.load(B, "job-1").get(30, TimeUnit.SECONDS);
        Inference afterRestart = new Inference(restarted, ServiceFakes.config());
        assertEquals(A_TOKEN, afterRestart.predict(A, "e", "the", null, 1).getTokens(0).getId());
        assertEquals(B_TOKEN, afterRestart.predict(B, "e", "the", null, 1).getTokens(0).getId());
        assertEquals(B_TOKEN, afterRestart.predict(B, "default", "the", null, 1).getTokens(0).getId());
        assertEquals(LmForgeException.Kind.NOT_FOUND,
                assertThrows(LmForgeException.class, () -> afterRestart.predict(A, "default", "the", null, 1)).kind());
    }

    @Test
    void theApiActsInTheCallersTenant() throws Exception {
        registry.setEndpoint(A, endpoint("private", "a-only"));
        InferenceServiceGrpc.InferenceServiceBlockingStub apiOfB = api(B);
        ListModelsResponse listed = apiOfB.listModels(ListModelsRequest.getDefaultInstance());
        assertEquals(Set.of("job-1"), versions(listed.getModelsList()));
        assertEquals(List.of(endpoint("e", "job-1")), listed.getEndpointsList());
        assertEquals(B_TOKEN, apiOfB.predict(PredictRequest.newBuilder().setEndpoint("e").setText("the").setTopK(1).build()).getTokens(0).getId());
        StatusRuntimeException hidden = assertThrows(StatusRuntimeException.class,
                () -> apiOfB.predict(PredictRequest.newBuilder().setEndpoint("private").setText("the").setTopK(1).build()));
        assertEquals(Status.Code.NOT_FOUND, hidden.getStatus().getCode());
        assertEquals(Set.of("job-1", "a-only"), versions(api(A).listModels(ListModelsRequest.getDefaultInstance()).getModelsList()));

        Map<String, Object> predictPrivate = Map.of("task", "predict", "endpoint", "private", "text", "the", "top_k", 1);
        assertEquals(200, invocations(Map.of("tenant", A), predictPrivate).getStatus());
        Response other = invocations(Map.of("tenant", B), predictPrivate);
        assertEquals(404, other.getStatus());
        assertEquals(notFound(() -> inference.predict(B, "private", "the", null, 1)), error(other).get("message"));
        Response service = invocations(Map.of("tenant", Tenants.ANY), predictPrivate);
        assertEquals(403, service.getStatus());
        assertTrue(String.valueOf(error(service).get("message")).contains("a service principal's token (tenant '*') cannot call /invocations"),
                String.valueOf(error(service).get("message")));
        Response noTenant = invocations(Map.of(), predictPrivate);
        assertEquals(403, noTenant.getStatus());
        assertEquals("PERMISSION_DENIED", error(noTenant).get("error"));
    }

    private ModelRegistry registry() throws Exception {
        ModelRegistry r = ServiceFakes.registry(store);
        registries.add(r);
        return r;
    }

    private int predictedBy(String tenant, String endpoint) {
        return inference.predict(tenant, endpoint, "the", null, 1).getTokens(0).getId();
    }

    private static Endpoint endpoint(String name, String version) {
        return Endpoint.newBuilder().setName(name).setModelVersion(version).build();
    }

    private static Set<String> versions(List<Model> models) {
        return models.stream().map(Model::getModelVersion).collect(Collectors.toSet());
    }

    private static String notFound(Executable call) {
        LmForgeException e = assertThrows(LmForgeException.class, call);
        assertEquals(LmForgeException.Kind.NOT_FOUND, e.kind(), e.getMessage());
        return e.getMessage();
    }

    /** The API as a caller of the tenant sees it (the caller put in the context, as GrpcAuthorization does). */
    private InferenceServiceGrpc.InferenceServiceBlockingStub api(String tenant) throws Exception {
        InferenceGrpcService service = new InferenceGrpcService(inference, registry, new Endpoints(registry, store, (t, endpoint, by) -> { }));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service, TestCallers.as(new Caller("alice", tenant, Role.ADMIN)))).build().start();
        servers.add(server);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        channels.add(channel);
        return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
    }

    private Response invocations(Map<String, Object> claims, Map<String, Object> body) {
        return new SageMakerResource(inference, registry, new ObjectMapper(), ServiceFakes.token(claims), "tenant").invoke(body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(Response response) {
        return (Map<String, Object>) response.getEntity();
    }
}
