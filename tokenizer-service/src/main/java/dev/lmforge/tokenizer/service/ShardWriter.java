package dev.lmforge.tokenizer.service;

import dev.lmforge.api.v1.Shard;
import dev.lmforge.common.store.AbortableOutputStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one split's token ids as little-endian int32 into shard objects of at most
 * {@code shardTokens} ids: {@code {split}-00000.bin}, {@code {split}-00001.bin}, ...
 */
final class ShardWriter implements AutoCloseable {

    private final DatasetStore store;
    private final String tenant;
    private final String datasetId;
    private final String split;
    private final int shardTokens;
    private final byte[] buffer = new byte[1 << 16];
    private final List<Shard> shards = new ArrayList<>();
    private AbortableOutputStream out;
    private int filled;
    private long inShard;
    private long total;

    ShardWriter(DatasetStore store, String tenant, String datasetId, String split, int shardTokens) {
        this.tenant = tenant;
        this.store = store;
        this.datasetId = datasetId;
        this.split = split;
        this.shardTokens = shardTokens;
    }

    void write(int id) throws IOException {
        if (out == null || inShard == shardTokens) {
            rollOver();
        }
        buffer[filled++] = (byte) id;
        buffer[filled++] = (byte) (id >>> 8);
        buffer[filled++] = (byte) (id >>> 16);
        buffer[filled++] = (byte) (id >>> 24);
        inShard++;
        total++;
        if (filled == buffer.length) {
            out.write(buffer, 0, filled);
            filled = 0;
        }
    }

    long tokens() {
        return total;
    }

    private void rollOver() throws IOException {
        finishShard();
        String name = String.format("%s-%05d.bin", split, shards.size());
        out = store.openShard(tenant, datasetId, name);
        shards.add(Shard.newBuilder().setKey(store.shardKey(tenant, datasetId, name)).build());
        inShard = 0;
    }

    private void finishShard() throws IOException {
        if (out == null) {
            return;
        }
        out.write(buffer, 0, filled);
        filled = 0;
        out.close();
        out = null;
        int last = shards.size() - 1;
        shards.set(last, shards.get(last).toBuilder().setTokens(inShard).build());
    }

    /** The shards written; call after {@link #close()}. */
    List<Shard> shards() {
        return shards;
    }

    @Override
    public void close() throws IOException {
        finishShard();
    }

    void abort() {
        if (out != null) {
            out.abort();
            out = null;
        }
    }
}
