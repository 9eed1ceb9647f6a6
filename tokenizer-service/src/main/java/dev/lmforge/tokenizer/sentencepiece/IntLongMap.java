package dev.lmforge.tokenizer.sentencepiece;

/** Open-addressing map from int keys to long values (absent reads as 0). */
final class IntLongMap {
    private int[] keys;
    private long[] values;
    private boolean[] used;
    private int size;
    private int mask;

    IntLongMap() {
        this(16);
    }

    IntLongMap(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
        keys = new int[cap];
        values = new long[cap];
        used = new boolean[cap];
        mask = cap - 1;
    }

    private static int mix(int k) {
        int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    void add(int key, long delta) {
        int slot = mix(key) & mask;
        while (used[slot]) {
            if (keys[slot] == key) {
                values[slot] += delta;
                return;
            }
            slot = (slot + 1) & mask;
        }
        used[slot] = true;
        keys[slot] = key;
        values[slot] = delta;
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    long get(int key) {
        int slot = mix(key) & mask;
        while (used[slot]) {
            if (keys[slot] == key) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return 0;
    }

    int size() {
        return size;
    }

    int capacity() {
        return keys.length;
    }

    boolean usedAt(int slot) {
        return used[slot];
    }

    int keyAt(int slot) {
        return keys[slot];
    }

    long valueAt(int slot) {
        return values[slot];
    }

    private void grow() {
        int[] ok = keys;
        long[] ov = values;
        boolean[] ou = used;
        int cap = ok.length * 2;
        keys = new int[cap];
        values = new long[cap];
        used = new boolean[cap];
        mask = cap - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ou[i]) {
                add(ok[i], ov[i]);
            }
        }
    }
}
