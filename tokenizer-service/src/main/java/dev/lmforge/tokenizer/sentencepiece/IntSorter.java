package dev.lmforge.tokenizer.sentencepiece;

/** Stable merge sort of an int array under a comparator on the ints (no boxing). */
final class IntSorter {

    interface IntComparator {
        int compare(int a, int b);
    }

    private IntSorter() {
    }

    static void sort(int[] a, IntComparator cmp) {
        if (a.length < 2) {
            return;
        }
        int[] tmp = new int[a.length];
        sort(a, tmp, 0, a.length, cmp);
    }

    private static void sort(int[] a, int[] tmp, int lo, int hi, IntComparator cmp) {
        if (hi - lo <= 24) {
            for (int i = lo + 1; i < hi; i++) {
                int x = a[i];
                int j = i;
                while (j > lo && cmp.compare(x, a[j - 1]) < 0) {
                    a[j] = a[j - 1];
                    j--;
                }
                a[j] = x;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        sort(a, tmp, lo, mid, cmp);
        sort(a, tmp, mid, hi, cmp);
        if (cmp.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (j >= hi || (i < mid && cmp.compare(tmp[i], tmp[j]) <= 0)) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }
}
