package dev.lmforge.preprocess.service;

/**
 * An open-addressing set of longs (8 bytes an entry at half load), for remembering the fingerprints
 * of every line seen without keeping the lines. Zero is stored apart, as the empty-slot marker.
 */
final class LongHashSet {

    private long[] slots = new long[1 << 16];
    private int size;
    private boolean hasZero;

    /** Adds the value; returns false if it was already there. */
    boolean add(long value) {
        if (value == 0) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if (size * 2 >= slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        int i = (int) Hashing.fmix64(value) & mask;
        while (slots[i] != 0) {
            if (slots[i] == value) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = value;
        size++;
        return true;
    }

    int size() {
        return size + (hasZero ? 1 : 0);
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long v : old) {
            if (v != 0) {
                int i = (int) Hashing.fmix64(v) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = v;
            }
        }
    }
}
