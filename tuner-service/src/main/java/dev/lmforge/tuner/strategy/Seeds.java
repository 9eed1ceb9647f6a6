package dev.lmforge.tuner.strategy;

import java.util.SplittableRandom;

/** Derives independent, reproducible random streams from a seed and a few integers (SplitMix64). */
final class Seeds {

    private Seeds() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A stream for (seed, parts...): the same arguments always give the same numbers. */
    static SplittableRandom stream(long seed, long... parts) {
        long h = mix(seed + 0x9e3779b97f4a7c15L);
        for (long p : parts) {
            h = mix(h ^ (p + 0x9e3779b97f4a7c15L + (h << 6) + (h >>> 2)));
        }
        return new SplittableRandom(h);
    }
}
