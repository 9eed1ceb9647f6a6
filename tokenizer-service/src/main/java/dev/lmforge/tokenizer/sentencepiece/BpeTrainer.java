package dev.lmforge.tokenizer.sentencepiece;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Byte-pair-encoding training as SentencePiece's BPE trainer does it: starting from characters,
 * repeatedly merge the most frequent adjacent pair of symbols inside words, until the vocabulary is
 * full.
 *
 * <p>Conventions copied from spm_train (so pieces and their order match it): a pair's frequency
 * counts non-overlapping occurrences (in "aaa" the pair "aa" occurs once); ties go to the shorter
 * piece, then to the smaller string; a pair whose piece would be invalid (too long, mixing scripts,
 * containing an unknown character, or with U+2581 inside) is never formed; a pair whose piece
 * another pair already produced is dropped without merging.
 *
 * <p>Speed: pair counts are updated incrementally. Each pair keeps the list of words it occurs in,
 * so a merge only rewrites the words that contain it; the best pair comes from a lazy max-heap
 * (entries whose count went stale are re-inserted with the current count when they surface).
 */
final class BpeTrainer {

    private static final int INVALID = -1;

    private final TrainingCorpus corpus;
    private final int maxLen;

    // words, rewritten in place as merges happen
    private final int[] sym;
    private final int[] wordStart;
    private final int[] wordLen;
    private final long[] wordFreq;
    private final int[] wordStamp;

    // symbols: characters first, then merged symbols
    private int numSymbols;
    private int[] symLen;
    private int[] symFirst;
    private int[] symLast;
    private boolean[] symWs;
    private int[][] symChars;

    // pairs
    private static final int MISSING = Integer.MIN_VALUE;
    /** The pair id of (a, b), by ((long) a << 32) | b; {@link #MISSING} when absent. */
    private final Long2IntOpenHashMap pairIndex;
    private int numPairs;
    private long[] pairCount;
    private int[] pairLeft;
    private int[] pairRight;
    private int[][] pairWords;
    private int[] pairWordsLen;
    private boolean[] pairDead;
    private int[] pairStamp;

    // lazy max-heap of (count, pair)
    private long[] heapCount = new long[1024];
    private int[] heapPair = new int[1024];
    private int heapSize;

    private int[] touched = new int[256];
    private int numTouched;
    private int stamp;

    BpeTrainer(TrainingCorpus corpus, int maxPieceLength) {
        this.corpus = corpus;
        this.maxLen = maxPieceLength;
        this.sym = corpus.text.clone();
        int n = corpus.numWords;
        this.wordStart = Arrays.copyOf(corpus.wordStart, n);
        this.wordLen = new int[n];
        for (int w = 0; w < n; w++) {
            wordLen[w] = corpus.wordLength(w);
        }
        this.wordFreq = corpus.wordFreq;
        this.wordStamp = new int[n];

        int c = corpus.numChars + 1; // + unknown
        int cap = Math.max(64, c * 2);
        symLen = new int[cap];
        symFirst = new int[cap];
        symLast = new int[cap];
        symWs = new boolean[cap];
        symChars = new int[cap][];
        for (int i = 0; i < c; i++) {
            symLen[i] = 1;
            int s = corpus.charScript[i];
            if (s == Scripts.INHERITED) {
                s = Scripts.ANY;
            }
            symFirst[i] = s;
            symLast[i] = s;
            symWs[i] = i < corpus.numChars && corpus.charCodePoint[i] == Scripts.WS;
            symChars[i] = new int[] {i};
        }
        numSymbols = c;

        pairIndex = new Long2IntOpenHashMap(1 << 16);
        pairIndex.defaultReturnValue(MISSING);
        pairCount = new long[1 << 12];
        pairLeft = new int[1 << 12];
        pairRight = new int[1 << 12];
        pairWords = new int[1 << 12][];
        pairWordsLen = new int[1 << 12];
        pairDead = new boolean[1 << 12];
        pairStamp = new int[1 << 12];
    }

    /** The result: learned pieces in merge order (each a sequence of character ids). */
    record Result(List<int[]> merges, boolean exhausted) {
    }

