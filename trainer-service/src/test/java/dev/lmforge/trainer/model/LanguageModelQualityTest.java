package dev.lmforge.trainer.model;

import dev.lmforge.trainer.model.LstmConfig.Device;
import dev.lmforge.trainer.model.LstmConfig.Optimizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trains a small LSTM briefly (8 short epochs, Adam) on text from {@link GrammarCorpus} and checks that its held-out
 * cross-entropy comes within 12 % of the grammar's exact entropy rate and well below a bigram
 * model's (add-k smoothing, tuned k): it must carry the key across up to 11 fillers and count them.
 */
class LanguageModelQualityTest {

    @Test
    void heldOutCrossEntropyApproachesTheTrueEntropy() {
        GrammarCorpus grammar = new GrammarCorpus(10, 16, 3, 10, 3, 2024);
        int[] train = grammar.generate(160_000, 1);
        int[] heldOut = grammar.generate(20_000, 2);
        int vocab = grammar.vocabSize();
        double truth = grammar.entropyRate();
        double bigram = Double.MAX_VALUE;
        for (double k : new double[] {0.01, 0.1, 0.5}) {
            bigram = Math.min(bigram, GrammarCorpus.bigramCrossEntropy(train, heldOut, vocab, k));
        }

        LstmConfig config = new LstmConfig(vocab, 32, 64, 1, 0f, false, 0.1f, 16, 25, Optimizer.ADAM, 1f, 7, Device.CPU);
        double lstm;
        long start = System.nanoTime();
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            TokenWindows windows = TokenWindows.of(train, config.batchSize(), config.bptt());
            float[] rates = {0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.005f, 0.005f};
            for (float lr : rates) {
                model.resetTrainingState();
                for (TokenWindows.Window w : windows) {
                    model.trainStep(w, lr);
                }
            }
            lstm = model.evaluate(TokenWindows.of(heldOut, 10, 50)).natsPerToken();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = String.format("true entropy %.4f, LSTM %.4f (%+.1f %%), bigram %.4f nats/token; trained in %.1f s", truth, lstm,
                100 * (lstm / truth - 1), bigram, seconds);
        System.out.println(report);
        assertTrue(lstm >= truth * 0.97, "cannot beat the true entropy by much (finite held-out sample): " + report);
        assertTrue(lstm <= truth * 1.12, "LSTM within 12 % of the true entropy: " + report);
        assertTrue(bigram - lstm >= 0.6 * (bigram - truth), "LSTM closes most of the gap a bigram leaves: " + report);
    }
}
