package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.trainer.internal.TrainingState;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's schedule, checkpoints, resumption and early stopping, on a scripted model (no TensorFlow). */
class TrainingLoopTest {

    /** Records every step; validation losses come from a script. */
    static final class ScriptedModel implements LanguageModel {
        final List<String> steps = new ArrayList<>();
        final double[] validationLosses;
        int evaluations;
        float nextLoss = 3f;
        long evaluationMillis;

        ScriptedModel(double... validationLosses) {
            this.validationLosses = validationLosses;
        }

        @Override
        public float trainStep(int[] inputs, int[] targets, float learningRate) {
            steps.add(inputs[0] + "@" + learningRate);
            return nextLoss;
        }

        @Override
        public void resetTrainingState() {
        }

        @Override
        public double evaluateNats(int[] tokens) {
            try {
                Thread.sleep(evaluationMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return validationLosses[evaluations++] * (tokens.length - 1);
        }

        @Override
        public void saveCheckpoint(Path dir) {
        }

        @Override
        public void exportSavedModel(Path dir) {
        }

        @Override
        public long parameterCount() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    static class Hooks implements TrainingLoop.Hooks {
        final List<TrainingState> checkpoints = new ArrayList<>();
        final List<EpochMetrics> epochs = new ArrayList<>();
        int stopAfterSteps = Integer.MAX_VALUE;
        int steps;

        @Override
        public void onStep(TrainingState state, long stepsPerEpoch, double loss, double tokensPerSecond) {
            steps++;
        }

        @Override
        public void onEpoch(TrainingState state, EpochMetrics metrics) {
            epochs.add(metrics);
        }

        @Override
        public boolean stopRequested() {
            return steps >= stopAfterSteps;
        }

        @Override
        public boolean runtimeExceeded() {
            return false;
        }

        @Override
        public boolean checkpointDue() {
            return false;
        }

        @Override
        public void checkpoint(TrainingState state) {
            checkpoints.add(state);
        }
    }

    static TokenData data(int trainTokens) {
        int[] train = new int[trainTokens];
        for (int i = 0; i < train.length; i++) {
            train[i] = i;
        }
        return new TokenData(1000, 0, train, new int[101], new int[101], 400, 400);
    }

    @Test
    void followsTheZarembaScheduleAndReportsEachEpoch() {
        Hyperparameters h = Hyperparameters.parse(Map.of("batch_size", "2", "bptt", "5", "epochs", "6", "decay_start_epoch", "4"));
        ScriptedModel model = new ScriptedModel(5, 4, 3, 2.5, 2.4, 2.3);
        Hooks hooks = new Hooks();
        TrainingLoop.Result r = TrainingLoop.run(model, h, data(101), TrainingState.getDefaultInstance(), hooks);
        assertEquals(TrainingLoop.Outcome.COMPLETED, r.outcome());
        assertEquals(6 * 10, model.steps.size(), "(101 - 1) / 2 = 50 tokens a stream, 10 windows of 5");
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0, 0.5, 0.25), hooks.epochs.stream().map(EpochMetrics::getLearningRate).toList());
        assertEquals(Math.exp(2.3), hooks.epochs.get(5).getValidationPerplexity(), 1e-9);
        assertEquals(2.3 * 100 / Math.log(2) / 400, hooks.epochs.get(5).getValidationBpc(), 1e-9);
        assertEquals(6, hooks.checkpoints.size(), "a checkpoint at each epoch's end");
    }

    @Test
    void throughputCountsTheTrainingStepsAloneAndEvaluationIsTimedApart() {
        Hyperparameters h = Hyperparameters.parse(Map.of("batch_size", "2", "bptt", "5", "epochs", "1"));
        ScriptedModel model = new ScriptedModel(5);
        model.evaluationMillis = 300;
        Hooks hooks = new Hooks();
        TrainingLoop.run(model, h, data(101), TrainingState.getDefaultInstance(), hooks);
        EpochMetrics m = hooks.epochs.get(0);
        assertTrue(m.getEvaluationSeconds() >= 0.3, "evaluation timed: " + m);
        assertTrue(m.getTrainingSeconds() < 0.3 && m.getSeconds() >= m.getTrainingSeconds() + m.getEvaluationSeconds(), m.toString());
        assertEquals(100 / m.getTrainingSeconds(), m.getTokensPerSecond(), 1e-6 * m.getTokensPerSecond(), "10 steps of 2 × 5 tokens per training second");
    }

