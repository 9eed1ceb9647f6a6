package dev.lmforge.tokenizer.service;

import dev.lmforge.common.tracing.ResourceIds;
import dev.lmforge.common.tracing.TracedWork;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.api.v1.Principal;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.common.paging.Paging;
import dev.lmforge.common.text.Tokenizer;
import dev.lmforge.common.text.WordTokenizer;
import com.google.protobuf.ByteString;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CreateDatasetRequest;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.TokenIds;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Datasets: creation (a build queued on a small pool), queries, deletion, tokenization for clients,
 * and the automatic builds that corpus.ingested asks for. A dataset is announced on tokens.ready
 * exactly once, after it is complete; a failed build leaves its status and reason, nothing else.
 */
@ApplicationScoped
public class Datasets {

    private static final Logger LOG = Logger.getLogger(Datasets.class);
    static final int MAX_VOCAB_SIZE = 1_000_000;
    static final int MAX_MODEL_BYTES = 64 << 20;

    private final DatasetStore store;
    private final CorpusCatalog corpora;
    private final DatasetEvents events;
    private final TokenizerConfig config;
    private final MeterRegistry metrics;
    private final ExecutorService builds;
    private final Tracer tracer;
    /** Builds under way and loaded tokenizers, by {@link TenantKey}. */
    private final Map<String, CompletableFuture<Dataset>> running = new ConcurrentHashMap<>();
    private final Map<String, Tokenizer> loaded;

