package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.Tenants;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two replicas over one store: a change made on one is announced, and the other follows the record. */
class EndpointsTest {

    private final ServiceFakes.FakeStore store = new ServiceFakes.FakeStore();
    static final Principal ADMIN = Principal.newBuilder().setSubject("alice").setTenant("default").setRole("admin").build();
    private final List<Endpoint> announced = new ArrayList<>();
    private final ModelRegistry registryOne;
    private final ModelRegistry registryTwo;
    private final Endpoints one;
    private final Endpoints two;

    EndpointsTest() throws Exception {
        registryOne = registry();
        registryTwo = registry();
        one = new Endpoints(registryOne, store, (tenant, endpoint, by) -> announced.add(endpoint));
        two = new Endpoints(registryTwo, store, (tenant, endpoint, by) -> announced.add(endpoint));
    }

    @AfterEach
    void stop() {
        ServiceFakes.stop(registryOne);
        ServiceFakes.stop(registryTwo);
    }

    @Test
    void aChangeOnOneReplicaIsFollowedByTheOther() {
        Endpoint e = Endpoint.newBuilder().setName("e").setModelVersion("job-1").build();
        one.set(Tenants.DEFAULT, e, ADMIN);
        assertEquals(List.of(e), announced);

        for (Endpoint change : announced) {
            one.follow(Tenants.DEFAULT, change.getName());
            two.follow(Tenants.DEFAULT, change.getName());
        }
        assertEquals(e, registryTwo.endpoint(Tenants.DEFAULT, "e").orElseThrow());
        LoadedModel served = registryTwo.acquire(Tenants.DEFAULT, "e");
        served.release();
        assertEquals("job-1", served.version);

        Endpoint moved = e.toBuilder().setModelVersion("job-2").build();
        two.set(Tenants.DEFAULT, moved, ADMIN);
        one.follow(Tenants.DEFAULT, "e");
        two.follow(Tenants.DEFAULT, "e");
        assertEquals(moved, registryOne.endpoint(Tenants.DEFAULT, "e").orElseThrow());
        assertEquals(moved, registryTwo.endpoint(Tenants.DEFAULT, "e").orElseThrow());

        one.follow(Tenants.DEFAULT, "no-record-anywhere");
        assertTrue(registryOne.endpoint(Tenants.DEFAULT, "no-record-anywhere").isEmpty(), "an endpoint without a record changes nothing");
    }

    @Test
    void aChangeThatCannotBeAnnouncedIsRecordedAndSaysSo() {
        Endpoints unannounced = new Endpoints(registryOne, store, (tenant, endpoint, by) -> {
            throw LmForgeException.unavailable("Kafka is unavailable", null);
        });
        LmForgeException e = assertThrows(LmForgeException.class,
                () -> unannounced.set(Tenants.DEFAULT, Endpoint.newBuilder().setName("e").setModelVersion("job-1").build(), ADMIN));
        assertEquals(LmForgeException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("call SetEndpointModel again"), e.getMessage());
        assertEquals("job-1", registryOne.endpoint(Tenants.DEFAULT, "e").orElseThrow().getModelVersion(), "switched here");
        assertEquals("job-1", store.endpoint(Tenants.DEFAULT, "e").orElseThrow().getModelVersion(), "and recorded for the others' next start");
    }

    private ModelRegistry registry() throws Exception {
        return ServiceFakes.registry(store, (dir, card) -> new ServiceFakes.FakeRuntime(card.getVocabSize()), ServiceFakes.config());
    }
}
