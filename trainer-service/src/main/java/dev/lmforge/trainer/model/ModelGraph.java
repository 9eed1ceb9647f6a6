package dev.lmforge.trainer.model;

import dev.lmforge.trainer.model.RuntimeOptions.LstmBackward;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unique;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The TensorFlow graph of an {@link LstmLanguageModel}: variables, one training step (forward and a
 * hand-written backward pass, global-norm clipping and the optimizer update, all in one session
 * run) and a stateful evaluation step.
 *
 * <p>Why the backward pass is written out instead of using {@code Graph.addGradients}: the fused
 * LSTM kernels (BlockLSTM) and SparseSoftmaxCrossEntropyWithLogits have no gradient registered in
 * the TensorFlow 2.16 C library, and gradients registered from Java call back into the JVM (which
 * breaks when a second class loader loads TF Java, see docs/DESIGN.md). Writing it out also lets the
 * softmax skip work: its gradient {@code P = softmax − onehot} is never materialised (see
 * {@link #softmaxBackward}).
 *
 * <p>Layout: the LSTM weights are TensorFlow's BlockLSTM layout, {@code W [input + hidden, 4 hidden]}
 * with gates in the order input, cell, forget, output (ICFO) and {@code b [4 hidden]}; forget bias 0,
 * no cell clipping, no peepholes. Untied softmax weights are stored as {@code shards} column blocks
 * {@code softmax_w_s [hidden + 1, V_s]} whose last row is the bias. Variables are TF1 reference
 * variables (VariableV2), which {@code Session.save} checkpoints; their names contain no '/'.
 */
final class ModelGraph {

    static final float ADAM_BETA1 = 0.9f;
    static final float ADAM_BETA2 = 0.999f;
    static final float ADAM_EPSILON = 1e-8f;


    final LstmConfig config;
    final int shards;
    final int[] shardOffsets;
    final LstmBackward backward;
    final Graph graph;
    final Ops tf;

    // variables (in checkpoint order)
    final Variable<TFloat32> embedding;
    final List<Variable<TFloat32>> lstmW = new ArrayList<>();
    final List<Variable<TFloat32>> lstmB = new ArrayList<>();
    final List<Variable<TFloat32>> softmaxW = new ArrayList<>(); // untied only
    final Variable<TFloat32> softmaxBias; // tied only
    final List<Variable<TFloat32>> stateH = new ArrayList<>();
    final List<Variable<TFloat32>> stateC = new ArrayList<>();
    final Variable<TInt64> globalStep;
    final List<Variable<TFloat32>> adamM = new ArrayList<>();
    final List<Variable<TFloat32>> adamV = new ArrayList<>();
    Variable<TFloat32> adamBeta1Power;
    Variable<TFloat32> adamBeta2Power;

    final Op init;
    final Op resetState;

    // training step
    final Placeholder<TInt32> trainIds;
    final Placeholder<TInt32> trainTargets;
    final Placeholder<TFloat32> learningRate;
    final Operand<TFloat32> trainLoss;
    final Operand<TFloat32> gradNorm;
    final Op trainOp;

    // evaluation step
    final Placeholder<TInt32> evalIds;
    final Placeholder<TInt32> evalTargets;
    final List<Placeholder<TFloat32>> evalH = new ArrayList<>();
    final List<Placeholder<TFloat32>> evalC = new ArrayList<>();
    final Operand<TFloat32> evalLossSum;
    final List<Operand<TFloat32>> evalHOut = new ArrayList<>();
    final List<Operand<TFloat32>> evalCOut = new ArrayList<>();

    private final Operand<TFloat32> zerosH;

    ModelGraph(LstmConfig config, RuntimeOptions options, int shards) {
        this.config = config;
        this.shards = shards;
        this.backward = options.effectiveLstmBackward(config);
        this.shardOffsets = shardOffsets(config.vocabSize(), shards);
        this.graph = new Graph();
        Ops base = Ops.create(graph);
        this.tf = config.device() == LstmConfig.Device.GPU
                ? base.withDevice(DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build())
                : base;
        int v = config.vocabSize();
        int e = config.embeddingDim();
        int h = config.hiddenSize();
        int layers = config.numLayers();
        int b = config.batchSize();

        // ---- variables and their initialisation (seeded, stateless: independent of thread scheduling)
        List<Op> inits = new ArrayList<>();
        List<Variable<TFloat32>> trainable = new ArrayList<>();
        embedding = weight("embedding", inits, trainable, v, e);
        for (int l = 0; l < layers; l++) {
            lstmW.add(weight("lstm_w_" + l, inits, trainable, config.layerInput(l) + h, 4 * h));
            lstmB.add(weight("lstm_b_" + l, inits, trainable, 4 * h));
        }
        if (config.tieWeights()) {
            softmaxBias = weight("softmax_b", inits, trainable, v);
        } else {
            softmaxBias = null;
            for (int s = 0; s < shards; s++) {
                softmaxW.add(weight("softmax_w_" + s, inits, trainable, h + 1, shardOffsets[s + 1] - shardOffsets[s]));
            }
        }
        List<Op> resets = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            stateH.add(zeroVariable("state_h_" + l, resets, b, h));
            stateC.add(zeroVariable("state_c_" + l, resets, b, h));
        }
        inits.addAll(resets);
        globalStep = tf.withName("global_step").variable(Shape.scalar(), TInt64.class);
        inits.add(tf.assign(globalStep, tf.constant(0L)));
        if (config.optimizer() == LstmConfig.Optimizer.ADAM) {
            for (Variable<TFloat32> var : trainable) {
                String name = var.op().name();
                long[] dims = var.shape().asArray();
                adamM.add(zeroVariable(name + "-m", inits, dims));
                adamV.add(zeroVariable(name + "-v", inits, dims));
            }
            adamBeta1Power = tf.withName("adam_beta1_power").variable(Shape.scalar(), TFloat32.class);
            adamBeta2Power = tf.withName("adam_beta2_power").variable(Shape.scalar(), TFloat32.class);
            inits.add(tf.assign(adamBeta1Power, tf.constant(ADAM_BETA1)));
            inits.add(tf.assign(adamBeta2Power, tf.constant(ADAM_BETA2)));
        }
        init = tf.withControlDependencies(inits).withName("init_all").noOp();
        resetState = tf.withControlDependencies(resets).withName("reset_state").noOp();
        zerosH = tf.withName("zeros_h").constant(new float[h]);

        // ---- training step
        int t = config.bptt();
        int n = t * b;
        trainIds = tf.withName("train_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(t, b)));
        trainTargets = tf.withName("train_targets").placeholder(TInt32.class, Placeholder.shape(Shape.of(n)));
        learningRate = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        TrainStep step = buildTrainStep(trainable);
        trainLoss = step.loss;
        gradNorm = step.gradNorm;
        trainOp = step.op;

        // ---- evaluation step: [time, batch] of any size, state fed and fetched
        evalIds = tf.withName("eval_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
        evalTargets = tf.withName("eval_targets").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        for (int l = 0; l < layers; l++) {
            evalH.add(tf.withName("eval_h_" + l).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h))));
            evalC.add(tf.withName("eval_c_" + l).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h))));
        }
        evalLossSum = buildEvalStep();
    }

    static int[] shardOffsets(int vocab, int shards) {
        int[] offsets = new int[shards + 1];
        for (int s = 1; s <= shards; s++) {
            offsets[s] = (int) ((long) vocab * s / shards);
        }
        return offsets;
    }

    // ------------------------------------------------------------------------------------ training

    private record TrainStep(Operand<TFloat32> loss, Operand<TFloat32> gradNorm, Op op) {
    }

    private TrainStep buildTrainStep(List<Variable<TFloat32>> trainable) {
        int layers = config.numLayers();
        int h = config.hiddenSize();
        int t = config.bptt();
        int b = config.batchSize();
        int n = t * b;
        Operand<TInt64> seqLen = tf.constant((long) t);

        Operand<TFloat32> mask = tf.dtypes.cast(tf.math.greaterEqual(trainTargets, tf.constant(0)), TFloat32.class);
        Operand<TInt32> safeTargets = tf.math.maximum(trainTargets, tf.constant(0));
        Operand<TFloat32> count = tf.sum(mask, tf.constant(0));

        // forward
        List<Operand<TFloat32>> dropMasks = new ArrayList<>();
        Operand<TFloat32> x = tf.gather(embedding, trainIds, tf.constant(0));
        x = dropout(x, 0, dropMasks, t, b, config.embeddingDim());
        List<Operand<TFloat32>> layerInputs = new ArrayList<>();
        List<Operation> cells = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            layerInputs.add(x);
            Operation cell = blockLstm(seqLen, x, stateC.get(l), stateH.get(l), lstmW.get(l), lstmB.get(l));
            cells.add(cell);
            x = dropout(output(cell, 6), l + 1, dropMasks, t, b, h);
        }
        Operand<TFloat32> out = tf.reshape(x, tf.constant(new int[] {n, h}));
        SoftmaxForward forward = softmaxForward(out, safeTargets);
        Operand<TFloat32> lossSum = tf.math.neg(tf.sum(tf.math.mul(forward.targetLogProb, mask), tf.constant(0)));
        Operand<TFloat32> loss = tf.withName("train_loss").math.div(lossSum, tf.math.maximum(count, tf.constant(1f)));

        // backward, in units of d(lossSum); the objective lossSum / batchSize is applied in the update
        List<Operand<TFloat32>> grads = new ArrayList<>(Collections.nCopies(trainable.size(), null));
        SoftmaxGrads sg = softmaxBackward(forward, out, mask);
        for (int s = 0; s < sg.weightGrads.size(); s++) {
            grads.set(trainable.size() - sg.weightGrads.size() + s, sg.weightGrads.get(s));
        }
        if (config.tieWeights()) {
            grads.set(0, sg.tiedEmbeddingGrad);
        }
        Operand<TFloat32> dx = tf.reshape(sg.dOut, tf.constant(new int[] {t, b, h}));
        if (!dropMasks.isEmpty()) {
            dx = tf.math.mul(dx, dropMasks.get(layers));
        }
        for (int l = layers - 1; l >= 0; l--) {
            LayerGrads lg = backward == LstmBackward.FUSED
                    ? fusedLstmBackward(l, cells.get(l), layerInputs.get(l), seqLen, dx)
                    : perStepLstmBackward(l, cells.get(l), layerInputs.get(l), dx);
            grads.set(1 + 2 * l, lg.dw);
            grads.set(2 + 2 * l, lg.db);
            dx = lg.dx;
            if (!dropMasks.isEmpty()) {
                dx = tf.math.mul(dx, dropMasks.get(l));
            }
        }
        Operand<TFloat32> dEmbRows = tf.reshape(dx, tf.constant(new int[] {n, config.embeddingDim()}));
        Operand<TInt32> flatIds = tf.reshape(trainIds, tf.constant(new int[] {n}));
        Operand<TFloat32> sparseEmbGrad = null;
        Operand<TInt32> sparseEmbRows = null;
        if (config.tieWeights()) {
            grads.set(0, tf.tensorScatterNdAdd(grads.get(0), tf.expandDims(flatIds, tf.constant(1)), dEmbRows));
        } else if (config.optimizer() == LstmConfig.Optimizer.SGD) {
            Unique<TInt32, TInt32> unique = tf.unique(flatIds, tf.constant(new int[] {0}));
            sparseEmbRows = unique.y();
            sparseEmbGrad = tf.math.unsortedSegmentSum(dEmbRows, unique.idx(), tf.size(unique.y()));
        } else {
            grads.set(0, tf.math.unsortedSegmentSum(dEmbRows, flatIds, tf.constant(config.vocabSize())));
        }

        // global norm and clipping
        List<Operand<TFloat32>> squares = new ArrayList<>();
        List<Op> gradOps = new ArrayList<>();
        for (Operand<TFloat32> g : grads) {
            if (g != null) {
                squares.add(tf.nn.l2Loss(g));
                gradOps.add(g);
            }
        }
        if (sparseEmbGrad != null) {
            squares.add(tf.nn.l2Loss(sparseEmbGrad));
            gradOps.add(sparseEmbGrad);
        }
        Operand<TFloat32> sumSquares = tf.math.mul(tf.math.addN(squares), tf.constant(2f));
        Operand<TFloat32> norm = tf.withName("grad_norm").math.div(tf.math.sqrt(sumSquares), tf.constant((float) b));
        Operand<TFloat32> clip = config.maxGradNorm() > 0
                ? tf.math.minimum(tf.constant(1f), tf.math.div(tf.constant(config.maxGradNorm()), tf.math.maximum(norm, tf.constant(1e-12f))))
                : tf.constant(1f);
        Operand<TFloat32> scale = tf.math.div(clip, tf.constant((float) b));
        gradOps.add(loss);
        gradOps.add(norm);
        Op gradientsDone = tf.withControlDependencies(gradOps).withName("gradients_done").noOp();
        Ops after = tf.withControlDependencies(List.of(gradientsDone));

        // updates: they run after every gradient, hence after every read of a variable they modify
        List<Op> updates = new ArrayList<>();
        if (config.optimizer() == LstmConfig.Optimizer.SGD) {
            Operand<TFloat32> coef = after.math.mul(learningRate, scale);
            for (int i = 0; i < trainable.size(); i++) {
                if (grads.get(i) != null) {
                    updates.add(after.train.applyGradientDescent(trainable.get(i), coef, grads.get(i)));
                }
            }
            if (sparseEmbGrad != null) {
                updates.add(after.scatterSub(embedding, sparseEmbRows, after.math.mul(sparseEmbGrad, coef)));
            }
        } else {
            Operand<TFloat32> beta1 = tf.constant(ADAM_BETA1);
            Operand<TFloat32> beta2 = tf.constant(ADAM_BETA2);
            Operand<TFloat32> eps = tf.constant(ADAM_EPSILON);
            List<Op> applies = new ArrayList<>();
            for (int i = 0; i < trainable.size(); i++) {
                applies.add(after.train.applyAdam(trainable.get(i), adamM.get(i), adamV.get(i), adamBeta1Power, adamBeta2Power,
                        learningRate, beta1, beta2, eps, after.math.mul(grads.get(i), scale)));
            }
            updates.addAll(applies);
            Ops afterApplies = tf.withControlDependencies(applies);
            updates.add(afterApplies.assign(adamBeta1Power, afterApplies.math.mul(adamBeta1Power, beta1)));
            updates.add(afterApplies.assign(adamBeta2Power, afterApplies.math.mul(adamBeta2Power, beta2)));
        }
        Operand<TInt32> last = tf.constant(t - 1);
        for (int l = 0; l < layers; l++) {
            updates.add(after.assign(stateH.get(l), after.gather(output(cells.get(l), 6), last, tf.constant(0))));
            updates.add(after.assign(stateC.get(l), after.gather(output(cells.get(l), 1), last, tf.constant(0))));
        }
        updates.add(after.assignAdd(globalStep, tf.constant(1L)));
        Op op = tf.withControlDependencies(updates).withName("train_step").noOp();
        return new TrainStep(loss, norm, op);
    }

    /** Zaremba dropout mask number {@code k} of this step (stateless: a function of seed, step and k). */
    private Operand<TFloat32> dropout(Operand<TFloat32> x, int k, List<Operand<TFloat32>> masks, int t, int b, int width) {
        if (config.dropout() <= 0f) {
            return x;
        }
        float keep = 1f - config.dropout();
        Operand<TInt64> seed = tf.stack(List.of(tf.constant(config.seed() * 31 + k), globalStep));
        Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.constant(new int[] {t, b, width}), seed, TFloat32.class);
        Operand<TFloat32> m = tf.math.div(tf.math.floor(tf.math.add(u, tf.constant(keep))), tf.constant(keep));
        masks.add(m);
        return tf.math.mul(x, m);
    }

    // ------------------------------------------------------------------------------------ softmax

    /**
     * With M the row maximum of all logits: per shard s {@code E_s = exp(logits_s − M)} and overall
     * {@code Z = Σ_s rowsum(E_s)} (≥ 1, the maximum contributes exp(0)), so the softmax is E / Z and
     * {@code log p(target) = logit(target) − M − log Z}.
     */
    private record SoftmaxForward(Operand<TFloat32> input, List<Operand<TFloat32>> exps, Operand<TFloat32> z,
            List<Operand<TInt32>> index, List<Operand<TFloat32>> valid, Operand<TFloat32> targetLogProb) {
    }

    /**
     * {@code out [N, hidden]} → log-probabilities of {@code targets [N]}, computed in {@code shards}
     * independent column blocks of the vocabulary (so the blocks' [N, V_s] buffers stay small and
     * the blocks can run concurrently).
     */
    private SoftmaxForward softmaxForward(Operand<TFloat32> out, Operand<TInt32> targets) {
        Operand<TInt32> one = tf.constant(1);
        Operand<TFloat32> input = config.tieWeights() ? out : padOne(out);
        List<Operand<TFloat32>> logits = new ArrayList<>();
        if (config.tieWeights()) {
            logits.add(tf.nn.biasAdd(tf.linalg.matMul(out, embedding, MatMul.transposeB(true)), softmaxBias));
        } else {
            for (int s = 0; s < shards; s++) {
                logits.add(tf.linalg.matMul(input, softmaxW.get(s)));
            }
        }
        Operand<TFloat32> max = null;
        for (Operand<TFloat32> l : logits) {
            Operand<TFloat32> m = tf.max(l, one);
            max = max == null ? m : tf.math.maximum(max, m);
        }
        Operand<TFloat32> max2 = tf.expandDims(max, one);
        List<Operand<TFloat32>> exps = new ArrayList<>();
        List<Operand<TFloat32>> sums = new ArrayList<>();
        for (Operand<TFloat32> l : logits) {
            Operand<TFloat32> e = tf.math.exp(tf.math.sub(l, max2));
            exps.add(e);
            sums.add(tf.sum(e, one));
        }
        Operand<TFloat32> z = sums.size() == 1 ? sums.get(0) : tf.math.addN(sums);
        Operand<TInt32> rows = tf.range(tf.constant(0), tf.size(targets), one);
        List<Operand<TInt32>> index = new ArrayList<>();
        List<Operand<TFloat32>> valid = new ArrayList<>();
        List<Operand<TFloat32>> picked = new ArrayList<>();
        for (int s = 0; s < logits.size(); s++) {
            int size = shardOffsets[s + 1] - shardOffsets[s];
            Operand<TInt32> idx = targets;
            Operand<TFloat32> ok = null;
            if (logits.size() > 1) {
                Operand<TInt32> local = tf.math.sub(targets, tf.constant(shardOffsets[s]));
                idx = tf.clipByValue(local, tf.constant(0), tf.constant(size - 1));
                ok = tf.dtypes.cast(tf.math.logicalAnd(tf.math.greaterEqual(local, tf.constant(0)), tf.math.less(local, tf.constant(size))),
                        TFloat32.class);
            }
            Operand<TInt32> pairs = tf.stack(List.of(rows, idx), Stack.axis(1L));
            Operand<TFloat32> p = tf.gatherNd(logits.get(s), pairs);
            picked.add(ok == null ? p : tf.math.mul(p, ok));
            index.add(pairs);
            valid.add(ok);
        }
        Operand<TFloat32> pickedLogit = picked.size() == 1 ? picked.get(0) : tf.math.addN(picked);
        Operand<TFloat32> targetLogProb = tf.math.sub(tf.math.sub(pickedLogit, max), tf.math.log(z));
        return new SoftmaxForward(input, exps, z, index, valid, targetLogProb);
    }

    private record SoftmaxGrads(Operand<TFloat32> dOut, List<Operand<TFloat32>> weightGrads, Operand<TFloat32> tiedEmbeddingGrad) {
    }

    /**
     * Gradient of {@code −Σ mask_i log p(target_i)} w.r.t. the softmax weights and w.r.t. {@code out}.
     * The gradient of a shard's logits is {@code P = E / Z − onehot = w ⊙ E'} with row weights
     * {@code w = mask / Z} and {@code E' = E − Z · onehot}, which touches only N entries of E (in
     * place). With X the softmax input ([out, 1] untied):
     * <pre>
     *   dW = (w ⊙ X)ᵀ E'       [hidden + 1, V_s]
     *   dX = w ⊙ (E' Wᵀ)       [N, hidden + 1]
     * </pre>
     * so neither P nor any other [N, V] buffer is formed, and no column of W is gathered or scattered.
     */
    private SoftmaxGrads softmaxBackward(SoftmaxForward f, Operand<TFloat32> out, Operand<TFloat32> mask) {
        Operand<TInt32> one = tf.constant(1);
        Operand<TInt32> zero = tf.constant(0);
        Operand<TFloat32> rowWeight = tf.math.div(mask, f.z);
        Operand<TFloat32> w2 = tf.expandDims(rowWeight, one);
        Operand<TFloat32> xw = tf.math.mul(f.input, w2);
        List<Operand<TFloat32>> dInputs = new ArrayList<>();
        List<Operand<TFloat32>> corrected = new ArrayList<>();
        for (int s = 0; s < f.exps.size(); s++) {
            Operand<TFloat32> oneHot = f.valid.get(s) == null ? f.z : tf.math.mul(f.z, f.valid.get(s));
            Operand<TFloat32> e = tf.tensorScatterNdSub(f.exps.get(s), f.index.get(s), oneHot);
            corrected.add(e);
            Operand<TFloat32> weights = config.tieWeights() ? embedding : softmaxW.get(s);
            dInputs.add(tf.math.mul(tf.linalg.matMul(e, weights, MatMul.transposeB(!config.tieWeights())), w2));
        }
        Operand<TFloat32> dInput = dInputs.size() == 1 ? dInputs.get(0) : tf.math.addN(dInputs);
        if (!config.tieWeights()) {
            dInput = tf.slice(dInput, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, config.hiddenSize()}));
        }
        // The weight gradients are needed only at the update: ordered after dInput, they overlap the
        // LSTM's backward pass (a chain of small kernels) instead of delaying it.
        Ops later = !Boolean.getBoolean("lmforge.experiment.noOrder") ? tf.withControlDependencies(List.of(dInput)) : tf;
        List<Operand<TFloat32>> weightGrads = new ArrayList<>();
        Operand<TFloat32> tied = null;
        for (int s = 0; s < corrected.size(); s++) {
            Operand<TFloat32> e = corrected.get(s);
            if (config.tieWeights()) {
                tied = later.linalg.matMul(e, xw, MatMul.transposeA(true)); // [V, H]
                weightGrads.add(tf.reshape(later.linalg.matMul(tf.expandDims(rowWeight, zero), e), tf.constant(new int[] {config.vocabSize()})));
            } else {
                weightGrads.add(later.linalg.matMul(xw, e, MatMul.transposeA(true))); // [H+1, V_s]
            }
        }
        return new SoftmaxGrads(dInput, weightGrads, tied);
    }

    /** {@code [N, H]} → {@code [N, H + 1]} with a last column of ones (the bias input). */
    Operand<TFloat32> padOne(Operand<TFloat32> x) {
        OperationBuilder op = tf.scope().opBuilder("PadV2", "pad_one");
        op.addInput(x.asOutput());
        op.addInput(tf.constant(new int[][] {{0, 0}, {0, 1}}).asOutput());
        op.addInput(tf.constant(1f).asOutput());
        return output(op.build(), 0);
    }

    // ------------------------------------------------------------------------------------ LSTM

    /** TensorFlow's fused LSTM over a whole [time, batch, input] sequence; outputs i, cs, f, o, ci, co, h. */
    Operation blockLstm(Operand<TInt64> seqLen, Operand<TFloat32> x, Operand<TFloat32> c0, Operand<TFloat32> h0, Operand<TFloat32> w,
            Operand<TFloat32> b) {
        OperationBuilder op = tf.scope().opBuilder("BlockLSTM", "lstm");
        for (Operand<?> in : List.of(seqLen, x, c0, h0, w, zerosH, zerosH, zerosH, b)) {
            op.addInput(in.asOutput());
        }
        op.setAttr("forget_bias", 0f);
        op.setAttr("cell_clip", -1f);
        op.setAttr("use_peephole", false);
        return op.build();
    }

    private record LayerGrads(Operand<TFloat32> dx, Operand<TFloat32> dw, Operand<TFloat32> db) {
    }

    private LayerGrads fusedLstmBackward(int l, Operation cell, Operand<TFloat32> x, Operand<TInt64> seqLen, Operand<TFloat32> dh) {
        OperationBuilder op = tf.scope().opBuilder("BlockLSTMGrad", "lstm_grad");
        for (Operand<?> in : List.of(seqLen, x, stateC.get(l), stateH.get(l), lstmW.get(l), zerosH, zerosH, zerosH, lstmB.get(l))) {
            op.addInput(in.asOutput());
        }
        for (int k = 0; k < 7; k++) {
            op.addInput(cell.output(k));
        }
        op.addInput(tf.zerosLike(dh).asOutput());
        op.addInput(dh.asOutput());
        op.setAttr("use_peephole", false);
        Operation grad = op.build();
        return new LayerGrads(output(grad, 0), output(grad, 3), output(grad, 7));
    }

    /**
     * Backward pass of one layer, one step at a time: LSTMBlockCellGrad gives the gate gradients of
     * step t, one small product {@code dicfo_t W_hᵀ} the gradient of h_{t-1}. What does not recur is
     * done once for all steps in large products: the weight gradient {@code [x, h_prev]ᵀ dicfo}
     * ([input + hidden, T·B] × [T·B, 4 hidden]) and the input gradient {@code dicfo W_xᵀ}.
     */
    private LayerGrads perStepLstmBackward(int l, Operation cell, Operand<TFloat32> x, Operand<TFloat32> dh) {
        int t = config.bptt();
        int b = config.batchSize();
        int h = config.hiddenSize();
        int in = config.layerInput(l);
        Operand<TFloat32> w = lstmW.get(l);
        Operand<TFloat32> bias = lstmB.get(l);
        List<List<Output<TFloat32>>> outs = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            outs.add(tf.unstack(ModelGraph.<TFloat32>output(cell, k), (long) t).output());
        }
        List<Output<TFloat32>> xs = tf.unstack(x, (long) t).output();
        List<Output<TFloat32>> dhs = tf.unstack(dh, (long) t).output();
        Operand<TInt32> zero = tf.constant(0);
        Operand<TInt32> one = tf.constant(1);
        // W = [W_x; W_h]: the recurrence needs only W_hᵀ [4H, H], transposed once per step
        List<Output<TFloat32>> wParts = tf.splitV(w, tf.constant(new int[] {in, h}), zero, 2L).output();
        Operand<TFloat32> wxT = tf.linalg.transpose(wParts.get(0), tf.constant(new int[] {1, 0}));
        Operand<TFloat32> whT = tf.linalg.transpose(wParts.get(1), tf.constant(new int[] {1, 0}));
        Operand<TFloat32> dcs = tf.zeros(tf.constant(new int[] {b, h}), TFloat32.class);
        Operand<TFloat32> dhRecurrent = null;
        Operand<?>[] dicfo = new Operand<?>[t];
        for (int s = t - 1; s >= 0; s--) {
            Operand<TFloat32> dhTotal = dhRecurrent == null ? dhs.get(s) : tf.math.add(dhs.get(s), dhRecurrent);
            OperationBuilder op = tf.scope().opBuilder("LSTMBlockCellGrad", "lstm_cell_grad");
            Operand<TFloat32> csPrev = s == 0 ? stateC.get(l) : outs.get(1).get(s - 1);
            Operand<TFloat32> hPrev = s == 0 ? stateH.get(l) : outs.get(6).get(s - 1);
            for (Operand<?> input : List.of(xs.get(s), csPrev, hPrev, w, zerosH, zerosH, zerosH, bias, outs.get(0).get(s), outs.get(1).get(s),
                    outs.get(2).get(s), outs.get(3).get(s), outs.get(4).get(s), outs.get(5).get(s), dcs, dhTotal)) {
                op.addInput(input.asOutput());
            }
            op.setAttr("use_peephole", false);
            Operation grad = op.build();
            dcs = output(grad, 0);
            Operand<TFloat32> gates = output(grad, 1);
            dicfo[s] = gates;
            if (s > 0) {
                dhRecurrent = tf.linalg.matMul(gates, whT); // [B, H]
            }
        }
        @SuppressWarnings("unchecked")
        List<Operand<TFloat32>> gateList = (List<Operand<TFloat32>>) (List<?>) List.of(dicfo);
        Operand<TFloat32> gatesAll = tf.concat(gateList, zero); // [T*B, 4H]
        Operand<TFloat32> hPrevAll = tf.concat(List.of(tf.expandDims(stateH.get(l), zero),
                tf.slice(output(cell, 6), tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {t - 1, -1, -1}))), zero);
        Operand<TFloat32> xh = tf.concat(List.of(tf.reshape(x, tf.constant(new int[] {t * b, in})),
                tf.reshape(hPrevAll, tf.constant(new int[] {t * b, h}))), one);
        Operand<TFloat32> dw = tf.linalg.matMul(xh, gatesAll, MatMul.transposeA(true));
        Operand<TFloat32> db = tf.sum(gatesAll, zero);
        Operand<TFloat32> dx = tf.reshape(tf.linalg.matMul(gatesAll, wxT), tf.constant(new int[] {t, b, in}));
        return new LayerGrads(dx, dw, db);
    }

    // ------------------------------------------------------------------------------------ evaluation

    private Operand<TFloat32> buildEvalStep() {
        int h = config.hiddenSize();
        Operand<TInt32> shape = tf.shape(evalIds);
        Operand<TInt32> steps = tf.gather(shape, tf.constant(0), tf.constant(0));
        Operand<TInt64> seqLen = tf.dtypes.cast(steps, TInt64.class);
        Operand<TInt32> last = tf.math.sub(steps, tf.constant(1));
        Operand<TFloat32> x = tf.gather(embedding, evalIds, tf.constant(0));
        for (int l = 0; l < config.numLayers(); l++) {
            Operation cell = blockLstm(seqLen, x, evalC.get(l), evalH.get(l), lstmW.get(l), lstmB.get(l));
            x = output(cell, 6);
            evalHOut.add(tf.withName("eval_h_out_" + l).gather(x, last, tf.constant(0)));
            evalCOut.add(tf.withName("eval_c_out_" + l).gather(output(cell, 1), last, tf.constant(0)));
        }
        Operand<TFloat32> out = tf.reshape(x, tf.constant(new int[] {-1, h}));
        Operand<TFloat32> mask = tf.dtypes.cast(tf.math.greaterEqual(evalTargets, tf.constant(0)), TFloat32.class);
        SoftmaxForward forward = softmaxForward(out, tf.math.maximum(evalTargets, tf.constant(0)));
        return tf.withName("eval_loss_sum").math.neg(tf.sum(tf.math.mul(forward.targetLogProb, mask), tf.constant(0)));
    }

    // ------------------------------------------------------------------------------------ helpers

    private Variable<TFloat32> weight(String name, List<Op> inits, List<Variable<TFloat32>> trainable, int... dims) {
        Variable<TFloat32> var = tf.withName(name).variable(Shape.of(toLongs(dims)), TFloat32.class);
        float scale = config.initScale();
        Operand<TInt64> seed = tf.constant(new long[] {config.seed(), 1000 + inits.size()});
        Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.constant(dims), seed, TFloat32.class);
        inits.add(tf.assign(var, tf.math.sub(tf.math.mul(u, tf.constant(2 * scale)), tf.constant(scale))));
        trainable.add(var);
        return var;
    }

    private Variable<TFloat32> zeroVariable(String name, List<Op> inits, int... dims) {
        return zeroVariable(name, inits, toLongs(dims));
    }

    private Variable<TFloat32> zeroVariable(String name, List<Op> inits, long[] dims) {
        Variable<TFloat32> var = tf.withName(name).variable(Shape.of(dims), TFloat32.class);
        inits.add(tf.assign(var, tf.zeros(tf.constant(dims), TFloat32.class)));
        return var;
    }

    private static long[] toLongs(int[] dims) {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static <T extends TType> Output<T> output(Operation op, int index) {
        return (Output<T>) op.output(index);
    }

    /** Every trainable variable, in the order of the gradient list. */
    List<Variable<TFloat32>> trainableVariables() {
        List<Variable<TFloat32>> all = new ArrayList<>();
        all.add(embedding);
        for (int l = 0; l < config.numLayers(); l++) {
            all.add(lstmW.get(l));
            all.add(lstmB.get(l));
        }
        if (config.tieWeights()) {
            all.add(softmaxBias);
        } else {
            all.addAll(softmaxW);
        }
        return all;
    }
}
