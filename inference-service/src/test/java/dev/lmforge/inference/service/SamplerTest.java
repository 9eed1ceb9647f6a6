package dev.lmforge.inference.service;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampling by selection (no sort of the vocabulary) keeps each rule's distribution. */
class SamplerTest {

    private static final int DRAWS = 40_000;

    /** log 0.4, 0.25, 0.15, 0.1, 0.06, 0.04: probabilities that sum to one. */
    private static final float[] SIX = logs(0.4, 0.25, 0.15, 0.1, 0.06, 0.04);

    @Test
    void temperatureZeroIsGreedy() {
        assertEquals(0, new Sampler(0, 0, 1, 1).next(SIX));
        assertEquals(3, new Sampler(0, 0, 1, 1).next(logs(0.1, 0.2, 0.3, 0.4)));
    }

    @Test
    void plainSamplingFollowsTheDistribution() {
        assertFrequencies(new Sampler(1, 0, 1, 7), SIX, 0.4, 0.25, 0.15, 0.1, 0.06, 0.04);
    }

    @Test
    void topKRenormalisesOverTheKMostLikely() {
        assertFrequencies(new Sampler(1, 2, 1, 7), SIX, 0.4 / 0.65, 0.25 / 0.65, 0, 0, 0, 0);
    }

    @Test
    void topPKeepsTheFewestTokensThatReachIt() {
        // 0.4 + 0.25 = 0.65 < 0.7: the nucleus needs the third token.
        assertFrequencies(new Sampler(1, 0, 0.7, 7), SIX, 0.4 / 0.8, 0.25 / 0.8, 0.15 / 0.8, 0, 0, 0);
        // Within the top 4 (total 0.9), 0.5 of it is reached by the first token alone.
        assertFrequencies(new Sampler(1, 4, 0.4, 7), SIX, 1, 0, 0, 0, 0, 0);
    }

    @Test
    void temperatureSharpens() {
        // At temperature 0.5 the weights are the squared probabilities.
        float[] two = logs(0.75, 0.25);
        assertFrequencies(new Sampler(0.5, 0, 1, 3), two, 0.9, 0.1);
    }

    @Test
    void aLargeVocabularyWithTiesStaysInsideTheNucleus() {
        int vocab = 5000;
        float[] logProbs = new float[vocab];
        Arrays.fill(logProbs, (float) Math.log(0.5 / (vocab - 10)));
        for (int i = 0; i < 10; i++) {
            logProbs[100 * i + 7] = (float) Math.log(0.05); // ten tied favourites hold half the mass
        }
        Sampler sampler = new Sampler(1, 0, 0.45, 11);
        for (int n = 0; n < 2000; n++) {
            int token = sampler.next(logProbs);
            assertEquals(7, token % 100, "token " + token + " is outside the nucleus of the ten favourites");
            assertTrue(token < 1000);
        }
    }

    private static void assertFrequencies(Sampler sampler, float[] logProbs, double... expected) {
        int[] counts = new int[logProbs.length];
        for (int i = 0; i < DRAWS; i++) {
            counts[sampler.next(logProbs)]++;
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], counts[i] / (double) DRAWS, 0.015, "token " + i + " of " + Arrays.toString(counts));
        }
    }

    private static float[] logs(double... probabilities) {
        float[] out = new float[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.log(probabilities[i]);
        }
        return out;
    }
}
