package dev.lmforge.tokenizer.store;

import dev.lmforge.common.store.StoredTenants;
import dev.lmforge.common.store.ImportAllowList;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.store.AbortableOutputStream;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.store.S3Uri;
import dev.lmforge.tokenizer.service.DatasetStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A dataset is its status record (from creation on), its tokenizer ({@code tokenizer.model} or
 * {@code tokenizer.vocab}) and {@code {split}-{n}.bin} shards, then its meta record written last, and
 * a marker once tokens.ready went out. Keys: {@link ArtifactLayout}.
 */
@ApplicationScoped
public class S3DatasetStore implements DatasetStore {

    private final ArtifactStore store;
    private final ImportAllowList imports;

    public S3DatasetStore(ArtifactStore store, ImportAllowList imports) {
        this.imports = imports;
        this.store = store;
    }

    @Override
    public Optional<Dataset> find(String tenant, String datasetId) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        Optional<byte[]> json = store.read(layout.datasetMeta(datasetId)).or(() -> store.read(layout.datasetStatus(datasetId)));
        return json.map(bytes -> ProtoJson.merge(bytes, Dataset.newBuilder()).build());
    }

    @Override
    public void saveStatus(String tenant, Dataset dataset) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        store.put(layout.datasetStatus(dataset.getDatasetId()), ProtoJson.bytes(dataset), "application/json");
    }

    @Override
    public Dataset.Builder locate(String tenant, Dataset.Builder dataset) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        return dataset.setLocation(S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.datasetPrefix(dataset.getDatasetId()))));
    }

    @Override
    public S3Location putTokenizer(String tenant, String datasetId, String fileName, byte[] content) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        store.put(layout.datasetFile(datasetId, fileName), content, "application/octet-stream");
        return S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.datasetFile(datasetId, fileName))).build();
    }

    @Override
    public Optional<byte[]> tokenizer(Dataset dataset) {
        S3Location at = dataset.getTokenizerLocation();
        try (InputStream in = store.open(new S3Uri(at.getBucket(), at.getKey()))) {
            return Optional.of(in.readAllBytes());
        } catch (dev.lmforge.common.errors.LmForgeException e) {
            if (e.kind() == dev.lmforge.common.errors.LmForgeException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        } catch (java.io.IOException e) {
            throw dev.lmforge.common.errors.LmForgeException.unavailable("reading " + at.getKey() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> tenants() {
        return StoredTenants.all(store);
    }

    @Override
    public InputStream openImport(String s3Uri, String tenant) {
        return store.open(imports.check(s3Uri, tenant));
    }

    @Override
    public AbortableOutputStream openShard(String tenant, String datasetId, String name) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        return store.create(layout.datasetFile(datasetId, name), "application/octet-stream");
    }

    @Override
    public String shardKey(String tenant, String datasetId, String name) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        return store.key(layout.datasetFile(datasetId, name));
    }

    @Override
    public void publish(String tenant, Dataset dataset) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        store.publish(layout.datasetPrefix(dataset.getDatasetId()), ArtifactLayout.DATASET_MARKER, ProtoJson.bytes(dataset));
    }

    @Override
    public void discardArtifacts(String tenant, String datasetId) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        for (ArtifactStore.StoredObject o : store.list(layout.datasetPrefix(datasetId))) {
            if (!o.key().equals(layout.datasetStatus(datasetId))) {
                store.delete(o.key());
            }
        }
    }

    @Override
    public boolean hasLegacyTokensReadyMarker(String tenant, String datasetId) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        return store.exists(layout.tokensReadyMarker(datasetId));
    }

    @Override
    public Page list(String tenant, String startAfter, int limit) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        ArtifactStore.Page page = store.publishedChildren(layout.datasetsPrefix(), ArtifactLayout.DATASET_STATUS, startAfter, limit);
        List<Dataset> datasets = new ArrayList<>();
        for (String id : page.names()) {
            find(tenant, id).ifPresent(datasets::add);
        }
        return new Page(datasets, page.nextStartAfter());
    }

    @Override
    public int delete(String tenant, String datasetId) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        return store.deletePrefix(layout.datasetPrefix(datasetId), ArtifactLayout.DATASET_MARKER);
    }
}
