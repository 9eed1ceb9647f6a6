package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's lifecycle without TensorFlow: endpoints restored from the store at start-up, a
 * request before its model is loaded (UNAVAILABLE, saying so), and a retired version that closes
 * only after its last request.
 */
class ModelRegistryTest {

    private final CountDownLatch loadGate = new CountDownLatch(1);
    private final List<ServiceFakes.FakeRuntime> opened = new ArrayList<>();
    private final ServiceFakes.FakeStore store = new ServiceFakes.FakeStore();
    private ModelRegistry registry;

    @AfterEach
    void stop() {
        loadGate.countDown();
        if (registry != null) {
            ServiceFakes.stop(registry);
        }
    }

    @Test
    void restoredEndpointsAnswerUnavailableUntilTheirModelIsLoaded() throws Exception {
        store.saved(Tenants.DEFAULT).add(Endpoint.newBuilder().setName("default").setModelVersion("job-1").build());
        registry = ServiceFakes.registry(store, gatedRuntimes(), ServiceFakes.config());
        registry.restore();

        LmForgeException early = assertThrows(LmForgeException.class, () -> registry.acquire(Tenants.DEFAULT, "default"));
        assertEquals(LmForgeException.Kind.UNAVAILABLE, early.kind());
        assertTrue(early.getMessage().contains("model job-1 is not loaded yet"), early.getMessage());
        assertFalse(registry.serving());

        loadGate.countDown();
        assertEquals(ModelState.MODEL_STATE_AVAILABLE, registry.load(Tenants.DEFAULT, "job-1").get(30, TimeUnit.SECONDS).getState());
        LoadedModel m = registry.acquire(Tenants.DEFAULT, "default");
        m.release();
        assertEquals("job-1", m.version);
        assertTrue(registry.serving());
    }

    @Test
    void aRetiredVersionClosesAfterItsLastRequest() throws Exception {
        loadGate.countDown();
        registry = ServiceFakes.registry(store, gatedRuntimes(), ServiceFakes.config());
        registry.setEndpoint(Tenants.DEFAULT, Endpoint.newBuilder().setName("e").setModelVersion("job-1").build());
        LoadedModel inFlight = registry.acquire(Tenants.DEFAULT, "e");
        registry.setEndpoint(Tenants.DEFAULT, Endpoint.newBuilder().setName("e").setModelVersion("job-2").build());
        registry.unload(Tenants.DEFAULT, "job-1");
        assertFalse(opened.get(0).closed, "a request still holds job-1");
        assertEquals("job-2", registry.acquire(Tenants.DEFAULT, "e").version);
        inFlight.release();
        assertTrue(opened.get(0).closed);
        assertEquals(Endpoint.newBuilder().setName("e").setModelVersion("job-2").build(),
                store.endpoint(Tenants.DEFAULT, "e").orElseThrow(), "the endpoint is kept in the store");
    }

    @Test
    void anNgramModelIsRefusedWithTheReason() throws Exception {
        loadGate.countDown();
        store.cards.put(TenantKey.encode(Tenants.DEFAULT, "kn-1"), store.card(Tenants.DEFAULT, "job-1").toBuilder().clearSignatures().putHyperparameters("model", "kneser_ney").build());
        registry = ServiceFakes.registry(store, gatedRuntimes(), ServiceFakes.config());
        assertEquals(ModelState.MODEL_STATE_FAILED, registry.load(Tenants.DEFAULT, "kn-1").get(30, TimeUnit.SECONDS).getState());
        LmForgeException refused = assertThrows(LmForgeException.class,
                () -> registry.setEndpoint(Tenants.DEFAULT, Endpoint.newBuilder().setName("e").setModelVersion("kn-1").build()));
        assertEquals(LmForgeException.Kind.FAILED_PRECONDITION, refused.kind());
        assertTrue(refused.getMessage().contains(
                "model kn-1 is a kneser_ney n-gram model (no TensorFlow signatures); the inference-service serves LSTM SavedModels"), refused.getMessage());
        assertTrue(opened.isEmpty(), "no runtime was opened");
    }

    private RuntimeFactory gatedRuntimes() {
        return (dir, card) -> {
            try {
                loadGate.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            ServiceFakes.FakeRuntime r = new ServiceFakes.FakeRuntime(card.getVocabSize());
            opened.add(r);
            return r;
        };
    }
}
