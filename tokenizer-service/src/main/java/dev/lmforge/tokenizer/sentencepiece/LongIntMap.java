package dev.lmforge.tokenizer.sentencepiece;

import java.util.Arrays;

/** Open-addressing map from long keys to int values; {@link #MISSING} when absent. */
final class LongIntMap {
    static final int MISSING = Integer.MIN_VALUE;

    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, MISSING);
        mask = cap - 1;
    }

    private static int mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32) ^ (h >>> 17));
    }

    int get(long key) {
        int slot = mix(key) & mask;
        while (true) {
            int v = values[slot];
            if (v == MISSING) {
                return MISSING;
            }
            if (keys[slot] == key) {
                return v;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Stores the value (which must not be MISSING) under key, replacing any earlier one. */
    void put(long key, int value) {
        int slot = mix(key) & mask;
        while (true) {
            int v = values[slot];
            if (v == MISSING) {
                keys[slot] = key;
                values[slot] = value;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            if (keys[slot] == key) {
                values[slot] = value;
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        int cap = ok.length * 2;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, MISSING);
        mask = cap - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ov[i] != MISSING) {
                put(ok[i], ov[i]);
            }
        }
    }
}
