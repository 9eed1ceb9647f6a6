package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Principal;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.common.paging.Paging;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.tracing.ResourceIds;
import dev.lmforge.common.store.AbortableOutputStream;
import dev.lmforge.preprocess.text.LanguageIdentifier;
import dev.lmforge.preprocess.text.StopWords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingests corpora: validates the spec, runs the cleaning pipeline into the store, publishes the
 * corpus (manifest last, its corpus.ingested staged in the outbox just before), then announces it. An
 * ingestion either ends with a complete corpus and an acknowledged corpus.ingested event, or leaves
 * nothing behind and emits nothing; a crash after the manifest leaves the event to the outbox's drain.
 */
@ApplicationScoped
public class CorpusIngestion {

    private static final Logger LOG = Logger.getLogger(CorpusIngestion.class);

    private final CorpusStore store;
    private final CorpusEventPublisher events;
    private final ImportSources importSources;
    private final LanguageIdentifier languages;
    private final StopWords stopWords;
    private final PreprocessConfig config;
    private final MeterRegistry metrics;
    /** Corpora being ingested, by {@link TenantKey}. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public CorpusIngestion(CorpusStore store, CorpusEventPublisher events, ImportSources importSources,
            LanguageIdentifier languages, StopWords stopWords, PreprocessConfig config, MeterRegistry metrics) {
        this.store = store;
        this.events = events;
        this.importSources = importSources;
        this.languages = languages;
        this.stopWords = stopWords;
        this.config = config;
        this.metrics = metrics;
    }

    /** Resolves and validates the corpus id before any data is read. */
    public String corpusId(CorpusSpec spec) {
        return spec.getName().isEmpty() ? ResourceNames.generate("corpus") : ResourceNames.requireValid("corpus name", spec.getName());
    }

    /** Ingests the source as the principal's corpus; the principal is recorded and named by corpus.ingested. */
    public Corpus ingest(CorpusSpec spec, CorpusSource source, Principal createdBy) {
        String id = corpusId(spec);
        String tenant = createdBy.getTenant();
        String key = TenantKey.encode(tenant, id);
        CorpusPipeline pipeline = new CorpusPipeline(spec, config.pipelineSettings(), languages, stopWords);
        if (!inFlight.add(key)) {
            throw LmForgeException.alreadyExists("corpus '%s' is being ingested right now", id);
        }
        Timer.Sample timer = Timer.start(metrics);
        String outcome = "failed";
        try (ResourceIds ids = ResourceIds.of(ResourceIds.CORPUS, id)) {
            Corpus corpus = ingestReserved(id, spec, pipeline, source, createdBy);
            outcome = "completed";
            metrics.counter("lmforge.corpus.input.bytes").increment(corpus.getStats().getInputBytes());
            return corpus;
        } finally {
            inFlight.remove(key);
            timer.stop(metrics.timer("lmforge.corpus.ingestions", "outcome", outcome));
        }
    }

    /** Ingests every object under one S3 prefix, or under one prefix per channel, of those the tenant may import. */
    public Corpus importCorpus(CorpusSpec spec, String sourceUri, Map<Channel, String> channelUris, Principal createdBy) {
        if (sourceUri.isEmpty() == channelUris.isEmpty()) {
            throw LmForgeException.invalidArgument("give either source_uri or the channel URIs (train_uri, validation_uri, test_uri), not %s",
                    sourceUri.isEmpty() ? "neither" : "both");
        }
        if (!channelUris.isEmpty() && !channelUris.containsKey(Channel.CHANNEL_TRAIN)) {
            throw LmForgeException.invalidArgument("train_uri is required when channels are given");
        }
        corpusId(spec);
        Map<Channel, String> prefixes = sourceUri.isEmpty() ? channelUris : Map.of(Channel.CHANNEL_UNSPECIFIED, sourceUri);
        try (ImportSources.Source source = importSources.open(prefixes, createdBy.getTenant())) {
            return ingest(spec, source, createdBy);
        }
    }

