package dev.lmforge.common.events.outbox;

import java.util.List;
import java.util.Optional;

/** Where the outbox keeps its entries: the {@link dev.lmforge.common.store.ArtifactStore} in the services, memory in tests. */
public interface OutboxStore {

    void put(String path, byte[] data);

    Optional<byte[]> read(String path);

    boolean exists(String path);

    void delete(String path);

    /** At most {@code limit} paths under a prefix, in key order, after {@code startAfter} (exclusive; null for the first). */
    List<String> list(String prefix, String startAfter, int limit);

    long count(String prefix);
}
