package dev.lmforge.inference.service;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The one-pass heap gives what sorting the whole vocabulary gives, ties included. */
class TopKTest {

    @Test
    void agreesWithAFullSort() {
        Random random = new Random(3);
        for (int run = 0; run < 200; run++) {
            int n = 1 + random.nextInt(300);
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(20) - 10f; // many ties
            }
            int k = 1 + random.nextInt(n);
            int[] sorted = IntStream.range(0, n).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -values[i]).thenComparingInt(i -> i))
                    .mapToInt(Integer::intValue).limit(k).toArray();
            assertArrayEquals(sorted, TopK.indices(values, k), "run " + run);
        }
    }
}
