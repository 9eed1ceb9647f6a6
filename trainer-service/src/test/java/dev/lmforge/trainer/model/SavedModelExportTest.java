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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SavedModel loads back with TF Java's SavedModelBundle, and its signatures give the training
 * graph's next-token log-probabilities: serving_default over whole sequences equals the model's own
 * evaluation, the stateful signature, one token at a time, equals serving_default, and next_token
 * equals serving_default at each padded sequence's last real position.
 */
class SavedModelExportTest {

    @Test
    void signaturesReproduceTheTrainingGraph(@TempDir Path dir) {
        // untied with two softmax blocks (joined on export) and tied
        for (boolean tie : new boolean[] {false, true}) {
            LstmConfig config = new LstmConfig(37, 12, 12, 2, 0.1f, tie, 0.1f, 4, 6, Optimizer.SGD, 5f, 3, Device.CPU);
            int[] train = LstmLanguageModelTest.randomTokens(3000, 37, 8);
            int batch = 3;
            int time = 9;
            int[][] sequences = new int[batch][];
            double[] expectedNats = new double[batch];
            Path export = dir.resolve(tie ? "tied" : "untied");
            try (LstmLanguageModel model = LstmLanguageModel.create(config, RuntimeOptions.defaults().withSoftmaxShards(tie ? 1 : 2))) {
                for (TokenWindows.Window w : TokenWindows.of(train, 4, 6)) {
                    model.trainStep(w, 1f);
                }
                for (int b = 0; b < batch; b++) {
                    sequences[b] = LstmLanguageModelTest.randomTokens(time + 1, 37, 100 + b);
                    expectedNats[b] = model.evaluate(TokenWindows.of(sequences[b], 1, time)).totalNats();
                }
                model.exportSavedModel(export);
            }
            assertTrue(Files.exists(export.resolve("saved_model.pb")));
            try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
                assertEquals(Set.of("token_ids"), Set.copyOf(bundle.function("serving_default").signature().inputNames()));
                assertEquals(Set.of("log_probs"), Set.copyOf(bundle.function("serving_default").signature().outputNames()));
                assertEquals(Set.of("token_ids", "h", "c"), Set.copyOf(bundle.function("stateful").signature().inputNames()));
                assertEquals(Set.of("log_probs", "h_out", "c_out"), Set.copyOf(bundle.function("stateful").signature().outputNames()));
                float[][][] stateless = new float[batch][time][];
                try (TInt32 ids = TInt32.tensorOf(Shape.of(batch, time))) {
                    for (int b = 0; b < batch; b++) {
                        for (int t = 0; t < time; t++) {
                            ids.setInt(sequences[b][t], b, t);
                        }
                    }
                    try (Result result = bundle.function("serving_default").call(Map.of("token_ids", ids))) {
                        TFloat32 logProbs = (TFloat32) result.get("log_probs").orElseThrow();
                        assertEquals(Shape.of(batch, time, 37), logProbs.shape());
                        for (int b = 0; b < batch; b++) {
                            double nats = 0;
                            for (int t = 0; t < time; t++) {
                                stateless[b][t] = new float[37];
                                double total = 0;
                                for (int v = 0; v < 37; v++) {
                                    stateless[b][t][v] = logProbs.getFloat(b, t, v);
                                    total += Math.exp(stateless[b][t][v]);
                                }
                                assertEquals(1.0, total, 1e-4, "normalised");
                                nats -= stateless[b][t][sequences[b][t + 1]];
                            }
                            assertEquals(expectedNats[b], nats, 1e-4 * expectedNats[b], "serving_default = training graph, sequence " + b);
                        }
                    }
                }
                // stateful: one step at a time, state fed back
                TFloat32 h = TFloat32.tensorOf(Shape.of(2, batch, 12));
                TFloat32 c = TFloat32.tensorOf(Shape.of(2, batch, 12));
                h.asRawTensor().data().write(new byte[2 * batch * 12 * 4]);
                c.asRawTensor().data().write(new byte[2 * batch * 12 * 4]);
                try {
                    for (int t = 0; t < time; t++) {
                        try (TInt32 ids = TInt32.tensorOf(Shape.of(batch, 1))) {
                            for (int b = 0; b < batch; b++) {
                                ids.setInt(sequences[b][t], b, 0);
                            }
                            Map<String, Tensor> inputs = Map.of("token_ids", ids, "h", h, "c", c);
                            try (Result result = bundle.function("stateful").call(inputs)) {
                                TFloat32 logProbs = (TFloat32) result.get("log_probs").orElseThrow();
                                assertEquals(Shape.of(batch, 1, 37), logProbs.shape());
                                for (int b = 0; b < batch; b++) {
                                    float[] step = new float[37];
                                    for (int v = 0; v < 37; v++) {
                                        step[v] = logProbs.getFloat(b, 0, v);
                                    }
                                    assertArrayEquals(stateless[b][t], step, 1e-4f, "stateful = stateless at step " + t);
                                }
                                TFloat32 hOut = (TFloat32) result.get("h_out").orElseThrow();
                                TFloat32 cOut = (TFloat32) result.get("c_out").orElseThrow();
                                assertEquals(Shape.of(2, batch, 12), hOut.shape());
                                h.close();
                                c.close();
                                h = copy(hOut);
                                c = copy(cOut);
                            }
                        }
                    }
                } finally {
                    h.close();
                    c.close();
                }
                assertNextTokenIsTheLastRealPosition(bundle, sequences, stateless, time);
            }
        }
    }

    /** next_token on right-padded sequences of different lengths: serving_default's row at each one's last real position. */
    private static void assertNextTokenIsTheLastRealPosition(SavedModelBundle bundle, int[][] sequences, float[][][] stateless, int time) {
        int batch = sequences.length;
        assertEquals(Set.of("token_ids", "lengths"), Set.copyOf(bundle.function("next_token").signature().inputNames()));
        int[] lengths = new int[batch];
        try (TInt32 ids = TInt32.tensorOf(Shape.of(batch, time)); TInt32 lens = TInt32.tensorOf(Shape.of(batch))) {
            for (int b = 0; b < batch; b++) {
                lengths[b] = time - 3 * b; // 9, 6, 3: the shorter ones padded with 0
                lens.setInt(lengths[b], b);
                for (int t = 0; t < time; t++) {
                    ids.setInt(t < lengths[b] ? sequences[b][t] : 0, b, t); // a new tensor's memory is not zeroed
                }
            }
            try (Result result = bundle.function("next_token").call(Map.of("token_ids", ids, "lengths", lens))) {
                TFloat32 logProbs = (TFloat32) result.get("log_probs").orElseThrow();
                assertEquals(Shape.of(batch, 37), logProbs.shape());
                for (int b = 0; b < batch; b++) {
                    float[] next = new float[37];
                    for (int v = 0; v < 37; v++) {
                        next[v] = logProbs.getFloat(b, v);
                    }
                    assertArrayEquals(stateless[b][lengths[b] - 1], next, 1e-4f, "next_token = serving_default, sequence " + b);
                }
            }
        }
    }

    private static TFloat32 copy(TFloat32 source) {
        TFloat32 t = TFloat32.tensorOf(source.shape());
        source.asRawTensor().data().copyTo(t.asRawTensor().data(), source.asRawTensor().numBytes());
        return t;
    }
}
