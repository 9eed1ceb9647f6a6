package dev.lmforge.trainer.model;

import dev.lmforge.trainer.model.LstmConfig.Device;
import dev.lmforge.trainer.model.LstmConfig.Optimizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LstmConfigTest {

    private static LstmConfig config(int vocab, int emb, int hidden, int layers, float dropout, boolean tie, float init, int batch, int bptt,
            Optimizer optimizer, float clip, Device device) {
        return new LstmConfig(vocab, emb, hidden, layers, dropout, tie, init, batch, bptt, optimizer, clip, 1, device);
    }

    private static void assertInvalid(String expectedFragment, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(e.getMessage().contains(expectedFragment), () -> "message '" + e.getMessage() + "' should mention '" + expectedFragment + "'");
    }

    @Test
    void tiedWeightsNeedEqualEmbeddingAndHiddenSizes() {
        assertInvalid("tieWeights requires embeddingDim == hiddenSize",
                () -> config(100, 128, 200, 2, 0f, true, 0.1f, 20, 20, Optimizer.SGD, 5f, Device.CPU));
        assertEquals(200, config(100, 200, 200, 2, 0f, true, 0.1f, 20, 20, Optimizer.SGD, 5f, Device.CPU).hiddenSize());
    }

    @Test
    void rejectsOutOfRangeFields() {
        assertInvalid("vocabSize", () -> config(1, 8, 8, 1, 0f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("embeddingDim", () -> config(10, 0, 8, 1, 0f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("hiddenSize", () -> config(10, 8, -3, 1, 0f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("numLayers", () -> config(10, 8, 8, -1, 0f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("numLayers 0", () -> config(10, 8, 16, 0, 0f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertEquals(0, config(10, 8, 8, 0, 0f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU).numLayers());
        assertInvalid("dropout", () -> config(10, 8, 8, 1, 1f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("dropout", () -> config(10, 8, 8, 1, -0.1f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("dropout", () -> config(10, 8, 8, 1, Float.NaN, false, 0.1f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("initScale", () -> config(10, 8, 8, 1, 0f, false, 0f, 2, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("batchSize", () -> config(10, 8, 8, 1, 0f, false, 0.1f, 0, 2, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("bptt", () -> config(10, 8, 8, 1, 0f, false, 0.1f, 2, 0, Optimizer.SGD, 5f, Device.CPU));
        assertInvalid("optimizer", () -> config(10, 8, 8, 1, 0f, false, 0.1f, 2, 2, null, 5f, Device.CPU));
        assertInvalid("maxGradNorm", () -> config(10, 8, 8, 1, 0f, false, 0.1f, 2, 2, Optimizer.SGD, -1f, Device.CPU));
        assertInvalid("device", () -> config(10, 8, 8, 1, 0f, false, 0.1f, 2, 2, Optimizer.SGD, 5f, null));
        assertInvalid("logits of one step", () -> config(1_000_000, 8, 8, 1, 0f, false, 0.1f, 100, 100, Optimizer.SGD, 5f, Device.CPU));
    }

    @Test
    void zarembaPresetsAreValid() {
        LstmConfig small = LstmConfig.zarembaSmall(10_000, 7);
        assertEquals(200, small.hiddenSize());
        assertEquals(0f, small.dropout());
        assertEquals(5f, small.maxGradNorm());
        LstmConfig medium = LstmConfig.zarembaMedium(10_000, 7);
        assertEquals(650, medium.hiddenSize());
        assertEquals(Device.GPU, medium.withDevice(Device.GPU).device());
    }

    @Test
    void memoryEstimateGrowsWithTheModelAndAdam() {
        LstmConfig small = LstmConfig.zarembaSmall(10_000, 1);
        long sgd = LstmLanguageModel.estimateBytes(small);
        long adam = LstmLanguageModel.estimateBytes(small.withOptimizer(Optimizer.ADAM));
        long medium = LstmLanguageModel.estimateBytes(LstmConfig.zarembaMedium(10_000, 1));
        long params = LstmLanguageModel.parameterCount(small);
        assertEquals(10_000L * 200 + 2 * (400L * 800 + 800) + 10_000L * 201, params);
        assertTrue(sgd > 8 * params, "at least parameters and gradients: " + sgd);
        assertTrue(adam > sgd + 2 * 4 * params - 1, "Adam adds two slots per parameter");
        assertTrue(medium > sgd);
        assertTrue(sgd < 200L << 20, "Zaremba small stays well under 200 MB of tensors: " + sgd);
    }
}
