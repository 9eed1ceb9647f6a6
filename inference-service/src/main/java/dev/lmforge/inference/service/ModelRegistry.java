package dev.lmforge.inference.service;

import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.Model;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.common.text.Tokenizer;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import dev.lmforge.inference.engine.LanguageModelRuntime;
import dev.lmforge.inference.engine.RuntimeFactory;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Model versions (one per training job) and endpoints. A version loads once, however often it is
 * announced; an endpoint points to a version and optionally sends a share of its traffic to a
 * canary version, as SageMaker's production variants do. Endpoints are kept in S3, so a restarted
 * replica serves what it served before.
 */
@ApplicationScoped
public class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    private final ModelStore store;
    private final RuntimeFactory runtimes;
    private final TextCodecs codecs;
    private final InferenceConfig config;
    private final MeterRegistry metrics;
    private final Map<String, Model> versions = new ConcurrentHashMap<>();
    private final Map<String, LoadedModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Model>> loading = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "model-loader"));

    public ModelRegistry(ModelStore store, RuntimeFactory runtimes, TextCodecs codecs, InferenceConfig config, MeterRegistry metrics) {
        this.store = store;
        this.metrics = metrics;
        this.runtimes = runtimes;
        this.codecs = codecs;
        this.config = config;
    }

    @PreDestroy
    void stop() {
        loader.shutdownNow();
        loaded.values().forEach(LoadedModel::retire);
    }

    /** Loads a version (once); the future completes with its final state, AVAILABLE or FAILED. */
    public CompletableFuture<Model> load(String version) {
        ResourceNames.requireValid("model version", version);
        Model known = versions.get(version);
        if (known != null && known.getState() == ModelState.MODEL_STATE_AVAILABLE) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Model> future = loading.computeIfAbsent(version, v -> {
            versions.put(v, Model.newBuilder().setModelVersion(v).setState(ModelState.MODEL_STATE_LOADING).build());
            return CompletableFuture.supplyAsync(() -> doLoad(v), loader);
        });
        // Outside computeIfAbsent: a load that ends at once would otherwise update the map from inside its own computation.
        future.whenComplete((m, e) -> loading.remove(version, future));
        return future;
    }

    private Model doLoad(String version) {
        try {
            ModelCard card = store.card(version);
            requireSignatures(version, card);
            Path dir = Path.of(config.modelCache(), version);
            deleteRecursively(dir);
            Files.createDirectories(dir);
            store.download(version, dir);
            LanguageModelRuntime runtime = runtimes.open(dir, card);
            Tokenizer codec = codecs.open(dir, card);
            ModelMeters meters = new ModelMeters(metrics, version);
            LoadedModel model = new LoadedModel(version, card, runtime, codec,
                    new DynamicBatcher(runtime, config.maxBatchSize(), config.maxBatchWait(), config.predictors(), version, meters), meters);
            LoadedModel previous = loaded.put(version, model);
            if (previous != null) {
                previous.retire();
            }
            Model m = Model.newBuilder().setModelVersion(version).setLocation(store.location(version)).setState(ModelState.MODEL_STATE_AVAILABLE)
                    .setTokenizerKind(card.getTokenizerKind().name()).setVocabSize(card.getVocabSize()).addAllMetrics(card.getMetricsList())
                    .setLoadedAt(Timestamps.now()).build();
            versions.put(version, m);
            LOG.infof("model %s loaded (%s, vocabulary %d)", version, card.getTokenizerKind(), card.getVocabSize());
            return m;
        } catch (Exception e) {
            LOG.warnf("model %s failed to load: %s", version, e.getMessage());
            Model failed = Model.newBuilder().setModelVersion(version).setState(ModelState.MODEL_STATE_FAILED)
                    .setFailureReason(e.getMessage() == null ? e.toString() : e.getMessage()).build();
            versions.put(version, failed);
            return failed;
        }
    }

    /** A baseline without a SavedModel (the trainer's kneser_ney n-gram model) is refused before anything is downloaded. */
    private static void requireSignatures(String version, ModelCard card) {
        if (card.getSignaturesCount() == 0) {
            String type = card.getHyperparametersOrDefault("model", "");
            throw type.equals("kneser_ney")
                    ? LmForgeException.failedPrecondition(
                            "model %s is a kneser_ney n-gram model (no TensorFlow signatures); the inference-service serves LSTM SavedModels", version)
                    : LmForgeException.failedPrecondition(
                            "model %s has no TensorFlow signatures in its model card; the inference-service serves LSTM SavedModels", version);
        }
    }

    /** model.ready: load the version, then put it behind the promotion endpoint, unless it failed to load. */
    public void loadAndPromote(String version) {
        Model m = load(version).join();
        if (m.getState() != ModelState.MODEL_STATE_AVAILABLE) {
            throw LmForgeException.failedPrecondition("model %s could not be loaded: %s", version, m.getFailureReason());
        }
        String endpoint = config.promoteOnReady();
        if (!endpoint.isEmpty()) {
            Endpoint current = endpoints.get(endpoint);
            if (current == null || !current.getModelVersion().equals(version)) {
                setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion(version).build());
                LOG.infof("endpoint %s now serves %s", endpoint, version);
            }
        }
    }

    /**
     * Points an endpoint to a version (and optionally a canary). Like SageMaker's UpdateEndpoint,
     * the switch happens once the new versions are loaded, so traffic never meets a cold model; a
     * version that fails to load leaves the endpoint as it was.
     */
    public Endpoint setEndpoint(Endpoint endpoint) {
        ResourceNames.requireValid("endpoint name", endpoint.getName());
        ResourceNames.requireValid("model version", endpoint.getModelVersion());
        if (!(endpoint.getCanaryWeight() >= 0 && endpoint.getCanaryWeight() <= 1)) { // NaN included
            throw LmForgeException.invalidArgument("canary_weight must be a number in [0, 1], got %s", endpoint.getCanaryWeight());
        }
        if (endpoint.getCanaryModelVersion().isEmpty() && endpoint.getCanaryWeight() > 0) {
            throw LmForgeException.invalidArgument("canary_weight %s needs a canary_model_version", endpoint.getCanaryWeight());
        }
        requireAvailable(endpoint.getModelVersion());
        if (!endpoint.getCanaryModelVersion().isEmpty()) {
            requireAvailable(endpoint.getCanaryModelVersion());
        }
        store.saveEndpoint(endpoint);
        endpoints.put(endpoint.getName(), endpoint);
        return endpoint;
    }

    public Optional<Endpoint> endpoint(String name) {
        return Optional.ofNullable(endpoints.get(name));
    }

    private void requireAvailable(String version) {
        ResourceNames.requireValid("model version", version);
        Model m = versions.get(version);
        if (m == null || m.getState() != ModelState.MODEL_STATE_AVAILABLE) {
            store.card(version);
            m = load(version).join();
        }
        if (m.getState() == ModelState.MODEL_STATE_FAILED) {
            throw LmForgeException.failedPrecondition("model %s failed to load: %s", version, m.getFailureReason());
        }
    }

    /** The model behind an endpoint, held for one request: release it when done. */
    public LoadedModel acquire(String endpointName) {
        String name = endpointName.isEmpty() ? "default" : endpointName;
        for (int attempt = 0; attempt < 5; attempt++) {
            Endpoint e = endpoints.get(name);
            if (e == null) {
                throw LmForgeException.notFound("endpoint '%s' does not exist%s", name,
                        endpoints.isEmpty() ? " (no model is served yet: train one, or call SetEndpointModel)" : "; endpoints: " + endpoints.keySet());
            }
            boolean canary = !e.getCanaryModelVersion().isEmpty() && ThreadLocalRandom.current().nextDouble() < e.getCanaryWeight();
            String version = canary ? e.getCanaryModelVersion() : e.getModelVersion();
            LoadedModel m = loaded.get(version);
            if (m == null && canary) {
                m = loaded.get(version = e.getModelVersion());
            }
            if (m == null && endpoints.get(name) != e) {
                continue; // the endpoint moved on (and its old version was unloaded) while we looked
            }
            if (m == null) {
                Model state = versions.get(version);
                if (state != null && state.getState() == ModelState.MODEL_STATE_FAILED) {
                    throw LmForgeException.failedPrecondition("endpoint '%s' points to model %s, which failed to load: %s", name, version, state.getFailureReason());
                }
                throw LmForgeException.unavailable("endpoint '" + name + "': model " + version + " is not loaded yet; try again shortly", null);
            }
            if (m.acquire()) {
                return m;
            }
        }
        throw LmForgeException.unavailable("endpoint '" + name + "' is being switched to another model; try again", null);
    }

    public Model unload(String version) {
        ResourceNames.requireValid("model version", version);
        for (Endpoint e : endpoints.values()) {
            if (e.getModelVersion().equals(version) || e.getCanaryModelVersion().equals(version)) {
                throw LmForgeException.failedPrecondition("endpoint '%s' serves model %s: point it to another version first", e.getName(), version);
            }
        }
        Model m = model(version);
        LoadedModel l = loaded.remove(version);
        if (l != null) {
            l.retire();
        }
        Model unloaded = m.toBuilder().setState(ModelState.MODEL_STATE_UNLOADED).build();
        versions.put(version, unloaded);
        return unloaded;
    }

    public Model model(String version) {
        ResourceNames.requireValid("model version", version);
        Model m = versions.get(version);
        if (m == null) {
            throw LmForgeException.notFound("model %s is not known to this service (load it with SetEndpointModel)", version);
        }
        return m;
    }

    public List<Model> models() {
        return new ArrayList<>(versions.values());
    }

    public List<Endpoint> endpoints() {
        return new ArrayList<>(endpoints.values());
    }

    /** True once at least one endpoint can serve. */
    public boolean serving() {
        return endpoints.values().stream().anyMatch(e -> loaded.containsKey(e.getModelVersion()));
    }

    /** Loaded versions whose batcher lost a worker and is restarting it, with what happened. */
    public Map<String, String> batcherCrashes() {
        Map<String, String> crashes = new java.util.TreeMap<>();
        loaded.forEach((version, model) -> model.batcher.crash().ifPresent(crash -> crashes.put(version, crash)));
        return crashes;
    }

    /** At start-up: the endpoints this service had, and their models. */
    public void restore() {
        for (Endpoint e : store.endpoints()) {
            endpoints.put(e.getName(), e);
            load(e.getModelVersion());
            if (!e.getCanaryModelVersion().isEmpty()) {
                load(e.getCanaryModelVersion());
            }
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
