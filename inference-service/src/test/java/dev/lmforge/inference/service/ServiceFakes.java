package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.inference.engine.LanguageModelRuntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The registry's ports faked for tests without TensorFlow or S3: the europarl-a fixture's card and tokenizer, a runtime of zeros. */
public final class ServiceFakes {

    public static final Path FIXTURE = Path.of("src/test/resources/models/europarl-a");

    private ServiceFakes() {
    }

    public static final class FakeStore implements ModelStore {
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
        public java.util.Optional<Endpoint> endpoint(String name) {
            return saved.stream().filter(e -> e.getName().equals(name)).reduce((older, newer) -> newer);
        }

        @Override
        public void saveEndpoint(Endpoint endpoint) {
            saved.add(endpoint);
        }
    }

    public static final class FakeRuntime implements LanguageModelRuntime {
        final int vocab;
        /** Thrown, one per forward pass, by the next passes. */
        public final Queue<Error> failures = new ConcurrentLinkedQueue<>();
        volatile boolean closed;

        public FakeRuntime(int vocab) {
            this.vocab = vocab;
        }

        @Override
        public int vocabSize() {
            return vocab;
        }

        @Override
        public float[][] nextTokenLogProbs(int[][] ids, int[] lengths) {
            failIfAsked();
            return new float[ids.length][vocab];
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

    public static InferenceConfig config() throws IOException {
        String cache = Files.createTempDirectory("models").toString();
        return new InferenceConfig() {
            public int maxBatchSize() { return 8; }
            public Duration maxBatchWait() { return Duration.ofMillis(1); }
            public int predictors() { return 1; }
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
