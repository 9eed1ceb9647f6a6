package dev.lmforge.trainer.model;

import dev.lmforge.trainer.model.LstmConfig.Device;
import dev.lmforge.trainer.model.LstmConfig.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding_softmax baseline: the LSTM graph with no LSTM layer, the embedding straight into the softmax. */
class EmbeddingSoftmaxTest {

    private static final GrammarCorpus GRAMMAR = new GrammarCorpus(4, 12, 2, 6, 3, 5);

    private static LstmConfig bigram(int vocab, float dropout, Optimizer optimizer) {
        return new LstmConfig(vocab, 16, 16, 0, dropout, false, 0.1f, 8, 10, optimizer, 5f, 1, Device.CPU);
    }

    @Test
    void learnsTheBigramsOfTheGrammarCorpus() {
        int[] train = GRAMMAR.generate(20_000, 1);
        int[] heldOut = GRAMMAR.generate(4_000, 2);
        LstmConfig config = bigram(GRAMMAR.vocabSize(), 0.1f, Optimizer.ADAM);
        assertEquals(16L * GRAMMAR.vocabSize() + 17L * GRAMMAR.vocabSize(), LstmLanguageModel.parameterCount(config));
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            double before = model.evaluate(TokenWindows.of(heldOut, 10, 64)).natsPerToken();
            for (int epoch = 0; epoch < 2; epoch++) {
                model.resetTrainingState();
                for (TokenWindows.Window w : TokenWindows.of(train, 8, 10)) {
                    model.trainStep(w, 0.01f);
                }
            }
            double after = model.evaluate(TokenWindows.of(heldOut, 10, 64)).natsPerToken();
            double knBigram = KneserNeyModel.fit(train, GRAMMAR.vocabSize(), 2).evaluateNats(heldOut) / (heldOut.length - 1);
            System.out.printf("embedding_softmax held-out nats/token: %.4f before, %.4f after; Kneser-Ney bigram %.4f%n", before, after, knBigram);
            assertTrue(after < 0.7 * before, before + " -> " + after);
            assertTrue(after < 1.1 * knBigram && after > 0.9 * knBigram, "a neural bigram is about as good as a counted one: " + after + " vs " + knBigram);
        }
    }

    @Test
    void checkpointRestoreContinuesExactly(@TempDir Path dir) {
        LstmConfig config = bigram(30, 0.2f, Optimizer.SGD);
        TokenWindows windows = TokenWindows.of(LstmLanguageModelTest.randomTokens(2000, 30, 4), 8, 10);
        float[] uninterrupted = new float[4];
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            model.trainStep(windows.window(0), 1f);
            model.saveCheckpoint(dir);
            for (int w = 1; w <= 4; w++) {
                uninterrupted[w - 1] = model.trainStep(windows.window(w), 1f);
            }
        }
        try (LstmLanguageModel restored = LstmLanguageModel.restore(config, dir)) {
            float[] resumed = new float[4];
            for (int w = 1; w <= 4; w++) {
                resumed[w - 1] = restored.trainStep(windows.window(w), 1f);
            }
            assertArrayEquals(uninterrupted, resumed);
        }
    }

    @Test
    void exportedModelServesBothSignatures(@TempDir Path dir) {
        int vocab = 30;
        int time = 7;
        int[] sequence = LstmLanguageModelTest.randomTokens(time + 1, vocab, 9);
        double expectedNats;
        try (LstmLanguageModel model = LstmLanguageModel.create(bigram(vocab, 0f, Optimizer.SGD))) {
            for (TokenWindows.Window w : TokenWindows.of(LstmLanguageModelTest.randomTokens(2000, vocab, 4), 8, 10)) {
                model.trainStep(w, 1f);
            }
            expectedNats = model.evaluate(TokenWindows.of(sequence, 1, time)).totalNats();
            model.exportSavedModel(dir);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
            float[][] stateless = new float[time][vocab];
            try (TInt32 ids = TInt32.tensorOf(Shape.of(1, time))) {
                for (int t = 0; t < time; t++) {
                    ids.setInt(sequence[t], 0, t);
                }
                try (Result result = bundle.function("serving_default").call(Map.of("token_ids", ids))) {
                    TFloat32 logProbs = (TFloat32) result.get("log_probs").orElseThrow();
                    double nats = 0;
                    for (int t = 0; t < time; t++) {
                        for (int v = 0; v < vocab; v++) {
                            stateless[t][v] = logProbs.getFloat(0, t, v);
                        }
                        nats -= stateless[t][sequence[t + 1]];
                    }
                    assertEquals(expectedNats, nats, 1e-4 * expectedNats, "serving_default = training graph");
                }
            }
            // no recurrent state: h and c are [1, batch, hidden] and come back unchanged
            try (TFloat32 h = TFloat32.tensorOf(Shape.of(1, 1, 16)); TFloat32 c = TFloat32.tensorOf(Shape.of(1, 1, 16))) {
                for (int i = 0; i < 16; i++) {
                    h.setFloat(i, 0, 0, i);
                    c.setFloat(-i, 0, 0, i);
                }
                for (int t = 0; t < time; t++) {
                    try (TInt32 ids = TInt32.tensorOf(Shape.of(1, 1))) {
                        ids.setInt(sequence[t], 0, 0);
                        Map<String, Tensor> inputs = Map.of("token_ids", ids, "h", h, "c", c);
                        try (Result result = bundle.function("stateful").call(inputs)) {
                            TFloat32 logProbs = (TFloat32) result.get("log_probs").orElseThrow();
                            for (int v = 0; v < vocab; v++) {
                                assertEquals(stateless[t][v], logProbs.getFloat(0, 0, v), 1e-5f, "stateful = stateless at step " + t);
                            }
                            TFloat32 hOut = (TFloat32) result.get("h_out").orElseThrow();
                            TFloat32 cOut = (TFloat32) result.get("c_out").orElseThrow();
                            assertEquals(Shape.of(1, 1, 16), hOut.shape());
                            assertEquals(3f, hOut.getFloat(0, 0, 3));
                            assertEquals(-5f, cOut.getFloat(0, 0, 5));
                        }
                    }
                }
            }
        }
    }
}
