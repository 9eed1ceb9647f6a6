package dev.lmforge.preprocess.text;

/** A fast 64-bit string hash with good avalanche (FNV-1a, then MurmurHash3's fmix64 finaliser). */
public final class Hashing {

    private Hashing() {
    }

    public static long hash64(CharSequence s, long seed) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return fmix64(h);
    }

    public static long combine(long h, CharSequence s) {
        return hash64(s, h);
    }

    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** Maps a hash to [0, 1) uniformly. */
    public static double unit(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }
}
