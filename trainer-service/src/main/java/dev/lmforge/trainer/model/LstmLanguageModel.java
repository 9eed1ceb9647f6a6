package dev.lmforge.trainer.model;

import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An LSTM language model (Zaremba et al. 2014) in TensorFlow Java, graph mode: embedding, a stack of
 * LSTM layers (TensorFlow's fused BlockLSTM kernel), a softmax over the vocabulary; trained with
 * truncated backpropagation through time, SGD or Adam and global-norm clipping, one session run per
 * step. See {@link LstmConfig} for the conventions (objective, dropout, initialisation).
 *
 * <p>Not thread-safe in the sense of concurrent training: all methods are synchronized. One model
 * holds one TensorFlow session with its own thread pools ({@link RuntimeOptions}). Close it.
 */
public final class LstmLanguageModel implements AutoCloseable {

    private static final String CHECKPOINT_PREFIX = "model";
    private static final String CHECKPOINT_META = "model.properties";
    private static final int CHECKPOINT_FORMAT = 1;

    private final LstmConfig config;
    private final RuntimeOptions options;
    private final ModelGraph model;
    private final Session session;
    private final TInt32 idsTensor;
    private final TInt32 targetsTensor;
    private final TFloat32 lrTensor;
    private final IntDataBuffer idsBuffer;
    private final IntDataBuffer targetsBuffer;
    private final int[] idsTimeMajor;
    private final int[] targetsTimeMajor;
    private float lastGradNorm = Float.NaN;
    private boolean closed;

    private LstmLanguageModel(LstmConfig config, RuntimeOptions options, int shards, Path checkpoint) {
        this.config = config;
        this.options = options;
        if (config.device() == LstmConfig.Device.GPU) {
            requireGpu();
        }
        ModelGraph built = null;
        Session opened = null;
        try {
            built = new ModelGraph(config, options, shards);
            opened = new Session(built.graph, sessionConfig(config, options));
            if (checkpoint == null) {
                opened.run(built.init);
            } else {
                opened.restore(checkpoint.resolve(CHECKPOINT_PREFIX).toString());
            }
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            if (built != null) {
                built.graph.close();
            }
            throw e;
        }
        this.model = built;
        this.session = opened;
        int n = config.batchSize() * config.bptt();
        idsTensor = TInt32.tensorOf(Shape.of(config.bptt(), config.batchSize()));
        targetsTensor = TInt32.tensorOf(Shape.of(n));
        lrTensor = TFloat32.scalarOf(0f);
        idsBuffer = idsTensor.asRawTensor().data().asInts();
        targetsBuffer = targetsTensor.asRawTensor().data().asInts();
        idsTimeMajor = new int[n];
        targetsTimeMajor = new int[n];
    }

    /** Builds the graph and initialises the variables from {@code config.seed()}. */
    public static LstmLanguageModel create(LstmConfig config) {
        return create(config, RuntimeOptions.defaults());
    }

    public static LstmLanguageModel create(LstmConfig config, RuntimeOptions options) {
        return new LstmLanguageModel(config, options, options.effectiveSoftmaxShards(config), null);
    }

    /**
     * Restores a checkpoint written by {@link #saveCheckpoint}: weights, optimizer state, step
     * counter and the carried LSTM state, so that training continues exactly as if uninterrupted.
     * {@code config} must equal the checkpoint's, except for {@link LstmConfig#device()}.
     */
    public static LstmLanguageModel restore(LstmConfig config, Path checkpoint) {
        return restore(config, checkpoint, RuntimeOptions.defaults());
    }

    public static LstmLanguageModel restore(LstmConfig config, Path checkpoint, RuntimeOptions options) {
        Properties meta = readMeta(checkpoint);
        LstmConfig saved = configFromMeta(meta, config.device());
        if (!saved.equals(config)) {
            throw new IllegalArgumentException("Checkpoint " + checkpoint + " was written with " + saved + ", not " + config);
        }
        int shards = Integer.parseInt(meta.getProperty("softmaxShards"));
        return new LstmLanguageModel(config, options, shards, checkpoint);
    }

    /** The configuration a checkpoint was written with (its device field is CPU). */
    public static LstmConfig checkpointConfig(Path checkpoint) {
        return configFromMeta(readMeta(checkpoint), LstmConfig.Device.CPU);
    }

    public LstmConfig config() {
        return config;
    }

    public RuntimeOptions options() {
        return options;
    }

    /**
     * One truncated-BPTT step on a {@code [batchSize, bptt]} row-major window: forward, backward,
     * clipping and update in one session run. The LSTM state carries over from the previous call
     * (see {@link #resetTrainingState}). Targets equal to {@link TokenWindows#IGNORE} are left out.
     *
     * @return the mean cross-entropy of the window's targets, in nats per token (0 if all are ignored)
     */
    public synchronized float trainStep(int[] inputs, int[] targets, float learningRate) {
        try (Result result = runTrainStep(inputs, targets, learningRate, false)) {
            lastGradNorm = ((TFloat32) result.get(1)).getFloat();
            return ((TFloat32) result.get(0)).getFloat();
        }
    }

    /** A training step with TensorFlow's full trace: per-kernel timings (for profiling). */
    synchronized org.tensorflow.proto.RunMetadata traceTrainStep(int[] inputs, int[] targets, float learningRate) {
        try (Result result = runTrainStep(inputs, targets, learningRate, true)) {
            return result.getMetadata().orElseThrow();
        }
    }

    private Result runTrainStep(int[] inputs, int[] targets, float learningRate, boolean trace) {
        checkOpen();
        int b = config.batchSize();
        int t = config.bptt();
        int n = b * t;
        if (inputs.length != n || targets.length != n) {
            throw new IllegalArgumentException("inputs and targets must hold batchSize * bptt = " + n + " tokens, got "
                    + inputs.length + " and " + targets.length);
        }
        int vocab = config.vocabSize();
        for (int row = 0; row < b; row++) {
            for (int step = 0; step < t; step++) {
                int input = inputs[row * t + step];
                int target = targets[row * t + step];
                if (input < 0 || input >= vocab || target < TokenWindows.IGNORE || target >= vocab) {
                    throw new IllegalArgumentException("token id out of range [0, " + vocab + "): input " + input + ", target " + target
                            + " at [" + row + ", " + step + "]");
                }
                idsTimeMajor[step * b + row] = input;
                targetsTimeMajor[step * b + row] = target;
            }
        }
        idsBuffer.write(idsTimeMajor);
        targetsBuffer.write(targetsTimeMajor);
        lrTensor.setFloat(learningRate);
        Session.Runner runner = session.runner()
                .feed(model.trainIds, idsTensor)
                .feed(model.trainTargets, targetsTensor)
                .feed(model.learningRate, lrTensor)
                .fetch(model.trainLoss)
                .fetch(model.gradNorm)
                .addTarget(model.trainOp);
        if (!trace) {
            return runner.run();
        }
        return runner.setOptions(org.tensorflow.proto.RunOptions.newBuilder()
                .setTraceLevel(org.tensorflow.proto.RunOptions.TraceLevel.FULL_TRACE).build()).runAndFetchMetadata();
    }

    /** {@link #trainStep(int[], int[], float)} on a window of {@link TokenWindows} with this model's batch size and bptt. */
    public float trainStep(TokenWindows.Window window, float learningRate) {
        return trainStep(window.inputs(), window.targets(), learningRate);
    }

    /** Global gradient norm (before clipping) of the last training step; NaN before the first. */
    public synchronized float lastGradNorm() {
        return lastGradNorm;
    }

    /** Training steps taken since initialisation (restored with checkpoints). */
    public synchronized long step() {
        checkOpen();
        try (Result result = session.runner().fetch(model.globalStep).run()) {
            return ((TInt64) result.get(0)).getLong();
        }
    }

    /** Zeroes the LSTM state carried between training steps (at the start of an epoch). */
    public synchronized void resetTrainingState() {
        checkOpen();
        session.run(model.resetState);
    }

    /**
     * Scores every next-token prediction of {@code windows} (any batch size and bptt), carrying the
     * LSTM state from window to window, starting from zeros, without dropout; the training state is
     * not touched.
     */
    public synchronized Evaluation evaluate(TokenWindows windows) {
        checkOpen();
        int b = windows.batchSize();
        int t = windows.bptt();
        int n = b * t;
        int h = config.hiddenSize();
        int layers = config.numLayers();
        List<TFloat32> hState = new ArrayList<>();
        List<TFloat32> cState = new ArrayList<>();
        int[] inputs = new int[n];
        int[] targets = new int[n];
        int[] idsTm = new int[n];
        int[] targetsTm = new int[n];
        double total = 0;
        long tokens = 0;
        try (TInt32 ids = TInt32.tensorOf(Shape.of(t, b)); TInt32 tg = TInt32.tensorOf(Shape.of(n))) {
            for (int l = 0; l < layers; l++) {
                hState.add(zeros(b, h));
                cState.add(zeros(b, h));
            }
            IntDataBuffer idsData = ids.asRawTensor().data().asInts();
            IntDataBuffer tgData = tg.asRawTensor().data().asInts();
            for (int w = 0; w < windows.windowCount(); w++) {
                TokenWindows.Window window = windows.window(w, inputs, targets);
                for (int row = 0; row < b; row++) {
                    for (int step = 0; step < t; step++) {
                        int input = inputs[row * t + step];
                        int target = targets[row * t + step];
                        if (input < 0 || input >= config.vocabSize() || target >= config.vocabSize()) {
                            throw new IllegalArgumentException("token id out of range [0, " + config.vocabSize() + "): " + input + " / " + target);
                        }
                        idsTm[step * b + row] = input;
                        targetsTm[step * b + row] = target;
                    }
                }
                idsData.write(idsTm);
                tgData.write(targetsTm);
                Session.Runner runner = session.runner().feed(model.evalIds, ids).feed(model.evalTargets, tg).fetch(model.evalLossSum);
                for (int l = 0; l < layers; l++) {
                    runner.feed(model.evalH.get(l), hState.get(l)).feed(model.evalC.get(l), cState.get(l));
                    runner.fetch(model.evalHOut.get(l)).fetch(model.evalCOut.get(l));
                }
                try (Result result = runner.run()) {
                    total += ((TFloat32) result.get(0)).getFloat();
                    for (int l = 0; l < layers; l++) {
                        hState.set(l, replace(hState.get(l), copy((TFloat32) result.get(1 + 2 * l))));
                        cState.set(l, replace(cState.get(l), copy((TFloat32) result.get(2 + 2 * l))));
                    }
                }
                tokens += window.validTokens();
            }
        } finally {
            hState.forEach(Tensor::close);
            cState.forEach(Tensor::close);
        }
        return new Evaluation(total, tokens);
    }

    /**
     * Writes a complete checkpoint into {@code dir} (created if missing): every variable (weights,
     * optimizer slots, step counter, carried LSTM state) as a TensorFlow checkpoint
     * {@code model.index}/{@code model.data-*}, then {@code model.properties} (configuration and
     * layout) last. The caller makes it atomic (write to a fresh directory, then rename or upload).
     */
    public synchronized void saveCheckpoint(Path dir) {
        checkOpen();
        try {
            Files.createDirectories(dir);
            session.save(dir.resolve(CHECKPOINT_PREFIX).toString());
            Properties meta = new Properties();
            meta.setProperty("format", Integer.toString(CHECKPOINT_FORMAT));
            meta.setProperty("vocabSize", Integer.toString(config.vocabSize()));
            meta.setProperty("embeddingDim", Integer.toString(config.embeddingDim()));
            meta.setProperty("hiddenSize", Integer.toString(config.hiddenSize()));
            meta.setProperty("numLayers", Integer.toString(config.numLayers()));
            meta.setProperty("dropout", Float.toString(config.dropout()));
            meta.setProperty("tieWeights", Boolean.toString(config.tieWeights()));
            meta.setProperty("initScale", Float.toString(config.initScale()));
            meta.setProperty("batchSize", Integer.toString(config.batchSize()));
            meta.setProperty("bptt", Integer.toString(config.bptt()));
            meta.setProperty("optimizer", config.optimizer().name());
            meta.setProperty("maxGradNorm", Float.toString(config.maxGradNorm()));
            meta.setProperty("seed", Long.toString(config.seed()));
            meta.setProperty("softmaxShards", Integer.toString(model.shards));
            Path tmp = dir.resolve(CHECKPOINT_META + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                meta.store(out, "LM Forge LSTM checkpoint (TensorFlow " + TensorFlow.version() + ")");
            }
            Files.move(tmp, dir.resolve(CHECKPOINT_META), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint to " + dir, e);
        }
    }

    /**
     * Writes a SavedModel (tag "serve") into {@code dir} with the signatures {@code serving_default}
     * (token_ids int32 [batch, time] → log_probs [batch, time, vocab]) and {@code stateful}
     * (token_ids [batch, 1], h, c [layers, batch, hidden] → log_probs [batch, 1, vocab], h_out, c_out;
     * with 0 layers h and c are [1, batch, hidden] and pass through unchanged) and {@code next_token}
     * (token_ids [batch, time], lengths [batch] → log_probs [batch, vocab] after each last real position).
     * log_probs is the log-softmax of the next token. The directory must not exist yet or be empty.
     */
    public synchronized void exportSavedModel(Path dir) {
        checkOpen();
        Map<String, Tensor> values = new LinkedHashMap<>();
        List<Result> results = new ArrayList<>();
        try (ServingGraph serving = new ServingGraph(config)) {
            values.put("embedding", fetch(model.embedding, results));
            for (int l = 0; l < config.numLayers(); l++) {
                values.put("lstm_w_" + l, fetch(model.lstmW.get(l), results));
                values.put("lstm_b_" + l, fetch(model.lstmB.get(l), results));
            }
            if (config.tieWeights()) {
                values.put("softmax_b", fetch(model.softmaxBias, results));
            } else if (model.shards == 1) {
                values.put("softmax_w", fetch(model.softmaxW.get(0), results));
            } else {
                try (Graph g = new Graph(); Session s = new Session(g)) {
                    Ops ops = Ops.create(g);
                    List<org.tensorflow.op.core.Placeholder<TFloat32>> parts = new ArrayList<>();
                    Session.Runner runner = s.runner();
                    for (int i = 0; i < model.shards; i++) {
                        org.tensorflow.op.core.Placeholder<TFloat32> part = ops.placeholder(TFloat32.class);
                        parts.add(part);
                        runner.feed(part, fetch(model.softmaxW.get(i), results));
                    }
                    Result joined = runner.fetch(ops.concat(new ArrayList<>(parts), ops.constant(1))).run();
                    results.add(joined);
                    values.put("softmax_w", joined.get(0));
                }
            }
            Files.createDirectories(dir);
            serving.export(dir, values);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        } finally {
            results.forEach(Result::close);
        }
    }

    /** Number of trainable parameters. */
    public long parameterCount() {
        return parameterCount(config);
    }

    public static long parameterCount(LstmConfig c) {
        long p = (long) c.vocabSize() * c.embeddingDim();
        for (int l = 0; l < c.numLayers(); l++) {
            p += (long) (c.layerInput(l) + c.hiddenSize()) * 4 * c.hiddenSize() + 4L * c.hiddenSize();
        }
        p += c.tieWeights() ? c.vocabSize() : (long) c.vocabSize() * (c.hiddenSize() + 1);
        return p;
    }

    /**
     * Approximate peak bytes of TensorFlow tensors while training: parameters, their gradients,
     * optimizer slots (Adam: 2 per parameter) and the activations of one {@code batchSize × bptt}
     * step (LSTM gates and states, three [tokens × vocabulary] softmax buffers, dropout masks).
     * Not included: the JVM heap, TensorFlow's code and thread stacks (~300-400 MB resident for a
     * small model on CPU), and evaluation with a batch larger than the training batch.
     */
    public static long estimateBytes(LstmConfig c) {
        long params = parameterCount(c);
        long grads = c.optimizer() == LstmConfig.Optimizer.ADAM ? 2 * params : params;
        long slots = c.optimizer() == LstmConfig.Optimizer.ADAM ? 2 * params : 0;
        long n = (long) c.batchSize() * c.bptt();
        long h = c.hiddenSize();
        long activations = n * c.embeddingDim() * 3; // gathered embeddings, their gradient rows, concat
        for (int l = 0; l < c.numLayers(); l++) {
            long in = c.layerInput(l);
            activations += n * (7 * h + 4 * h + 2 * (in + h)); // BlockLSTM outputs, gate gradients, [x, h_prev] and its gradient
        }
        activations += 3 * n * c.vocabSize(); // logits, log-softmax, exp
        activations += 4 * n * (h + 1); // softmax input and its gradient pieces
        if (c.dropout() > 0) {
            activations += n * (c.embeddingDim() + c.numLayers() * h) * 2;
        }
        activations += 2L * c.numLayers() * c.batchSize() * h; // carried state
        return 4 * (params + grads + slots + activations);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        idsTensor.close();
        targetsTensor.close();
        lrTensor.close();
        session.close();
        model.graph.close();
    }

    // ------------------------------------------------------------------------------------ internals

    /**
     * All parameters by variable name, as stored: "embedding" [V, E], "lstm_w_l" [input + hidden,
     * 4 hidden] (gates i, c, f, o), "lstm_b_l" [4 hidden], and "softmax_w_s" [hidden + 1, V_s] (block
     * s of the vocabulary's columns, last row the bias) or, tied, "softmax_b" [V]. Row-major copies.
     */
    public synchronized Map<String, float[]> parameters() {
        checkOpen();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Variable<TFloat32> var : model.trainableVariables()) {
            try (Result result = session.runner().fetch(var).run()) {
                TFloat32 tensor = (TFloat32) result.get(0);
                float[] values = new float[Math.toIntExact(tensor.shape().size())];
                tensor.asRawTensor().data().asFloats().read(values);
                out.put(var.op().name(), values);
            }
        }
        return out;
    }

    int softmaxShards() {
        return model.shards;
    }

    private final Map<String, Object[]> assigners = new java.util.HashMap<>();

    /** Overwrites parameters by name (layouts as in {@link #parameters()}); for tests. */
    synchronized void setParameters(Map<String, float[]> values) {
        checkOpen();
        for (Map.Entry<String, float[]> entry : values.entrySet()) {
            Object[] assigner = assigners.computeIfAbsent(entry.getKey(), name -> {
                Variable<TFloat32> var = model.trainableVariables().stream().filter(v -> v.op().name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no parameter " + name));
                Ops ops = Ops.create(model.graph);
                var value = ops.placeholder(TFloat32.class);
                return new Object[] {var, value, ops.assign(var, value)};
            });
            @SuppressWarnings("unchecked")
            Variable<TFloat32> var = (Variable<TFloat32>) assigner[0];
            try (TFloat32 t = TFloat32.tensorOf(var.shape())) {
                if (t.shape().size() != entry.getValue().length) {
                    throw new IllegalArgumentException(entry.getKey() + " has " + t.shape().size() + " values, got " + entry.getValue().length);
                }
                t.asRawTensor().data().asFloats().write(entry.getValue());
                session.runner().feed((org.tensorflow.Operand<?>) assigner[1], t).addTarget((org.tensorflow.op.Op) assigner[2]).run().close();
            }
        }
    }

    private Tensor fetch(Variable<TFloat32> var, List<Result> results) {
        Result result = session.runner().fetch(var).run();
        results.add(result);
        return result.get(0);
    }

    private static TFloat32 zeros(int rows, int cols) {
        TFloat32 t = TFloat32.tensorOf(Shape.of(rows, cols));
        t.asRawTensor().data().write(new byte[rows * cols * 4]);
        return t;
    }

    private static TFloat32 copy(TFloat32 source) {
        TFloat32 t = TFloat32.tensorOf(source.shape());
        source.asRawTensor().data().copyTo(t.asRawTensor().data(), source.asRawTensor().numBytes());
        return t;
    }

    private static TFloat32 replace(TFloat32 old, TFloat32 fresh) {
        old.close();
        return fresh;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model is closed");
        }
    }

    static ConfigProto sessionConfig(LstmConfig config, RuntimeOptions options) {
        ConfigProto.Builder proto = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(options.effectiveIntraOpThreads())
                .setInterOpParallelismThreads(options.effectiveInterOpThreads())
                .setUsePerSessionThreads(true);
        if (config.device() == LstmConfig.Device.GPU) {
            proto.setAllowSoftPlacement(true)
                    .setLogDevicePlacement(true)
                    .setGpuOptions(GPU_OPTIONS);
        } else if (options.logDevicePlacement()) {
            proto.setLogDevicePlacement(true);
        }
        if (options.bfloat16()) {
            proto.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
                    RewriterConfig.newBuilder().setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
        }
        return proto.build();
    }

    /**
     * Memory on demand instead of all of the GPU's at once. TensorFlow sets up a GPU's allocator for
     * the whole process with the options of the first session that touches the GPU and ignores
     * those of later ones, so every session this class opens on a GPU carries them, the probe of
     * {@link #requireGpu} first of all.
     */
    static final GPUOptions GPU_OPTIONS = GPUOptions.newBuilder().setAllowGrowth(true).build();

    /** The configuration of {@link #requireGpu}'s probe, the first session a GPU trainer opens. */
    static ConfigProto gpuProbeConfig() {
        return ConfigProto.newBuilder().setAllowSoftPlacement(false).setGpuOptions(GPU_OPTIONS).build();
    }

    /** Fails clearly when {@link LstmConfig.Device#GPU} is asked for and TensorFlow sees no GPU. */
    private static void requireGpu() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g).withDevice(org.tensorflow.DeviceSpec.newBuilder().deviceType(org.tensorflow.DeviceSpec.DeviceType.GPU)
                    .deviceIndex(0).build());
            var probe = tf.math.add(tf.constant(1f), tf.constant(1f));
            try (Session s = new Session(g, gpuProbeConfig());
                    Result r = s.runner().fetch(probe).run()) {
                r.get(0);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("LstmConfig.Device.GPU was requested but TensorFlow " + TensorFlow.version()
                    + " cannot place kernels on /device:GPU:0 (" + e.getMessage().lines().findFirst().orElse("") + "). "
                    + "A GPU needs the org.tensorflow:tensorflow-core-native:linux-x86_64-gpu natives (Maven profile -Pgpu) "
                    + "and CUDA 12.3 / cuDNN 8.9 on the machine (trainer-service/src/main/docker/Dockerfile.gpu); use Device.CPU otherwise.", e);
        }
    }

    private static Properties readMeta(Path checkpoint) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(checkpoint.resolve(CHECKPOINT_META))) {
            meta.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Not a complete checkpoint (no " + CHECKPOINT_META + "): " + checkpoint, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + checkpoint, e);
        }
        if (!Integer.toString(CHECKPOINT_FORMAT).equals(meta.getProperty("format"))) {
            throw new IllegalArgumentException("Unsupported checkpoint format " + meta.getProperty("format") + " in " + checkpoint);
        }
        return meta;
    }

    private static LstmConfig configFromMeta(Properties m, LstmConfig.Device device) {
        return new LstmConfig(Integer.parseInt(m.getProperty("vocabSize")), Integer.parseInt(m.getProperty("embeddingDim")),
                Integer.parseInt(m.getProperty("hiddenSize")), Integer.parseInt(m.getProperty("numLayers")),
                Float.parseFloat(m.getProperty("dropout")), Boolean.parseBoolean(m.getProperty("tieWeights")),
                Float.parseFloat(m.getProperty("initScale")), Integer.parseInt(m.getProperty("batchSize")),
                Integer.parseInt(m.getProperty("bptt")), LstmConfig.Optimizer.valueOf(m.getProperty("optimizer")),
                Float.parseFloat(m.getProperty("maxGradNorm")), Long.parseLong(m.getProperty("seed")), device);
    }
}
