package dev.lmforge.trainer.model;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Zaremba-style batches of a token stream: the {@code N - 1} next-token predictions of a stream of
 * {@code N} tokens are cut into {@code batchSize} contiguous parallel streams of near-equal length
 * (the first {@code (N - 1) mod batchSize} streams get one more), which are read {@code bptt} steps at
 * a time. Window {@code w} holds, for every stream {@code b} and step {@code t < bptt}, the input
 * token at {@code b * bptt + t} (row-major {@code [batchSize, bptt]}) and the token that follows it
 * as target. Every prediction of the stream is in exactly one window, so nothing is dropped: where
 * a stream is shorter than the last window, the input is 0 and the target is {@link #IGNORE}, which
 * the model leaves out of losses and gradients.
 *
 * <p>Memory: the token array (4 bytes a token) and one window's arrays, filled on demand.
 */
public final class TokenWindows implements Iterable<TokenWindows.Window> {

    /** Target of a padded position: ignored by training and evaluation. */
    public static final int IGNORE = -1;

    private final int[] tokens;
    private final int batchSize;
    private final int bptt;
    private final long[] starts;
    private final long[] lengths;
    private final int windowCount;
    private final long predictions;

    /** One window: inputs and targets row-major {@code [batchSize, bptt]}; targets {@link #IGNORE} where padded. */
    public record Window(int index, int[] inputs, int[] targets, int validTokens) {
    }

    public TokenWindows(int[] tokens, int batchSize, int bptt) {
        if (batchSize < 1 || bptt < 1) {
            throw new IllegalArgumentException("batchSize and bptt must be positive, got " + batchSize + " and " + bptt);
        }
        this.tokens = tokens;
        this.batchSize = batchSize;
        this.bptt = bptt;
        predictions = Math.max(0, tokens.length - 1);
        long q = predictions / batchSize;
        long r = predictions % batchSize;
        starts = new long[batchSize];
        lengths = new long[batchSize];
        for (int b = 0; b < batchSize; b++) {
            starts[b] = b * q + Math.min(b, r);
            lengths[b] = q + (b < r ? 1 : 0);
        }
        long windows = (lengths[0] + bptt - 1) / bptt;
        if (windows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many windows: " + windows);
        }
        windowCount = (int) windows;
    }

    public static TokenWindows of(int[] tokens, int batchSize, int bptt) {
        return new TokenWindows(tokens, batchSize, bptt);
    }

    public int batchSize() {
        return batchSize;
    }

    public int bptt() {
        return bptt;
    }

    public int windowCount() {
        return windowCount;
    }

    /** Next-token predictions over all windows ({@code N - 1} for a stream of N tokens). */
    public long predictions() {
        return predictions;
    }

    /** Reads window {@code index} into fresh arrays. */
    public Window window(int index) {
        return window(index, new int[batchSize * bptt], new int[batchSize * bptt]);
    }

    /** Reads window {@code index} into the given arrays (each {@code batchSize * bptt} long), reusing them. */
    public Window window(int index, int[] inputs, int[] targets) {
        if (index < 0 || index >= windowCount) {
            throw new IndexOutOfBoundsException("window " + index + " of " + windowCount);
        }
        if (inputs.length != batchSize * bptt || targets.length != batchSize * bptt) {
            throw new IllegalArgumentException("arrays must hold batchSize * bptt = " + batchSize * bptt + " tokens");
        }
        long t0 = (long) index * bptt;
        int valid = 0;
        for (int b = 0; b < batchSize; b++) {
            int m = (int) Math.max(0, Math.min(bptt, lengths[b] - t0));
            int row = b * bptt;
            if (m > 0) {
                int start = Math.toIntExact(starts[b] + t0);
                System.arraycopy(tokens, start, inputs, row, m);
                System.arraycopy(tokens, start + 1, targets, row, m);
            }
            for (int t = m; t < bptt; t++) {
                inputs[row + t] = 0;
                targets[row + t] = IGNORE;
            }
            valid += m;
        }
        return new Window(index, inputs, targets, valid);
    }

    /** Iterates the windows in order; each call to next() returns fresh arrays. */
    @Override
    public Iterator<Window> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < windowCount;
            }

            @Override
            public Window next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return window(next++);
            }
        };
    }
}
