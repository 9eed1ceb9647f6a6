package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.StudyBudget;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a study spends: the model every comparison shares, how many seeds repeat it, and the tuning
 * job's size. Small fits about 20 minutes on 2 CPU cores for a corpus of a few hundred thousand
 * words; medium and large are sized for GPU trainers.
 */
public record Budget(String name, int maxVocabulary, int embeddingDim, int hiddenSize, int epochs, double dropout,
        double learningRate, int seeds, int tuningTrials, int tuningParallel, int tuningEpochs, int minHidden, int maxHidden) {

    static final Budget SMALL = new Budget("small", 5000, 64, 128, 3, 0.0, 0.003, 2, 6, 2, 1, 32, 256);
    static final Budget MEDIUM = new Budget("medium", 10000, 256, 256, 6, 0.3, 0.002, 3, 16, 4, 3, 128, 650);
    static final Budget LARGE = new Budget("large", 32000, 650, 650, 12, 0.5, 0.001, 3, 30, 4, 4, 256, 1500);

    public static Budget of(StudyBudget budget) {
        return switch (budget) {
            case STUDY_BUDGET_MEDIUM -> MEDIUM;
            case STUDY_BUDGET_LARGE -> LARGE;
            default -> SMALL;
        };
    }

    /** The hyperparameters of the shared model: a 2-layer LSTM trained with Adam. */
    Map<String, String> lstm(long seed) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("embedding_dim", Integer.toString(embeddingDim));
        h.put("hidden_size", Integer.toString(hiddenSize));
        h.put("num_layers", "2");
        h.put("epochs", Integer.toString(epochs));
        h.put("batch_size", "32");
        h.put("bptt", "20");
        h.put("optimizer", "adam");
        h.put("learning_rate", Double.toString(learningRate));
        h.put("dropout", Double.toString(dropout));
        h.put("seed", Long.toString(seed));
        return h;
    }

    /**
     * The vocabulary every tokenizer gets (so models of each tokenization have the same size): a
     * third of the corpus's distinct words, in hundreds, at least 500 and at most the budget's.
     */
    int vocabulary(long corpusVocabulary) {
        long third = Math.round(corpusVocabulary / 300.0) * 100;
        return (int) Math.max(500, Math.min(maxVocabulary, third));
    }
}
