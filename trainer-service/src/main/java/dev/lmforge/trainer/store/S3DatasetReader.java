package dev.lmforge.trainer.store;

import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.Shard;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.PublishedDatasets;
import dev.lmforge.common.store.S3Uri;
import dev.lmforge.trainer.service.DatasetReader;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads datasets as the tokenizer-service publishes them: meta.json (written last) and little-endian int32 shards. */
@ApplicationScoped
public class S3DatasetReader implements DatasetReader {

    private final ArtifactStore store;

    public S3DatasetReader(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public Dataset dataset(String tenant, String datasetId) {
        return PublishedDatasets.require(store, tenant, datasetId, Dataset.newBuilder()).build();
    }

    @Override
    public int[] tokens(Dataset dataset, String split, long maxTokens) {
        var s = dataset.getSplitsMap().get(split);
        if (s == null) {
            throw LmForgeException.failedPrecondition("dataset '%s' has no %s split", dataset.getDatasetId(), split);
        }
        long n = Math.min(s.getTokens(), maxTokens);
        if (n > Integer.MAX_VALUE - 16) {
            throw LmForgeException.resourceExhausted("the %s split has %d tokens: more than one trainer holds in memory; use data_fraction", split, n);
        }
        int[] out = new int[(int) n];
        int filled = 0;
        for (Shard shard : s.getShardsList()) {
            if (filled == out.length) {
                break;
            }
            try (InputStream in = new BufferedInputStream(store.open(new S3Uri(dataset.getLocation().getBucket(), shard.getKey())), 1 << 16)) {
                while (filled < out.length) {
                    int b0 = in.read();
                    if (b0 < 0) {
                        break;
                    }
                    out[filled++] = b0 | in.read() << 8 | in.read() << 16 | in.read() << 24;
                }
            } catch (IOException e) {
                throw LmForgeException.unavailable("reading shard " + shard.getKey() + " failed: " + e.getMessage(), e);
            }
        }
        if (filled != out.length) {
            throw LmForgeException.failedPrecondition("dataset '%s': the %s shards hold %d tokens, meta.json says %d", dataset.getDatasetId(), split, filled, n);
        }
        return out;
    }

    @Override
    public byte[] tokenizer(Dataset dataset) {
        S3Location at = dataset.getTokenizerLocation();
        try (InputStream in = store.open(new S3Uri(at.getBucket(), at.getKey()))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw LmForgeException.unavailable("reading the tokenizer of dataset " + dataset.getDatasetId() + " failed: " + e.getMessage(), e);
        }
    }
}
