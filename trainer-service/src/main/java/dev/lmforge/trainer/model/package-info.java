/**
 * The LSTM language model of the trainer: TensorFlow Java 1.0.0 (TF 2.16), graph mode, plain Java
 * (no Quarkus, Kafka or S3 here).
 *
 * <h2>Use</h2>
 * <pre>{@code
 * LstmConfig config = LstmConfig.zarembaSmall(vocabSize, seed);          // or new LstmConfig(...)
 * if (LstmLanguageModel.estimateBytes(config) > limit) { refuse }
 * try (LstmLanguageModel model = LstmLanguageModel.create(config)) {     // or restore(config, checkpointDir)
 *     TokenWindows windows = TokenWindows.of(trainTokens, config.batchSize(), config.bptt());
 *     for (int epoch = 0; epoch < epochs; epoch++) {
 *         model.resetTrainingState();
 *         for (int w = 0; w < windows.windowCount(); w++) {              // resume mid-epoch: start at w
 *             float loss = model.trainStep(windows.window(w), lr);      // nats/token; NaN = diverged
 *         }
 *         Evaluation valid = model.evaluate(TokenWindows.of(validTokens, 10, 35));
 *         model.saveCheckpoint(tmpDir);                                 // then rename / upload
 *     }
 *     model.exportSavedModel(modelDir);                                 // serving_default + stateful
 * }
 * }</pre>
 * A checkpoint holds everything needed to continue exactly (weights, Adam slots, step counter, the
 * LSTM state carried between windows); the caller records where in the data (epoch, window) it was.
 *
 * <h2>What the service engineer must know</h2>
 * <ul>
 *   <li><b>Threads.</b> Each model owns a TensorFlow session with its own thread pools
 *       ({@link dev.lmforge.trainer.model.RuntimeOptions}: intra-op threads = processors, 2 inter-op
 *       threads by default). Run one training job per pod/process on CPU, or give each model a share
 *       of the cores. All model methods are synchronized; call them from one worker thread (not the
 *       Kafka or gRPC event loop). Kernels run in native threads; the JVM heap stays small.</li>
 *   <li><b>Memory.</b> {@link dev.lmforge.trainer.model.LstmLanguageModel#estimateBytes} estimates the
 *       TensorFlow tensors of a step (Zaremba small: ~100 MB); add ~300–400 MB resident for the JVM and
 *       TensorFlow's native code. Token data: {@code TokenWindows} holds 4 bytes per token
 *       (100M tokens = 400 MB of heap). Optional: {@code TF_CPU_ALLOCATOR_USE_BFC=true} in the environment makes TF pool
 *       its CPU buffers instead of allocating and freeing them every step.</li>
 *   <li><b>Native loading.</b> The first model of a JVM loads TensorFlow (~600 MB of natives unpacked
 *       by JavaCPP into {@code ~/.javacpp/cache} or {@code -Dorg.bytedeco.javacpp.cachedir}; 1.5–6 s);
 *       later models build in ~0.3 s. Keep the TF Java artifacts parent-first in Quarkus (docs/DESIGN.md).
 *       This package registers no Java gradients: the backward pass is built explicitly, so nothing calls
 *       back into a class loader.</li>
 *   <li><b>GPU.</b> {@code LstmConfig.Device.GPU} places every kernel on {@code /device:GPU:0} with
 *       soft placement (kernels without a GPU implementation fall back to the CPU) and logs the placement;
 *       it needs the {@code -Pgpu} build (natives {@code linux-x86_64-gpu}, CUDA 12.3, cuDNN 8.9). Without a
 *       usable GPU, {@code create} throws {@link java.lang.IllegalStateException} saying so. On GPU the
 *       LSTM backward uses the fused BlockLSTMGrad kernel ({@code RuntimeOptions.LstmBackward.AUTO}).
 *       Checkpoints move freely between CPU and GPU ({@code restore} ignores the device field).</li>
 *   <li><b>Failures.</b> Bad configurations throw {@link java.lang.IllegalArgumentException} from the
 *       {@link dev.lmforge.trainer.model.LstmConfig} constructor (map to INVALID_ARGUMENT / job Failed);
 *       token ids outside {@code [0, vocabSize)} throw from {@code trainStep}/{@code evaluate}; a NaN
 *       loss means divergence (lower the learning rate or clip).</li>
 * </ul>
 */
package dev.lmforge.trainer.model;
