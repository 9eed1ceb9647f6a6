package dev.lmforge.trainer.model;

/**
 * How a model runs, as opposed to what it computes ({@link LstmConfig}).
 *
 * @param intraOpThreads threads one TensorFlow kernel may use (matrix products, element-wise ops); 0 = all
 *        available processors
 * @param interOpThreads kernels that may run at once; 0 = automatic (2, or 1 on a single processor)
 * @param lstmBackward how the LSTM's backward pass is built; {@link LstmBackward#AUTO} picks
 *        {@link LstmBackward#PER_STEP} on CPU and {@link LstmBackward#FUSED} on GPU
 * @param softmaxShards how many column blocks the softmax weights are stored and computed in (independent
 *        blocks run concurrently, and each block's [tokens × vocabulary/shards] activations stay small);
 *        0 = automatic: 2 for an untied vocabulary of 4096 or more, else 1. Part of the checkpoint
 *        layout: {@link LstmLanguageModel#restore} uses the checkpoint's value
 * @param logDevicePlacement log where TensorFlow places every kernel (TensorFlow's own log, on stderr);
 *        always on for {@link LstmConfig.Device#GPU}
 * @param bfloat16 let TensorFlow's graph optimizer run the matrix products in bfloat16 through oneDNN
 *        (auto_mixed_precision_onednn_bfloat16; the variables stay float32): faster on CPUs with
 *        AVX-512 BF16 or AMX, at bfloat16's precision. Off by default: not the PyTorch peer's arithmetic
 */
public record RuntimeOptions(int intraOpThreads, int interOpThreads, LstmBackward lstmBackward, int softmaxShards,
        boolean logDevicePlacement, boolean bfloat16) {

    /** Backward-pass formulations of the LSTM layers; both compute the same gradients. */
    public enum LstmBackward {
        AUTO,
        /** TensorFlow's fused BlockLSTMGrad kernel over the whole window (few kernels: best on GPU). */
        FUSED,
        /**
         * One LSTMBlockCellGrad kernel and one small matrix product per time step, then the weight
         * gradient of all steps in one large matrix product (faster on CPU: BlockLSTMGrad accumulates
         * the weight gradient with a rank-batchSize update per step).
         */
        PER_STEP
    }

    public RuntimeOptions {
        if (intraOpThreads < 0 || interOpThreads < 0 || softmaxShards < 0 || softmaxShards > 64) {
            throw new IllegalArgumentException("thread counts must be >= 0 and softmaxShards in [0, 64]");
        }
        if (lstmBackward == null) {
            throw new IllegalArgumentException("lstmBackward must be set");
        }
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(0, 0, LstmBackward.AUTO, 0, false, false);
    }

    public RuntimeOptions withThreads(int intra, int inter) {
        return new RuntimeOptions(intra, inter, lstmBackward, softmaxShards, logDevicePlacement, bfloat16);
    }

    public RuntimeOptions withLstmBackward(LstmBackward backward) {
        return new RuntimeOptions(intraOpThreads, interOpThreads, backward, softmaxShards, logDevicePlacement, bfloat16);
    }

    public RuntimeOptions withSoftmaxShards(int shards) {
        return new RuntimeOptions(intraOpThreads, interOpThreads, lstmBackward, shards, logDevicePlacement, bfloat16);
    }

    public RuntimeOptions withBfloat16(boolean on) {
        return new RuntimeOptions(intraOpThreads, interOpThreads, lstmBackward, softmaxShards, logDevicePlacement, on);
    }

    int effectiveIntraOpThreads() {
        return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }

    int effectiveInterOpThreads() {
        return interOpThreads > 0 ? interOpThreads : Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    int effectiveSoftmaxShards(LstmConfig config) {
        int shards = softmaxShards > 0 ? softmaxShards : (!config.tieWeights() && config.vocabSize() >= 4096 ? 2 : 1);
        return config.tieWeights() ? 1 : Math.min(shards, config.vocabSize());
    }

    LstmBackward effectiveLstmBackward(LstmConfig config) {
        if (lstmBackward != LstmBackward.AUTO) {
            return lstmBackward;
        }
        return config.device() == LstmConfig.Device.GPU ? LstmBackward.FUSED : LstmBackward.PER_STEP;
    }
}
