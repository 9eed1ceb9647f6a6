package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.WordCount;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Counts lowercased words exactly up to a bound on distinct words, so a huge corpus cannot exhaust
 * the heap; past the bound new words are no longer counted one by one and the vocabulary size comes
 * from a HyperLogLog sketch (about 1 % error) that sees every word. Frequent words appear early, so
 * the top words stay right.
 */
final class VocabularyCounter {

    private static final int HLL_BITS = 14;

    private final int maxExactTypes;
    private final Map<String, long[]> counts = new HashMap<>();
    private final byte[] registers = new byte[1 << HLL_BITS];
    private boolean overflowed;

    VocabularyCounter(int maxExactTypes) {
        this.maxExactTypes = maxExactTypes;
    }

    void add(String lowercasedWord) {
        long[] c = counts.get(lowercasedWord);
        if (c != null) {
            c[0]++;
        } else if (counts.size() < maxExactTypes) {
            counts.put(lowercasedWord, new long[] {1});
        } else {
            overflowed = true;
        }
        long h = Hashing.hash64(lowercasedWord, 0x5eed);
        int register = (int) (h >>> (64 - HLL_BITS));
        byte rank = (byte) (Long.numberOfLeadingZeros((h << HLL_BITS) | (1L << (HLL_BITS - 1))) + 1);
        if (rank > registers[register]) {
            registers[register] = rank;
        }
    }

    boolean estimated() {
        return overflowed;
    }

    long size() {
        return overflowed ? hyperLogLogEstimate() : counts.size();
    }

    List<WordCount> top(int k) {
        PriorityQueue<Map.Entry<String, long[]>> heap = new PriorityQueue<>(
                (a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(a.getValue()[0], b.getValue()[0]) : b.getKey().compareTo(a.getKey()));
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            heap.add(e);
            if (heap.size() > k) {
                heap.poll();
            }
        }
        List<WordCount> top = new ArrayList<>();
        while (!heap.isEmpty()) {
            var e = heap.poll();
            top.add(0, WordCount.newBuilder().setWord(e.getKey()).setCount(e.getValue()[0]).build());
        }
        return top;
    }

    private long hyperLogLogEstimate() {
        int m = registers.length;
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += Math.scalb(1.0, -r);
            if (r == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / m);
        double estimate = alpha * m * m / sum;
        if (estimate <= 2.5 * m && zeros > 0) {
            estimate = m * Math.log((double) m / zeros);
        }
        return Math.round(estimate);
    }
}
