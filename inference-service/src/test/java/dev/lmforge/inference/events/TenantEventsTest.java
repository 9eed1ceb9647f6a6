package dev.lmforge.inference.events;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.EndpointChanged;
import dev.lmforge.api.v1.Model;
import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.common.security.Role;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.testing.TestPrincipals;
import dev.lmforge.inference.service.Endpoints;
import dev.lmforge.inference.service.ModelRegistry;
import dev.lmforge.inference.service.ServiceFakes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Events act in the tenant of the principal that caused them (caused_by): a model.ready or an
 * endpoint change of one tenant touches no other tenant's endpoint of the same name.
 */
class TenantEventsTest {

    private static final String A = Tenants.DEFAULT;
    private static final String B = "acme";

    private final ServiceFakes.FakeStore store = new ServiceFakes.FakeStore();
    private final List<ModelRegistry> registries = new ArrayList<>();

    @AfterEach
    void stop() {
        registries.forEach(ServiceFakes::stop);
    }

    @Test
    void aModelReadyOfTenantBPromotesBsDefaultOnly() throws Exception {
        ModelRegistry registry = registry();
        ModelReadyListener listener = new ModelReadyListener(registry, null);
        listener.handle(ready("job-1", A));
        // job-2 is published in B only: reading it from A's place would fail.
        store.missing.add(TenantKey.encode(A, "job-2"));
        listener.handle(ready("job-2", B));

        assertEquals("job-2", registry.endpoint(B, "default").orElseThrow().getModelVersion());
        assertEquals("job-1", registry.endpoint(A, "default").orElseThrow().getModelVersion(), "A's default stays");
        assertEquals(List.of("job-1"), versions(registry, A));
        assertEquals(List.of("job-2"), versions(registry, B));
        assertEquals(List.of(endpoint("default", "job-2")), store.endpoints(B));
        assertEquals(List.of(endpoint("default", "job-1")), store.endpoints(A));
    }

    @Test
    void anEndpointChangeIsFollowedInTheTenantOfWhoChangedIt() throws Exception {
        List<String> announcedKeys = new ArrayList<>();
        Endpoints here = new Endpoints(registry(), store, (tenant, endpoint, by) -> announcedKeys.add(TenantKey.encode(tenant, endpoint.getName())));
        ModelRegistry there = registry();
        EndpointChangedListener thereListens = new EndpointChangedListener(new Endpoints(there, store, (tenant, endpoint, by) -> { }), null);

        EndpointChanged inA = changed(endpoint("e", "job-1"), A);
        EndpointChanged inB = changed(endpoint("e", "job-2"), B);
        here.set(A, inA.getEndpoint(), inA.getCausedBy());
        here.set(B, inB.getEndpoint(), inB.getCausedBy());
        assertEquals(List.of("e", "acme:e"), announcedKeys, "one record key per tenant's endpoint, so compaction keeps both");

        thereListens.handle(inB);
        assertEquals(Optional.of(endpoint("e", "job-2")), there.endpoint(B, "e"));
        assertEquals(Optional.empty(), there.endpoint(A, "e"), "A's endpoint of the same name is not B's change to follow");
        thereListens.handle(inA);
        assertEquals(Optional.of(endpoint("e", "job-1")), there.endpoint(A, "e"));
        assertEquals(Optional.of(endpoint("e", "job-2")), there.endpoint(B, "e"));
    }

    private ModelRegistry registry() throws Exception {
        ModelRegistry registry = ServiceFakes.registry(store);
        registries.add(registry);
        return registry;
    }

    private static List<String> versions(ModelRegistry registry, String tenant) {
        return registry.models(tenant).stream().map(Model::getModelVersion).toList();
    }

    private static Endpoint endpoint(String name, String version) {
        return Endpoint.newBuilder().setName(name).setModelVersion(version).build();
    }

    private static ModelReady ready(String job, String tenant) {
        return TestPrincipals.causedBy(ModelReady.newBuilder().setSchemaVersion(1).setTrainingJobName(job).build(), Role.EDITOR, tenant);
    }

    private static EndpointChanged changed(Endpoint endpoint, String tenant) {
        return TestPrincipals.causedBy(EndpointChanged.newBuilder().setSchemaVersion(1).setEndpoint(endpoint).build(), Role.ADMIN, tenant);
    }
}
