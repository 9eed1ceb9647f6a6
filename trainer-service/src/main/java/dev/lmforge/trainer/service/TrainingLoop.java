package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.trainer.internal.TrainingState;
import dev.lmforge.trainer.model.TokenWindows;

/**
 * The epochs of one job: truncated BPTT over the train split, the learning-rate schedule, an
 * evaluation on the validation split after each epoch, early stopping, checkpoints when due and at
 * every epoch's end. Knows nothing of S3, Kafka or TensorFlow: the hooks do the I/O.
 */
final class TrainingLoop {

    static final double LN2 = Math.log(2);

    enum Outcome { COMPLETED, EARLY_STOPPED, STOPPED, MAX_RUNTIME_EXCEEDED }

    /** What the runner does around the loop; called on the training thread. */
    interface Hooks {
        /** After every step; the hook decides how often to report. */
        void onStep(TrainingState state, long stepsPerEpoch, double loss, double tokensPerSecond);

        void onEpoch(TrainingState state, EpochMetrics metrics);

        boolean stopRequested();

        boolean runtimeExceeded();

        boolean checkpointDue();

        /** Saves the model and the state; the state says where training resumes. */
        void checkpoint(TrainingState state);
    }

    record Result(Outcome outcome, TrainingState state) {
    }

    private TrainingLoop() {
    }

    /** The learning rate of an epoch (1-based): SGD's Zaremba schedule, or Adam's with the same decay. */
    static double learningRate(Hyperparameters h, int epoch) {
        return h.learningRate() * Math.pow(h.lrDecay(), Math.max(0, epoch - h.decayStartEpoch()));
    }

    /** Validation loss (nats per token), perplexity and bits per character from the total nats of the validation split. */
    static EpochMetrics.Builder validationMetrics(double nats, TokenData data) {
        double loss = nats / Math.max(1, data.validation().length - 1);
        return EpochMetrics.newBuilder().setValidationLoss(loss).setValidationPerplexity(Math.exp(loss))
                .setValidationBpc(nats / LN2 / Math.max(1, data.validationCharacters()));
    }

    static Result run(LanguageModel model, Hyperparameters h, TokenData data, TrainingState start, Hooks hooks) {
        // The same windows as the benchmark's PyTorch peer: a stream's last partial window is trained too,
        // its padding left out of loss and gradient.
        TokenWindows windows = TokenWindows.of(data.train(), h.batchSize(), h.bptt());
        long steps = windows.windowCount();
        if ((data.train().length - 1) / h.batchSize() < h.bptt()) {
            throw LmForgeException.failedPrecondition(
                    "the train split has %d tokens: too few for one batch of batch_size %d × bptt %d; use a smaller batch_size or bptt",
                    data.train().length, h.batchSize(), h.bptt());
        }
        int[] inputs = new int[h.batchSize() * h.bptt()];
        int[] targets = new int[inputs.length];
        TrainingState.Builder state = start.toBuilder();
        for (int epoch = state.getEpochsCompleted() + 1; epoch <= h.epochs(); epoch++) {
            double lr = learningRate(h, epoch);
            state.setLearningRate(lr);
            model.resetTrainingState();
            long epochStarted = System.nanoTime();
            long epochTokens = 0;
            double epochTrainingSeconds = 0;
            for (long step = state.getStepInEpoch(); step < steps; step++) {
                long t0 = System.nanoTime();
                int tokens = windows.window((int) step, inputs, targets).validTokens();
                float loss = model.trainStep(inputs, targets, (float) lr);
                if (!Float.isFinite(loss)) {
                    throw LmForgeException.failedPrecondition(
                            "training diverged: the loss became %s at epoch %d, step %d; lower learning_rate or max_grad_norm",
                            loss, epoch, step);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                epochTokens += tokens;
                epochTrainingSeconds += seconds;
                state.setStepInEpoch(step + 1).setGlobalStep(state.getGlobalStep() + 1)
                        .setTokensTrained(state.getTokensTrained() + tokens)
                        .setTrainingSeconds(state.getTrainingSeconds() + seconds)
                        .setEpochLossSum(state.getEpochLossSum() + loss).setEpochLossSteps(state.getEpochLossSteps() + 1);
                hooks.onStep(state.build(), steps, loss, state.getTokensTrained() / Math.max(1e-9, state.getTrainingSeconds()));
                if (hooks.stopRequested()) {
                    hooks.checkpoint(state.build());
                    return new Result(Outcome.STOPPED, state.build());
                }
                if (hooks.runtimeExceeded()) {
                    hooks.checkpoint(state.build());
                    return new Result(Outcome.MAX_RUNTIME_EXCEEDED, state.build());
                }
                if (hooks.checkpointDue() && step + 1 < steps) {
                    hooks.checkpoint(state.build());
                }
            }
            long evaluationStarted = System.nanoTime();
            EpochMetrics.Builder validated = validationMetrics(model.evaluateNats(data.validation()), data);
            double validLoss = validated.getValidationLoss();
            long now = System.nanoTime();
            EpochMetrics metrics = validated.setEpoch(epoch)
                    .setTrainLoss(state.getEpochLossSum() / Math.max(1, state.getEpochLossSteps()))
                    .setTokensPerSecond(epochTokens / Math.max(1e-9, epochTrainingSeconds)).setLearningRate(lr)
                    .setTrainingSeconds(epochTrainingSeconds).setEvaluationSeconds((now - evaluationStarted) / 1e9)
                    .setSeconds((now - epochStarted) / 1e9).build();
            boolean improved = state.getEpochsCount() == 0 || validLoss < state.getBestValidationLoss();
            state.addEpochs(metrics).setEpochsCompleted(epoch).setStepInEpoch(0).setEpochLossSum(0).setEpochLossSteps(0)
                    .setBestValidationLoss(improved ? validLoss : state.getBestValidationLoss())
                    .setEpochsWithoutImprovement(improved ? 0 : state.getEpochsWithoutImprovement() + 1);
            if (improved && h.keepBestEpoch()) {
                // the end-of-epoch checkpoint below is at this global step; the store keeps it while it is the best
                state.setBestEpoch(epoch).setBestGlobalStep(state.getGlobalStep());
            }
            hooks.onEpoch(state.build(), metrics);
            hooks.checkpoint(state.build());
            if (h.earlyStoppingPatience() > 0 && state.getEpochsWithoutImprovement() >= h.earlyStoppingPatience()) {
                return new Result(Outcome.EARLY_STOPPED, state.build());
            }
        }
        return new Result(Outcome.COMPLETED, state.build());
    }
}
