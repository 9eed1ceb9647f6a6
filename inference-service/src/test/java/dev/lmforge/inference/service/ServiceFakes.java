package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.store.ProtoJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** The registry's ports faked for tests without TensorFlow or S3: the europarl-a fixture's card and tokenizer, a runtime of zeros. */
public final class ServiceFakes {

    public static final Path FIXTURE = Path.of("src/test/resources/models/europarl-a");

    private ServiceFakes() {
    }

    /**
     * Every tenant has every version, with the fixture's card, unless {@link #cards} says otherwise or
     * {@link #missing} lists it; both are keyed by {@link TenantKey} of tenant and version.
     */
    public static final class FakeStore implements ModelStore {
        /** The endpoints saved, in order, by tenant. */
        private final Map<String, List<Endpoint>> saved = new ConcurrentHashMap<>();
        final Map<String, ModelCard> cards = new ConcurrentHashMap<>();
        public final Set<String> missing = ConcurrentHashMap.newKeySet();

        /** The tenant's saved endpoints, oldest first; add to it to store one. */
        public List<Endpoint> saved(String tenant) {
            return saved.computeIfAbsent(tenant, t -> new CopyOnWriteArrayList<>());
        }

        @Override
        public ModelCard card(String tenant, String version) {
            String key = TenantKey.encode(tenant, version);
            if (missing.contains(key)) {
                throw LmForgeException.notFound("model %s does not exist: no training job of that name", version);
            }
            if (cards.containsKey(key)) {
                return cards.get(key);
            }
            try {
                return ProtoJson.merge(Files.readAllBytes(FIXTURE.resolve("manifest.json")), ModelCard.newBuilder()).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public S3Location location(String tenant, String version) {
            return S3Location.newBuilder().setBucket("fake").setKey(TenantKey.encode(tenant, version)).build();
        }

        @Override
        public void download(String tenant, String version, Path into) {
            try {
                Files.copy(FIXTURE.resolve("tokenizer.vocab"), into.resolve("tokenizer.vocab"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public List<String> tenants() {
            List<String> tenants = new ArrayList<>(List.of(Tenants.DEFAULT));
            saved.keySet().stream().filter(t -> !t.equals(Tenants.DEFAULT)).sorted().forEach(tenants::add);
            return tenants;
        }

        /** The latest record of each endpoint name. */
        @Override
        public List<Endpoint> endpoints(String tenant) {
            Map<String, Endpoint> latest = new LinkedHashMap<>();
            saved(tenant).forEach(e -> latest.put(e.getName(), e));
            return List.copyOf(latest.values());
        }

        @Override
        public Optional<Endpoint> endpoint(String tenant, String name) {
            return saved(tenant).stream().filter(e -> e.getName().equals(name)).reduce((older, newer) -> newer);
        }

        @Override
        public void saveEndpoint(String tenant, Endpoint endpoint) {
            saved(tenant).add(endpoint);
        }
    }

    /**
     * Log-probabilities of zero everywhere, or, given a favourite token, one that predicts it: -10
     * everywhere else, so that two models with the same vocabulary tell themselves apart.
     */
    public static class FakeRuntime implements LanguageModelRuntime {
        /** The card's hyperparameter that names a model's favourite token (a fake's own convention). */
        public static final String FAVOURITE = "fake_favourite_token";
        final int vocab;
        private final int favourite;
        /** Thrown, one per forward pass, by the next passes. */
        public final Queue<Error> failures = new ConcurrentLinkedQueue<>();
        volatile boolean closed;

        public FakeRuntime(int vocab) {
            this(vocab, -1);
        }

        public FakeRuntime(int vocab, int favourite) {
            this.vocab = vocab;
            this.favourite = favourite;
        }

        /** Opens the runtime a card describes, its favourite token included. */
        public static FakeRuntime of(ModelCard card) {
            return new FakeRuntime(card.getVocabSize(), Integer.parseInt(card.getHyperparametersOrDefault(FAVOURITE, "-1")));
        }

        @Override
        public int vocabSize() {
            return vocab;
        }

        @Override
        public float[][] nextTokenLogProbs(int[][] ids, int[] lengths) {
            failIfAsked();
            float[][] out = new float[ids.length][vocab];
            if (favourite >= 0) {
                for (float[] row : out) {
                    Arrays.fill(row, -10);
                    row[favourite] = 0;
                }
            }
            return out;
        }

        @Override
        public float[][] tokenLogProbs(int[][] ids, int[] lengths) {
            failIfAsked();
            float[][] out = new float[ids.length][];
            for (int i = 0; i < ids.length; i++) {
                out[i] = new float[lengths[i] - 1];
            }
            return out;
        }

        private void failIfAsked() {
            Error failure = failures.poll();
            if (failure != null) {
                throw failure;
            }
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

    /** A registry over the store whose runtimes are {@link FakeRuntime#of} their card. */
    public static ModelRegistry registry(FakeStore store) throws IOException {
        return registry(store, (dir, card) -> FakeRuntime.of(card), config());
    }

    /** A registry with a batch scheduler of its own, which {@link #stop} stops with it. */
    public static ModelRegistry registry(ModelStore store, RuntimeFactory runtimes, InferenceConfig config) {
        return new ModelRegistry(store, runtimes, new TextCodecs(), config, new SimpleMeterRegistry(), new BatchScheduler(config),
                OpenTelemetry.noop().getTracer("test"));
    }

    /** Closes a registry's models, loader and batch scheduler. */
    public static void stop(ModelRegistry registry) {
        registry.stop();
        registry.scheduler().close();
    }

    /** Publishes a tenant's version whose model (a {@link FakeRuntime#of} its card) predicts {@code favouriteToken}. */
    public static void publish(FakeStore store, String tenant, String version, int favouriteToken) {
        store.cards.put(TenantKey.encode(tenant, version),
                store.card(tenant, version).toBuilder().putHyperparameters(FakeRuntime.FAVOURITE, String.valueOf(favouriteToken)).build());
    }

    /** A verified bearer token as quarkus-smallrye-jwt hands it to a resource: only its claims matter here. */
    public static JsonWebToken token(Map<String, Object> claims) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "alice";
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claimName) {
                return (T) claims.get(claimName);
            }
        };
    }

    public static InferenceConfig config() throws IOException {
        String cache = Files.createTempDirectory("models").toString();
        return new InferenceConfig() {
            public int maxBatchSize() { return 8; }
            public Duration maxBatchWait() { return Duration.ofMillis(1); }
            public int batchThreads() { return 1; }
            public int maxQueuedRequests() { return 64; }
            public TensorFlowSession session() { return null; } // no TensorFlow here
            public int maxForwardPositions() { return 64; }
            public int maxTextChars() { return 1000; }
            public int maxTokenIds() { return 100; }
            public int maxGenerateTokens() { return 10; }
            public int defaultGenerateTokens() { return 5; }
            public String promoteOnReady() { return "default"; }
            public Optional<String> tensorflowLibraryPath() { return Optional.empty(); }
            public String modelCache() { return cache; }
        };
    }
}
