package dev.lmforge.tokenizer.store;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.store.S3Uri;
import dev.lmforge.tokenizer.service.CorpusCatalog;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.util.Optional;

/** Reads corpora as the preprocess-service publishes them: complete once their manifest, written last, exists. */
@ApplicationScoped
public class S3CorpusCatalog implements CorpusCatalog {

    private final ArtifactStore store;

    public S3CorpusCatalog(ArtifactStore store) {
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
    public InputStream openSplit(Corpus corpus, String split) {
        S3Location location = corpus.getSplitsMap().get(split);
        if (location == null) {
            throw LmForgeException.failedPrecondition("corpus '%s' has no %s split", corpus.getCorpusId(), split);
        }
        return store.open(new S3Uri(location.getBucket(), location.getKey()));
    }
}
