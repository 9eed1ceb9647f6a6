package dev.lmforge.trainer.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KneserNeyModelTest {

    private static final GrammarCorpus GRAMMAR = new GrammarCorpus(4, 12, 2, 6, 3, 5);

    @Test
    void everyDistributionSumsToOne() {
        int vocab = GRAMMAR.vocabSize() + 3; // ids never seen in training, too
        KneserNeyModel model = KneserNeyModel.fit(GRAMMAR.generate(5000, 1), vocab, 4);
        int[][] histories = {{}, {0}, {0, 1}, {0, 1, 6}, {3, 9, 10, 11}, {vocab - 1, vocab - 2}, {7, 7, 7, 7, 7}};
        for (int[] history : histories) {
            double total = 0;
            for (int w = 0; w < vocab; w++) {
                double p = model.probability(history, w);
                assertTrue(p > 0, "p > 0 for " + w + " after " + Arrays.toString(history));
                total += p;
            }
            assertEquals(1.0, total, 1e-9, Arrays.toString(history));
        }
    }

    @Test
    void aTrigramPredictsHeldOutTextBetterThanAUnigram() {
        int[] train = GRAMMAR.generate(20_000, 1);
        int[] heldOut = GRAMMAR.generate(4_000, 2);
        double unigram = KneserNeyModel.fit(train, GRAMMAR.vocabSize(), 1).evaluateNats(heldOut);
        double trigram = KneserNeyModel.fit(train, GRAMMAR.vocabSize(), 3).evaluateNats(heldOut);
        assertTrue(trigram < 0.8 * unigram, "trigram " + trigram + " vs unigram " + unigram + " nats");
        double entropyBound = GRAMMAR.entropyRate() * (heldOut.length - 1);
        assertTrue(trigram > 0.95 * entropyBound, "no model beats the entropy rate by much: " + trigram + " vs " + entropyBound);
    }

    @Test
    void orderOneIsTheDiscountedUnigramInterpolatedWithUniform() {
        int vocab = 8;
        int[] tokens = {1, 2, 1, 3, 1, 2, 4, 4, 1, 5, 1, 2, 6};
        int[] counts = new int[vocab];
        for (int t : tokens) {
            counts[t]++;
        }
        long[] n = new long[5];
        for (int c : counts) {
            if (c >= 1 && c <= 4) {
                n[c]++;
            }
        }
        double y = n[1] / (n[1] + 2.0 * n[2]);
        double[] d = {0, 1 - 2 * y * n[2] / n[1], 2 - 3 * y * n[3] / n[2], 3 - 4 * y * n[4] / n[3]};
        KneserNeyModel model = KneserNeyModel.fit(tokens, vocab, 1);
        assertEquals(d[1], model.discounts(1)[0], 1e-12);
        assertEquals(d[2], model.discounts(1)[1], 1e-12);
        assertEquals(d[3], model.discounts(1)[2], 1e-12);
        double mass = 0;
        for (int c : counts) {
            mass += d[Math.min(c, 3)];
        }
        for (int w = 0; w < vocab; w++) {
            double expected = (Math.max(counts[w] - d[Math.min(counts[w], 3)], 0) + mass / vocab) / tokens.length;
            assertEquals(expected, model.probability(new int[] {3, 4}, w), 1e-12, "token " + w);
        }
    }

    @Test
    void evaluationScoresEveryTokenButTheFirst() {
        int[] tokens = {0, 1, 2, 0, 1, 2};
        KneserNeyModel model = KneserNeyModel.fit(tokens, 3, 2);
        double expected = 0;
        for (int i = 1; i < tokens.length; i++) {
            expected -= Math.log(model.probability(new int[] {tokens[i - 1]}, tokens[i]));
        }
        assertEquals(expected, model.evaluateNats(tokens), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> model.evaluateNats(new int[] {0, 3}));
    }

    @Test
    void arpaHasTheRightCountsAndBacksOffToTheSameProbabilities() throws IOException {
        int vocab = GRAMMAR.vocabSize() + 2;
        KneserNeyModel model = KneserNeyModel.fit(GRAMMAR.generate(3000, 3), vocab, 3);
        StringWriter out = new StringWriter();
        model.writeArpa(out);
        List<String> lines = out.toString().lines().toList();
        assertEquals(List.of("\\data\\", "ngram 1=" + vocab, "ngram 2=" + model.ngrams(2), "ngram 3=" + model.ngrams(3)), lines.subList(0, 4));
        assertEquals("\\end\\", lines.get(lines.size() - 1));
        Map<String, double[]> entries = new HashMap<>(); // words → {log10 p, log10 backoff}
        int[] listed = new int[4];
        int order = 0;
        for (String line : lines.subList(4, lines.size() - 1)) {
            if (line.matches("\\\\\\d-grams:")) {
                order = line.charAt(1) - '0';
            } else if (!line.isEmpty()) {
                String[] fields = line.split("\t");
                entries.put(fields[1], new double[] {Double.parseDouble(fields[0]), fields.length > 2 ? Double.parseDouble(fields[2]) : 0});
                listed[order]++;
            }
        }
        assertEquals(vocab, listed[1]);
        assertEquals(model.ngrams(2), listed[2]);
        assertEquals(model.ngrams(3), listed[3]);
        int[][] histories = {{0, 1}, {1, 6}, {6, 7}, {vocab - 1, 0}, {7, 7}};
        for (int[] history : histories) {
            for (int w = 0; w < vocab; w++) {
                assertEquals(Math.log10(model.probability(history, w)), arpaLog10(entries, history, w), 1e-5,
                        Arrays.toString(history) + " → " + w);
            }
        }
    }

    /** The standard backoff reading of an ARPA model. */
    private static double arpaLog10(Map<String, double[]> entries, int[] history, int w) {
        String context = join(history);
        double[] listed = entries.get(context.isEmpty() ? Integer.toString(w) : context + " " + w);
        if (listed != null) {
            return listed[0];
        }
        double[] backoff = entries.get(context);
        return (backoff == null ? 0 : backoff[1]) + arpaLog10(entries, Arrays.copyOfRange(history, 1, history.length), w);
    }

    private static String join(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(sb.isEmpty() ? "" : " ").append(id);
        }
        return sb.toString();
    }
}
