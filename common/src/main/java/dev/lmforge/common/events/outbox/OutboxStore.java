package dev.lmforge.common.events.outbox;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where the outbox keeps its entries: the {@link dev.lmforge.common.store.ArtifactStore} in the services, memory in tests. */
public interface OutboxStore {

    /** Stores an entry with the trace context it was staged in (W3C fields: traceparent, tracestate). */
    void put(String path, byte[] data, Map<String, String> traceContext);

    Optional<Entry> read(String path);

    boolean exists(String path);

    void delete(String path);

    /** At most {@code limit} paths under a prefix, in key order, after {@code startAfter} (exclusive; null for the first). */
    List<String> list(String prefix, String startAfter, int limit);

    long count(String prefix);

    record Entry(byte[] data, Map<String, String> traceContext) {
    }
}
