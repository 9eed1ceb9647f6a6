package dev.lmforge.trainer.model;

import java.util.Arrays;

/** An open-addressing map from non-negative longs to ints, without boxing (n-gram keys to dense ids). */
final class LongIntMap {

    static final int MISSING = -1;
    private static final long EMPTY = -1L;

    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap() {
        keys = new long[16];
        Arrays.fill(keys, EMPTY);
        values = new int[16];
        mask = 15;
    }

    int size() {
        return size;
    }

    int get(long key) {
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                return MISSING;
            }
        }
    }

    /** The value of {@code key}; if absent, stores {@code value} and returns {@link #MISSING}. */
    int putIfAbsent(long key, int value) {
        if (key < 0) {
            throw new IllegalArgumentException("keys are non-negative, got " + key);
        }
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                keys[slot] = key;
                values[slot] = value;
                if (++size > keys.length / 2) {
                    grow();
                }
                return MISSING;
            }
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        values = new int[keys.length];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = slot(oldKeys[i]);
                while (keys[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }
}