    public Datasets(DatasetStore store, CorpusCatalog corpora, DatasetEvents events, TokenizerConfig config, MeterRegistry metrics,
            Tracer tracer) {
        this.store = store;
        this.corpora = corpora;
        this.events = events;
        this.config = config;
        this.metrics = metrics;
        this.tracer = tracer;
        this.builds = Executors.newFixedThreadPool(config.maxConcurrentBuilds(), r -> new Thread(r, "dataset-build"));
        int cached = config.cachedTokenizers();
        this.loaded = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Tokenizer> eldest) {
                return size() > cached;
            }
        });
    }

    @PreDestroy
    void stop() {
        builds.shutdownNow();
    }

    /** Validates the request, records the dataset as InProgress (and who asked) and queues its build. */
    public Dataset create(CreateDatasetRequest request, Principal createdBy) {
        return create(request.getDatasetId(), request.getCorpusId(), request.getTokenizer(), request.getWait(), false, createdBy);
    }

    /** The automatic build that a corpus.ingested event asks for; a redelivered event builds nothing twice. */
    public void createForCorpus(String corpusId, TokenizerSpec spec, Principal createdBy) {
        String id = autoDatasetId(ResourceNames.requireValid("corpus id", corpusId), spec);
        String tenant = createdBy.getTenant();
        if (running.containsKey(TenantKey.encode(tenant, id)) || store.find(tenant, id).isPresent()) {
            LOG.infof("dataset %s for corpus %s exists already; nothing to build", id, corpusId);
            return;
        }
        create(id, corpusId, spec, false, true, createdBy);
    }

    /** {corpus}-{kind}-{vocab}, shortened with a hash when the corpus id is long. */
    static String autoDatasetId(String corpusId, TokenizerSpec spec) {
        String suffix = "-" + kindName(spec.getKind()) + (spec.getKind() == TokenizerKind.TOKENIZER_KIND_SENTENCEPIECE_MODEL ? ""
                : "-" + (spec.getVocabSize() == WordTokenizer.ALL_WORDS ? "all" : spec.getVocabSize()));
        String id = corpusId + suffix;
        if (id.length() > ResourceNames.MAX_LENGTH) {
            String hash = String.format("%08x", corpusId.hashCode());
            id = corpusId.substring(0, ResourceNames.MAX_LENGTH - suffix.length() - 9) + "-" + hash + suffix;
        }
        return id;
    }

    static String kindName(TokenizerKind kind) {
        return switch (kind) {
            case TOKENIZER_KIND_WORD -> "word";
            case TOKENIZER_KIND_BPE -> "bpe";
            case TOKENIZER_KIND_UNIGRAM -> "unigram";
            case TOKENIZER_KIND_SENTENCEPIECE_MODEL -> "spm";
            default -> "unknown";
        };
    }

    private Dataset create(String requestedId, String corpusId, TokenizerSpec spec, boolean wait, boolean auto, Principal createdBy) {
        ResourceNames.requireValid("corpus id", corpusId);
        String id = requestedId.isEmpty() ? ResourceNames.generate("dataset") : ResourceNames.requireValid("dataset id", requestedId);
        String tenant = createdBy.getTenant();
        TokenizerSpec checked = validate(spec, tenant);
        Corpus corpus = corpora.find(tenant, corpusId).orElseThrow(() -> corpora.hasObjects(tenant, corpusId)
                ? LmForgeException.failedPrecondition("corpus '%s' is not ready: it is still being ingested (or its ingestion failed)", corpusId)
                : LmForgeException.notFound("corpus '%s' does not exist", corpusId));
        CompletableFuture<Dataset> done = new CompletableFuture<>();
        String key = TenantKey.encode(tenant, id);
        if (running.putIfAbsent(key, done) != null || store.find(tenant, id).isPresent()) {
            running.remove(key, done);
            throw LmForgeException.alreadyExists("dataset '%s' already exists: delete it first or choose another id", id);
        }
        Dataset initial;
        try {
            initial = store.locate(tenant, Dataset.newBuilder().setDatasetId(id).setCorpusId(corpusId).setTokenizer(checked)
                    .setStatus(JobStatus.JOB_STATUS_IN_PROGRESS).setPhase("queued").setAuto(auto)
                    .setCreatedAt(Timestamps.now()).setCreatedBy(createdBy)).build();
            store.saveStatus(tenant, initial);
        } catch (RuntimeException e) {
            running.remove(key, done);
            throw e;
        }
        builds.execute(Context.current().wrap(() -> build(tenant, initial, corpus, done)));
        LOG.infof("dataset %s: queued (%s, vocab %d) on corpus %s", id, kindName(checked.getKind()), checked.getVocabSize(), corpusId);
        if (!wait) {
            return initial;
        }
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LmForgeException.unavailable("interrupted while waiting for dataset " + id, e);
        }
    }

    private TokenizerSpec validate(TokenizerSpec spec, String tenant) {
        TokenizerSpec.Builder b = spec.toBuilder();
        switch (spec.getKind()) {
            case TOKENIZER_KIND_WORD, TOKENIZER_KIND_BPE, TOKENIZER_KIND_UNIGRAM -> {
                boolean allWords = spec.getKind() == TokenizerKind.TOKENIZER_KIND_WORD && spec.getVocabSize() == WordTokenizer.ALL_WORDS;
                if (!allWords && (spec.getVocabSize() <= 0 || spec.getVocabSize() > MAX_VOCAB_SIZE)) {
                    throw LmForgeException.invalidArgument("vocab_size must be between 1 and %d%s, got %d", MAX_VOCAB_SIZE,
                            spec.getKind() == TokenizerKind.TOKENIZER_KIND_WORD ? " (0: every word seen min_count times)" : "", spec.getVocabSize());
                }
                if (spec.getMinCount() < 0) {
                    throw LmForgeException.invalidArgument("min_count must be >= 0, got %d", spec.getMinCount());
                }
                if (spec.getCharacterCoverage() < 0 || spec.getCharacterCoverage() > 1) {
                    throw LmForgeException.invalidArgument("character_coverage must lie in (0, 1], got %s", spec.getCharacterCoverage());
                }
                if (spec.getCharacterCoverage() == 0 && spec.getKind() != TokenizerKind.TOKENIZER_KIND_WORD) {
                    b.setCharacterCoverage(0.9995);
                }
            }
            case TOKENIZER_KIND_SENTENCEPIECE_MODEL -> {
                if (spec.getModel().isEmpty() == spec.getModelUri().isEmpty()) {
                    throw LmForgeException.invalidArgument("an uploaded SentencePiece model needs exactly one of model (the file's bytes) or model_uri (s3://...)");
                }
                byte[] model = spec.getModel().isEmpty() ? readModel(spec.getModelUri(), tenant) : spec.getModel().toByteArray();
                Tokenizer checked = Tokenizers.uploaded(model);
                b.setModel(ByteString.copyFrom(model)).clearModelUri().setVocabSize(checked.vocabSize());
            }
            default -> throw LmForgeException.invalidArgument(
                    "tokenizer kind is required: TOKENIZER_KIND_WORD, TOKENIZER_KIND_BPE, TOKENIZER_KIND_UNIGRAM or TOKENIZER_KIND_SENTENCEPIECE_MODEL");
        }
        return b.build();
    }

    private byte[] readModel(String uri, String tenant) {
        try (InputStream in = store.openImport(uri, tenant)) {
            return in.readNBytes(MAX_MODEL_BYTES + 1);
        } catch (IOException e) {
            throw LmForgeException.unavailable("reading " + uri + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs on a build thread, in the trace of what queued it (a CreateDataset call, a corpus.ingested event). */
    private void build(String tenant, Dataset initial, Corpus corpus, CompletableFuture<Dataset> done) {
        try (TracedWork work = TracedWork.start(tracer, "dataset build")
                .id(ResourceIds.DATASET, initial.getDatasetId()).id(ResourceIds.CORPUS, initial.getCorpusId())) {
            build(tenant, initial, corpus, done, work);
        }
    }

    private void build(String tenant, Dataset initial, Corpus corpus, CompletableFuture<Dataset> done, TracedWork work) {
        String id = initial.getDatasetId();
        String outcome = "failed";
        io.micrometer.core.instrument.Timer.Sample timer = io.micrometer.core.instrument.Timer.start(metrics);
        try {
            Dataset complete = new DatasetBuild(store, corpora, config, events, tenant, initial).run(corpus);
            LOG.infof("dataset %s complete: vocab %d, %d train tokens in %.1f s", id, complete.getVocabSize(),
                    complete.getSplitsOrThrow("train").getTokens(), complete.getBuildSeconds());
            announce(tenant, id);
            outcome = "completed";
            done.complete(complete);
        } catch (Throwable t) {
            work.failed(t);
            fail(tenant, initial, t);
            done.completeExceptionally(t instanceof LmForgeException ? t : LmForgeException.unavailable(
                    "building dataset " + id + " failed: " + t.getMessage(), t));
        } finally {
            running.remove(TenantKey.encode(tenant, id));
            timer.stop(metrics.timer("lmforge.dataset.builds", "outcome", outcome));
        }
    }

    private void fail(String tenant, Dataset initial, Throwable t) {
        String code = t instanceof LmForgeException e ? e.kind().name() : "INTERNAL";
        LOG.warnf("dataset %s failed (%s): %s", initial.getDatasetId(), code, t.getMessage());
        if (!(t instanceof LmForgeException)) {
            LOG.debug("dataset build failure", t);
        }
        try {
            store.discardArtifacts(tenant, initial.getDatasetId());
            store.saveStatus(tenant, initial.toBuilder().setStatus(JobStatus.JOB_STATUS_FAILED).setPhase("").setProgress(0)
                    .setFailureReason(String.valueOf(t.getMessage())).setFailureCode(code).build());
        } catch (RuntimeException e) {
            LOG.warnf("dataset %s: could not record the failure: %s", initial.getDatasetId(), e.getMessage());
        }
    }

    /** Sends the staged tokens.ready; if Kafka does not take it now, the outbox's drain sends it later. */
    private void announce(String tenant, String datasetId) {
        try {
            events.sendTokensReady(tenant, datasetId);
        } catch (RuntimeException e) {
            LOG.warnf("dataset %s: tokens.ready not published yet (%s); the outbox retries it", datasetId, e.getMessage());
        }
    }

    /** The tenant's dataset; another tenant's is NOT_FOUND, as a missing one. */
    public Dataset get(String tenant, String datasetId) {
        ResourceNames.requireValid("dataset id", datasetId);
        return store.find(tenant, datasetId).orElseThrow(() -> LmForgeException.notFound("dataset '%s' does not exist", datasetId));
    }

    /** Datasets a corpus-filtered List reads at most per call: a filter that matches little costs bounded reads. */
    static final int MAX_SCANNED_PER_LIST = 1000;

    /**
     * A page of the tenant's datasets in id order, only those of {@code corpusId} when it is set: the
     * store is read on until the page is full, the datasets end, or {@link #MAX_SCANNED_PER_LIST} have
     * been read; a page cut short that way carries the token to read on from.
     */
    public DatasetStore.Page list(String tenant, String pageToken, int pageSize, String corpusId) {
        int size = Paging.pageSize(pageSize);
        String startAfter = Paging.startAfter(pageToken);
        if (corpusId.isEmpty()) {
            return store.list(tenant, startAfter, size);
        }
        List<Dataset> matching = new ArrayList<>();
        for (int scanned = 0; ; scanned += size) {
            DatasetStore.Page page = store.list(tenant, startAfter, size);
            for (Dataset d : page.datasets()) {
                if (d.getCorpusId().equals(corpusId)) {
                    matching.add(d);
                    if (matching.size() == size) {
                        return new DatasetStore.Page(matching, d.getDatasetId());
                    }
                }
            }
            if (page.nextStartAfter() == null || scanned + size >= MAX_SCANNED_PER_LIST) {
                return new DatasetStore.Page(matching, page.nextStartAfter());
            }
            startAfter = page.nextStartAfter();
        }
    }

    public int delete(String tenant, String datasetId) {
        Dataset d = get(tenant, datasetId);
        String key = TenantKey.encode(tenant, datasetId);
        if (running.containsKey(key) || d.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS) {
            throw LmForgeException.failedPrecondition("dataset '%s' is being built; delete it once the build ends", datasetId);
        }
        loaded.remove(key);
        int deleted = store.delete(tenant, datasetId);
        try {
            events.withdrawTokensReady(tenant, datasetId);
        } catch (RuntimeException e) {
            // The outbox's drain drops it: the dataset is gone.
            LOG.warnf("dataset %s: could not withdraw its pending tokens.ready: %s", datasetId, e.getMessage());
        }
        return deleted;
    }

    /** The tokenizer of a complete dataset, loaded once and kept in a small cache. */
    public Tokenizer tokenizer(String tenant, String datasetId) {
        String key = TenantKey.encode(tenant, datasetId);
        Tokenizer cached = loaded.get(key);
        if (cached != null) {
            return cached;
        }
        Dataset d = get(tenant, datasetId);
        if (d.getStatus() != JobStatus.JOB_STATUS_COMPLETED) {
            throw LmForgeException.failedPrecondition("dataset '%s' is not complete (status %s)", datasetId, d.getStatus());
        }
        byte[] file = store.tokenizer(d).orElseThrow(() -> LmForgeException.notFound("dataset '%s' has no tokenizer file", datasetId));
        Tokenizer t = Tokenizers.load(d.getTokenizer().getKind(), file);
        loaded.put(key, t);
        return t;
    }

    public List<TokenIds> tokenize(String tenant, String datasetId, List<String> texts) {
        if (texts.isEmpty()) {
            throw LmForgeException.invalidArgument("texts is empty: give at least one text to tokenize");
        }
        checkSize(texts.size(), texts.stream().mapToLong(String::length).sum(), "characters");
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                throw LmForgeException.invalidArgument("texts[%d] is empty", i);
            }
        }
        Tokenizer t = tokenizer(tenant, datasetId);
        List<TokenIds> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            TokenIds.Builder b = TokenIds.newBuilder();
            for (int id : t.encode(text)) {
                b.addIds(id).addPieces(t.piece(id));
            }
            out.add(b.build());
        }
        return out;
    }

    public List<String> detokenize(String tenant, String datasetId, List<TokenIds> sequences) {
        if (sequences.isEmpty()) {
            throw LmForgeException.invalidArgument("sequences is empty: give at least one sequence of ids");
        }
        checkSize(sequences.size(), sequences.stream().mapToLong(TokenIds::getIdsCount).sum(), "ids");
        Tokenizer t = tokenizer(tenant, datasetId);
        List<String> out = new ArrayList<>(sequences.size());
        for (int s = 0; s < sequences.size(); s++) {
            int[] ids = sequences.get(s).getIdsList().stream().mapToInt(Integer::intValue).toArray();
            for (int id : ids) {
                if (id < 0 || id >= t.vocabSize()) {
                    throw LmForgeException.invalidArgument("sequences[%d] holds id %d, outside the vocabulary [0, %d)", s, id, t.vocabSize());
                }
            }
            out.add(t.decode(ids));
        }
        return out;
    }

    private void checkSize(int items, long size, String unit) {
        if (items > config.maxRequestItems() || size > config.maxRequestChars()) {
            throw LmForgeException.resourceExhausted("request too large: %d items and %d %s; the limits are %d items and %d %s per request",
                    items, size, unit, config.maxRequestItems(), config.maxRequestChars(), unit);
        }
    }

    /** After a restart: builds that were running, in every tenant, are started again from the beginning (a build is idempotent). */
    public void restartUnfinishedBuilds() {
        for (String tenant : store.tenants()) {
            String after = null;
            do {
                DatasetStore.Page page = store.list(tenant, after, 100);
                for (Dataset d : page.datasets()) {
                    if (!running.containsKey(TenantKey.encode(tenant, d.getDatasetId())) && d.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS) {
                        restart(tenant, d);
                    }
                }
                after = page.nextStartAfter();
            } while (after != null);
        }
    }

    private void restart(String tenant, Dataset d) {
        Corpus corpus = corpora.find(tenant, d.getCorpusId()).orElse(null);
        CompletableFuture<Dataset> done = new CompletableFuture<>();
        String key = TenantKey.encode(tenant, d.getDatasetId());
        if (running.putIfAbsent(key, done) != null) {
            return;
        }
        if (corpus == null) {
            fail(tenant, d, LmForgeException.failedPrecondition("corpus '%s' no longer exists", d.getCorpusId()));
            running.remove(key);
            return;
        }
        LOG.infof("dataset %s: its build was interrupted; building it again", d.getDatasetId());
        store.discardArtifacts(tenant, d.getDatasetId());
        Dataset initial = d.toBuilder().setPhase("queued").setProgress(0).build();
        store.saveStatus(tenant, initial);
        builds.execute(Context.current().wrap(() -> build(tenant, initial, corpus, done)));
    }
}
