package dev.lmforge.preprocess.text;

import dev.lmforge.api.v1.WordCount;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Counts lowercased words by a 64-bit fingerprint in open-addressing arrays: a lookup touches one
 * slot and allocates nothing, and a word's text is kept only once, when first seen. Exact up to
 * a bound on distinct words, so a huge corpus cannot exhaust the heap; past the bound new words are
 * no longer counted one by one and the vocabulary size comes from a HyperLogLog sketch (about 1 %
 * error) that sees every word. Frequent words appear early, so the top words stay right. Words are
 * counted by their whole text but kept cut to a bounded length, so a corpus of huge "words" can
 * neither fill the heap nor the statistics.
 */
public final class VocabularyCounter {

    private static final int HLL_BITS = 14;

    private final int maxExactTypes;
    private final int maxWordChars;
    private long[] keys = new long[1 << 16];
    private long[] counts = new long[1 << 16];
    private String[] words = new String[1 << 16];
    private int size;
    private boolean hasZeroKey;
    private long zeroKeyCount;
    private String zeroKeyWord;
    private final byte[] registers = new byte[1 << HLL_BITS];
    private boolean overflowed;

    public VocabularyCounter(int maxExactTypes, int maxWordChars) {
        if (maxWordChars < 2) {
            throw new IllegalArgumentException("the longest word kept must be at least 2 characters, got " + maxWordChars);
        }
        this.maxExactTypes = maxExactTypes;
        this.maxWordChars = maxWordChars;
    }

    /** Counts the word {@code text[start, end)}, lowercased. */
    public void add(String text, int start, int end) {
        long h = 0xcbf29ce484222325L;
        for (int i = start; i < end; i++) {
            h ^= Character.toLowerCase(text.charAt(i));
            h *= 0x100000001b3L;
        }
        long key = Hashing.fmix64(h);
        sketch(key);
        if (key == 0) {
            if (!hasZeroKey) {
                hasZeroKey = true;
                zeroKeyWord = lowercase(text, start, end);
            }
            zeroKeyCount++;
            return;
        }
        int mask = keys.length - 1;
        int i = (int) key & mask;
        while (keys[i] != 0) {
            if (keys[i] == key) {
                counts[i]++;
                return;
            }
            i = (i + 1) & mask;
        }
        if (size >= maxExactTypes) {
            overflowed = true;
            return;
        }
        keys[i] = key;
        counts[i] = 1;
        words[i] = lowercase(text, start, end);
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    /** The word lowercased; beyond {@code maxWordChars} cut, with "…" as its last character. */
    private String lowercase(String text, int start, int end) {
        int kept = end - start;
        boolean cut = kept > maxWordChars;
        if (cut) {
            kept = maxWordChars - 1;
            if (Character.isHighSurrogate(text.charAt(start + kept - 1))) {
                kept--;
            }
        }
        StringBuilder sb = new StringBuilder(kept + 1);
        for (int i = start; i < start + kept; i++) {
            sb.append(Character.toLowerCase(text.charAt(i)));
        }
        return cut ? sb.append('\u2026').toString() : sb.toString();
    }

    private void sketch(long key) {
        int register = (int) (key >>> (64 - HLL_BITS));
        byte rank = (byte) (Long.numberOfLeadingZeros((key << HLL_BITS) | (1L << (HLL_BITS - 1))) + 1);
        if (rank > registers[register]) {
            registers[register] = rank;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldCounts = counts;
        String[] oldWords = words;
        keys = new long[oldKeys.length * 2];
        counts = new long[oldKeys.length * 2];
        words = new String[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                int i = (int) oldKeys[j] & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                counts[i] = oldCounts[j];
                words[i] = oldWords[j];
            }
        }
    }

    public boolean estimated() {
        return overflowed;
    }

    public long size() {
        return overflowed ? hyperLogLogEstimate() : size + (hasZeroKey ? 1 : 0);
    }

    public List<WordCount> top(int k) {
        PriorityQueue<WordCount> heap = new PriorityQueue<>((a, b) -> a.getCount() != b.getCount()
                ? Long.compare(a.getCount(), b.getCount()) : b.getWord().compareTo(a.getWord()));
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0 && (heap.size() < k || counts[i] > heap.peek().getCount())) {
                heap.add(WordCount.newBuilder().setWord(words[i]).setCount(counts[i]).build());
                if (heap.size() > k) {
                    heap.poll();
                }
            }
        }
        if (hasZeroKey) {
            heap.add(WordCount.newBuilder().setWord(zeroKeyWord).setCount(zeroKeyCount).build());
            if (heap.size() > k) {
                heap.poll();
            }
        }
        List<WordCount> top = new ArrayList<>();
        while (!heap.isEmpty()) {
            top.add(0, heap.poll());
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
