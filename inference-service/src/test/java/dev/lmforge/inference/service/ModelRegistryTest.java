package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.inference.engine.LanguageModelRuntime;
import dev.lmforge.inference.engine.RuntimeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    private static final Path FIXTURE = Path.of("src/test/resources/models/europarl-a");
    private final CountDownLatch loadGate = new CountDownLatch(1);
    private final List<FakeRuntime> opened = new ArrayList<>();
    private final FakeStore store = new FakeStore();
    private ModelRegistry registry;

    @AfterEach
    void stop() {
        loadGate.countDown();
        if (registry != null) {
            registry.stop();
        }
    }

    @Test
    void restoredEndpointsAnswerUnavailableUntilTheirModelIsLoaded() throws Exception {
        store.saved.add(Endpoint.newBuilder().setName("default").setModelVersion("job-1").build());
        registry = new ModelRegistry(store, gatedRuntimes(), new TextCodecs(), config(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        registry.restore();

        LmForgeException early = assertThrows(LmForgeException.class, () -> registry.acquire("default"));
        assertEquals(LmForgeException.Kind.UNAVAILABLE, early.kind());
        assertTrue(early.getMessage().contains("model job-1 is not loaded yet"), early.getMessage());
        assertFalse(registry.serving());

        loadGate.countDown();
        assertEquals(ModelState.MODEL_STATE_AVAILABLE, registry.load("job-1").get(30, TimeUnit.SECONDS).getState());
        LoadedModel m = registry.acquire("default");
        m.release();
        assertEquals("job-1", m.version);
        assertTrue(registry.serving());
    }

    @Test
    void aRetiredVersionClosesAfterItsLastRequest() throws Exception {
        loadGate.countDown();
        registry = new ModelRegistry(store, gatedRuntimes(), new TextCodecs(), config(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        registry.setEndpoint(Endpoint.newBuilder().setName("e").setModelVersion("job-1").build());
        LoadedModel inFlight = registry.acquire("e");
        registry.setEndpoint(Endpoint.newBuilder().setName("e").setModelVersion("job-2").build());
        registry.unload("job-1");
        assertFalse(opened.get(0).closed, "a request still holds job-1");
        assertEquals("job-2", registry.acquire("e").version);
        inFlight.release();
        assertTrue(opened.get(0).closed);
        assertEquals(List.of(Endpoint.newBuilder().setName("e").setModelVersion("job-2").build()),
                store.saved.subList(store.saved.size() - 1, store.saved.size()), "the endpoint is kept in the store");
    }

    @Test
    void anNgramModelIsRefusedWithTheReason() throws Exception {
        loadGate.countDown();
        store.cards.put("kn-1", store.card("job-1").toBuilder().clearSignatures().putHyperparameters("model", "kneser_ney").build());
        registry = new ModelRegistry(store, gatedRuntimes(), new TextCodecs(), config(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        assertEquals(ModelState.MODEL_STATE_FAILED, registry.load("kn-1").get(30, TimeUnit.SECONDS).getState());
        LmForgeException refused = assertThrows(LmForgeException.class,
                () -> registry.setEndpoint(Endpoint.newBuilder().setName("e").setModelVersion("kn-1").build()));
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
            FakeRuntime r = new FakeRuntime(card.getVocabSize());
            opened.add(r);
            return r;
        };
    }

    private static final class FakeStore implements ModelStore {
        final List<Endpoint> saved = new ArrayList<>();
        final java.util.Map<String, ModelCard> cards = new java.util.HashMap<>();

        @Override
        public ModelCard card(String version) {
            if (cards.containsKey(version)) {
                return cards.get(version);
            }
            try {
                return ProtoJson.merge(Files.readAllBytes(FIXTURE.resolve("manifest.json")), ModelCard.newBuilder()).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public S3Location location(String version) {
            return S3Location.newBuilder().setBucket("fake").setKey(version).build();
        }

        @Override
        public void download(String version, Path into) {
            try {
                Files.copy(FIXTURE.resolve("tokenizer.vocab"), into.resolve("tokenizer.vocab"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public List<Endpoint> endpoints() {
            return List.copyOf(saved);
        }

        @Override
        public void saveEndpoint(Endpoint endpoint) {
            saved.add(endpoint);
        }
    }

    private static final class FakeRuntime implements LanguageModelRuntime {
        final int vocab;
        volatile boolean closed;

        FakeRuntime(int vocab) {
            this.vocab = vocab;
        }

        @Override
        public int vocabSize() {
            return vocab;
        }

        @Override
        public float[][] nextTokenLogProbs(int[][] ids, int[] lengths) {
            return new float[ids.length][vocab];
        }

        @Override
        public float[][] tokenLogProbs(int[][] ids, int[] lengths) {
            return new float[ids.length][0];
        }

        @Override
        public State initialState() {
            return new State() {
            };
        }

        @Override
        public Step step(int tokenId, State state) {
            return new Step(new float[vocab], state);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static InferenceConfig config() throws IOException {
        String cache = Files.createTempDirectory("models").toString();
        return new InferenceConfig() {
            public int maxBatchSize() { return 8; }
            public Duration maxBatchWait() { return Duration.ofMillis(1); }
            public int predictors() { return 1; }
            public int maxTextChars() { return 1000; }
            public int maxGenerateTokens() { return 10; }
            public int defaultGenerateTokens() { return 5; }
            public String promoteOnReady() { return "default"; }
            public Optional<String> tensorflowLibraryPath() { return Optional.empty(); }
            public String modelCache() { return cache; }
        };
    }
}
