package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.trainer.model.KneserNeyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NgramBaselineTest {

    /** A stream of lines of a small Markov chain over ids 1..vocab−1, eos (0) after each line. */
    private static int[] lines(int tokens, int vocab, long seed) {
        Random random = new Random(seed);
        int[] out = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            out[i] = i > 0 && out[i - 1] != 0 && random.nextInt(8) == 0 ? 0 : 1 + (i == 0 ? 0 : (out[i - 1] * 3 + random.nextInt(3)) % (vocab - 1));
        }
        return out;
    }

    @Test
    void oneEpochAndTheLstmsFinalMetrics(@TempDir Path dir) throws Exception {
        int vocab = 20;
        int[] validation = lines(2001, vocab, 2);
        validation[0] = 0;
        int[] test = lines(1501, vocab, 3);
        test[0] = 0;
        TokenData data = new TokenData(vocab, 0, lines(20_000, vocab, 1), validation, test, 9000, 7000);
        NgramBaseline.Result result = NgramBaseline.fit(Hyperparameters.parse(Map.of("model", "kneser_ney", "ngram_order", "3")), data);

        KneserNeyModel expected = KneserNeyModel.fit(data.train(), vocab, 3);
        double validNats = expected.evaluateNats(validation);
        double testNats = expected.evaluateNats(test);
        assertEquals(1, result.state().getEpochsCompleted());
        EpochMetrics epoch = result.state().getEpochs(0);
        assertEquals(1, epoch.getEpoch());
        assertEquals(validNats / 2000, epoch.getValidationLoss(), 1e-12);
        assertEquals(validNats / Math.log(2) / 9000, epoch.getValidationBpc(), 1e-12);
        assertTrue(epoch.getTrainLoss() > 0 && epoch.getTrainLoss() < epoch.getValidationLoss() * 1.2, epoch.toString());
        List<String> names = result.finalMetrics().stream().map(Metric::getName).toList();
        assertEquals(List.of(MetricNames.TRAIN_LOSS, MetricNames.VALIDATION_LOSS, MetricNames.VALIDATION_PERPLEXITY, MetricNames.VALIDATION_BPC, MetricNames.TEST_LOSS, MetricNames.TEST_PERPLEXITY, MetricNames.TEST_BPC), names);
        assertEquals(testNats / Math.log(2) / 7000, result.finalMetrics().get(6).getValue(), 1e-12);
        assertEquals(Math.exp(testNats / 1500), result.finalMetrics().get(5).getValue(), 1e-9);

        NgramBaseline.write(result.model(), dir);
        List<String> arpa = Files.readAllLines(dir.resolve(NgramBaseline.ARPA_FILE));
        assertEquals(List.of("\\data\\", "ngram 1=20"), arpa.subList(0, 2));
        assertEquals(4 + 2 * 3 + result.model().ngramCount() + 2, arpa.size(), "header, three section titles after blank lines, every n-gram, \\end\\");
    }
}
