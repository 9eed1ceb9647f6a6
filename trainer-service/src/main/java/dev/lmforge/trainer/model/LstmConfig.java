package dev.lmforge.trainer.model;

import java.util.Objects;

/**
 * Everything that shapes the graph and the optimisation of an {@link LstmLanguageModel}.
 *
 * <p>Conventions:
 * <ul>
 *   <li>The optimised objective is Zaremba's (and TensorFlow's PTB tutorial's): the cross-entropy of a
 *       {@code batchSize × bptt} window <em>summed over time and averaged over the batch</em>. So SGD
 *       with learning rate 1 and {@code maxGradNorm} 5 is exactly Zaremba's "small" recipe; a
 *       learning rate tuned for the per-token mean (PyTorch's word_language_model) must be divided
 *       by {@code bptt}. {@link LstmLanguageModel#trainStep} nevertheless <em>returns</em> the mean
 *       per token, for reporting.</li>
 *   <li>Dropout ({@code dropout} = probability of dropping) is applied as in Zaremba et al.: on the
 *       embeddings, between LSTM layers and on the last layer's output, never on the recurrent
 *       connections; 0 switches it off (Zaremba "small").</li>
 *   <li>All weights and biases start uniform in {@code [-initScale, initScale]}.</li>
 *   <li>{@code maxGradNorm} clips the global gradient norm (all parameters together); 0 = no clipping.</li>
 *   <li>{@code seed} fixes initialisation and dropout masks: two CPU runs with the same seed, data and
 *       learning rates give the same losses.</li>
 *   <li>{@code tieWeights} shares the embedding with the softmax weights (needs
 *       {@code embeddingDim == hiddenSize}); the softmax keeps its own bias.</li>
 *   <li>{@code numLayers} 0 is a neural bigram model: the (dropped-out) embedding of the previous
 *       token is the softmax input, so {@code hiddenSize} must equal {@code embeddingDim}; there is
 *       no recurrent state.</li>
 * </ul>
 * The compact constructor validates every field and throws {@link IllegalArgumentException} with a
 * message that names the field.
 */
public record LstmConfig(int vocabSize, int embeddingDim, int hiddenSize, int numLayers, float dropout, boolean tieWeights,
        float initScale, int batchSize, int bptt, Optimizer optimizer, float maxGradNorm, long seed, Device device) {

    public enum Optimizer { SGD, ADAM }

    public enum Device { CPU, GPU }

    public LstmConfig {
        require(vocabSize >= 2, "vocabSize must be at least 2, got " + vocabSize);
        require(embeddingDim >= 1, "embeddingDim must be positive, got " + embeddingDim);
        require(hiddenSize >= 1, "hiddenSize must be positive, got " + hiddenSize);
        require(numLayers >= 0, "numLayers must be at least 0, got " + numLayers);
        require(numLayers > 0 || hiddenSize == embeddingDim,
                "numLayers 0 (the embedding straight into the softmax) needs hiddenSize == embeddingDim, got hiddenSize " + hiddenSize
                        + " and embeddingDim " + embeddingDim);
        require(numLayers <= 64, "numLayers must be at most 64, got " + numLayers);
        require(Float.isFinite(dropout) && dropout >= 0f && dropout < 1f, "dropout must be in [0, 1), got " + dropout);
        require(!tieWeights || embeddingDim == hiddenSize,
                "tieWeights requires embeddingDim == hiddenSize (the softmax reuses the embedding matrix), got embeddingDim "
                        + embeddingDim + " and hiddenSize " + hiddenSize);
        require(Float.isFinite(initScale) && initScale > 0f, "initScale must be positive and finite, got " + initScale);
        require(batchSize >= 1, "batchSize must be positive, got " + batchSize);
        require(bptt >= 1, "bptt must be positive, got " + bptt);
        require(optimizer != null, "optimizer must be set (SGD or ADAM)");
        require(Float.isFinite(maxGradNorm) && maxGradNorm >= 0f, "maxGradNorm must be >= 0 (0 = no clipping), got " + maxGradNorm);
        require(device != null, "device must be set (CPU or GPU)");
        int inputs = Math.max(embeddingDim, hiddenSize) + hiddenSize;
        require((long) vocabSize * (Math.max(embeddingDim, hiddenSize) + 1) <= Integer.MAX_VALUE,
                "vocabSize × embeddingDim is too large for one tensor: " + vocabSize + " × " + embeddingDim);
        require((long) inputs * 4L * hiddenSize <= Integer.MAX_VALUE, "hiddenSize is too large: " + hiddenSize);
        require((long) batchSize * bptt <= 1 << 24, "batchSize × bptt is too large: " + batchSize + " × " + bptt);
        require((long) batchSize * bptt * vocabSize <= Integer.MAX_VALUE,
                "batchSize × bptt × vocabSize (the logits of one step) exceeds 2^31 elements: " + batchSize + " × " + bptt + " × " + vocabSize);
    }

    /** Zaremba et al. (2014) "small": 2 × 200, bptt 20, batch 20, no dropout, init 0.1, SGD lr 1, clip 5. */
    public static LstmConfig zarembaSmall(int vocabSize, long seed) {
        return new LstmConfig(vocabSize, 200, 200, 2, 0f, false, 0.1f, 20, 20, Optimizer.SGD, 5f, seed, Device.CPU);
    }

    /** Zaremba et al. (2014) "medium": 2 × 650, bptt 35, batch 20, dropout 0.5, init 0.05, SGD lr 1, clip 5. */
    public static LstmConfig zarembaMedium(int vocabSize, long seed) {
        return new LstmConfig(vocabSize, 650, 650, 2, 0.5f, false, 0.05f, 20, 35, Optimizer.SGD, 5f, seed, Device.CPU);
    }

    public LstmConfig withDevice(Device newDevice) {
        return new LstmConfig(vocabSize, embeddingDim, hiddenSize, numLayers, dropout, tieWeights, initScale, batchSize, bptt, optimizer,
                maxGradNorm, seed, newDevice);
    }

    public LstmConfig withSeed(long newSeed) {
        return new LstmConfig(vocabSize, embeddingDim, hiddenSize, numLayers, dropout, tieWeights, initScale, batchSize, bptt, optimizer,
                maxGradNorm, newSeed, device);
    }

    public LstmConfig withOptimizer(Optimizer newOptimizer) {
        return new LstmConfig(vocabSize, embeddingDim, hiddenSize, numLayers, dropout, tieWeights, initScale, batchSize, bptt,
                newOptimizer, maxGradNorm, seed, device);
    }

    /** Input width of LSTM layer {@code layer}. */
    int layerInput(int layer) {
        return layer == 0 ? embeddingDim : hiddenSize;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("Invalid LstmConfig: " + message);
        }
    }

    @Override
    public String toString() {
        return "LstmConfig[vocab " + vocabSize + ", emb " + embeddingDim + ", " + numLayers + " × " + hiddenSize + ", dropout " + dropout
                + (tieWeights ? ", tied" : "") + ", init ±" + initScale + ", batch " + batchSize + ", bptt " + bptt + ", "
                + Objects.toString(optimizer) + ", clip " + maxGradNorm + ", seed " + seed + ", " + device + "]";
    }
}