    Result train(int wantedMerges) {
        for (int w = 0; w < corpus.numWords; w++) {
            countWord(w, wordFreq[w], true, -2);
        }
        for (int p = 0; p < numPairs; p++) {
            if (pairCount[p] > 0) {
                heapPush(pairCount[p], p);
            }
        }
        List<int[]> merges = new ArrayList<>(Math.max(0, wantedMerges));
        Set<String> emitted = new HashSet<>();
        while (merges.size() < wantedMerges) {
            if ((merges.size() & 255) == 0 && Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("BPE training interrupted");
            }
            int best = popBest();
            if (best < 0) {
                return new Result(merges, true);
            }
            int a = pairLeft[best];
            int b = pairRight[best];
            int[] chars = concat(symChars[a], symChars[b]);
            if (!emitted.add(key(chars))) {
                pairDead[best] = true; // same string as an earlier merge: spm drops it
                continue;
            }
            merges.add(chars);
            int c = newSymbol(a, b, chars);
            merge(best, a, b, c);
        }
        return new Result(merges, false);
    }

    private static String key(int[] chars) {
        StringBuilder sb = new StringBuilder(chars.length);
        for (int ch : chars) {
            sb.append((char) ch).append((char) (ch >>> 16));
        }
        return sb.toString();
    }

