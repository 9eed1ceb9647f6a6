package dev.lmforge.tokenizer.store;

import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.store.AbortableOutputStream;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.store.S3Uri;
import dev.lmforge.tokenizer.service.DatasetStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Layout: {@code datasets/{id}/status.json} (from creation on), {@code tokenizer.model} or
 * {@code tokenizer.vocab}, {@code {split}-{n}.bin} shards, {@code meta.json} written last, and
 * {@code events/tokens.ready} once announced.
 */
@ApplicationScoped
public class S3DatasetStore implements DatasetStore {

    static final String ROOT = "datasets/";
    static final String STATUS = "status.json";
    static final String META = "meta.json";
    private static final String EVENT_MARKER = "events/tokens.ready";

    private final ArtifactStore store;

    public S3DatasetStore(ArtifactStore store) {
        this.store = store;
    }

    private static String prefix(String datasetId) {
        return ROOT + datasetId + "/";
    }

    @Override
    public Optional<Dataset> find(String datasetId) {
        Optional<byte[]> json = store.read(prefix(datasetId) + META).or(() -> store.read(prefix(datasetId) + STATUS));
        return json.map(bytes -> ProtoJson.merge(bytes, Dataset.newBuilder()).build());
    }

    @Override
    public void saveStatus(Dataset dataset) {
        store.put(prefix(dataset.getDatasetId()) + STATUS, ProtoJson.bytes(dataset), "application/json");
    }

    @Override
    public Dataset.Builder locate(Dataset.Builder dataset) {
        return dataset.setLocation(S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(prefix(dataset.getDatasetId()))));
    }

    @Override
    public S3Location putTokenizer(String datasetId, String fileName, byte[] content) {
        store.put(prefix(datasetId) + fileName, content, "application/octet-stream");
        return S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(prefix(datasetId) + fileName)).build();
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
    public InputStream open(String s3Uri) {
        return store.open(S3Uri.parse(s3Uri));
    }

    @Override
    public AbortableOutputStream openShard(String datasetId, String name) {
        return store.create(prefix(datasetId) + name, "application/octet-stream");
    }

    @Override
    public String shardKey(String datasetId, String name) {
        return store.key(prefix(datasetId) + name);
    }

    @Override
    public void publish(Dataset dataset) {
        store.publish(prefix(dataset.getDatasetId()), META, ProtoJson.bytes(dataset));
    }

    @Override
    public void discardArtifacts(String datasetId) {
        for (ArtifactStore.StoredObject o : store.list(prefix(datasetId))) {
            if (!o.key().endsWith("/" + STATUS)) {
                store.delete(o.key());
            }
        }
    }

    @Override
    public boolean isEventSent(String datasetId) {
        return store.exists(prefix(datasetId) + EVENT_MARKER);
    }

    @Override
    public void markEventSent(String datasetId) {
        store.put(prefix(datasetId) + EVENT_MARKER, Instant.now().toString().getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    @Override
    public Page list(String startAfter, int limit) {
        ArtifactStore.Page page = store.publishedChildren(ROOT, STATUS, startAfter, limit);
        List<Dataset> datasets = new ArrayList<>();
        for (String id : page.names()) {
            find(id).ifPresent(datasets::add);
        }
        return new Page(datasets, page.nextStartAfter());
    }

    @Override
    public int delete(String datasetId) {
        return store.deletePrefix(prefix(datasetId), META);
    }
}
