package dev.lmforge.inference.service;

import java.util.Arrays;
import java.util.Random;

/** Picks the next token from log-probabilities: greedy at temperature 0, else temperature, top-k and top-p (nucleus) sampling. */
final class Sampler {

    private final double temperature;
    private final int topK;
    private final double topP;
    private final Random random;

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
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logProbs[b], logProbs[a]));
        int k = topK > 0 ? Math.min(topK, n) : n;
        double[] weights = new double[k];
        double max = logProbs[order[0]];
        double total = 0;
        for (int i = 0; i < k; i++) {
            // Subtract before dividing: at a tiny temperature each quotient alone overflows to -∞, and -∞ - -∞ is NaN.
            weights[i] = Math.exp((logProbs[order[i]] - max) / temperature);
            total += weights[i];
        }
        int keep = k;
        if (topP < 1) {
            double cumulative = 0;
            for (int i = 0; i < k; i++) {
                cumulative += weights[i] / total;
                if (cumulative >= topP) {
                    keep = i + 1;
                    break;
                }
            }
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) {
            kept += weights[i];
        }
        double u = random.nextDouble() * kept;
        for (int i = 0; i < keep; i++) {
            u -= weights[i];
            if (u <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }
}
