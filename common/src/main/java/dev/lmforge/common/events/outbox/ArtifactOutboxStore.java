package dev.lmforge.common.events.outbox;

import dev.lmforge.common.store.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox's entries in the platform's bucket, under the keys of {@link dev.lmforge.common.store.ArtifactLayout}:
 * the event's bytes as the object, its trace context as the object's user metadata (so entries staged
 * before tracing read the same).
 */
@ApplicationScoped
public class ArtifactOutboxStore implements OutboxStore {

    private final ArtifactStore store;

    public ArtifactOutboxStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public void put(String path, byte[] data, Map<String, String> traceContext) {
        store.put(path, data, "application/x-protobuf", traceContext);
    }

    @Override
    public Optional<Entry> read(String path) {
        return store.readWithMetadata(path).map(o -> new Entry(o.data(), o.metadata()));
    }

    @Override
    public boolean exists(String path) {
        return store.exists(path);
    }

    @Override
    public void delete(String path) {
        store.delete(path);
    }

    @Override
    public List<String> list(String prefix, String startAfter, int limit) {
        return store.list(prefix, startAfter, limit).stream().map(ArtifactStore.StoredObject::key).toList();
    }

    @Override
    public long count(String prefix) {
        return store.count(prefix);
    }
}
