package dev.lmforge.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A stochastic grammar with a long-range dependency, whose entropy rate is known exactly.
 * Sentences are {@code <s> key filler_1 … filler_L marker(key)}: the key is uniform over
 * {@code keys} values, L uniform in [minFill, maxFill], the fillers a Markov chain (a uniform first
 * filler, then each filler followed by one of a few successors with fixed random probabilities),
 * and the closing marker is determined by the key, up to {@code maxFill + 1} tokens back. A model
 * that remembers the key and counts the fillers can reach the entropy rate; a bigram model cannot.
 */
final class GrammarCorpus {

    final int keys;
    final int fillers;
    final int minFill;
    final int maxFill;
    final double[][] transition; // filler -> next filler

    GrammarCorpus(int keys, int fillers, int minFill, int maxFill, int successors, long seed) {
        this.keys = keys;
        this.fillers = fillers;
        this.minFill = minFill;
        this.maxFill = maxFill;
        Random random = new Random(seed);
        transition = new double[fillers][fillers];
        for (int f = 0; f < fillers; f++) {
            double total = 0;
            for (int s = 0; s < successors; s++) {
                int next = random.nextInt(fillers);
                double w = 0.2 + random.nextDouble();
                transition[f][next] += w;
                total += w;
            }
            for (int g = 0; g < fillers; g++) {
                transition[f][g] /= total;
            }
        }
    }

    int vocabSize() {
        return 1 + keys + fillers + keys;
    }

    private int key(int k) {
        return 1 + k;
    }

    private int filler(int f) {
        return 1 + keys + f;
    }

    private int marker(int k) {
        return 1 + keys + fillers + k;
    }

    /** About {@code tokens} tokens of whole sentences. */
    int[] generate(int tokens, long seed) {
        Random random = new Random(seed);
        List<Integer> out = new ArrayList<>(tokens + maxFill + 3);
        while (out.size() < tokens) {
            int k = random.nextInt(keys);
            out.add(0);
            out.add(key(k));
            int length = minFill + random.nextInt(maxFill - minFill + 1);
            int f = random.nextInt(fillers);
            out.add(filler(f));
            for (int j = 1; j < length; j++) {
                f = sample(transition[f], random);
                out.add(filler(f));
            }
            out.add(marker(k));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int sample(double[] p, Random random) {
        double u = random.nextDouble();
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u < 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    /** Exact entropy rate in nats per token: expected information per sentence / expected sentence length. */
    double entropyRate() {
        int span = maxFill - minFill + 1;
        double perSentence = Math.log(keys) + Math.log(fillers); // the key, the first filler (uniform)
        double[] dist = new double[fillers];
        java.util.Arrays.fill(dist, 1.0 / fillers); // distribution of filler j
        for (int j = 1; j <= maxFill; j++) {
            double atLeast = j < minFill ? 1.0 : (maxFill - j + 1) / (double) span; // P(L >= j)
            double hazard = j < minFill ? 0.0 : 1.0 / (maxFill - j + 1); // P(L = j | L >= j)
            double fillerEntropy = 0;
            for (int f = 0; f < fillers; f++) {
                fillerEntropy += dist[f] * entropy(transition[f]);
            }
            perSentence += atLeast * (binaryEntropy(hazard) + (1 - hazard) * fillerEntropy);
            double[] next = new double[fillers];
            for (int f = 0; f < fillers; f++) {
                for (int g = 0; g < fillers; g++) {
                    next[g] += dist[f] * transition[f][g];
                }
            }
            dist = next;
        }
        // the marker (given the key and that the sentence ends) and the next <s> carry no information
        double meanLength = (minFill + maxFill) / 2.0 + 3;
        return perSentence / meanLength;
    }

    private static double entropy(double[] p) {
        double h = 0;
        for (double x : p) {
            if (x > 0) {
                h -= x * Math.log(x);
            }
        }
        return h;
    }

    private static double binaryEntropy(double p) {
        return p <= 0 || p >= 1 ? 0 : -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    }

    /** Held-out cross-entropy (nats per token) of an add-k smoothed bigram model trained on {@code train}. */
    static double bigramCrossEntropy(int[] train, int[] test, int vocab, double k) {
        double[][] counts = new double[vocab][vocab];
        double[] totals = new double[vocab];
        for (int i = 1; i < train.length; i++) {
            counts[train[i - 1]][train[i]]++;
            totals[train[i - 1]]++;
        }
        double nats = 0;
        for (int i = 1; i < test.length; i++) {
            nats -= Math.log((counts[test[i - 1]][test[i]] + k) / (totals[test[i - 1]] + k * vocab));
        }
        return nats / (test.length - 1);
    }
}
