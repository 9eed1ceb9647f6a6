package dev.lmforge.inference.service;

/**
 * The k largest of a vocabulary's scores in one pass over primitive arrays: a min-heap of k
 * candidates that most scores fail to enter with a single comparison. Predict and sampling run it
 * on every answer and every generated token, so it must cost little beside a model step.
 */
final class TopK {

    private TopK() {
    }

    /** The indices of the k largest values, largest first (ties: the lower index first). */
    static int[] indices(float[] values, int k) {
        int[] heap = new int[k]; // heap[0] is the smallest kept
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(values, heap, size++);
            } else if (before(values, i, heap[0])) {
                heap[0] = i;
                siftDown(values, heap, size, 0);
            }
        }
        int[] out = new int[size];
        for (int n = size; n > 0; n--) { // popping the smallest fills the answer from the back
            out[n - 1] = heap[0];
            heap[0] = heap[n - 1];
            siftDown(values, heap, n - 1, 0);
        }
        return out;
    }

    /** Whether index a ranks above index b: a larger value, or an equal one at a lower index. */
    private static boolean before(float[] values, int a, int b) {
        return values[a] > values[b] || (values[a] == values[b] && a < b);
    }

    private static void siftUp(float[] values, int[] heap, int at) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (!before(values, heap[parent], heap[at])) {
                return;
            }
            swap(heap, parent, at);
            at = parent;
        }
    }

    private static void siftDown(float[] values, int[] heap, int size, int at) {
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                return;
            }
            if (child + 1 < size && before(values, heap[child], heap[child + 1])) {
                child++;
            }
            if (!before(values, heap[at], heap[child])) {
                return;
            }
            swap(heap, at, child);
            at = child;
        }
    }

    private static void swap(int[] heap, int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
