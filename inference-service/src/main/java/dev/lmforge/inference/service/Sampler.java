package dev.lmforge.inference.service;

import java.util.Random;

/**
 * Picks the next token from log-probabilities: greedy at temperature 0, else temperature, top-k and
 * top-p (nucleus) sampling. One sampler serves one generation, a token at a time, so its work per
 * token must stay small beside a model step: the top k come from one pass with a small heap, the
 * nucleus from selection (linear on average), never from sorting the vocabulary.
 */
final class Sampler {

    /** Below this many candidates, sorting them outright is cheaper than partitioning. */
    private static final int SMALL = 16;

    private final double temperature;
    private final int topK;
    private final double topP;
    private final Random random;
    /** Candidate token ids (the top k, or the whole vocabulary); the nucleus is moved to the front. */
    private int[] candidates = new int[0];
    /** Sampling weight by token id, for the candidates. */
    private double[] weights = new double[0];

    Sampler(double temperature, int topK, double topP, long seed) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new Random(seed);
    }

    int next(float[] logProbs) {
        int n = logProbs.length;
        if (temperature == 0) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (logProbs[i] > logProbs[best]) {
                    best = i;
                }
            }
            return best;
        }
        if (weights.length != n) {
            weights = new double[n];
        }
        int k = topK > 0 ? Math.min(topK, n) : n;
        if (k < n) {
            candidates = TopK.indices(logProbs, k);
        } else {
            if (candidates.length != n) {
                candidates = new int[n];
            }
            for (int i = 0; i < n; i++) {
                candidates[i] = i;
            }
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, logProbs[candidates[i]]);
        }
        double total = 0;
        for (int i = 0; i < k; i++) {
            int id = candidates[i];
            // Subtract before dividing: at a tiny temperature each quotient alone overflows to -∞, and -∞ - -∞ is NaN.
            weights[id] = Math.exp((logProbs[id] - max) / temperature);
            total += weights[id];
        }
        int keep = k;
        if (topP < 1) {
            keep = nucleus(k, topP * total);
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) {
            kept += weights[candidates[i]];
        }
        double u = random.nextDouble() * kept;
        for (int i = 0; i < keep; i++) {
            u -= weights[candidates[i]];
            if (u <= 0) {
                return candidates[i];
            }
        }
        return candidates[keep - 1];
    }

    /**
     * Moves the nucleus to candidates[0..keep) and returns keep: the fewest most likely of the first
     * {@code n} candidates whose weights reach {@code mass}.
     */
    private int nucleus(int n, double mass) {
        int lo = 0;
        int hi = n;
        double taken = 0; // the weight of candidates[0..lo), all in the nucleus
        while (hi - lo > SMALL) {
            if (taken >= mass) {
                return lo;
            }
            double pivot = weights[candidates[lo + random.nextInt(hi - lo)]];
            int gt = lo;
            int eq = lo;
            double above = 0;
            double equal = 0;
            for (int i = lo; i < hi; i++) {
                double w = weights[candidates[i]];
                if (w > pivot) {
                    above += w;
                    swap(i, eq);
                    swap(eq++, gt++);
                } else if (w == pivot) {
                    equal += w;
                    swap(i, eq++);
                }
            }
            if (taken + above >= mass) {
                hi = gt;
            } else if (taken + above + equal >= mass) {
                taken += above;
                for (int i = gt; i < eq; i++) {
                    taken += weights[candidates[i]];
                    if (taken >= mass) {
                        return i + 1;
                    }
                }
                return eq;
            } else {
                taken += above + equal;
                lo = eq;
            }
        }
        // A few left: sort them, heaviest first, and take them until the mass is reached.
        for (int i = lo + 1; i < hi; i++) {
            for (int j = i; j > lo && weights[candidates[j]] > weights[candidates[j - 1]]; j--) {
                swap(j, j - 1);
            }
        }
        for (int i = lo; i < hi; i++) {
            if (taken >= mass) {
                return i;
            }
            taken += weights[candidates[i]];
        }
        return hi;
    }

    private void swap(int a, int b) {
        int t = candidates[a];
        candidates[a] = candidates[b];
        candidates[b] = t;
    }
}
