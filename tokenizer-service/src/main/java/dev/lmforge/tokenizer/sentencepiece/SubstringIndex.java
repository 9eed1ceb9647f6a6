package dev.lmforge.tokenizer.sentencepiece;

/**
 * The suffixes of all distinct words, sorted on their first {@code depth} characters: a suffix
 * array capped at the longest piece, which is all that seed extraction needs. A suffix ends at its
 * word's end or at the first unknown character, whichever comes first. Sorting is a three-way
 * radix quicksort (Bentley and Sedgewick's multikey quicksort).
 */
final class SubstringIndex {

    /** Suffix start positions in sorted order. */
    final int[] sa;
    /** lcp[i] = common prefix (capped at depth) of sa[i-1] and sa[i]; lcp[0] = 0. */
    final int[] lcp;
    /** limit[p]: where the suffix starting at p ends (exclusive). */
    final int[] limit;
    final int depth;
    private final int[] text;

    SubstringIndex(int[] text, int[] wordStart, int numWords, int unk, int depth) {
        this.text = text;
        this.depth = depth;
        int n = text.length;
        limit = new int[n];
        int count = 0;
        for (int w = 0; w < numWords; w++) {
            int end = wordStart[w + 1];
            int lim = end;
            for (int p = end - 1; p >= wordStart[w]; p--) {
                if (text[p] == unk) {
                    lim = p;
                } else {
                    count++;
                }
                limit[p] = lim;
            }
        }
        sa = new int[count];
        int k = 0;
        for (int p = 0; p < n; p++) {
            if (text[p] != unk) {
                sa[k++] = p;
            }
        }
        sort(0, count, 0);
        lcp = new int[count + 1];
        for (int i = 1; i < count; i++) {
            int a = sa[i - 1];
            int b = sa[i];
            int la = Math.min(limit[a] - a, depth);
            int lb = Math.min(limit[b] - b, depth);
            int m = Math.min(la, lb);
            int l = 0;
            while (l < m && text[a + l] == text[b + l]) {
                l++;
            }
            lcp[i] = l;
        }
    }

    private int key(int pos, int d) {
        int q = pos + d;
        return q < limit[pos] ? text[q] + 1 : 0;
    }

    private void sort(int lo, int hi, int d) {
        while (hi - lo > 1) {
            if (d >= depth) {
                return;
            }
            if (hi - lo < 16) {
                insertion(lo, hi, d);
                return;
            }
            // median of three pivot
            int m = (lo + hi) >>> 1;
            int a = key(sa[lo], d);
            int b = key(sa[m], d);
            int c = key(sa[hi - 1], d);
            int v = a < b ? (b < c ? b : Math.max(a, c)) : (a < c ? a : Math.max(b, c));
            int lt = lo;
            int gt = hi - 1;
            int i = lo;
            while (i <= gt) {
                int k = key(sa[i], d);
                if (k < v) {
                    swap(lt++, i++);
                } else if (k > v) {
                    swap(i, gt--);
                } else {
                    i++;
                }
            }
            // [lo, lt) < v, [lt, gt] == v, (gt, hi) > v
            if (lt - lo > hi - gt - 1) {
                sort(gt + 1, hi, d);
                if (v != 0) {
                    sort(lt, gt + 1, d + 1);
                }
                hi = lt;
            } else {
                sort(lo, lt, d);
                if (v != 0) {
                    sort(lt, gt + 1, d + 1);
                }
                lo = gt + 1;
            }
        }
    }

    private void insertion(int lo, int hi, int d) {
        for (int i = lo + 1; i < hi; i++) {
            int x = sa[i];
            int j = i;
            while (j > lo && less(x, sa[j - 1], d)) {
                sa[j] = sa[j - 1];
                j--;
            }
            sa[j] = x;
        }
    }

    private boolean less(int a, int b, int d) {
        for (int k = d; k < depth; k++) {
            int x = key(a, k);
            int y = key(b, k);
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
        int t = sa[i];
        sa[i] = sa[j];
        sa[j] = t;
    }
}