    private Corpus ingestReserved(String id, CorpusSpec spec, CorpusPipeline pipeline, CorpusSource source, Principal createdBy) {
        String tenant = createdBy.getTenant();
        if (store.find(tenant, id).isPresent()) {
            throw LmForgeException.alreadyExists("corpus '%s' already exists: delete it first or choose another name", id);
        }
        if (store.hasObjects(tenant, id)) {
            LOG.warnf("corpus %s: removing what an earlier, unfinished ingestion left", id);
            store.delete(tenant, id);
        }
        Map<Split, AbortableOutputStream> outputs = new EnumMap<>(Split.class);
        CorpusPipeline.Result result;
        try {
            for (Split split : Split.values()) {
                outputs.put(split, store.openSplit(tenant, id, split));
            }
            result = pipeline.run(source, new EnumMap<Split, OutputStream>(outputs));
            for (AbortableOutputStream out : outputs.values()) {
                out.close();
            }
        } catch (IOException | RuntimeException e) {
            outputs.values().forEach(AbortableOutputStream::abort);
            discard(tenant, id);
            throw e instanceof IOException io
                    ? LmForgeException.unavailable("reading the input of corpus '" + id + "' failed: " + io.getMessage(), io)
                    : (RuntimeException) e;
        }
        Corpus corpus = store.locate(tenant, Corpus.newBuilder()
                .setCorpusId(id)
                .setSpec(spec.toBuilder().setName(id))
                .setStats(result.stats())
                .addAllSources(result.sources())
                .addAllWarnings(result.warnings())
                .setCreatedAt(Timestamps.now())
                .setCreatedBy(createdBy))
                .build();
        try {
            events.stageCorpusIngested(corpus);
            store.publish(tenant, corpus);
        } catch (RuntimeException e) {
            if (discard(tenant, id)) {
                withdrawEvent(tenant, id);
            }
            throw e;
        }
        try {
            events.sendCorpusIngested(tenant, id);
        } catch (RuntimeException e) {
            // A corpus that could not be discarded stays published, and its event pending for the outbox's drain.
            if (discard(tenant, id)) {
                withdrawEvent(tenant, id);
            }
            // A refusal that no retry can fix (say, a record too large) keeps its kind; the rest is Kafka being away.
            LmForgeException.Kind kind = e instanceof LmForgeException refused ? refused.kind() : LmForgeException.Kind.UNAVAILABLE;
            throw new LmForgeException(kind,
                    "corpus '" + id + "' was not kept: its corpus.ingested event could not be published (" + e.getMessage() + ")", e);
        }
        LOG.infof("corpus %s ingested: %d documents, %d lines, %d words in %.1f s", id, corpus.getStats().getDocuments(),
                corpus.getStats().getLines(), corpus.getStats().getWords(), corpus.getStats().getSeconds());
        return corpus;
    }

    private void withdrawEvent(String tenant, String id) {
        try {
            events.withdrawCorpusIngested(tenant, id);
        } catch (RuntimeException e) {
            // The outbox's drain drops it: the corpus is gone.
            LOG.warnf("corpus %s: could not withdraw its pending event: %s", id, e.getMessage());
        }
    }

    /** True if nothing of the corpus is left. */
    private boolean discard(String tenant, String id) {
        try {
            store.delete(tenant, id);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("corpus %s: could not remove the unfinished corpus: %s", id, e.getMessage());
            return false;
        }
    }

    /** The tenant's corpus; another tenant's is NOT_FOUND, as a missing one. */
    public Corpus get(String tenant, String corpusId) {
        ResourceNames.requireValid("corpus id", corpusId);
        return store.find(tenant, corpusId).orElseThrow(() -> inFlight.contains(TenantKey.encode(tenant, corpusId))
                ? LmForgeException.failedPrecondition("corpus '%s' is still being ingested", corpusId)
                : LmForgeException.notFound("corpus '%s' does not exist", corpusId));
    }

    public CorpusStore.Page list(String tenant, String pageToken, int pageSize) {
        int size = Paging.pageSize(pageSize);
        return store.list(tenant, Paging.startAfter(pageToken), size);
    }

    public int delete(String tenant, String corpusId) {
        ResourceNames.requireValid("corpus id", corpusId);
        if (inFlight.contains(TenantKey.encode(tenant, corpusId))) {
            throw LmForgeException.failedPrecondition("corpus '%s' is being ingested; delete it once the ingestion ends", corpusId);
        }
        if (!store.hasObjects(tenant, corpusId)) {
            throw LmForgeException.notFound("corpus '%s' does not exist", corpusId);
        }
        int deleted = store.delete(tenant, corpusId);
        withdrawEvent(tenant, corpusId);
        return deleted;
    }
}
