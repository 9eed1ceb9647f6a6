package dev.lmforge.tokenizer.sentencepiece;

/**
 * The suffixes of all distinct words, sorted on their first {@code depth} characters: a suffix
 * array capped at the longest piece, which is all that seed extraction needs. A suffix ends at its
 * word's end or at the first unknown character, whichever comes first.
 *
 * <p>Sorting is a three-way radix quicksort (Bentley and Sedgewick's multikey quicksort) over a copy
 * of the text in which every word ends with a 0 terminator and unknown characters are 0 too, so a
 * key is one array read; each partitioning step first gathers the keys of its range into an array
 * that moves along with the suffixes, so the text is read once per suffix and level.
 */
final class SubstringIndex {

    /** Suffix start positions (in the corpus text) in sorted order. */
    final int[] sa;
    /** lcp[i] = common prefix (capped at depth) of sa[i-1] and sa[i]; lcp[0] = 0. */
    final int[] lcp;
    /** length[i]: how far the suffix sa[i] runs (to its word's end or first unknown character). */
    final int[] length;
    /** Whether suffix sa[i] runs to its word's end (rather than stopping at an unknown character). */
    final boolean[] toWordEnd;
    /** word[i]: the word that suffix sa[i] belongs to. */
    final int[] word;
    final int depth;

    private final int[] stext;
    private final int[] s; // suffix positions in stext
    private int[] keys;

    SubstringIndex(int[] text, int[] wordStart, int numWords, int unk, int depth) {
        this.depth = depth;
        int n = text.length;
        stext = new int[n + numWords + 1];
        int count = 0;
        for (int w = 0, q = 0; w < numWords; w++) {
            for (int p = wordStart[w]; p < wordStart[w + 1]; p++) {
                int c = text[p];
                if (c != unk) {
                    count++;
                    stext[q++] = c + 1;
                } else {
                    stext[q++] = 0;
                }
            }
            stext[q++] = 0;
        }
        s = new int[count];
        int k = 0;
        for (int w = 0, q = 0; w < numWords; w++) {
            for (int p = wordStart[w]; p < wordStart[w + 1]; p++, q++) {
                if (stext[q] != 0) {
                    s[k++] = q;
                }
            }
            q++;
        }
        keys = new int[count];
        sort(0, count, 0, false);
        keys = null;

        sa = new int[count];
        lcp = new int[count + 1];
        length = new int[count];
        toWordEnd = new boolean[count];
        word = new int[count];
        // stext position -> word and text position
        int[] qWord = new int[stext.length];
        int[] qEnd = new int[numWords];
        for (int w = 0, q = 0; w < numWords; w++) {
            int len = wordStart[w + 1] - wordStart[w];
            java.util.Arrays.fill(qWord, q, q + len + 1, w);
            q += len + 1;
            qEnd[w] = q - 1; // the terminator
        }
        for (int i = 0; i < count; i++) {
            int q = s[i];
            int w = qWord[q];
            word[i] = w;
            sa[i] = wordStart[w] + (q - (qEnd[w] - (wordStart[w + 1] - wordStart[w])));
            int len = 0;
            while (stext[q + len] != 0) {
                len++;
            }
            length[i] = len;
            toWordEnd[i] = q + len == qEnd[w];
        }
        for (int i = 1; i < count; i++) {
            int a = s[i - 1];
            int b = s[i];
            int m = Math.min(Math.min(length[i - 1], length[i]), depth);
            int l = 0;
            while (l < m && stext[a + l] == stext[b + l]) {
                l++;
            }
            lcp[i] = l;
        }
    }

    /** Sorts s[lo, hi) on characters d.. ; keysReady: keys[lo, hi) already hold the characters at d. */
    private void sort(int lo, int hi, int d, boolean keysReady) {
        while (hi - lo > 1 && d < depth) {
            if (hi - lo < 20) {
                insertion(lo, hi, d);
                return;
            }
            int[] k = keys;
            if (!keysReady) {
                int[] t = stext;
                for (int i = lo; i < hi; i++) {
                    k[i] = t[s[i] + d];
                }
                keysReady = true;
            }
            int m = (lo + hi) >>> 1;
            int a = k[lo];
            int b = k[m];
            int c = k[hi - 1];
            int v = a < b ? (b < c ? b : Math.max(a, c)) : (a < c ? a : Math.max(b, c));
            int lt = lo;
            int gt = hi - 1;
            int i = lo;
            while (i <= gt) {
                int x = k[i];
                if (x < v) {
                    swap(lt++, i++);
                } else if (x > v) {
                    swap(i, gt--);
                } else {
                    i++;
                }
            }
            // [lo, lt) < v, [lt, gt] == v, (gt, hi) > v
            boolean deeper = v != 0;
            if (lt - lo > hi - gt - 1) {
                sort(gt + 1, hi, d, true);
                if (deeper) {
                    sort(lt, gt + 1, d + 1, false);
                }
                hi = lt;
            } else {
                sort(lo, lt, d, true);
                if (deeper) {
                    sort(lt, gt + 1, d + 1, false);
                }
                lo = gt + 1;
            }
        }
    }

    private void insertion(int lo, int hi, int d) {
        for (int i = lo + 1; i < hi; i++) {
            int x = s[i];
            int j = i;
            while (j > lo && less(x, s[j - 1], d)) {
                s[j] = s[j - 1];
                j--;
            }
            s[j] = x;
        }
    }

    private boolean less(int a, int b, int d) {
        int[] t = stext;
        for (int k = d; k < depth; k++) {
            int x = t[a + k];
            int y = t[b + k];
            if (x != y) {
                return x < y;
            }
            if (x == 0) {
                return false;
            }
        }
        return false;
    }

    private void swap(int i, int j) {
        int t = s[i];
        s[i] = s[j];
        s[j] = t;
        int[] k = keys;
        int u = k[i];
        k[i] = k[j];
        k[j] = u;
    }
}
