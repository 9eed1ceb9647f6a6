package dev.lmforge.trainer.service;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.trainer.internal.TrainingState;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Training outside the service (SageMaker's container contract): the loop with local checkpoints,
 * then the final metrics. {@link JobRunner} is the service's own runner of jobs from train.requested.
 */
public final class StandaloneTraining {

    private static final Logger LOG = Logger.getLogger(StandaloneTraining.class);
    private static final long CHECKPOINT_EVERY_NANOS = 60_000_000_000L;

    /** Saves the model and the state somewhere the next run finds them. */
    @FunctionalInterface
    public interface Checkpointer {
        void save(TrainingState state) throws IOException;
    }

    private StandaloneTraining() {
    }

    /** Runs the epochs left after {@code start}; returns the final state (see {@link #keptEpoch} for which weights to export). */
    public static TrainingState runLocally(LanguageModel model, Hyperparameters h, TokenData data, TrainingState start, Checkpointer checkpointer) {
        long[] lastCheckpoint = {System.nanoTime()};
        TrainingLoop.Result result = TrainingLoop.run(model, h, data, start, new TrainingLoop.Hooks() {
            @Override
            public void onStep(TrainingState state, long stepsPerEpoch, double loss, double tokensPerSecond) {
            }

            @Override
            public void onEpoch(TrainingState state, EpochMetrics m) {
                LOG.infof("epoch %d: train loss %.4f, validation perplexity %.2f, bpc %.4f, %.0f tokens/s training, %.1f s evaluation",
                        m.getEpoch(), m.getTrainLoss(), m.getValidationPerplexity(), m.getValidationBpc(), m.getTokensPerSecond(),
                        m.getEvaluationSeconds());
            }

            @Override
            public boolean stopRequested() {
                return false;
            }

            @Override
            public boolean runtimeExceeded() {
                return false;
            }

            @Override
            public boolean checkpointDue() {
                return System.nanoTime() - lastCheckpoint[0] > CHECKPOINT_EVERY_NANOS;
            }

            @Override
            public void checkpoint(TrainingState state) {
                try {
                    checkpointer.save(state);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                lastCheckpoint[0] = System.nanoTime();
            }
        });
        return result.state();
    }

    /** The epoch whose weights are exported: with keep_best_epoch the one with the lowest validation loss, else the last. */
    public static int keptEpoch(Hyperparameters h, TrainingState state) {
        return h.keepBestEpoch() && state.getBestEpoch() > 0 ? state.getBestEpoch() : state.getEpochsCompleted();
    }

    /**
     * The metrics of the model to export, named as SageMaker names them ({@link MetricNames}): the kept
     * epoch's training loss, and the validation and test splits scored anew by {@code model}, so that
     * they describe the weights exported (with keep_best_epoch, restored from the best epoch's checkpoint).
     */
    public static List<Metric> finalMetrics(LanguageModel model, Hyperparameters h, TrainingState state, TokenData data) {
        int kept = keptEpoch(h, state);
        EpochMetrics epoch = state.getEpochsList().stream().filter(e -> e.getEpoch() == kept).findFirst()
                .orElseThrow(() -> new IllegalStateException("no metrics for epoch " + kept));
        EpochMetrics measured = TrainingLoop.validationMetrics(model.evaluateNats(data.validation()), data).setTrainLoss(epoch.getTrainLoss()).build();
        return finalMetrics(measured, model.evaluateNats(data.test()), data);
    }

    static List<Metric> finalMetrics(EpochMetrics last, double testNats, TokenData data) {
        double testLoss = testNats / Math.max(1, data.test().length - 1);
        Timestamp now = Timestamps.now();
        return List.of(
                metric(MetricNames.TRAIN_LOSS, last.getTrainLoss(), now),
                metric(MetricNames.VALIDATION_LOSS, last.getValidationLoss(), now),
                metric(MetricNames.VALIDATION_PERPLEXITY, last.getValidationPerplexity(), now),
                metric(MetricNames.VALIDATION_BPC, last.getValidationBpc(), now),
                metric(MetricNames.TEST_LOSS, testLoss, now),
                metric(MetricNames.TEST_PERPLEXITY, Math.exp(testLoss), now),
                metric(MetricNames.TEST_BPC, testNats / TrainingLoop.LN2 / Math.max(1, data.testCharacters()), now));
    }

    private static Metric metric(String name, double value, Timestamp at) {
        return Metric.newBuilder().setName(name).setValue(value).setTimestamp(at).build();
    }
}
