package dev.lmforge.inference.service;

import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.Model;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.common.tracing.ResourceIds;
import dev.lmforge.common.tracing.TracedWork;
import dev.lmforge.common.store.LocalFiles;
import dev.lmforge.common.text.Tokenizer;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import dev.lmforge.common.security.TenantKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
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
 *
 * <p>Every version and endpoint belongs to a tenant, which every method names: one tenant never
 * sees another's, whose names answer as missing ones do. The maps span tenants, keyed by
 * {@link TenantKey}; the loader and the caches are shared, so memory stays bounded across tenants.
 */
@ApplicationScoped
public class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    private final ModelStore store;
    private final RuntimeFactory runtimes;
    private final TextCodecs codecs;
    private final InferenceConfig config;
    private final MeterRegistry metrics;
    private final BatchScheduler scheduler;
    /** Keyed by {@link TenantKey} of tenant and version, as are {@link #loaded} and {@link #loading}. */
    private final Map<String, Model> versions = new ConcurrentHashMap<>();
    private final Map<String, LoadedModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Model>> loading = new ConcurrentHashMap<>();
    /** Keyed by {@link TenantKey} of tenant and endpoint name. */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Tracer tracer;
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "model-loader"));

    public ModelRegistry(ModelStore store, RuntimeFactory runtimes, TextCodecs codecs, InferenceConfig config, MeterRegistry metrics,
            BatchScheduler scheduler, Tracer tracer) {
        this.store = store;
        this.tracer = tracer;
        this.scheduler = scheduler;
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

    BatchScheduler scheduler() {
        return scheduler;
    }

    /** Loads a version (once); the future completes with its final state, AVAILABLE or FAILED. */
    public CompletableFuture<Model> load(String tenant, String version) {
        ResourceNames.requireValid("model version", version);
        String key = TenantKey.encode(tenant, version);
        Model known = versions.get(key);
        if (known != null && known.getState() == ModelState.MODEL_STATE_AVAILABLE) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Model> future = loading.computeIfAbsent(key, k -> {
            versions.put(k, Model.newBuilder().setModelVersion(version).setState(ModelState.MODEL_STATE_LOADING).build());
            return CompletableFuture.supplyAsync(Context.current().wrapSupplier(() -> doLoad(tenant, version)), loader);
        });
        // Outside computeIfAbsent: a load that ends at once would otherwise update the map from inside its own computation.
        future.whenComplete((m, e) -> loading.remove(key, future));
        return future;
    }

    /** Runs on the loader thread, in the trace of what asked for the model (a model.ready event, a SetEndpointModel call). */
    private Model doLoad(String tenant, String version) {
        try (TracedWork work = TracedWork.start(tracer, "model load").id(ResourceIds.TRAINING_JOB, version)) {
            Model m = loadNow(tenant, version);
            if (m.getState() != ModelState.MODEL_STATE_AVAILABLE) {
                work.failed(new IllegalStateException(m.getFailureReason()));
            }
            return m;
        }
    }

    private Model loadNow(String tenant, String version) {
        // Names the version in logs, meters and batch errors across tenants (the bare version in the default tenant).
        String key = TenantKey.encode(tenant, version);
        try {
            ModelCard card = store.card(tenant, version);
            requireSignatures(version, card);
            // A folder per tenant: no version of one tenant shares a path with another's (TensorFlow gets no ':' in its path).
            Path dir = Path.of(config.modelCache(), tenant, version);
            LocalFiles.deleteTree(dir);
            Files.createDirectories(dir);
            store.download(tenant, version, dir);
            LanguageModelRuntime runtime = runtimes.open(dir, card);
            Tokenizer codec = codecs.open(dir, card);
            ModelMeters meters = new ModelMeters(metrics, key);
            LoadedModel model = new LoadedModel(version, card, runtime, codec,
                    scheduler.register(key, runtime, meters), meters);
            LoadedModel previous = loaded.put(key, model);
            if (previous != null) {
                previous.retire();
            }
            Model m = Model.newBuilder().setModelVersion(version).setLocation(store.location(tenant, version)).setState(ModelState.MODEL_STATE_AVAILABLE)
                    .setTokenizerKind(card.getTokenizerKind().name()).setVocabSize(card.getVocabSize()).addAllMetrics(card.getMetricsList())
                    .setLoadedAt(Timestamps.now()).build();
            versions.put(key, m);
            LOG.infof("model %s loaded (%s, vocabulary %d)", key, card.getTokenizerKind(), card.getVocabSize());
            return m;
        } catch (Exception e) {
            LOG.warnf("model %s failed to load: %s", key, e.getMessage());
            Model failed = Model.newBuilder().setModelVersion(version).setState(ModelState.MODEL_STATE_FAILED)
                    .setFailureReason(e.getMessage() == null ? e.toString() : e.getMessage()).build();
            versions.put(key, failed);
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

    /** model.ready: load the tenant's version, then put it behind the tenant's promotion endpoint, unless it failed to load. */
    public void loadAndPromote(String tenant, String version) {
        Model m = load(tenant, version).join();
        if (m.getState() != ModelState.MODEL_STATE_AVAILABLE) {
            throw LmForgeException.failedPrecondition("model %s could not be loaded: %s", version, m.getFailureReason());
        }
        String endpoint = config.promoteOnReady();
        if (!endpoint.isEmpty()) {
            Endpoint current = endpoints.get(TenantKey.encode(tenant, endpoint));
            if (current == null || !current.getModelVersion().equals(version)) {
                setEndpoint(tenant, Endpoint.newBuilder().setName(endpoint).setModelVersion(version).build());
                LOG.infof("endpoint %s now serves %s", TenantKey.encode(tenant, endpoint), version);
            }
        }
    }

    /**
     * Points an endpoint to a version (and optionally a canary). Like SageMaker's UpdateEndpoint,
     * the switch happens once the new versions are loaded, so traffic never meets a cold model; a
     * version that fails to load leaves the endpoint as it was.
     */
    public Endpoint setEndpoint(String tenant, Endpoint endpoint) {
        ResourceNames.requireValid("endpoint name", endpoint.getName());
        ResourceNames.requireValid("model version", endpoint.getModelVersion());
        if (!(endpoint.getCanaryWeight() >= 0 && endpoint.getCanaryWeight() <= 1)) { // NaN included
            throw LmForgeException.invalidArgument("canary_weight must be a number in [0, 1], got %s", endpoint.getCanaryWeight());
        }
        if (endpoint.getCanaryModelVersion().isEmpty() && endpoint.getCanaryWeight() > 0) {
            throw LmForgeException.invalidArgument("canary_weight %s needs a canary_model_version", endpoint.getCanaryWeight());
        }
        requireAvailable(tenant, endpoint.getModelVersion());
        if (!endpoint.getCanaryModelVersion().isEmpty()) {
            requireAvailable(tenant, endpoint.getCanaryModelVersion());
        }
        store.saveEndpoint(tenant, endpoint);
        endpoints.put(TenantKey.encode(tenant, endpoint.getName()), endpoint);
        return endpoint;
    }

    public Optional<Endpoint> endpoint(String tenant, String name) {
        return Optional.ofNullable(endpoints.get(TenantKey.encode(tenant, name)));
    }

    private void requireAvailable(String tenant, String version) {
        ResourceNames.requireValid("model version", version);
        Model m = versions.get(TenantKey.encode(tenant, version));
        if (m == null || m.getState() != ModelState.MODEL_STATE_AVAILABLE) {
            store.card(tenant, version);
            m = load(tenant, version).join();
        }
        if (m.getState() == ModelState.MODEL_STATE_FAILED) {
            throw LmForgeException.failedPrecondition("model %s failed to load: %s", version, m.getFailureReason());
        }
    }

    /** The model behind a tenant's endpoint, held for one request: release it when done. */
    public LoadedModel acquire(String tenant, String endpointName) {
        String name = endpointName.isEmpty() ? "default" : endpointName;
        String endpointKey = TenantKey.encode(tenant, name);
        for (int attempt = 0; attempt < 5; attempt++) {
            Endpoint e = endpoints.get(endpointKey);
            if (e == null) {
                // Only the tenant's own endpoints are named: another tenant's answers exactly as a missing one.
                List<String> names = endpoints(tenant).stream().map(Endpoint::getName).sorted().toList();
                throw LmForgeException.notFound("endpoint '%s' does not exist%s", name,
                        names.isEmpty() ? " (no model is served yet: train one, or call SetEndpointModel)" : "; endpoints: " + names);
            }
            boolean canary = !e.getCanaryModelVersion().isEmpty() && ThreadLocalRandom.current().nextDouble() < e.getCanaryWeight();
            String version = canary ? e.getCanaryModelVersion() : e.getModelVersion();
            LoadedModel m = loaded.get(TenantKey.encode(tenant, version));
            if (m == null && canary) {
                m = loaded.get(TenantKey.encode(tenant, version = e.getModelVersion()));
            }
            if (m == null && endpoints.get(endpointKey) != e) {
                continue; // the endpoint moved on (and its old version was unloaded) while we looked
            }
            if (m == null) {
                Model state = versions.get(TenantKey.encode(tenant, version));
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

    public Model unload(String tenant, String version) {
        ResourceNames.requireValid("model version", version);
        for (Endpoint e : endpoints(tenant)) {
            if (e.getModelVersion().equals(version) || e.getCanaryModelVersion().equals(version)) {
                throw LmForgeException.failedPrecondition("endpoint '%s' serves model %s: point it to another version first", e.getName(), version);
            }
        }
        Model m = model(tenant, version);
        String key = TenantKey.encode(tenant, version);
        LoadedModel l = loaded.remove(key);
        if (l != null) {
            l.retire();
        }
        Model unloaded = m.toBuilder().setState(ModelState.MODEL_STATE_UNLOADED).build();
        versions.put(key, unloaded);
        return unloaded;
    }

    public Model model(String tenant, String version) {
        ResourceNames.requireValid("model version", version);
        Model m = versions.get(TenantKey.encode(tenant, version));
        if (m == null) {
            throw LmForgeException.notFound("model %s is not known to this service (load it with SetEndpointModel)", version);
        }
        return m;
    }

    /** The tenant's versions, and no other tenant's. */
    public List<Model> models(String tenant) {
        return ofTenant(versions, tenant);
    }

    /** The tenant's endpoints, and no other tenant's. */
    public List<Endpoint> endpoints(String tenant) {
        return ofTenant(endpoints, tenant);
    }

    private static <T> List<T> ofTenant(Map<String, T> byTenantKey, String tenant) {
        List<T> out = new ArrayList<>();
        byTenantKey.forEach((key, value) -> {
            if (TenantKey.decode(key).tenant().equals(tenant)) {
                out.add(value);
            }
        });
        return out;
    }

    /** True once at least one endpoint, of any tenant, can serve: the replica is ready for traffic. */
    public boolean serving() {
        return endpoints.entrySet().stream()
                .anyMatch(e -> loaded.containsKey(TenantKey.encode(TenantKey.decode(e.getKey()).tenant(), e.getValue().getModelVersion())));
    }

    /** At start-up: the endpoints every tenant had, and their models. */
    public void restore() {
        for (String tenant : store.tenants()) {
            for (Endpoint e : store.endpoints(tenant)) {
                endpoints.put(TenantKey.encode(tenant, e.getName()), e);
                load(tenant, e.getModelVersion());
                if (!e.getCanaryModelVersion().isEmpty()) {
                    load(tenant, e.getCanaryModelVersion());
                }
            }
        }
    }
}
