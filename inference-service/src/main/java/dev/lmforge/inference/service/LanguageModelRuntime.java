package dev.lmforge.inference.service;

/**
 * A served language model as the serving logic sees it, whatever runs it (DJL's TensorFlow engine
 * here). Implementations are thread-safe, and the memory of a call is bounded whatever the length
 * of its sequences (it grows with their length only by what it returns).
 */
public interface LanguageModelRuntime extends AutoCloseable {

    int vocabSize();

    /**
     * For each sequence (right-padded to a common length), the log-probabilities of the token that
     * follows its last real token: [batch][vocab].
     */
    float[][] nextTokenLogProbs(int[][] ids, int[] lengths);

    /**
     * For each sequence, the log-probability of every token after the first given the tokens before
     * it: [batch][length - 1].
     */
    float[][] tokenLogProbs(int[][] ids, int[] lengths);

    /** The LSTM state after no input, for generation. */
    State initialState();

    /** One generation step: feeds one token, returns the next token's log-probabilities and the new state. */
    Step step(int tokenId, State state);

    /** The recurrent state between steps (opaque to callers). */
    interface State {
    }

    record Step(float[] logProbs, State state) {
    }

    @Override
    void close();
}
