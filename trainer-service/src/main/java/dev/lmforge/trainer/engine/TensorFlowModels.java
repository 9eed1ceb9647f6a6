package dev.lmforge.trainer.engine;

import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.trainer.model.Evaluation;
import dev.lmforge.trainer.model.LstmConfig;
import dev.lmforge.trainer.model.LstmLanguageModel;
import dev.lmforge.trainer.model.RuntimeOptions;
import dev.lmforge.trainer.model.TokenWindows;
import dev.lmforge.trainer.service.Hyperparameters;
import dev.lmforge.trainer.service.LanguageModel;
import dev.lmforge.trainer.service.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.Locale;

/** The LSTM of {@code dev.lmforge.trainer.model} (TensorFlow Java, graph mode) behind the training loop's interface. */
@ApplicationScoped
public class TensorFlowModels implements LanguageModel.Factory {

    /** Evaluation batches: any size gives the same total; these keep windows large and the state carried. */
    static final int EVAL_BATCH = 10;
    static final int EVAL_BPTT = 64;

    private final LstmConfig.Device device;

    public TensorFlowModels(TrainerConfig config) {
        this.device = switch (config.device().toLowerCase(Locale.ROOT)) {
            case "gpu" -> LstmConfig.Device.GPU;
            case "cpu" -> LstmConfig.Device.CPU;
            default -> throw new IllegalArgumentException("lmforge.trainer.device must be cpu or gpu, not " + config.device());
        };
    }

    LstmConfig config(Hyperparameters h, int vocabSize) {
        try {
            return new LstmConfig(vocabSize, h.embeddingDim(), h.hiddenSize(), h.numLayers(), h.dropout(), h.tieWeights(),
                    h.initScale(), h.batchSize(), h.bptt(), h.adam() ? LstmConfig.Optimizer.ADAM : LstmConfig.Optimizer.SGD,
                    h.maxGradNorm(), h.seed(), device);
        } catch (IllegalArgumentException e) {
            throw LmForgeException.invalidArgument("%s", e.getMessage());
        }
    }

    @Override
    public LanguageModel create(Hyperparameters h, int vocabSize) {
        return new Model(LstmLanguageModel.create(config(h, vocabSize), RuntimeOptions.defaults()));
    }

    @Override
    public LanguageModel restore(Hyperparameters h, int vocabSize, Path checkpoint) {
        return new Model(LstmLanguageModel.restore(config(h, vocabSize), checkpoint));
    }

    @Override
    public long estimateBytes(Hyperparameters h, int vocabSize) {
        return LstmLanguageModel.estimateBytes(config(h, vocabSize));
    }

    private record Model(LstmLanguageModel lstm) implements LanguageModel {

        @Override
        public float trainStep(int[] inputs, int[] targets, float learningRate) {
            return lstm.trainStep(inputs, targets, learningRate);
        }

        @Override
        public void resetTrainingState() {
            lstm.resetTrainingState();
        }

        @Override
        public double evaluateNats(int[] tokens) {
            Evaluation e = lstm.evaluate(TokenWindows.of(tokens, EVAL_BATCH, EVAL_BPTT));
            return e.totalNats();
        }

        @Override
        public void saveCheckpoint(Path dir) {
            lstm.saveCheckpoint(dir);
        }

        @Override
        public void exportSavedModel(Path dir) {
            lstm.exportSavedModel(dir);
        }

        @Override
        public long parameterCount() {
            return lstm.parameterCount();
        }

        @Override
        public void close() {
            lstm.close();
        }
    }
}