    private static int[] concat(int[] x, int[] y) {
        int[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    private int newSymbol(int a, int b, int[] chars) {
        if (numSymbols == symLen.length) {
            int cap = symLen.length * 2;
            symLen = Arrays.copyOf(symLen, cap);
            symFirst = Arrays.copyOf(symFirst, cap);
            symLast = Arrays.copyOf(symLast, cap);
            symWs = Arrays.copyOf(symWs, cap);
            symChars = Arrays.copyOf(symChars, cap);
        }
        int c = numSymbols++;
        symLen[c] = chars.length;
        symFirst[c] = symFirst[a] != Scripts.ANY ? symFirst[a] : symFirst[b];
        symLast[c] = symLast[b] != Scripts.ANY ? symLast[b] : symLast[a];
        symWs[c] = symWs[a];
        symChars[c] = chars;
        return c;
    }

    private boolean validMerge(int a, int b) {
        int unk = corpus.unk;
        return a != unk && b != unk
                && symLen[a] + symLen[b] <= maxLen
                && !symWs[b]
                && Scripts.compatible(symLast[a], symFirst[b]);
    }

    /** The pair id of (a, b), creating it if asked; INVALID for a pair that may never merge. */
    private int pair(int a, int b, boolean create) {
        long key = ((long) a << 32) | (b & 0xffffffffL);
        int p = pairIndex.get(key);
        if (p != MISSING) {
            return p;
        }
        if (!create) {
            return INVALID;
        }
        if (!validMerge(a, b)) {
            pairIndex.put(key, INVALID);
            return INVALID;
        }
        if (numPairs == pairCount.length) {
            int cap = pairCount.length * 2;
            pairCount = Arrays.copyOf(pairCount, cap);
            pairLeft = Arrays.copyOf(pairLeft, cap);
            pairRight = Arrays.copyOf(pairRight, cap);
            pairWords = Arrays.copyOf(pairWords, cap);
            pairWordsLen = Arrays.copyOf(pairWordsLen, cap);
            pairDead = Arrays.copyOf(pairDead, cap);
            pairStamp = Arrays.copyOf(pairStamp, cap);
        }
        p = numPairs++;
        pairLeft[p] = a;
        pairRight[p] = b;
        pairWords[p] = new int[4];
        pairIndex.put(key, p);
        return p;
    }

    /**
     * Adds delta to the count of every pair of word w (non-overlapping occurrences). With
     * newSym >= 0 (after a merge), pairs that contain newSym record w as one of their words and are
     * remembered as touched; newSym == -2 records w for every pair (initial count).
     */
    private void countWord(int w, long delta, boolean create, int newSym) {
        int s = wordStart[w];
        int e = s + wordLen[w];
        int prevPair = INVALID;
        boolean prevCounted = false;
        for (int i = s; i + 1 < e; i++) {
            int a = sym[i];
            int b = sym[i + 1];
            int p = pair(a, b, create);
            if (p < 0) {
                prevPair = INVALID;
                prevCounted = false;
                continue;
            }
            if (p == prevPair && prevCounted) {
                prevCounted = false;
                continue;
            }
            pairCount[p] += delta;
            prevPair = p;
            prevCounted = true;
            if (newSym == -2 || (newSym >= 0 && (a == newSym || b == newSym))) {
                addWord(p, w);
                if (newSym >= 0 && pairStamp[p] != stamp) {
                    pairStamp[p] = stamp;
                    if (numTouched == touched.length) {
                        touched = Arrays.copyOf(touched, numTouched * 2);
                    }
                    touched[numTouched++] = p;
                }
            }
        }
    }

    private void addWord(int p, int w) {
        int n = pairWordsLen[p];
        int[] list = pairWords[p];
        if (n > 0 && list[n - 1] == w) {
            return;
        }
        if (n == list.length) {
            list = Arrays.copyOf(list, n * 2);
            pairWords[p] = list;
        }
        list[n] = w;
        pairWordsLen[p] = n + 1;
    }

    private void merge(int p, int a, int b, int c) {
        stamp++;
        numTouched = 0;
        int[] words = pairWords[p];
        int n = pairWordsLen[p];
        for (int k = 0; k < n; k++) {
            int w = words[k];
            if (wordStamp[w] == stamp) {
                continue;
            }
            wordStamp[w] = stamp;
            int s = wordStart[w];
            int e = s + wordLen[w];
            boolean found = false;
            for (int i = s; i + 1 < e; i++) {
                if (sym[i] == a && sym[i + 1] == b) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                continue;
            }
            long f = wordFreq[w];
            countWord(w, -f, false, -1);
            int out = s;
            for (int i = s; i < e; i++) {
                if (i + 1 < e && sym[i] == a && sym[i + 1] == b) {
                    sym[out++] = c;
                    i++;
                } else {
                    sym[out++] = sym[i];
                }
            }
            wordLen[w] = out - s;
            countWord(w, f, true, c);
        }
        pairDead[p] = true;
        pairWords[p] = null;
        pairWordsLen[p] = 0;
        for (int i = 0; i < numTouched; i++) {
            int q = touched[i];
            if (pairCount[q] > 0 && !pairDead[q]) {
                heapPush(pairCount[q], q);
            }
        }
    }

    // ---- lazy max-heap ------------------------------------------------------------------------

    /** Pops the best live pair with an up-to-date count, or -1 when none is left. */
    private int popBest() {
        while (heapSize > 0) {
            long cnt = heapCount[0];
            int p = heapPair[0];
            heapRemoveTop();
            if (pairDead[p] || pairCount[p] <= 0) {
                continue;
            }
            if (pairCount[p] != cnt) {
                heapPush(pairCount[p], p);
                continue;
            }
            return p;
        }
        return -1;
    }

    /** Whether entry (c1, p1) ranks above (c2, p2): count, then shorter piece, then smaller string. */
    private boolean above(long c1, int p1, long c2, int p2) {
        if (c1 != c2) {
            return c1 > c2;
        }
        if (p1 == p2) {
            return false;
        }
        int l1 = symLen[pairLeft[p1]] + symLen[pairRight[p1]];
        int l2 = symLen[pairLeft[p2]] + symLen[pairRight[p2]];
        if (l1 != l2) {
            return l1 < l2;
        }
        int cmp = compareChars(p1, p2);
        return cmp != 0 ? cmp < 0 : p1 < p2;
    }

    private int compareChars(int p1, int p2) {
        int[] a1 = symChars[pairLeft[p1]];
        int[] b1 = symChars[pairRight[p1]];
        int[] a2 = symChars[pairLeft[p2]];
        int[] b2 = symChars[pairRight[p2]];
        int n = a1.length + b1.length;
        int[] cps = corpus.charCodePoint;
        for (int i = 0; i < n; i++) {
            int x = i < a1.length ? a1[i] : b1[i - a1.length];
            int y = i < a2.length ? a2[i] : b2[i - a2.length];
            if (x != y) {
                return Integer.compare(cps[x], cps[y]);
            }
        }
        return 0;
    }

    private void heapPush(long cnt, int p) {
        if (heapSize == heapCount.length) {
            heapCount = Arrays.copyOf(heapCount, heapSize * 2);
            heapPair = Arrays.copyOf(heapPair, heapSize * 2);
        }
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!above(cnt, p, heapCount[parent], heapPair[parent])) {
                break;
            }
            heapCount[i] = heapCount[parent];
            heapPair[i] = heapPair[parent];
            i = parent;
        }
        heapCount[i] = cnt;
        heapPair[i] = p;
    }

    private void heapRemoveTop() {
        int last = --heapSize;
        if (last == 0) {
            return;
        }
        long cnt = heapCount[last];
        int p = heapPair[last];
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= last) {
                break;
            }
            int r = l + 1;
            int child = (r < last && above(heapCount[r], heapPair[r], heapCount[l], heapPair[l])) ? r : l;
            if (!above(heapCount[child], heapPair[child], cnt, p)) {
                break;
            }
            heapCount[i] = heapCount[child];
            heapPair[i] = heapPair[child];
            i = child;
        }
        heapCount[i] = cnt;
        heapPair[i] = p;
    }
}