    @Test
    void keepBestEpochRemembersTheBestEpochAndItsCheckpoint() {
        Hyperparameters h = Hyperparameters.parse(Map.of("batch_size", "2", "bptt", "5", "epochs", "4", "keep_best_epoch", "true"));
        Hooks hooks = new Hooks();
        TrainingLoop.Result r = TrainingLoop.run(new ScriptedModel(5, 3, 3.5, 4), h, data(101), TrainingState.getDefaultInstance(), hooks);
        assertEquals(2, r.state().getBestEpoch());
        assertEquals(20, r.state().getBestGlobalStep(), "the end of epoch 2");
        assertEquals(r.state().getBestGlobalStep(), hooks.checkpoints.get(1).getGlobalStep(), "the end-of-epoch checkpoint the store keeps");
        assertEquals(2, StandaloneTraining.keptEpoch(h, r.state()));

        Hyperparameters last = Hyperparameters.parse(Map.of("batch_size", "2", "bptt", "5", "epochs", "4"));
        TrainingLoop.Result plain = TrainingLoop.run(new ScriptedModel(5, 3, 3.5, 4), last, data(101), TrainingState.getDefaultInstance(), new Hooks());
        assertEquals(0, plain.state().getBestGlobalStep(), "without keep_best_epoch no checkpoint is held back");
        assertEquals(4, StandaloneTraining.keptEpoch(last, plain.state()));
    }

    @Test
    void resumesExactlyWhereTheCheckpointSaysAndStopsOnRequest() {
        Hyperparameters h = Hyperparameters.parse(Map.of("batch_size", "2", "bptt", "5", "epochs", "2"));
        Hooks first = new Hooks();
        first.stopAfterSteps = 13;
        ScriptedModel a = new ScriptedModel(5, 4);
        TrainingLoop.Result stopped = TrainingLoop.run(a, h, data(101), TrainingState.getDefaultInstance(), first);
        assertEquals(TrainingLoop.Outcome.STOPPED, stopped.outcome());
        assertEquals(1, stopped.state().getEpochsCompleted());
        assertEquals(3, stopped.state().getStepInEpoch());

        ScriptedModel b = new ScriptedModel(4);
        TrainingLoop.Result resumed = TrainingLoop.run(b, h, data(101), first.checkpoints.get(first.checkpoints.size() - 1), new Hooks());
        assertEquals(TrainingLoop.Outcome.COMPLETED, resumed.outcome());
        ScriptedModel straight = new ScriptedModel(5, 4);
        TrainingLoop.run(straight, h, data(101), TrainingState.getDefaultInstance(), new Hooks());
        List<String> joined = new ArrayList<>(a.steps);
        joined.addAll(b.steps);
        assertEquals(straight.steps, joined, "the interrupted run does the same steps as the straight one");
        assertEquals(20, resumed.state().getGlobalStep());
    }

    @Test
    void stopsEarlyWhenValidationStopsImproving() {
        Hyperparameters h = Hyperparameters.parse(Map.of("batch_size", "2", "bptt", "5", "epochs", "10", "early_stopping_patience", "2"));
        TrainingLoop.Result r = TrainingLoop.run(new ScriptedModel(5, 4, 4.1, 4.2, 3), h, data(101), TrainingState.getDefaultInstance(), new Hooks());
        assertEquals(TrainingLoop.Outcome.EARLY_STOPPED, r.outcome());
        assertEquals(4, r.state().getEpochsCompleted());
        assertEquals(4.0, r.state().getBestValidationLoss());
    }

    @Test
    void aDivergingRunFailsWithAnActionableReason() {
        ScriptedModel model = new ScriptedModel(5);
        model.nextLoss = Float.NaN;
        var e = assertThrows(LmForgeException.class, () -> TrainingLoop.run(model, Hyperparameters.parse(Map.of("batch_size", "2", "bptt", "5")),
                data(101), TrainingState.getDefaultInstance(), new Hooks()));
        assertTrue(e.getMessage().contains("lower learning_rate"), e.getMessage());
        var tooSmall = assertThrows(LmForgeException.class, () -> TrainingLoop.run(model, Hyperparameters.parse(Map.of()),
                data(50), TrainingState.getDefaultInstance(), new Hooks()));
        assertTrue(tooSmall.getMessage().contains("too few for one batch"), tooSmall.getMessage());
    }
}
