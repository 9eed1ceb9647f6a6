package dev.lmforge.trainer.service;

/**
 * Zaremba-style batches of a token stream: the stream is cut into {@code batch} contiguous parallel
 * streams, read {@code bptt} tokens at a time, so the LSTM state of each stream carries from one
 * window to the next. Windows are addressed by step, which makes resuming mid-epoch exact.
 */
final class TokenBatches {

    private final int[] tokens;
    private final int batch;
    private final int bptt;
    private final int streamLength;

    TokenBatches(int[] tokens, int batch, int bptt) {
        this.tokens = tokens;
        this.batch = batch;
        this.bptt = bptt;
        this.streamLength = (tokens.length - 1) / batch;
    }

    /** Full windows per epoch; a stream's tail shorter than bptt is left out. */
    long steps() {
        return streamLength / bptt;
    }

    long tokensPerStep() {
        return (long) batch * bptt;
    }

    /** Fills row-major [batch × bptt] inputs and their next-token targets for one step. */
    void fill(long step, int[] inputs, int[] targets) {
        for (int b = 0; b < batch; b++) {
            int base = b * streamLength + (int) step * bptt;
            System.arraycopy(tokens, base, inputs, b * bptt, bptt);
            System.arraycopy(tokens, base + 1, targets, b * bptt, bptt);
        }
    }
}
