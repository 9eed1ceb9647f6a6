package dev.lmforge.preprocess.store;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.store.AbortableOutputStream;
import dev.lmforge.preprocess.service.CorpusStore;
import dev.lmforge.preprocess.service.Split;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Layout: {@code corpora/{id}/{train,validation,test}.txt}, {@code stats.json}, then
 * {@code manifest.json} (the Corpus message) written last; {@code events/corpus.ingested} records
 * that the event went out.
 */
@ApplicationScoped
public class S3CorpusStore implements CorpusStore {

    static final String ROOT = "corpora/";
    private static final String EVENT_MARKER = "events/corpus.ingested";

    private final ArtifactStore store;

    public S3CorpusStore(ArtifactStore store) {
        this.store = store;
    }

    private static String prefix(String corpusId) {
        return ROOT + corpusId + "/";
    }

    @Override
    public Optional<Corpus> find(String corpusId) {
        return store.read(prefix(corpusId) + ArtifactStore.MANIFEST).map(json -> ProtoJson.merge(json, Corpus.newBuilder()).build());
    }

    @Override
    public boolean hasObjects(String corpusId) {
        return store.hasAny(prefix(corpusId));
    }

    @Override
    public AbortableOutputStream openSplit(String corpusId, Split split) {
        return store.create(splitPath(corpusId, split), "text/plain; charset=utf-8");
    }

    private static String splitPath(String corpusId, Split split) {
        return prefix(corpusId) + split.label() + ".txt";
    }

    @Override
    public Corpus.Builder locate(Corpus.Builder corpus) {
        String id = corpus.getCorpusId();
        corpus.setLocation(S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(prefix(id))));
        for (Split split : Split.values()) {
            corpus.putSplits(split.label(), S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(splitPath(id, split))).build());
        }
        return corpus;
    }

    @Override
    public void publish(Corpus corpus) {
        String prefix = prefix(corpus.getCorpusId());
        store.put(prefix + "stats.json", ProtoJson.bytes(corpus.getStats()), "application/json");
        store.publish(prefix, ArtifactStore.MANIFEST, ProtoJson.bytes(corpus));
    }

    @Override
    public boolean isEventSent(String corpusId) {
        return store.exists(prefix(corpusId) + EVENT_MARKER);
    }

    @Override
    public void markEventSent(String corpusId) {
        store.put(prefix(corpusId) + EVENT_MARKER, Instant.now().toString().getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    @Override
    public Page list(String startAfter, int limit) {
        ArtifactStore.Page page = store.publishedChildren(ROOT, ArtifactStore.MANIFEST, startAfter, limit);
        List<Corpus> corpora = new ArrayList<>();
        for (String id : page.names()) {
            find(id).ifPresent(corpora::add);
        }
        return new Page(corpora, page.nextStartAfter());
    }

    @Override
    public int delete(String corpusId) {
        return store.deletePrefix(prefix(corpusId), ArtifactStore.MANIFEST);
    }
}
