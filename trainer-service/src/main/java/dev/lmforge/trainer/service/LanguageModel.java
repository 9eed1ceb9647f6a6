package dev.lmforge.trainer.service;

import java.nio.file.Path;

/** The model as the training loop sees it; TensorFlow's LSTM in the service, a fake in unit tests. */
public interface LanguageModel extends AutoCloseable {

    /**
     * One truncated-BPTT step on a [batch × bptt] window; targets equal to {@link dev.lmforge.trainer.model.TokenWindows#IGNORE}
     * (the padding of a stream's last window) are left out. Returns the mean cross-entropy in nats per token.
     */
    float trainStep(int[] inputs, int[] targets, float learningRate);

    /** Starts the carried LSTM state afresh (at each epoch's start). */
    void resetTrainingState();

    /** Total cross-entropy in nats of a token stream, each token predicted from those before it. */
    double evaluateNats(int[] tokens);

    void saveCheckpoint(Path dir);

    void exportSavedModel(Path dir);

    long parameterCount();

    @Override
    void close();

    /** Builds models from hyperparameters. */
    interface Factory {
        LanguageModel create(Hyperparameters h, int vocabSize);

        LanguageModel restore(Hyperparameters h, int vocabSize, Path checkpoint);

        /** Estimated bytes of memory a model needs to train. */
        long estimateBytes(Hyperparameters h, int vocabSize);
    }
}
