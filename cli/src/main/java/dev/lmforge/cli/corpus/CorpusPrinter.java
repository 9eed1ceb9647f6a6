package dev.lmforge.cli.corpus;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusStats;
import dev.lmforge.api.v1.SplitStats;
import dev.lmforge.api.v1.WordCount;
import dev.lmforge.cli.support.Format;

import dev.lmforge.cli.support.Output;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A corpus and its statistics, as a person reads them (or as JSON). */
final class CorpusPrinter {

    private CorpusPrinter() {
    }

    static void print(Corpus c, boolean json) {
        PrintStream out = System.out;
        if (json) {
            Output.printJson(c);
            return;
        }
        CorpusStats s = c.getStats();
        row(out, "corpus", c.getCorpusId());
        row(out, "location", "s3://" + c.getLocation().getBucket() + "/" + c.getLocation().getKey());
        row(out, "created", Format.time(c.getCreatedAt()));
        row(out, "input", String.format("%d file(s), %s, %s lines, read in %.1f s", c.getSourcesCount(),
                Format.bytes(s.getInputBytes()), Format.count(s.getInputLines()), s.getSeconds()));
        row(out, "kept", String.format("%s documents, %s lines, %s words, %s characters", Format.count(s.getDocuments()),
                Format.count(s.getLines()), Format.count(s.getWords()), Format.count(s.getCharacters())));
        row(out, "vocabulary", String.format("%s%s distinct words, type/token ratio %.4f",
                s.getVocabularySizeEstimated() ? "~" : "", Format.count(s.getVocabularySize()), s.getTypeTokenRatio()));
        for (String split : List.of("train", "validation", "test")) {
            SplitStats st = s.getSplitsOrDefault(split, SplitStats.getDefaultInstance());
            row(out, split, String.format("%s documents, %s lines, %s words, %s", Format.count(st.getDocuments()),
                    Format.count(st.getLines()), Format.count(st.getWords()), Format.bytes(st.getBytes())));
        }
        if (s.getLanguagesCount() > 0) {
            String sample = s.getLanguageSampleEvery() > 1 ? "  (documents, sampled 1 in " + s.getLanguageSampleEvery() + ")" : "  (documents)";
            row(out, "languages", top(s.getLanguagesMap(), 8) + sample);
        }
        if (s.getDroppedLinesCount() > 0) {
            row(out, "dropped", "lines: " + top(s.getDroppedLinesMap(), 10)
                    + (s.getDroppedDocumentsCount() > 0 ? "; documents: " + top(s.getDroppedDocumentsMap(), 10) : ""));
        }
        if (s.getStopwordsRemoved() > 0) {
            row(out, "stop words", Format.count(s.getStopwordsRemoved()) + " removed");
        }
        List<String> words = new ArrayList<>();
        for (WordCount w : s.getTopWordsList().subList(0, Math.min(20, s.getTopWordsCount()))) {
            words.add(w.getWord() + " " + Format.count(w.getCount()));
        }
        row(out, "top words", String.join(", ", words));
        for (String w : c.getWarningsList()) {
            row(out, "warning", w);
        }
    }

    private static String top(Map<String, Long> counts, int k) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(k)
                .map(e -> e.getKey() + " " + Format.count(e.getValue())).collect(Collectors.joining(", "))
                + (counts.size() > k ? ", ..." : "");
    }

    private static void row(PrintStream out, String key, String value) {
        out.printf("%-12s %s%n", key, value);
    }
}
