package dev.lmforge.trainer.model;

import dev.lmforge.trainer.model.LstmConfig.Device;
import dev.lmforge.trainer.model.LstmConfig.Optimizer;
import dev.lmforge.trainer.model.RuntimeOptions.LstmBackward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LstmLanguageModelTest {

    static int[] randomTokens(int n, int vocab, long seed) {
        Random random = new Random(seed);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            // skewed, with some structure: a token often repeats a recent one
            tokens[i] = i > 3 && random.nextInt(3) == 0 ? tokens[i - 1 - random.nextInt(3)] : (int) Math.min(vocab - 1, Math.abs(random.nextGaussian() * vocab / 3));
        }
        return tokens;
    }

    private static float[] train(LstmLanguageModel model, TokenWindows windows, int from, int to, float lr) {
        float[] losses = new float[to - from];
        for (int w = from; w < to; w++) {
            losses[w - from] = model.trainStep(windows.window(w), lr);
        }
        return losses;
    }

    @Test
    void sameSeedSameLosses() {
        LstmConfig config = new LstmConfig(50, 12, 16, 2, 0.3f, false, 0.1f, 4, 7, Optimizer.ADAM, 1f, 42, Device.CPU);
        TokenWindows windows = TokenWindows.of(randomTokens(2000, 50, 1), 4, 7);
        float[] first;
        float[] second;
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            first = train(model, windows, 0, 8, 0.01f);
        }
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            second = train(model, windows, 0, 8, 0.01f);
        }
        assertArrayEquals(first, second);
        try (LstmLanguageModel model = LstmLanguageModel.create(config.withSeed(43))) {
            float[] other = train(model, windows, 0, 8, 0.01f);
            assertTrue(other[0] != first[0], "another seed, other weights");
        }
    }

    @Test
    void everySessionOnAGpuGrowsItsMemoryOnDemandTheProbeFirst() {
        // TensorFlow keeps the GPU options of the first session that touches the GPU: requireGpu's probe
        assertTrue(LstmLanguageModel.gpuProbeConfig().getGpuOptions().getAllowGrowth());
        LstmConfig gpu = LstmConfig.zarembaSmall(100, 1).withDevice(Device.GPU);
        assertTrue(LstmLanguageModel.sessionConfig(gpu, RuntimeOptions.defaults()).getGpuOptions().getAllowGrowth());
    }

    @Test
    void checkpointRestoreContinuesExactly(@TempDir Path dir) {
        for (Optimizer optimizer : Optimizer.values()) {
            LstmConfig config = new LstmConfig(60, 10, 14, 2, 0.25f, false, 0.1f, 3, 6, optimizer, 2f, 7, Device.CPU);
            TokenWindows windows = TokenWindows.of(randomTokens(3000, 60, 2), 3, 6);
            float lr = optimizer == Optimizer.SGD ? 1f : 0.01f;
            Path checkpoint = dir.resolve(optimizer.name());
            float[] uninterrupted;
            try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
                train(model, windows, 0, 5, lr);
                model.saveCheckpoint(checkpoint);
                uninterrupted = train(model, windows, 5, 12, lr);
            }
            assertTrue(Files.exists(checkpoint.resolve("model.properties")));
            assertEquals(config, LstmLanguageModel.checkpointConfig(checkpoint));
            try (LstmLanguageModel restored = LstmLanguageModel.restore(config, checkpoint)) {
                assertEquals(5, restored.step());
                assertArrayEquals(uninterrupted, train(restored, windows, 5, 12, lr), optimizer + ": weights, slots, step and state restored");
            }
            IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                    () -> LstmLanguageModel.restore(config.withSeed(8), checkpoint));
            assertTrue(mismatch.getMessage().contains("was written with"));
        }
        assertThrows(IllegalArgumentException.class, () -> LstmLanguageModel.restore(LstmConfig.zarembaSmall(10, 1), dir.resolve("missing")));
    }

    @Test
    void resetTrainingStateAndStepCounter() {
        LstmConfig config = new LstmConfig(30, 8, 8, 1, 0f, false, 0.1f, 2, 5, Optimizer.SGD, 5f, 3, Device.CPU);
        TokenWindows windows = TokenWindows.of(randomTokens(500, 30, 3), 2, 5);
        try (LstmLanguageModel a = LstmLanguageModel.create(config); LstmLanguageModel b = LstmLanguageModel.create(config)) {
            a.trainStep(windows.window(0), 0f); // lr 0: only the carried state changes
            a.resetTrainingState();
            assertEquals(b.trainStep(windows.window(1), 0f), a.trainStep(windows.window(1), 0f), "state reset to zeros");
            assertEquals(2, a.step());
            assertTrue(Float.isFinite(a.lastGradNorm()));
        }
    }

    /**
     * The hand-written backward pass against central finite differences of the loss, for every
     * parameter tensor, both LSTM backward formulations, several softmax blocks, tied weights, no LSTM layer, and a
     * window with ignored (padded) targets. The gradient is read off one SGD step without clipping:
     * θ' = θ − lr · ∇J with J = (window cross-entropy) / batchSize.
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        int vocab = 23;
        int batch = 3;
        int bptt = 5;
        int[] tokens = randomTokens(batch * 4 + 1, vocab, 5); // 4 predictions per stream: the window has 3 ignored positions
        TokenWindows windows = TokenWindows.of(tokens, batch, bptt);
        TokenWindows.Window window = windows.window(0);
        assertEquals(batch * 4, window.validTokens());
        record Case(boolean tie, int shards, LstmBackward backward, int layers) {
        }
        for (Case c : new Case[] {new Case(false, 1, LstmBackward.PER_STEP, 2), new Case(false, 3, LstmBackward.FUSED, 2),
                new Case(true, 1, LstmBackward.PER_STEP, 2), new Case(false, 2, LstmBackward.PER_STEP, 0)}) {
            LstmConfig config = new LstmConfig(vocab, 6, 6, c.layers, 0f, c.tie, 0.5f, batch, bptt, Optimizer.SGD, 0f, 11, Device.CPU);
            RuntimeOptions options = RuntimeOptions.defaults().withLstmBackward(c.backward).withSoftmaxShards(c.shards);
            try (LstmLanguageModel model = LstmLanguageModel.create(config, options)) {
                assertEquals(c.shards, model.softmaxShards());
                Map<String, float[]> before = model.parameters();
                float lr = 0.01f;
                model.trainStep(window, lr);
                Map<String, float[]> after = model.parameters();
                model.setParameters(before);
                Random random = new Random(9);
                for (Map.Entry<String, float[]> entry : before.entrySet()) {
                    String name = entry.getKey();
                    float[] original = entry.getValue();
                    float[] theta = original.clone();
                    double[] analytic = new double[theta.length];
                    for (int i = 0; i < theta.length; i++) {
                        analytic[i] = (original[i] - after.get(name)[i]) / (double) lr;
                    }
                    // the largest gradient entries and a few random ones
                    int[] picks = java.util.stream.IntStream.concat(
                            java.util.stream.IntStream.range(0, theta.length).boxed()
                                    .sorted((x, y) -> Double.compare(Math.abs(analytic[y]), Math.abs(analytic[x]))).limit(3).mapToInt(Integer::intValue),
                            random.ints(3, 0, theta.length)).distinct().toArray();
                    for (int i : picks) {
                        float eps = 0.01f;
                        theta[i] = original[i] + eps;
                        double plus = objective(model, name, theta, tokens, batch, bptt);
                        theta[i] = original[i] - eps;
                        double minus = objective(model, name, theta, tokens, batch, bptt);
                        theta[i] = original[i];
                        model.setParameters(Map.of(name, theta));
                        double numeric = (plus - minus) / (2 * eps);
                        assertEquals(numeric, analytic[i], 0.02 * Math.abs(numeric) + 1e-3, c + " " + name + "[" + i + "]");
                    }
                    assertTrue(Math.abs(analytic[picks[0]]) > 1e-3, c + ": no gradient at all in " + name);
                }
            }
        }
    }

    private static double objective(LstmLanguageModel model, String name, float[] theta, int[] tokens, int batch, int bptt) {
        Map<String, float[]> change = new HashMap<>();
        change.put(name, theta);
        model.setParameters(change);
        return model.evaluate(TokenWindows.of(tokens, batch, bptt)).totalNats() / batch;
    }

    @Test
    void fusedAndPerStepBackwardAgree() {
        LstmConfig config = new LstmConfig(40, 10, 12, 2, 0.2f, false, 0.1f, 4, 8, Optimizer.SGD, 5f, 5, Device.CPU);
        TokenWindows windows = TokenWindows.of(randomTokens(2000, 40, 4), 4, 8);
        try (LstmLanguageModel fused = LstmLanguageModel.create(config, RuntimeOptions.defaults().withLstmBackward(LstmBackward.FUSED));
                LstmLanguageModel perStep = LstmLanguageModel.create(config, RuntimeOptions.defaults().withLstmBackward(LstmBackward.PER_STEP))) {
            float[] a = train(fused, windows, 0, 10, 1f);
            float[] b = train(perStep, windows, 0, 10, 1f);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-4, "step " + i);
            }
        }
    }

    @Test
    void trainingReducesLossAndEvaluationCountsEveryPrediction() {
        LstmConfig config = new LstmConfig(20, 16, 16, 1, 0f, true, 0.1f, 4, 10, Optimizer.ADAM, 5f, 1, Device.CPU);
        int[] tokens = new int[4001];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 3 + i / 7) % 20; // deterministic pattern
        }
        TokenWindows windows = TokenWindows.of(tokens, 4, 10);
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            Evaluation before = model.evaluate(TokenWindows.of(tokens, 5, 13));
            assertEquals(tokens.length - 1, before.tokens());
            for (int epoch = 0; epoch < 3; epoch++) {
                model.resetTrainingState();
                for (TokenWindows.Window w : windows) {
                    model.trainStep(w, 0.02f);
                }
            }
            Evaluation after = model.evaluate(TokenWindows.of(tokens, 5, 13));
            assertTrue(after.natsPerToken() < 0.3 * before.natsPerToken(), before + " -> " + after);
            assertEquals(after.totalNats() / Math.log(2) / 8000, after.bitsPerCharacter(8000), 1e-12);
        }
    }

    @Test
    void rejectsBadInputs() {
        LstmConfig config = new LstmConfig(10, 4, 4, 1, 0f, false, 0.1f, 2, 3, Optimizer.SGD, 5f, 1, Device.CPU);
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            assertThrows(IllegalArgumentException.class, () -> model.trainStep(new int[5], new int[6], 1f));
            assertThrows(IllegalArgumentException.class, () -> model.trainStep(new int[] {0, 1, 2, 3, 4, 10}, new int[6], 1f));
            assertThrows(IllegalArgumentException.class, () -> model.trainStep(new int[6], new int[] {0, 0, 0, 0, 0, -2}, 1f));
            assertEquals(LstmLanguageModel.parameterCount(config),
                    model.parameters().values().stream().mapToLong(p -> p.length).sum());
        }
        LstmLanguageModel closed = LstmLanguageModel.create(config);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.trainStep(new int[6], new int[6], 1f));
    }

    /** Here (no GPU) Device.GPU must fail with a clear message; on a GPU machine it must train. */
    @Test
    void gpuDeviceFailsCleanlyWithoutGpu() {
        LstmConfig config = new LstmConfig(10, 4, 4, 1, 0f, false, 0.1f, 2, 3, Optimizer.SGD, 5f, 1, Device.GPU);
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            assertTrue(Float.isFinite(model.trainStep(new int[6], new int[6], 1f)));
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage().contains("Device.GPU was requested"), e.getMessage());
            assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
        }
    }
}
