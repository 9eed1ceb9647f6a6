package dev.lmforge.tokenizer.service;

import com.google.protobuf.util.Timestamps;
import dev.lmforge.common.text.Tokenizer;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetSplit;
import dev.lmforge.api.v1.JobStatus;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One dataset build: fetch the train split, train the tokenizer, tokenize every split into shards,
 * then publish meta.json. Reports its phase and progress in status.json as it goes.
 */
final class DatasetBuild {

    private static final Logger LOG = Logger.getLogger(DatasetBuild.class);
    static final List<String> SPLITS = List.of("train", "validation", "test");
    private static final long STATUS_EVERY_NANOS = 2_000_000_000L;

    private final DatasetStore store;
    private final CorpusCatalog corpora;
    private final TokenizerConfig config;
    private final DatasetEvents events;
    private final String tenant;
    private Dataset.Builder dataset;
    private long lastStatus;

    DatasetBuild(DatasetStore store, CorpusCatalog corpora, TokenizerConfig config, DatasetEvents events, String tenant, Dataset initial) {
        this.tenant = tenant;
        this.store = store;
        this.corpora = corpora;
        this.events = events;
        this.config = config;
        this.dataset = initial.toBuilder();
    }

    /** Runs the build; returns the complete dataset (published, its tokens.ready staged but not sent). */
    Dataset run(Corpus corpus) throws IOException {
        long started = System.nanoTime();
        Path train = Files.createTempFile("lmforge-train-", ".txt");
        try {
            phase("downloading the train split", 0);
            try (InputStream in = corpora.openSplit(corpus, "train")) {
                Files.copy(in, train, StandardCopyOption.REPLACE_EXISTING);
            }
            phase("training the tokenizer", 0);
            Tokenizer tokenizer = Tokenizers.train(dataset.getTokenizer(), train, config.maxTrainingLines());
            dataset.setTokenizerLocation(store.putTokenizer(tenant, dataset.getDatasetId(), tokenizer.fileName(), tokenizer.serialize()));
            dataset.setVocabSize(tokenizer.vocabSize()).setEosId(tokenizer.eosId()).setUnkId(tokenizer.unknownId());
            for (String split : SPLITS) {
                long bytes = corpus.getStats().getSplitsOrThrow(split).getBytes();
                try (InputStream in = corpora.openSplit(corpus, split)) {
                    dataset.putSplits(split, tokenize(split, in, bytes, tokenizer));
                }
            }
        } finally {
            Files.deleteIfExists(train);
        }
        Dataset complete = dataset.setStatus(JobStatus.JOB_STATUS_COMPLETED).setPhase("").setProgress(1)
                .setCompletedAt(Timestamps.now())
                .setBuildSeconds((System.nanoTime() - started) / 1e9).build();
        events.stageTokensReady(tenant, complete);
        store.publish(tenant, complete);
        store.saveStatus(tenant, complete);
        return complete;
    }

    private DatasetSplit tokenize(String split, InputStream text, long splitBytes, Tokenizer tokenizer) throws IOException {
        phase("tokenizing " + split, 0);
        ShardWriter shards = new ShardWriter(store, tenant, dataset.getDatasetId(), split, config.shardTokens());
        long lines = 0;
        long characters = 0;
        long unknown = 0;
        long bytesRead = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(text, StandardCharsets.UTF_8), 1 << 16)) {
            List<String> batch = new ArrayList<>(config.batchLines());
            boolean more = true;
            while (more) {
                String line = reader.readLine();
                more = line != null;
                if (more) {
                    batch.add(line);
                    bytesRead += line.length() + 1;
                }
                if (batch.size() == config.batchLines() || (!more && !batch.isEmpty())) {
                    List<int[]> encoded = batch.parallelStream().map(tokenizer::encode).toList();
                    for (int i = 0; i < encoded.size(); i++) {
                        for (int id : encoded.get(i)) {
                            shards.write(id);
                            if (id == tokenizer.unknownId()) {
                                unknown++;
                            }
                        }
                        shards.write(tokenizer.eosId());
                        characters += batch.get(i).codePointCount(0, batch.get(i).length()) + 1;
                    }
                    lines += batch.size();
                    batch.clear();
                    maybeReport("tokenizing " + split, splitBytes == 0 ? 0 : Math.min(1.0, (double) bytesRead / splitBytes));
                }
            }
            shards.close();
        } catch (IOException | RuntimeException e) {
            shards.abort();
            throw e;
        }
        long tokens = shards.tokens();
        LOG.debugf("dataset %s: %s has %d lines, %d tokens", dataset.getDatasetId(), split, lines, tokens);
        return DatasetSplit.newBuilder().setLines(lines).setTokens(tokens).setCharacters(characters)
                .setUnknownTokens(unknown).setUnknownRate(tokens == 0 ? 0 : (double) unknown / tokens)
                .addAllShards(shards.shards()).build();
    }

    private void phase(String phase, double progress) {
        dataset.setPhase(phase).setProgress(progress);
        store.saveStatus(tenant, dataset.build());
        lastStatus = System.nanoTime();
    }

    private void maybeReport(String phase, double progress) {
        if (System.nanoTime() - lastStatus > STATUS_EVERY_NANOS) {
            phase(phase, progress);
        }
    }
}
