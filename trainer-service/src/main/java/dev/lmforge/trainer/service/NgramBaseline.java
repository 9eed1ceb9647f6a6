package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.trainer.internal.TrainingState;
import dev.lmforge.trainer.model.KneserNeyModel;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kneser_ney baseline: counted in one pass over the train split (seconds, so no epochs and no
 * checkpoints), then scored on the same validation and test streams as the LSTM, with the same
 * metrics. Its one epoch's train_loss is the model's cross-entropy on the train split it was counted
 * from (optimistic: those are seen n-grams), not a running training loss.
 */
final class NgramBaseline {

    static final String ARPA_FILE = "kneser_ney.arpa";

    record Result(KneserNeyModel model, TrainingState state, List<Metric> finalMetrics) {
    }

    private NgramBaseline() {
    }

    static Result fit(Hyperparameters h, TokenData data) {
        long started = System.nanoTime();
        KneserNeyModel model = KneserNeyModel.fit(data.train(), data.vocabSize(), h.ngramOrder());
        double fitSeconds = (System.nanoTime() - started) / 1e9;
        double trainLoss = model.evaluateNats(data.train()) / Math.max(1, data.train().length - 1);
        EpochMetrics epoch = TrainingLoop.validationMetrics(model.evaluateNats(data.validation()), data).setEpoch(1).setTrainLoss(trainLoss)
                .setTokensPerSecond(data.train().length / Math.max(1e-9, fitSeconds))
                .setSeconds((System.nanoTime() - started) / 1e9).build();
        TrainingState state = TrainingState.newBuilder().addEpochs(epoch).setEpochsCompleted(1).setTokensTrained(data.train().length)
                .setTrainingSeconds(fitSeconds).setBestValidationLoss(epoch.getValidationLoss()).build();
        return new Result(model, state, StandaloneTraining.finalMetrics(epoch, model.evaluateNats(data.test()), data));
    }

    /** The model directory's n-gram file, {@value #ARPA_FILE}. */
    static void write(KneserNeyModel model, Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        try (Writer out = Files.newBufferedWriter(modelDir.resolve(ARPA_FILE), StandardCharsets.UTF_8)) {
            model.writeArpa(out);
        }
    }
}
