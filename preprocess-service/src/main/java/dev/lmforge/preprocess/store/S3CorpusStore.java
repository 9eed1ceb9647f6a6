package dev.lmforge.preprocess.store;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.store.AbortableOutputStream;
import dev.lmforge.preprocess.service.CorpusStore;
import dev.lmforge.preprocess.service.Split;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A corpus is its three splits and stats, then its manifest (the Corpus message) written last; a
 * marker (written before the outbox) records that corpus.ingested went out. Keys: {@link ArtifactLayout}.
 */
@ApplicationScoped
public class S3CorpusStore implements CorpusStore {

    private final ArtifactStore store;

    public S3CorpusStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public Optional<Corpus> find(String tenant, String corpusId) {
        return store.read(ArtifactLayout.of(tenant).corpusManifest(corpusId)).map(json -> ProtoJson.merge(json, Corpus.newBuilder()).build());
    }

    @Override
    public boolean hasObjects(String tenant, String corpusId) {
        return store.hasAny(ArtifactLayout.of(tenant).corpusPrefix(corpusId));
    }

    @Override
    public AbortableOutputStream openSplit(String tenant, String corpusId, Split split) {
        return store.create(ArtifactLayout.of(tenant).corpusSplit(corpusId, split.label()), "text/plain; charset=utf-8");
    }

    @Override
    public Corpus.Builder locate(String tenant, Corpus.Builder corpus) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        String id = corpus.getCorpusId();
        corpus.setLocation(S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.corpusPrefix(id))));
        for (Split split : Split.values()) {
            corpus.putSplits(split.label(), S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.corpusSplit(id, split.label()))).build());
        }
        return corpus;
    }

    @Override
    public void publish(String tenant, Corpus corpus) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        String id = corpus.getCorpusId();
        store.put(layout.corpusStats(id), ProtoJson.bytes(corpus.getStats()), "application/json");
        store.publish(layout.corpusPrefix(id), ArtifactLayout.CORPUS_MARKER, ProtoJson.bytes(corpus));
    }

    @Override
    public boolean hasLegacyEventSentMarker(String tenant, String corpusId) {
        return store.exists(ArtifactLayout.of(tenant).corpusIngestedMarker(corpusId));
    }

    @Override
    public Page list(String tenant, String startAfter, int limit) {
        ArtifactStore.Page page = store.publishedChildren(ArtifactLayout.of(tenant).corporaPrefix(), ArtifactLayout.CORPUS_MARKER, startAfter, limit);
        List<Corpus> corpora = new ArrayList<>();
        for (String id : page.names()) {
            find(tenant, id).ifPresent(corpora::add);
        }
        return new Page(corpora, page.nextStartAfter());
    }

    @Override
    public int delete(String tenant, String corpusId) {
        return store.deletePrefix(ArtifactLayout.of(tenant).corpusPrefix(corpusId), ArtifactLayout.CORPUS_MARKER);
    }
}
